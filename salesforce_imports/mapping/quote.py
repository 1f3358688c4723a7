"""Quote -> invoices.Estimate and QuoteLineItem -> invoices.EstimateLineItem.

Totals are kept as Salesforce had them, never recomputed. Quote.Discount is a percentage, so a set
Discount gives discount_type PERCENTAGE. QuoteLineItem.Discount (also a percent in Salesforce) is
copied as is into the line's discount. A line item is named after its product (line_items.py).
"""

from invoices.models import DiscountType, Estimate, EstimateLineItem

from . import values as v
from .base import FieldMap, NaturalKey, ObjectMapping
from .line_items import name_row
from .picklists import QUOTE_STATUS

QUOTE = ObjectMapping(
    sobject="Quote",
    model=Estimate,
    fields=(
        FieldMap("Name", "title", v.text, required=True),
        FieldMap("QuoteNumber", "estimate_number", v.text, required=True),
        FieldMap("Status", "status", QUOTE_STATUS),
        FieldMap("Subtotal", "subtotal", v.decimal),
        FieldMap("TotalPrice", "total_amount", v.decimal),
        FieldMap("Discount", "discount_value", v.decimal),
        FieldMap("Discount", "discount_type", v.when_present(DiscountType.PERCENTAGE.value)),
        FieldMap("Tax", "tax_amount", v.decimal),
        FieldMap("ExpirationDate", "expiry_date", v.date_value),
        FieldMap("Description", "notes", v.text),
        FieldMap("CreatedDate", "issue_date", v.date_value),
        FieldMap("CurrencyIsoCode", "currency", v.currency),
    ),
    references=(
        ("AccountId", "account", "Account"),
        ("ContactId", "contact", "Contact"),
        ("OpportunityId", "opportunity", "Opportunity"),
    ),
    # QuoteNumber is an autonumber: unique in Salesforce, so a clash is with another import source.
    natural_key=NaturalKey(
        "estimate_number", case_insensitive=False, match_existing=False, on_duplicate="suffix"
    ),
    optional_fields=frozenset({"CurrencyIsoCode"}),
)

QUOTE_LINE_ITEM = ObjectMapping(
    sobject="QuoteLineItem",
    model=EstimateLineItem,
    fields=(
        name_row(),
        FieldMap("Description", "description", v.text),
        FieldMap("Quantity", "quantity", v.decimal),
        FieldMap("UnitPrice", "unit_price", v.decimal),
        FieldMap("Discount", "discount", v.decimal),
        FieldMap("TotalPrice", "total", v.decimal),
        FieldMap("SortOrder", "sort_order", v.line_position, also=("LineNumber",)),
    ),
    references=(("QuoteId", "estimate", "Quote"), ("Product2Id", "product", "Product2")),
    parent_field="estimate",
)
