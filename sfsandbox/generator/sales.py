"""Accounts, contacts and opportunities."""

from __future__ import annotations

from sfsandbox import wordlists as words
from sfsandbox.generator.base import FactoryBase
from sfsandbox.generator.clock import NOW, format_date
from sfsandbox.generator.shape import ENTRY_CURRENCIES
from sfsandbox.ids import make_id
from sfsandbox.schema import LEAD_SOURCES, OPPORTUNITY_STAGES, OPPORTUNITY_TYPES

# Lookups to records deleted and purged long ago: Ids past the generated range.
PURGED_INDEX = 800_000_000


class SalesBuilders(FactoryBase):
    def _account(self, i: int) -> dict:
        rng = self.rng("Account", i)
        rec = self._system(rng, "Account", i, owned=True)
        name = self._company_name(i)
        rec.update(
            {
                "Name": name,
                "ParentId": self.account_parent(i),
                "Type": rng.pick(
                    (
                        "Prospect",
                        "Customer - Direct",
                        "Customer - Channel",
                        "Channel Partner / Reseller",
                        "Other",
                    )
                ),
                "AccountNumber": f"CD{rng.between(100000, 999999)}",
                "Website": "https://www." + name.split()[0].lower() + f"{i}.example.com",
                "Phone": self._phone(rng),
                "Fax": self._phone(rng) if rng.random() < 0.3 else None,
                "Industry": rng.pick(
                    (
                        "Technology",
                        "Manufacturing",
                        "Retail",
                        "Finance",
                        "Healthcare",
                        "Energy",
                        "Media",
                        "Education",
                        "Consulting",
                        "Transportation",
                        "Other",
                    )
                ),
                "NumberOfEmployees": rng.pick((5, 12, 40, 120, 350, 1200, 5000, 25000)),
                "AnnualRevenue": float(rng.between(1, 5000) * 10000),
                "Description": rng.pick(words.LOREM).strip() if rng.random() < 0.6 else None,
            }
        )
        rec.update(self._address(rng, "Billing"))
        if rng.random() < 0.5:
            rec.update(self._address(rng, "Shipping"))
        else:
            rec.update(
                {k.replace("Billing", "Shipping"): v for k, v in rec.items() if k.startswith("Billing")}
            )
        for kind in self.messy_kinds("Account", i):
            if kind == "duplicate_name":
                rec["Name"] = self._company_name(max(0, i - 1 - rng.below(5)))
            elif kind == "duplicate_name_case":
                rec["Name"] = self._company_name(max(0, i - 1)).upper()
            elif kind == "long_text":
                rec["Description"] = self._long(i)
            elif kind == "long_name":
                rec["Name"] = (name + " " + "International Holdings " * 20)[:255]
            elif kind == "unicode":
                rec["Name"] = rng.pick(words.UNICODE_NAMES)
            elif kind == "country_variant":
                rec["BillingCountry"] = rng.pick(words.COUNTRY_VARIANTS)
            elif kind == "unknown_picklist":
                rec["Industry"] = rng.pick(words.UNKNOWN_PICKLIST[("Account", "Industry")])
            elif kind == "null_fields":
                for key in (
                    "Website",
                    "Phone",
                    "Industry",
                    "BillingStreet",
                    "BillingCity",
                    "BillingCountry",
                    "NumberOfEmployees",
                    "AnnualRevenue",
                ):
                    rec[key] = None
            elif kind == "out_of_range":
                rec["NumberOfEmployees"] = rng.pick((-1, 0, 99999999))
                rec["AnnualRevenue"] = rng.pick((-250000.0, 999999999999999999.0))
        return rec

    def contact_account_index(self, contact: int) -> int:
        return contact % self.counts["Account"]

    def _contact(self, i: int) -> dict:
        rng = self.rng("Contact", i)
        rec = self._system(rng, "Contact", i, owned=True)
        first, last = self._person(rng)
        rec.update(
            {
                "AccountId": make_id("Account", self.contact_account_index(i)),
                "ReportsToId": self.contact_manager(i),
                "Salutation": rng.pick(("Mr.", "Ms.", "Mrs.", "Dr.", None)),
                "FirstName": first,
                "LastName": last,
                "Name": f"{first} {last}",
                "Email": self._email(first, last, i, rng),
                "Phone": self._phone(rng),
                "MobilePhone": self._phone(rng) if rng.random() < 0.4 else None,
                "Title": rng.pick(words.TITLES),
                "Department": rng.pick(words.DEPARTMENTS),
                "LeadSource": rng.pick(LEAD_SOURCES + (None,)),
                "DoNotCall": rng.random() < 0.05,
                "HasOptedOutOfEmail": rng.random() < 0.1,
                "Birthdate": format_date(NOW - 86400 * rng.between(8000, 25000))
                if rng.random() < 0.3
                else None,
                "Description": None,
            }
        )
        rec.update(self._address(rng, "Mailing"))
        for kind in self.messy_kinds("Contact", i):
            if kind == "invalid_email":
                rec["Email"] = rng.pick(words.MESSY_EMAILS)
            elif kind == "duplicate_email":
                rec["Email"] = "info@example.com"
            elif kind == "no_account":
                rec["AccountId"] = None
            elif kind == "deleted_lookup":
                rec["AccountId"] = self._deleted_target("Account", i) or rec["AccountId"]
            elif kind == "long_text":
                rec["Description"] = self._long(i)
            elif kind == "long_title":
                rec["Title"] = (
                    "Senior Vice President, Global Strategic Partnerships and "
                    "Alliances, Europe, Middle East and Africa Region " * 2
                )[:128]
            elif kind == "unicode":
                rec["FirstName"], rec["LastName"] = rng.pick(words.UNICODE_PERSON)
                rec["Name"] = f"{rec['FirstName']} {rec['LastName']}"
            elif kind == "null_fields":
                for key in (
                    "FirstName",
                    "Email",
                    "Phone",
                    "Title",
                    "MailingStreet",
                    "MailingCity",
                    "MailingCountry",
                ):
                    rec[key] = None
                rec["Name"] = rec["LastName"]
            elif kind == "country_variant":
                rec["MailingCountry"] = rng.pick(words.COUNTRY_VARIANTS)
            elif kind == "unknown_picklist":
                rec["LeadSource"] = rng.pick(words.UNKNOWN_PICKLIST[("Contact", "LeadSource")])
        return rec

    def opportunity_account_index(self, opportunity: int) -> int:
        return opportunity % self.counts["Account"]

    def _opportunity(self, i: int) -> dict:
        rng = self.rng("Opportunity", i)
        currency = ENTRY_CURRENCIES[self.opportunity_currency(i)]
        rec = self._system(rng, "Opportunity", i, owned=True, currency=currency)
        lines = self.opportunity_line_items(i) if self.counts["OpportunityLineItem"] else range(0)
        stage, probability, closed, won = rng.pick(OPPORTUNITY_STAGES)
        account = self.opportunity_account_index(i)
        rec.update(
            {
                "AccountId": make_id("Account", account),
                "Name": self.opportunity_name(i),
                "Description": rng.pick(words.LOREM).strip() if rng.random() < 0.4 else None,
                "StageName": stage,
                "Amount": round(rng.between(500, 500000) + rng.below(100) / 100, 2),
                "Probability": probability,
                "CloseDate": format_date(rec["_created_epoch"] + 86400 * rng.between(14, 270)),
                "Type": rng.pick(OPPORTUNITY_TYPES + (None,)),
                "NextStep": "Send proposal" if not closed and rng.random() < 0.3 else None,
                "LeadSource": rng.pick(LEAD_SOURCES + (None,)),
                "IsClosed": closed,
                "IsWon": won,
                "Pricebook2Id": make_id("Pricebook2", self.opportunity_pricebook_index(i))
                if self.counts["Pricebook2"]
                else None,
                "HasOpportunityLineItem": bool(lines),
            }
        )
        if lines:  # Amount is the sum of the line items' totals, as Salesforce keeps it
            rec["Amount"] = round(sum(self._line_amounts(j) for j in lines), 2)
        for kind in self.messy_kinds("Opportunity", i):
            if kind == "negative_amount":
                # null_fields may have come first: a negative amount needs an amount.
                rec["Amount"] = -abs(rec["Amount"] or 1000.0)
            elif kind == "probability_out_of_range":
                rec["Probability"] = rng.pick((110, 150, 999))
            elif kind == "unknown_picklist":
                rec["StageName"] = rng.pick(words.UNKNOWN_PICKLIST[("Opportunity", "StageName")])
            elif kind == "null_fields":
                rec["AccountId"] = rec["Amount"] = rec["Type"] = rec["Probability"] = None
            elif kind == "long_text":
                rec["Description"] = self._long(i)
            elif kind == "deleted_lookup":
                rec["AccountId"] = self._deleted_target("Account", i) or rec["AccountId"]
            elif kind == "unicode":
                pass  # opportunity_name() gives these their unicode name
        return rec

    def opportunity_name(self, opportunity: int) -> str:
        h = self._hash(9, opportunity)
        if "unicode" in self.messy_kinds("Opportunity", opportunity):
            return f"{words.UNICODE_NAMES[h % len(words.UNICODE_NAMES)]} – Erneuerung ✓"
        account = self.opportunity_account_index(opportunity)
        suffix = words.OPPORTUNITY_SUFFIXES[h % len(words.OPPORTUNITY_SUFFIXES)]
        return f"{self._company_name(account)} - {suffix}"

    # -- hierarchy -----------------------------------------------------------------------
    # Accounts come in blocks of 10: the block's last account (position 9) is the parent of
    # positions 0-2, whose Ids sort before it, and position 0 is the parent of 3 (a
    # grandchild). Position 6 points at an account that was deleted and purged (an Id that
    # resolves to nothing) in every third block, 7 at a soft-deleted account in every fifth.
    # Edges only go to positions 9 and 0, whose own parents are 9 or none: no cycles.
    def account_parent(self, i: int) -> str | None:
        block, position = divmod(i, 10)
        root = block * 10 + 9
        if root >= self.counts["Account"]:
            return None
        if position in (0, 1, 2):
            return make_id("Account", root)
        if position == 3:
            return make_id("Account", block * 10)
        if position == 6 and block % 3 == 1:
            return make_id("Account", PURGED_INDEX + i)
        if position == 7 and block % 5 == 2:
            return self._safe_deleted("Account", i, lambda d: d % 10 == 7 and d // 10 % 5 == 2)
        return None

    # The contacts of an account are c, c + nA, c + 2nA, ... (k = 0, 1, 2, ...): k = 0 and 1
    # report to k = 2 (sorting after them), k = 3 to k = 0, k = 4 to a purged contact and, for
    # one account in seven, k = 1 to a soft-deleted contact instead.
    def contact_manager(self, i: int) -> str | None:
        accounts = self.counts["Account"]
        account, k = i % accounts, i // accounts
        if k in (0, 1):
            if k == 1 and account % 7 == 3:
                return self._safe_deleted(
                    "Contact", i, lambda d: d // accounts == 1 and d % accounts % 7 == 3
                )
            manager = account + 2 * accounts
            return make_id("Contact", manager) if manager < self.counts["Contact"] else None
        if k == 3:
            return make_id("Contact", account)
        if k == 4:
            return make_id("Contact", PURGED_INDEX + i)
        return None

    def _safe_deleted(self, object_name: str, i: int, points_at_deleted) -> str | None:
        """A soft-deleted record whose own link does not lead to a deleted one (no cycles)."""
        deleted = self.shape.deleted[object_name]
        for offset in range(len(deleted)):
            candidate = deleted[(i + offset) % len(deleted)]
            if not points_at_deleted(candidate):
                return make_id(object_name, candidate)
        return None
