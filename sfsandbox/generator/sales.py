"""Accounts, contacts and opportunities."""

from __future__ import annotations

from sfsandbox import wordlists as words
from sfsandbox.generator.base import FactoryBase
from sfsandbox.generator.clock import NOW, format_date
from sfsandbox.ids import make_id
from sfsandbox.schema import LEAD_SOURCES, OPPORTUNITY_STAGES, OPPORTUNITY_TYPES


class SalesBuilders(FactoryBase):
    def _account(self, i: int) -> dict:
        rng = self.rng("Account", i)
        rec = self._system(rng, "Account", i, owned=True)
        name = self._company_name(i)
        rec.update(
            {
                "Name": name,
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
        rec = self._system(rng, "Opportunity", i, owned=True)
        stage, probability, closed, won = rng.pick(OPPORTUNITY_STAGES)
        account = self.opportunity_account_index(i)
        rec.update(
            {
                "AccountId": make_id("Account", account),
                "Name": f"{self._company_name(account)} - {rng.pick(words.OPPORTUNITY_SUFFIXES)}",
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
                "Pricebook2Id": make_id("Pricebook2", 0),
            }
        )
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
                rec["Name"] = f"{rng.pick(words.UNICODE_NAMES)} – Erneuerung ✓"
        return rec
