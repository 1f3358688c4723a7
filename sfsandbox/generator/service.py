"""Leads (some converted into the org's accounts, contacts and opportunities), cases, campaigns."""

from __future__ import annotations

from sfsandbox import wordlists as words
from sfsandbox.generator.base import PURGED_INDEX, FactoryBase
from sfsandbox.generator.clock import NOW, format_date, format_datetime
from sfsandbox.ids import make_id
from sfsandbox.schema import INDUSTRIES, LEAD_SOURCES
from sfsandbox.schema.service import (
    CAMPAIGN_STATUSES,
    CAMPAIGN_TYPES,
    CASE_ORIGINS,
    CASE_PRIORITIES,
    CASE_REASONS,
    CASE_TYPES,
    LEAD_CONVERTED_STATUS,
    LEAD_RATINGS,
)

# Messy values: not in the picklists (Salesforce's picklists are unrestricted).
UNKNOWN_LEAD_STATUSES = ("Nurturing", "Recycled", "On Hold")
UNKNOWN_LEAD_SOURCES = ("Trade Show 2019", "Webinar (legacy)")
UNKNOWN_CASE_STATUSES = ("On Hold", "Waiting on Customer", "Resolved")  # IsClosed decides
UNKNOWN_CASE_PRIORITIES = ("Critical", "P1", "Urgent")
UNKNOWN_CASE_ORIGINS = ("Chat", "Twitter", "Walk-in")
CASE_SUBJECTS = (
    "Cannot log in to the portal",
    "Invoice shows the wrong amount",
    "Device does not power on",
    "Request for a replacement part",
    "Shipment arrived damaged",
    "Question about the warranty",
    "Integration returns error 500",
    "Training session reschedule",
)
CAMPAIGN_THEMES = ("Spring Launch", "Partner Summit", "Customer Webinar", "Trade Show", "Renewal Drive")
_OPEN_LEAD_STATUSES = ("Open - Not Contacted", "Working - Contacted", "Closed - Not Converted")


class ServiceBuilders(FactoryBase):
    # -- Lead ----------------------------------------------------------------------------
    def lead_converted(self, i: int) -> bool:
        """One lead in four was converted (and the messy converted_deleted_contact ones)."""
        return i % 4 == 1 or "converted_deleted_contact" in self.messy_kinds("Lead", i)

    def _conversion(self, i: int, h: int) -> tuple[str, str | None, str | None, int]:
        """(ConvertedAccountId, ConvertedContactId, ConvertedOpportunityId, contact created).

        The contact is a clean, live one created about when the lead was (leads and contacts
        spread over the same years), its account is the contact's, and two conversions in
        three also made an opportunity of that account.
        """
        contacts, leads = self.counts["Contact"], self.counts["Lead"]
        start = min(contacts - 1, i * contacts // max(leads, 1) + h % 3)
        contact = start
        for step in range(contacts):
            contact = (start + step) % contacts
            if not self.messy_kinds("Contact", contact) and contact not in self.shape.deleted_sets["Contact"]:
                break
        account = contact % self.counts["Account"]
        opportunity = None
        if (h >> 4) % 3 and account < self.counts["Opportunity"]:
            candidate = account
            if not self.messy_kinds("Opportunity", candidate) and (
                candidate not in self.shape.deleted_sets["Opportunity"]
            ):
                opportunity = make_id("Opportunity", candidate)
        created = self.created_epoch("Contact", contact)
        return make_id("Account", account), make_id("Contact", contact), opportunity, created

    def _lead(self, i: int) -> dict:
        rng = self.rng("Lead", i)
        rec = self._system(rng, "Lead", i, owned=True)
        h = self._hash(80, i)
        first, last = self._person(rng)
        company = self._company_name(1_000_000 + i)
        rec.update(
            {
                "Salutation": rng.pick(("Mr.", "Ms.", "Dr.", None)),
                "FirstName": first,
                "LastName": last,
                "Name": f"{first} {last}",
                "Company": company,
                "Title": rng.pick(words.TITLES),
                "Email": self._email(first, last, i, rng),
                "Phone": self._phone(rng),
                "MobilePhone": self._phone(rng) if rng.random() < 0.3 else None,
                "Website": "https://www." + company.split()[0].lower() + f"{i}.example.org",
                "Industry": rng.pick(INDUSTRIES),
                "Status": _OPEN_LEAD_STATUSES[h % 3],
                "LeadSource": rng.pick(LEAD_SOURCES + (None,)),
                "Rating": rng.pick(LEAD_RATINGS + (None,)),
                "NumberOfEmployees": rng.pick((3, 15, 60, 250, 1000, None)),
                "AnnualRevenue": float(rng.between(1, 2000) * 5000) if rng.random() < 0.7 else None,
                "Description": rng.pick(words.LOREM).strip() if rng.random() < 0.4 else None,
                "IsConverted": False,
                "ConvertedDate": None,
                "ConvertedAccountId": None,
                "ConvertedContactId": None,
                "ConvertedOpportunityId": None,
                "IsUnreadByOwner": rng.random() < 0.2,
            }
        )
        rec.update({k[7:]: v for k, v in self._address(rng, "Mailing").items()})
        if self.lead_converted(i):
            account, contact, opportunity, contact_created = self._conversion(i, h)
            rec.update(
                {
                    "IsConverted": True,
                    "Status": LEAD_CONVERTED_STATUS,
                    "ConvertedDate": format_date(min(NOW, max(rec["_created_epoch"], contact_created))),
                    "ConvertedAccountId": account,
                    "ConvertedContactId": contact,
                    "ConvertedOpportunityId": opportunity,
                }
            )
        for kind in self.messy_kinds("Lead", i):
            if kind == "converted_deleted_contact":
                # Converted, then the contact it became was deleted (still in the recycle bin).
                deleted = self._deleted_target("Contact", i)
                rec["ConvertedContactId"] = deleted or make_id("Contact", PURGED_INDEX + i)
            elif kind == "missing_last_name":
                rec["LastName"] = None  # Salesforce requires it; this came in through a migration
                rec["Name"] = rec["FirstName"]
            elif kind == "unknown_status":
                rec["Status"] = UNKNOWN_LEAD_STATUSES[h % len(UNKNOWN_LEAD_STATUSES)]
            elif kind == "duplicate_person" and i > 0:
                earlier = self._lead(i - 1)
                for key in ("FirstName", "LastName", "Name", "Email", "Company", "Phone"):
                    rec[key] = earlier[key]
            elif kind == "invalid_email":
                rec["Email"] = rng.pick(words.MESSY_EMAILS)
            elif kind == "unknown_picklist":
                rec["LeadSource"] = UNKNOWN_LEAD_SOURCES[h % len(UNKNOWN_LEAD_SOURCES)]
            elif kind == "unicode":
                rec["FirstName"], rec["LastName"] = rng.pick(words.UNICODE_PERSON)
                rec["Name"] = f"{rec['FirstName']} {rec['LastName']}"
        return rec

    # -- Case ----------------------------------------------------------------------------
    def _case(self, i: int) -> dict:
        rng = self.rng("Case", i)
        rec = self._system(rng, "Case", i, owned=True)
        h = self._hash(81, i)
        contact = i % self.counts["Contact"]
        status = ("New", "Working", "Escalated", "Closed", "Closed", "Closed")[h % 6]
        closed = status == "Closed"
        origin = CASE_ORIGINS[(h >> 4) % 3]
        rec.update(
            {
                "CaseNumber": f"{i + 1:08d}",
                "Subject": CASE_SUBJECTS[(h >> 8) % len(CASE_SUBJECTS)],
                "Status": status,
                "Priority": CASE_PRIORITIES[(h >> 12) % 3],
                "Origin": origin,
                "Type": rng.pick(CASE_TYPES + (None,)),
                "Reason": rng.pick(CASE_REASONS + (None,)),
                "AccountId": self.contact_account_ref(contact),
                "ContactId": make_id("Contact", contact),
                "SuppliedName": None,
                "SuppliedEmail": None,
                "IsClosed": closed,
                "ClosedDate": None,
                "IsEscalated": status == "Escalated",
                "Description": rng.pick(words.LOREM).strip() if rng.random() < 0.6 else None,
            }
        )
        if origin == "Web":  # web-to-case fills the supplied name and email
            rec["SuppliedName"], rec["SuppliedEmail"] = "Web Visitor", f"visitor{i}@example.net"
        for kind in self.messy_kinds("Case", i):
            if kind == "unknown_status":
                rec["Status"] = UNKNOWN_CASE_STATUSES[h % len(UNKNOWN_CASE_STATUSES)]
                rec["IsClosed"] = closed = bool(h >> 20 & 1)
            elif kind == "unknown_priority":
                rec["Priority"] = UNKNOWN_CASE_PRIORITIES[h % len(UNKNOWN_CASE_PRIORITIES)]
            elif kind == "empty_subject":
                rec["Subject"] = None
            elif kind == "deleted_lookup":
                rec["ContactId"] = self._deleted_target("Contact", i) or rec["ContactId"]
            elif kind == "unknown_origin":
                rec["Origin"] = UNKNOWN_CASE_ORIGINS[h % len(UNKNOWN_CASE_ORIGINS)]
            elif kind == "long_text":
                rec["Description"] = self._long(i)
        if closed:
            rec["ClosedDate"] = format_datetime(
                min(NOW - 1, rec["_created_epoch"] + 3600 * (1 + (h >> 24) % 400))
            )
        return rec

    def _custom_lead(self, i: int, rec: dict) -> None:
        h = self._hash(82, i)
        rec["Lead_Score__c"] = float(h % 101) if h % 5 else None
        rec["Product_Interest__c"] = ("Hardware", "Software", "Services", "Training", None)[(h >> 8) % 5]
        rec["Trial_Started__c"] = (
            format_date(rec["_created_epoch"] + 86400 * ((h >> 12) % 20)) if h % 3 == 0 else None
        )

    def _custom_case(self, i: int, rec: dict) -> None:
        h = self._hash(83, i)
        rec["SLA_Breached__c"] = h % 9 == 0
        rec["Product_Area__c"] = ("Billing", "Installation", "Hardware", "Software", None)[(h >> 4) % 5]

    # -- Campaign ------------------------------------------------------------------------
    def _campaign(self, i: int) -> dict:
        rng = self.rng("Campaign", i)
        rec = self._system(rng, "Campaign", i, owned=True)
        start = rec["_created_epoch"] + 86400 * rng.between(7, 60)
        status = rng.pick(CAMPAIGN_STATUSES)
        rec.update(
            {
                "Name": f"{CAMPAIGN_THEMES[i % len(CAMPAIGN_THEMES)]} {format_date(start)[:4]} #{i + 1}",
                "Type": rng.pick(CAMPAIGN_TYPES),
                "Status": status,
                "StartDate": format_date(start),
                "EndDate": format_date(start + 86400 * rng.between(1, 90)),
                "IsActive": status in ("Planned", "In Progress"),
                "Description": None,
            }
        )
        return rec
