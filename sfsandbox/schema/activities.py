"""Task and Event (activities).

Object Reference: https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_objects_task.htm
and sforce_api_objects_event.htm. WhoId is a Contact or a Lead, WhatId any other object
(polymorphic: describe lists the ones this org has), AccountId is derived and read-only.
Archiving: https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_guidelines_archive.htm
"""

from __future__ import annotations

from sfsandbox.schema.fields import (
    FieldDef,
    _boolean,
    _date,
    _id,
    _picklist,
    _system_fields,
    _text,
    _textarea,
)

TASK_STATUSES = ("Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred")
TASK_CLOSED_STATUSES = frozenset({"Completed"})  # the TaskStatus object's IsClosed
TASK_PRIORITIES = ("High", "Normal", "Low")
TASK_SUBTYPES = ("Task", "Email", "ListEmail", "Cadence", "Call")
ACTIVITY_TYPES = ("Call", "Email", "Meeting", "Other")
TASK_SUBJECTS = ("Call", "Email", "Send Letter", "Send Quote", "Other")  # combobox values
EVENT_SUBJECTS = ("Call", "Email", "Meeting", "Send Letter/Quote", "Other")
CALL_TYPES = ("Internal", "Inbound", "Outbound")
SHOW_AS = ("Busy", "OutOfOffice", "Free")
EVENT_SUBTYPES = ("Event",)
WHO_TARGETS = ("Contact", "Lead")
WHAT_TARGETS = ("Account", "Campaign", "Case", "Opportunity", "Order", "Quote")
# Objects Salesforce archives, and so /query hides when IsArchived is true.
ARCHIVABLE = frozenset({"Task", "Event"})


def _combobox(name: str, label: str, values: tuple[str, ...]) -> FieldDef:
    return FieldDef(name, "combobox", label, length=255, picklist_values=values)


def _poly(name: str, label: str, relationship: str, targets: tuple[str, ...]) -> FieldDef:
    return FieldDef(name, "reference", label, length=18, reference_to=targets, relationship_name=relationship)


def _read_only(name: str, type_: str, label: str, **kwargs) -> FieldDef:
    return FieldDef(name, type_, label, createable=False, updateable=False, **kwargs)


def _links() -> tuple[FieldDef, ...]:
    return (
        _poly("WhoId", "Name ID", "Who", WHO_TARGETS),
        _poly("WhatId", "Related To ID", "What", WHAT_TARGETS),
        FieldDef(
            "AccountId",
            "reference",
            "Account ID",
            length=18,
            reference_to=("Account",),
            relationship_name="Account",
            createable=False,
            updateable=False,
        ),
    )


OBJECTS = {
    "Task": (
        "Task",
        "Tasks",
        (
            _id("Activity ID"),
            *_links(),
            _combobox("Subject", "Subject", TASK_SUBJECTS),
            _date("ActivityDate", "Due Date Only"),
            _picklist("Status", "Status", TASK_STATUSES, length=40, nillable=False, default="Not Started"),
            _picklist("Priority", "Priority", TASK_PRIORITIES, length=40, nillable=False, default="Normal"),
            _boolean("IsHighPriority", "High Priority", writable=False),
            _picklist("Type", "Type", ACTIVITY_TYPES, length=40),
            FieldDef(
                "TaskSubtype",
                "picklist",
                "Task Subtype",
                length=40,
                picklist_values=TASK_SUBTYPES,
                restricted_picklist=True,
                updateable=False,
            ),
            _textarea("Description", "Description", 32000),
            _boolean("IsClosed", "Closed", writable=False),
            _read_only("CompletedDateTime", "datetime", "Completed Date/Time"),
            FieldDef("CallDurationInSeconds", "int", "Call Duration", digits=8),
            _picklist("CallType", "Call Type", CALL_TYPES, length=40),
            _text("CallDisposition", "Call Result", 255),
            _boolean("IsArchived", "Archived", writable=False),
            *_system_fields(owned=True),
        ),
    ),
    "Event": (
        "Event",
        "Events",
        (
            _id("Activity ID"),
            *_links(),
            _combobox("Subject", "Subject", EVENT_SUBJECTS),
            FieldDef("StartDateTime", "datetime", "Start Date Time"),
            FieldDef("EndDateTime", "datetime", "End Date Time"),
            FieldDef("ActivityDateTime", "datetime", "Due Date Time"),
            _date("ActivityDate", "Due Date Only"),
            FieldDef("DurationInMinutes", "int", "Duration", digits=8),
            _boolean("IsAllDayEvent", "All-Day Event"),
            _text("Location", "Location", 255),
            _picklist("ShowAs", "Show Time As", SHOW_AS, length=40, default="Busy"),
            _picklist("Type", "Type", ACTIVITY_TYPES, length=40),
            FieldDef(
                "EventSubtype",
                "picklist",
                "Event Subtype",
                length=40,
                picklist_values=EVENT_SUBTYPES,
                restricted_picklist=True,
                updateable=False,
            ),
            _boolean("IsPrivate", "Private"),
            _textarea("Description", "Description", 32000),
            _boolean("IsArchived", "Archived", writable=False),
            *_system_fields(owned=True),
        ),
    ),
}
