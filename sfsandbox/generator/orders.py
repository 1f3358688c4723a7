"""Orders, quotes and their line items."""

from __future__ import annotations

from sfsandbox import wordlists as words
from sfsandbox.generator.base import FactoryBase
from sfsandbox.generator.clock import NOW, format_date, format_datetime
from sfsandbox.generator.shape import ENTRY_CURRENCIES
from sfsandbox.ids import make_id


class OrderBuilders(FactoryBase):
    def order_pricebook_index(self, order: int) -> int:
        return 0 if order % 5 or self.counts["Pricebook2"] < 2 else 1

    def order_currency(self, order: int) -> int:
        return 1 if self.multi_currency and self._hash(8, order) % 4 == 0 else 0

    def _order(self, i: int) -> dict:
        rng = self.rng("Order", i)
        rec = self._system(rng, "Order", i, owned=True, currency=ENTRY_CURRENCIES[self.order_currency(i)])
        n_accounts = self.counts["Account"]
        account = i % n_accounts
        opportunity = account if account < self.counts["Opportunity"] else None
        contact = account if account < self.counts["Contact"] else None
        activated = rng.random() < 0.6
        effective = rec["_created_epoch"] + 86400 * rng.between(0, 20)
        items = [self._order_item_amounts(j) for j in self._children(i, "Order", "OrderItem")]
        items = [(q, p, round(q * p, 2)) for q, p in items]
        rec.update(
            {
                "OrderNumber": f"{i + 100:08d}",
                "Name": None if rng.random() < 0.5 else f"PO-{rng.between(10000, 99999)}",
                "Status": "Activated" if activated else "Draft",
                "AccountId": make_id("Account", account),
                "BillToContactId": make_id("Contact", contact) if contact is not None else None,
                "ShipToContactId": None,
                "OpportunityId": make_id("Opportunity", opportunity)
                if opportunity is not None and rng.random() < 0.7
                else None,
                "Pricebook2Id": make_id("Pricebook2", self.order_pricebook_index(i)),
                "EffectiveDate": format_date(effective),
                "ActivatedDate": format_datetime(min(NOW, effective + 3600)) if activated else None,
                "EndDate": format_date(effective + 86400 * 365) if rng.random() < 0.3 else None,
                "TotalAmount": round(sum(total for _, _, total in items), 2),
                "Description": None,
            }
        )
        rec.update(self._address(rng, "Billing"))
        rec.update(self._address(rng, "Shipping"))
        for kind in self.messy_kinds("Order", i):
            if kind == "deleted_lookup":
                rec["AccountId"] = self._deleted_target("Account", i) or rec["AccountId"]
            elif kind == "null_fields":
                rec["BillToContactId"] = rec["OpportunityId"] = rec["BillingStreet"] = None
            elif kind == "long_text":
                rec["Description"] = self._long(i)
            elif kind == "country_variant":
                rec["ShippingCountry"] = rng.pick(words.COUNTRY_VARIANTS)
        return rec

    def _children(self, parent: int, parent_object: str, child_object: str) -> range:
        """Indices of the (round-robin assigned) children of a parent record."""
        return range(parent, self.counts[child_object], self.counts[parent_object])

    def _order_item_amounts(self, i: int) -> tuple[float, float]:
        order = i % self.counts["Order"]
        _, quantity, unit_price, _, _, _ = self.line_core(
            "OrderItem", i, self.order_pricebook_index(order), self.order_currency(order)
        )
        return quantity, unit_price

    def _order_item(self, i: int) -> dict:
        rng = self.rng("OrderItem", i)
        order = i % self.counts["Order"]
        currency = self.order_currency(order)
        rec = self._system(rng, "OrderItem", i, owned=False, currency=ENTRY_CURRENCIES[currency])
        product, quantity, unit_price, _, entry, list_price = self.line_core(
            "OrderItem", i, self.order_pricebook_index(order), currency
        )
        rec.update(
            {
                "OrderId": make_id("Order", order),
                "Product2Id": make_id("Product2", product),
                "PricebookEntryId": make_id("PricebookEntry", entry),
                "Description": None,
                "Quantity": quantity,
                "UnitPrice": unit_price,
                "ListPrice": list_price,
                "TotalPrice": round(quantity * unit_price, 2),
                "OrderItemNumber": f"{i + 1:010d}",
            }
        )
        return rec

    def _quote(self, i: int) -> dict:
        rng = self.rng("Quote", i)
        opportunity = i % self.counts["Opportunity"]
        currency = self.opportunity_currency(opportunity)
        pricebook = self.opportunity_pricebook_index(opportunity)
        rec = self._system(rng, "Quote", i, owned=True, currency=ENTRY_CURRENCIES[currency])
        account = self.opportunity_account_index(opportunity)
        contact = account if account < self.counts["Contact"] else None
        lines = [
            self.line_core("QuoteLineItem", j, pricebook, currency)
            for j in self._children(i, "Quote", "QuoteLineItem")
        ]
        subtotal = round(sum(line[1] * line[2] for line in lines), 2)
        total = round(sum(line[1] * line[2] * (1 - line[3] / 100) for line in lines), 2)
        tax = round(total * 0.08, 2)
        rec.update(
            {
                "Name": f"Quote for {self._company_name(account)}",
                "QuoteNumber": f"{i + 1:08d}",
                "Status": rng.pick(("Draft", "Needs Review", "Approved", "Presented", "Accepted", "Denied")),
                "AccountId": make_id("Account", account),
                "ContactId": make_id("Contact", contact) if contact is not None else None,
                "OpportunityId": make_id("Opportunity", opportunity),
                "Pricebook2Id": make_id("Pricebook2", pricebook),
                "Subtotal": subtotal,
                "TotalPrice": total,
                "Discount": round((1 - total / subtotal) * 100, 2) if subtotal else None,
                "Tax": tax,
                "GrandTotal": round(total + tax, 2),
                "ExpirationDate": format_date(rec["_created_epoch"] + 86400 * 30),
                "Description": None,
            }
        )
        for kind in self.messy_kinds("Quote", i):
            if kind == "null_fields":
                rec["ContactId"] = rec["ExpirationDate"] = None
            elif kind == "out_of_range":
                rec["Discount"] = 150.0
            elif kind == "unknown_picklist":
                rec["Status"] = rng.pick(words.UNKNOWN_PICKLIST[("Quote", "Status")])
        return rec

    def _quote_line_item(self, i: int) -> dict:
        rng = self.rng("QuoteLineItem", i)
        quote = i % self.counts["Quote"]
        opportunity = quote % self.counts["Opportunity"]
        currency = self.opportunity_currency(opportunity)
        rec = self._system(rng, "QuoteLineItem", i, owned=False, currency=ENTRY_CURRENCIES[currency])
        product, quantity, unit_price, discount, entry, list_price = self.line_core(
            "QuoteLineItem", i, self.opportunity_pricebook_index(opportunity), currency
        )
        subtotal = round(quantity * unit_price, 2)
        rec.update(
            {
                "QuoteId": make_id("Quote", quote),
                "Product2Id": make_id("Product2", product),
                "PricebookEntryId": make_id("PricebookEntry", entry),
                "Description": None,
                "Quantity": quantity,
                "UnitPrice": unit_price,
                "ListPrice": list_price,
                "Subtotal": subtotal,
                "TotalPrice": round(subtotal * (1 - discount / 100), 2),
                "Discount": discount,
                "LineNumber": f"{i // self.counts['Quote'] + 1:05d}",
                "SortOrder": i // self.counts["Quote"] + 1,
            }
        )
        if "out_of_range" in self.messy_kinds("QuoteLineItem", i):
            rec["Discount"] = 150.0
        return rec
