"""Products, price books and price book entries."""

from __future__ import annotations

from sfsandbox import wordlists as words
from sfsandbox.generator.base import FactoryBase
from sfsandbox.ids import make_id


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

    def _pricebook(self, i: int) -> dict:
        rng = self.rng("Pricebook2", i)
        rec = self._system(rng, "Pricebook2", i, owned=False)
        rec.update(
            {
                "Name": "Standard Price Book" if i == 0 else f"Partner Price Book {i}",
                "IsActive": True,
                "IsStandard": i == 0,
                "Description": None if i == 0 else "Discounted prices for channel partners",
            }
        )
        return rec

    def list_price(self, product: int, pricebook: int) -> float:
        base = 10 + self._hash(2, product) % 4990
        return round(base * (1.0 if pricebook == 0 else 0.85), 2)

    def pricebook_entry_index(self, pricebook: int, product: int) -> int:
        return pricebook * self.counts["Product2"] + product

    def _pricebook_entry(self, i: int) -> dict:
        pricebook, product = divmod(i, self.counts["Product2"])
        product_rec = self._product(product)  # before our own rng: both use the same one
        rng = self.rng("PricebookEntry", i)
        rec = self._system(rng, "PricebookEntry", i, owned=False)
        rec.update(
            {
                "Name": product_rec["Name"],
                "Pricebook2Id": make_id("Pricebook2", pricebook),
                "Product2Id": make_id("Product2", product),
                "UnitPrice": self.list_price(product, pricebook),
                "IsActive": True,
                "UseStandardPrice": False,
                "ProductCode": product_rec["ProductCode"],
            }
        )
        return rec
