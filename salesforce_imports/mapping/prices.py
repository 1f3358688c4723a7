"""PricebookEntry -> invoices.ProductPrice: one CRM price per entry of every price book.

The price book's name and whether it is the standard one come through the `Pricebook2`
relationship fields. Product.price / currency are set afterwards from the active
standard-price-book entry (engine/prices.py). A currency code pycountry does not know is
kept as given, with a warning: the org may use a code the CRM's list lacks.
"""

from invoices.models import ProductPrice

from . import values as v
from .base import FieldMap, ObjectMapping


def currency_as_given(raw, field, warn) -> str:
    if v.is_null(raw):
        return ""
    code = v.as_string(raw).strip().upper()
    if len(code) != 3 or not code.isalpha():
        warn(f"currency {v.shown(code)} is not a three-letter code; left empty")
        return ""
    if not v.currency(code, field, lambda message: None):
        warn(f"currency {v.shown(code)} is not an ISO 4217 code; kept as given")
    return code


def price_book_name(raw, field, warn) -> str:
    """(Pricebook2.Name, Pricebook2Id): a price book is named after its Id when the user
    cannot read price books' names."""
    name, pricebook_id = raw
    value = v.text(name, field, warn)
    if value or v.is_null(pricebook_id):
        return value
    return v.text(f"Price book {v.as_string(pricebook_id).strip()}", field, warn)


PRICEBOOK_ENTRY = ObjectMapping(
    sobject="PricebookEntry",
    model=ProductPrice,
    fields=(
        FieldMap("Pricebook2.Name", "price_book", price_book_name, required=True, also=("Pricebook2Id",)),
        FieldMap("Pricebook2.IsStandard", "is_standard", v.boolean),
        FieldMap("UnitPrice", "unit_price", v.decimal),
        FieldMap("IsActive", "is_active", v.boolean),
        FieldMap("CurrencyIsoCode", "currency", currency_as_given),
    ),
    references=(("Product2Id", "product", "Product2"),),
    parent_field="product",
    optional_fields=frozenset({"CurrencyIsoCode"}),
)
