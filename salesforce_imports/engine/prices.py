"""Product.price / currency from the standard price book, once the job's prices are in.

Only products this org imported (a matched product is CRM data: never overwritten) whose
price book entries came with this job. The active standard entry gives the price; where a
multi-currency org has several, the corporate currency's wins, then the product's own
currency's, then the one with the first currency code (deterministic, never random).
"""

from __future__ import annotations

from collections import defaultdict

from invoices.models import Product, ProductPrice

from ..models import ImportedRecord

CHUNK = 2000


def set_product_prices(job, corporate_currency: str | None) -> int:
    priced_here = ImportedRecord.objects.filter(
        import_job_id=job.pk, salesforce_object_type="PricebookEntry"
    ).values("object_id")
    product_ids = list(
        ProductPrice.objects.filter(pk__in=priced_here, is_standard=True, is_active=True)
        .values_list("product_id", flat=True)
        .distinct()
    )
    updated = 0
    for start in range(0, len(product_ids), CHUNK):
        chunk = product_ids[start : start + CHUNK]
        imported = set(
            ImportedRecord.objects.filter(
                salesforce_object_type="Product2",
                outcome=ImportedRecord.Outcome.IMPORTED,
                object_id__any=chunk,
            ).values_list("object_id", flat=True)
        )
        entries = defaultdict(list)
        for product_id, currency, unit_price in ProductPrice.objects.filter(
            product_id__in=imported, is_standard=True, is_active=True
        ).values_list("product_id", "currency", "unit_price"):
            entries[product_id].append((currency, unit_price))
        products = list(Product.objects.filter(pk__in=imported))
        for product in products:
            currency, price = _choose(entries[product.pk], corporate_currency, product.currency)
            product.price, product.currency = price, currency
        Product.objects.bulk_update(products, ["price", "currency"], batch_size=500)
        updated += len(products)
    return updated


def _choose(entries, corporate: str | None, own: str):
    by_currency = dict(sorted(entries))
    for preferred in (corporate, own):
        if preferred and preferred in by_currency:
            return preferred, by_currency[preferred]
    currency = next(iter(by_currency))
    return currency, by_currency[currency]
