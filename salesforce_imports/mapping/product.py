"""Product2 -> invoices.Product. Its prices come with its PricebookEntry rows (prices.py)."""

from invoices.models import Product

from . import values as v
from .base import FieldMap, NaturalKey, ObjectMapping

PRODUCT2 = ObjectMapping(
    sobject="Product2",
    model=Product,
    fields=(
        FieldMap("Name", "name", v.text, required=True),
        FieldMap("ProductCode", "sku", v.text),
        FieldMap("Description", "description", v.text),
        FieldMap("IsActive", "is_active", v.boolean),
        FieldMap("Family", "category", v.text),
        FieldMap("CurrencyIsoCode", "currency", v.currency),
    ),
    natural_key=NaturalKey("sku", case_insensitive=False, match_existing=True, on_duplicate="clear"),
    optional_fields=frozenset({"CurrencyIsoCode"}),
)
