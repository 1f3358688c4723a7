"""Values of the custom fields (sfsandbox/schema/custom.py), messy ones included.

One hash per record feeds every field. Values Salesforce holds exactly but a float cannot
(1234567890123456.78) are `Decimal`s: the JSON writer emits their digits as they are.
"""

from __future__ import annotations

from decimal import Decimal

from sfsandbox.generator.base import FactoryBase
from sfsandbox.generator.clock import NOW, format_date, format_datetime
from sfsandbox.ids import make_id
from sfsandbox.schema.custom import (
    CHANNELS,
    COLORS,
    COMPETITORS,
    DELIVERY_WINDOWS,
    INTERESTS,
    REGIONS,
    SEGMENTS,
)

# Messy values: not in the picklist (picklists are unrestricted), or too precise for a float.
UNKNOWN_REGION = "Antarctica"
UNKNOWN_SEGMENT = "Legacy Tier"
UNKNOWN_INTEREST = "Blockchain"
EXACT_CONTRACT_VALUE = Decimal("1234567890123456.78")  # 18 significant digits
EXACT_WEIGHTS = (Decimal("0.1"), Decimal("0.2"), Decimal("0.3"))  # 0.1 + 0.2 == 0.3 here
_YEAR = 365 * 86400


def _multi(values: tuple[str, ...], bits: int) -> str | None:
    picked = [v for n, v in enumerate(values) if bits >> n & 1]
    return ";".join(picked) or None  # the API joins multi-select values with ";"


class CustomValues(FactoryBase):
    def _custom_account(self, i: int, rec: dict) -> None:
        h = self._hash(60, i)
        revenue = rec.get("AnnualRevenue") or 0
        contacts = self.counts["Contact"]
        rec.update(
            {
                "Region__c": REGIONS[h % 4] if h % 10 else None,
                "Segments__c": _multi(SEGMENTS, h >> 4),
                "Customer_Since__c": format_date(NOW - _YEAR * (1 + (h >> 9) % 12)) if h % 3 else None,
                "Credit_Limit__c": float((h >> 13) % 500 * 1000) if h % 5 else None,
                "Is_Strategic__c": (h >> 20) % 7 == 0,
                "Primary_Contact__c": make_id("Contact", i) if i < contacts and h % 4 else None,
                "Tier__c": "Enterprise" if revenue >= 1e7 else "Mid-Market" if revenue >= 1e6 else "SMB",
                "Internal_Score__c": round((h >> 24) % 10000 / 100, 2),
            }
        )
        if i % 29 == 7:
            rec["Region__c"] = UNKNOWN_REGION
        if i % 31 == 9:
            rec["Segments__c"] = f"SMB;{UNKNOWN_SEGMENT}"
        if i % 23 == 5:  # a lookup to a soft-deleted contact
            rec["Primary_Contact__c"] = self._deleted_target("Contact", i) or rec["Primary_Contact__c"]

    def _custom_contact(self, i: int, rec: dict) -> None:
        h = self._hash(61, i)
        accounts = self.counts["Account"]
        rec.update(
            {
                "Referred_By__c": make_id("Account", (i * 7 + 3) % accounts) if h % 5 == 0 else None,
                "Preferred_Channel__c": CHANNELS[h % 4] if (h >> 2) % 4 else None,
                "Interests__c": _multi(INTERESTS, h >> 5),
                "Secondary_Email__c": f"c{i}.alt@example.org" if h % 6 == 0 else None,
                "Desk_Phone__c": f"+1 415 555 {1000 + (h >> 10) % 9000}" if h % 2 else None,
                "LinkedIn_URL__c": f"https://www.linkedin.com/in/contact-{i}" if h % 3 == 0 else None,
                "Last_Contacted__c": format_datetime(NOW - (h >> 24) % (2 * _YEAR)) if h % 4 else None,
                "Loyalty_Points__c": float((h >> 40) % 20000) if h % 3 else None,
                "Notes__c": "Prefers morning calls.\nAsk about renewal." if h % 11 == 0 else None,
            }
        )
        if i % 37 == 11:
            rec["Interests__c"] = f"AI;{UNKNOWN_INTEREST}"
        if i % 41 == 13:  # referred by an account that was deleted since
            rec["Referred_By__c"] = self._deleted_target("Account", i) or rec["Referred_By__c"]

    def _custom_opportunity(self, i: int, rec: dict) -> None:
        h = self._hash(62, i)
        amount = rec.get("Amount")
        value = round(amount * 1.2, 2) if amount is not None and h % 3 else None
        if i % 43 == 17:
            value = EXACT_CONTRACT_VALUE
        rec.update(
            {
                "Contract_Value__c": value,
                "Discount_Rate__c": (0.0, 5.0, 12.5, 33.33)[h % 4] if h % 5 else None,
                "Competitors__c": _multi(COMPETITORS, h >> 3),
                "Go_Live_Date__c": format_date(rec["_created_epoch"] + 86400 * (60 + (h >> 8) % 300))
                if h % 2
                else None,
                "Partner_Account__c": make_id("Account", (i * 3 + 1) % self.counts["Account"])
                if h % 7 == 0
                else None,
                "Deal_Code__c": f"D-{i:06d}" if h % 4 else None,
                "Expected_Margin__c": round(amount * 0.3, 2) if amount is not None else None,
            }
        )

    def _custom_product(self, i: int, rec: dict) -> None:
        h = self._hash(63, i)
        weight: float | Decimal | None = round((h % 100000) / 1000, 3) if h % 4 else None
        if i % 5 == 2:
            weight = EXACT_WEIGHTS[i % 3]
        rec.update(
            {
                "Weight_Kg__c": weight,
                "Warranty_Months__c": float((12, 24, 36)[(h >> 17) % 3]) if h % 3 else None,
                "Launch_Date__c": format_date(NOW - 86400 * ((h >> 20) % 2000)) if h % 2 else None,
                "Is_Bundle__c": (h >> 31) % 5 == 0,
                "Colors__c": _multi(COLORS, h >> 33),
                "Spec_Sheet_URL__c": f"https://docs.example.com/specs/{i}.pdf" if h % 3 else None,
            }
        )

    def _custom_order(self, i: int, rec: dict) -> None:
        h = self._hash(64, i)
        shipped = None
        days = None
        if rec.get("Status") == "Activated" and h % 3:
            days = 1 + (h >> 4) % 9
            effective = rec["_created_epoch"]
            shipped = format_datetime(min(NOW - 1, effective + 86400 * days + 3600 * 10))
        rec.update(
            {
                "Delivery_Window__c": DELIVERY_WINDOWS[h % 3] if h % 4 else None,
                "Rush_Order__c": (h >> 9) % 6 == 0,
                "Shipped_At__c": shipped,
                "Tracking_Number__c": f"1Z{(h >> 12) % 10**10:010d}" if shipped else None,
                "Freight_Cost__c": round((h >> 20) % 50000 / 100, 2) if h % 2 else None,
                "Days_To_Ship__c": float(days) if days is not None else None,
            }
        )

    def _custom_quote(self, i: int, rec: dict) -> None:
        h = self._hash(65, i)
        rec.update(
            {
                "Valid_Days__c": float((15, 30, 60, 90)[h % 4]),
                "Margin_Percent__c": round((h >> 3) % 4000 / 100, 2) if h % 3 else None,
                "Approver_Email__c": "olivia.brown@example.com" if h % 2 else None,
                "Signed__c": rec.get("Status") == "Accepted",
                "Approval_Notes__c": "Approved with a 5% discount." if h % 5 == 0 else None,
            }
        )

    def _custom_opportunity_line_item(self, i: int, rec: dict) -> None:
        h = self._hash(66, i)
        price = rec.get("UnitPrice")
        rec["Line_Note__c"] = "Ship with the first delivery" if h % 6 == 0 else None
        rec["Cost_Price__c"] = round(price * 0.6, 2) if price is not None and h % 3 else None

    def _custom_order_item(self, i: int, rec: dict) -> None:
        rec["Gift_Wrap__c"] = self._hash(67, i) % 10 == 0

    def _custom_quote_line_item(self, i: int, rec: dict) -> None:
        price, list_price = rec.get("UnitPrice"), rec.get("ListPrice")
        rec["Line_Margin__c"] = round((price - list_price) / price * 100, 2) if price and list_price else None
