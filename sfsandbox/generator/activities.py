"""Tasks and events: what they are about (WhoId, WhatId, AccountId) and which are archived.

AccountId is derived as Salesforce documents it (Task "AccountId"): the WhatId's account when
WhatId is an Account or an Opportunity, otherwise the WhoId contact's account, otherwise null.
A task or event about a lead has no WhatId ("If the WhoId refers to a lead, then the WhatId
field must be empty").

Archived (https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_guidelines_archive.htm):
events whose ActivityDateTime or ActivityDate is 365 days old or more; closed tasks whose
ActivityDate is 365 days old or more; closed tasks without ActivityDate created 365 days ago
or more. Measured against the org's frozen clock (NOW). `task_archived` / `event_archived`
decide it from the index alone, so the org can list archived records without building them.
"""

from __future__ import annotations

from sfsandbox.generator.base import FactoryBase
from sfsandbox.generator.clock import NOW, format_date, format_datetime
from sfsandbox.ids import index_from_id, make_id
from sfsandbox.schema.activities import TASK_PRIORITIES

ARCHIVE_AGE_DAYS = 365
_NOW_DAY = NOW // 86400
UNKNOWN_TASK_STATUSES = ("Blocked", "Cancelled")  # IsClosed decides
UNKNOWN_TASK_PRIORITIES = ("Urgent", "Critical")
_OPEN_TASK_STATUSES = ("Not Started", "In Progress", "Waiting on someone else", "Deferred")
# TaskSubtype with the Type and Subject that go with it, by share of 100.
_SUBTYPES = (
    (35, "Task", None, "Other"),
    (30, "Call", "Call", "Call"),
    (30, "Email", "Email", "Email"),
    (3, "ListEmail", "Email", "Email"),
    (2, "Cadence", None, "Send Quote"),
)
_SUBTYPE_TABLE = tuple(entry for entry in _SUBTYPES for _ in range(entry[0]))
# WhatId kinds for activities about a contact (or none), by share of 20.
_WHAT_KINDS = (
    ("Account",) * 6 + ("Opportunity",) * 5 + ("Case",) * 2 + ("Order", "Quote", "Campaign") + (None,) * 4
)
EVENT_LOCATIONS = ("Customer site", "Zoom", "Head office, room 2", "Phone", None)
EVENT_DURATIONS = (30, 45, 60, 90, 120)


class ActivityBuilders(FactoryBase):
    # -- links ---------------------------------------------------------------------------
    def _who_what(self, object_name: str, i: int, h: int) -> dict:
        """WhoId, WhatId and the derived AccountId of an activity."""
        pick = h % 10
        who = what = None
        contact = None
        account = None  # derived_account's answer, from the indices at hand (no Id parsing)
        if pick < 6 and self.counts["Contact"]:
            contact = self.live_index("Contact", i % self.counts["Contact"])
            who = make_id("Contact", contact)
        elif pick < 8 and self.counts["Lead"]:
            who = make_id("Lead", self.live_index("Lead", i % self.counts["Lead"]))
        if not (who and who.startswith("00Q")):  # a lead's activities have no WhatId
            kind = _WHAT_KINDS[(h >> 8) % len(_WHAT_KINDS)]
            if kind is not None and self.counts.get(kind):
                if kind == "Account" and contact is not None:
                    index = contact % self.counts["Account"]
                else:
                    index = (i * 7 + (h >> 16) % 5) % self.counts[kind]
                index = self.live_index(kind, index)
                what = make_id(kind, index)
                if kind == "Account":
                    account = what
                elif kind == "Opportunity":
                    account = self.opportunity_account_ref(index)
                    return {"WhoId": who, "WhatId": what, "AccountId": account}
        if account is None and contact is not None:
            account = self.contact_account_ref(contact)
        return {"WhoId": who, "WhatId": what, "AccountId": account}

    def derived_account(self, who: str | None, what: str | None) -> str | None:
        """AccountId as Salesforce derives it from WhatId and WhoId (generated records)."""
        if what and what.startswith("001"):
            return what
        if what and what.startswith("006"):
            index = index_from_id("Opportunity", what)
            return self.opportunity_account_ref(index) if index is not None else None
        if who and who.startswith("003"):
            index = index_from_id("Contact", who)
            return self.contact_account_ref(index) if index is not None else None
        return None

    # -- Task ----------------------------------------------------------------------------
    def _task_plan(self, i: int) -> tuple[int, bool, int | None]:
        """(hash, IsClosed, ActivityDate as epoch or None): all from the index."""
        h = self._hash(71, i)
        closed = h % 100 < 65
        if (h >> 16) % 10 == 0:
            return h, closed, None
        offset = (h >> 20) % 34 - 3
        return h, closed, self.created_base("Task", i) + 86400 * offset

    def task_archived(self, i: int) -> bool:
        _, closed, due = self._task_plan(i)
        if not closed:
            return False
        if due is not None:
            return _NOW_DAY - due // 86400 >= ARCHIVE_AGE_DAYS
        return NOW - self.created_epoch("Task", i) >= ARCHIVE_AGE_DAYS * 86400

    def _task(self, i: int) -> dict:
        rng = self.rng("Task", i)
        rec = self._system(rng, "Task", i, owned=True)
        h, closed, due = self._task_plan(i)
        _, subtype, type_, subject = _SUBTYPE_TABLE[(h >> 28) % 100]
        priority = TASK_PRIORITIES[(h >> 36) % 3]
        rec.update(self._who_what("Task", i, h >> 40))
        rec.update(
            {
                "Subject": subject,
                "ActivityDate": format_date(due) if due is not None else None,
                "Status": "Completed" if closed else _OPEN_TASK_STATUSES[(h >> 8) % 4],
                "Priority": priority,
                "IsHighPriority": priority == "High",
                "Type": type_,
                "TaskSubtype": subtype,
                "Description": rng.pick(self._notes_text) if rng.random() < 0.5 else None,
                "IsClosed": closed,
                "CompletedDateTime": format_datetime(min(NOW - 1, (due or rec["_created_epoch"]) + 3600 * 15))
                if closed
                else None,
                "CallDurationInSeconds": rng.between(30, 1800) if subtype == "Call" else None,
                "CallType": rng.pick(("Inbound", "Outbound")) if subtype == "Call" else None,
                "CallDisposition": rng.pick(("Left voicemail", "Connected", "No answer"))
                if subtype == "Call"
                else None,
                "IsArchived": self.task_archived(i),
            }
        )
        for kind in self.messy_kinds("Task", i):
            if kind == "no_subject":
                rec["Subject"] = None
            elif kind == "unknown_status":
                rec["Status"] = UNKNOWN_TASK_STATUSES[h % 2]  # IsClosed stays as it was
            elif kind == "unknown_priority":
                rec["Priority"] = UNKNOWN_TASK_PRIORITIES[h % 2]
                rec["IsHighPriority"] = False
            elif kind == "deleted_who":
                rec["WhoId"] = self._deleted_target("Contact", i) or rec["WhoId"]
                rec["AccountId"] = self.derived_account(rec["WhoId"], rec["WhatId"])
            elif kind == "long_text":
                rec["Description"] = self._long(i)
        return rec

    # -- Event ---------------------------------------------------------------------------
    def _event_plan(self, i: int) -> tuple[int, bool, int, int]:
        """(hash, IsAllDayEvent, start epoch, duration in minutes): all from the index."""
        h = self._hash(72, i)
        all_day = h % 5 == 0
        day = self.created_base("Event", i) // 86400 + (h >> 8) % 40 - 5
        if all_day:
            return h, True, day * 86400, 1440 * (1 + (h >> 16) % 3)
        start = day * 86400 + 3600 * (8 + (h >> 16) % 9) + 1800 * ((h >> 24) % 2)
        return h, False, start, EVENT_DURATIONS[(h >> 28) % len(EVENT_DURATIONS)]

    def event_archived(self, i: int) -> bool:
        _, all_day, start, _ = self._event_plan(i)
        if all_day:  # ActivityDate
            return _NOW_DAY - start // 86400 >= ARCHIVE_AGE_DAYS
        return NOW - start >= ARCHIVE_AGE_DAYS * 86400  # ActivityDateTime

    def _event(self, i: int) -> dict:
        rng = self.rng("Event", i)
        rec = self._system(rng, "Event", i, owned=True)
        h, all_day, start, minutes = self._event_plan(i)
        # An all-day event runs from midnight of its first day; EndDateTime is midnight of
        # its last day and DurationInMinutes a multiple of 1440.
        end = start + 86400 * (minutes // 1440 - 1) if all_day else start + 60 * minutes
        rec.update(self._who_what("Event", i, h >> 32))
        rec.update(
            {
                "Subject": ("Meeting", "Call", "Meeting", "Other")[(h >> 4) % 4],
                "StartDateTime": format_datetime(start),
                "EndDateTime": format_datetime(end),
                "ActivityDateTime": None if all_day else format_datetime(start),
                "ActivityDate": format_date(start),
                "DurationInMinutes": minutes,
                "IsAllDayEvent": all_day,
                "Location": rng.pick(EVENT_LOCATIONS),
                "ShowAs": "Free" if all_day else "Busy",
                "Type": ("Meeting", "Call", "Meeting", "Other")[(h >> 4) % 4],
                "EventSubtype": "Event",
                "IsPrivate": rng.random() < 0.05,
                "Description": rng.pick(self._notes_text) if rng.random() < 0.4 else None,
                "IsArchived": self.event_archived(i),
            }
        )
        for kind in self.messy_kinds("Event", i):
            if kind == "end_before_start":
                # Imported from a calendar that let the end come first.
                rec["EndDateTime"] = format_datetime(start - 5400)
                rec["DurationInMinutes"] = -90
            elif kind == "no_subject":
                rec["Subject"] = None
            elif kind == "deleted_what" and not (rec["WhoId"] or "").startswith("00Q"):
                rec["WhatId"] = self._deleted_target("Opportunity", i) or rec["WhatId"]
                rec["AccountId"] = self.derived_account(rec["WhoId"], rec["WhatId"])
            elif kind == "long_text":
                rec["Description"] = self._long(i)
        return rec
