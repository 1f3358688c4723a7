"""Products, price books, price book entries and opportunity line items."""

from __future__ import annotations

from sfsandbox import wordlists as words
from sfsandbox.generator.base import _NO_MESSY, FactoryBase
from sfsandbox.generator.clock import format_date
from sfsandbox.generator.shape import ENTRY_CURRENCIES, LINE_ITEMS_CYCLE, LINE_ITEMS_START
from sfsandbox.ids import make_id
from sfsandbox.schema import CONVERSION_RATES

# (Name, IsActive, Description) of the price books, standard first.
PRICEBOOKS = (
    ("Standard Price Book", True, None),
    ("Partner Price Book", True, "Discounted prices for channel partners"),
    ("Legacy Price Book 2019", False, "Retired; entries follow the standard price"),
)


class PricingBuilders(FactoryBase):
    def _product(self, i: int) -> dict:
        rng = self.rng("Product2", i)
        rec = self._system(rng, "Product2", i, owned=False)
        name = f"{rng.pick(words.PRODUCT_ADJECTIVES)} {rng.pick(words.PRODUCT_WORDS)}"
        rec.update(
            {
                "Name": f"{name} {100 + i}",
                "ProductCode": f"{name[:2].upper()}-{i:06d}",
                "Description": f"{name} for business customers." if rng.random() < 0.7 else None,
                "IsActive": rng.random() < 0.9,
                "Family": rng.pick(("Hardware", "Software", "Services", "Training", None)),
            }
        )
        for kind in self.messy_kinds("Product2", i):
            if kind == "unicode":
                rec["Name"] = f"{rng.pick(words.UNICODE_NAMES)} Modul {i}"
            elif kind == "long_text":
                rec["Description"] = self._long(i)[:4000]
            elif kind == "unknown_picklist":
                rec["Family"] = rng.pick(words.UNKNOWN_PICKLIST[("Product2", "Family")])
            elif kind == "null_fields":
                rec["ProductCode"] = rec["Description"] = rec["Family"] = None
        return rec

    def product_info(self, product: int) -> tuple[str, str | None]:
        """(Name, ProductCode) of a product, cached: line items and entries repeat them."""
        info = self._product_cache.get(product)
        if info is None:
            rec = self._product(product)
            info = self._product_cache[product] = (rec["Name"], rec["ProductCode"])
        return info

    def _pricebook(self, i: int) -> dict:
        rng = self.rng("Pricebook2", i)
        rec = self._system(rng, "Pricebook2", i, owned=False, currency="USD")
        name, active, description = PRICEBOOKS[i] if i < len(PRICEBOOKS) else (f"Price Book {i}", True, None)
        rec.update({"Name": name, "IsActive": active, "IsStandard": i == 0, "Description": description})
        return rec

    def list_price(self, product: int, pricebook: int, currency: int = 0) -> float:
        key = (product, pricebook, currency)  # one per price book entry: kept, as every line reads one
        price = self._list_prices.get(key)
        if price is None:
            base = 10 + self._hash(2, product) % 4990
            factor = (1.0, 0.85, 1.1)[pricebook] if pricebook < 3 else 1.0
            price = self._list_prices[key] = round(
                base * factor * CONVERSION_RATES[ENTRY_CURRENCIES[currency]], 2
            )
        return price

    def entry_slot(self, pricebook: int, currency: int) -> tuple[int, int, int, int] | None:
        for slot in self.shape.pricebook_slots:
            if slot[0] == pricebook and slot[1] == currency:
                return slot
        return None

    def pricebook_entry_index(self, pricebook: int, product: int, currency: int = 0) -> int | None:
        """Index of the entry of a product in a price book and currency, or None without one."""
        slot = self.entry_slot(pricebook, currency)
        if slot is None or product >= slot[3]:
            return None
        return slot[2] + product

    def _entry_position(self, i: int) -> tuple[int, int, int]:
        for book, currency, start, size in self.shape.pricebook_slots:
            if start <= i < start + size:
                return book, currency, i - start
        raise IndexError(i)

    def _pricebook_entry(self, i: int) -> dict:
        pricebook, currency, product = self._entry_position(i)
        name, code = self.product_info(product)
        rng = self.rng("PricebookEntry", i)
        rec = self._system(rng, "PricebookEntry", i, owned=False, currency=ENTRY_CURRENCIES[currency])
        # Legacy (2019) entries follow the standard price; some entries are switched off.
        use_standard = pricebook == 2
        rec.update(
            {
                "Name": name,
                "Pricebook2Id": make_id("Pricebook2", pricebook),
                "Product2Id": make_id("Product2", product),
                "UnitPrice": self.list_price(product, 0 if use_standard else pricebook, currency),
                "IsActive": self._hash(5, i) % 9 != 0,
                "UseStandardPrice": use_standard,
                "ProductCode": code,
            }
        )
        return rec

    # -- products on deals ---------------------------------------------------------------
    def opportunity_pricebook_index(self, opportunity: int) -> int:
        return 1 if opportunity % 5 == 0 and self.counts["Pricebook2"] > 1 else 0

    def opportunity_currency(self, opportunity: int) -> int:
        """Index into ENTRY_CURRENCIES: a quarter of a multi-currency org's deals are in EUR."""
        return 1 if self.multi_currency and self._hash(6, opportunity) % 4 == 0 else 0

    def opportunity_line_items(self, opportunity: int) -> range:
        cycle, position = divmod(opportunity, 4)
        start = 6 * cycle + LINE_ITEMS_START[position]
        return range(start, start + LINE_ITEMS_CYCLE[position])

    def line_item_opportunity(self, i: int) -> tuple[int, int]:
        """(opportunity index, position among its line items) of line item i."""
        cycle, rest = divmod(i, 6)
        position = 0 if rest < 2 else 2 if rest < 3 else 3
        return 4 * cycle + position, rest - LINE_ITEMS_START[position]

    def line_core(
        self, object_name: str, i: int, pricebook: int, currency: int = 0
    ) -> tuple[int, float, float, float, int, int]:
        """(product, quantity, unit price, discount %, entry index, list price) of a line."""
        h = self._hash(3 + self._object_numbers[object_name], i)
        slot = self._line_slots.get((pricebook, currency))
        if slot is None:  # the shape's slots never change: worked out once per price book and currency
            slot = (
                self.entry_slot(pricebook, currency) or self.entry_slot(0, currency) or self.entry_slot(0, 0)
            )
            assert slot is not None
            self._line_slots[pricebook, currency] = slot
        h, product = divmod(h, max(1, slot[3]))
        h, quantity_pick = divmod(h, 7)
        h, discount_pick = divmod(h, 4)
        quantity = (1.0, 1.0, 2.0, 3.0, 5.0, 10.0, 25.0)[quantity_pick]
        list_price = self.list_price(product, slot[0], slot[1])
        unit_price = list_price
        if i in self.shape.messy.get(object_name, _NO_MESSY):
            quantity, unit_price = ((-2.0, unit_price), (0.0, unit_price), (quantity, -unit_price))[h % 3]
        discount = (0.0, 0.0, 5.0, 10.0)[discount_pick]
        return product, quantity, unit_price, discount, slot[2] + product, list_price

    def _line_amounts(self, i: int) -> float:
        opportunity, _ = self.line_item_opportunity(i)
        _, quantity, unit_price, discount, _, _ = self.line_core(
            "OpportunityLineItem",
            i,
            self.opportunity_pricebook_index(opportunity),
            self.opportunity_currency(opportunity),
        )
        return round(quantity * unit_price * (1 - discount / 100), 2)

    def _opportunity_line_item(self, i: int) -> dict:
        opportunity, position = self.line_item_opportunity(i)
        currency = self.opportunity_currency(opportunity)
        product, quantity, unit_price, discount, entry, list_price = self.line_core(
            "OpportunityLineItem", i, self.opportunity_pricebook_index(opportunity), currency
        )
        rng = self.rng("OpportunityLineItem", i)
        rec = self._system(rng, "OpportunityLineItem", i, owned=False, currency=ENTRY_CURRENCIES[currency])
        product_name, code = self.product_info(product)
        subtotal = round(quantity * unit_price, 2)
        h = self._hash(7, i)
        rec.update(
            {
                "OpportunityId": make_id("Opportunity", opportunity),
                "Product2Id": make_id("Product2", product),
                "PricebookEntryId": make_id("PricebookEntry", entry),
                # Salesforce names a line "<opportunity name> <product name>".
                "Name": f"{self.opportunity_name(opportunity)} {product_name}"[:376],
                "ProductCode": code,
                "Description": None if h % 3 else f"{product_name}\nIncludes onboarding",
                "Quantity": quantity,
                "UnitPrice": unit_price,
                "ListPrice": list_price,
                "Subtotal": subtotal,
                "TotalPrice": round(subtotal * (1 - discount / 100), 2),
                "Discount": discount or None,
                "ServiceDate": format_date(rec["_created_epoch"] + 86400 * (30 + h % 200)) if h % 4 else None,
                "SortOrder": position + 1,
            }
        )
        if "out_of_range" in self.messy_kinds("OpportunityLineItem", i):
            rec["Discount"] = 150.0
        return rec
