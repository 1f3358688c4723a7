"""OpportunityLineItem -> opportunity.OpportunityLineItem, and how every line item is named.

A line item's name (deals, orders, quotes alike) is its product's name as Salesforce shows
it (the `Product2.Name` relationship field), else the first line of its Description, else "".
"""

from opportunity.models import OpportunityLineItem

from . import values as v
from .base import FieldMap, ObjectMapping


def line_item_name(raw, field, warn) -> str:
    product_name, description = raw
    if not v.is_null(product_name) and v.as_string(product_name).strip():
        return v.text(product_name, field, warn)
    return v.first_line(description, field, warn)


def name_row() -> FieldMap:
    return FieldMap("Product2.Name", "name", line_item_name, also=("Description",))


OPPORTUNITY_LINE_ITEM = ObjectMapping(
    sobject="OpportunityLineItem",
    model=OpportunityLineItem,
    fields=(
        name_row(),
        FieldMap("Description", "description", v.text),
        FieldMap("Quantity", "quantity", v.decimal),
        FieldMap("UnitPrice", "unit_price", v.decimal),
        FieldMap("ListPrice", "list_price", v.decimal),
        FieldMap("Discount", "discount", v.decimal),
        FieldMap("TotalPrice", "total", v.decimal),
        FieldMap("ServiceDate", "service_date", v.date_value),
        FieldMap("SortOrder", "sort_order", v.integer),
    ),
    references=(("OpportunityId", "opportunity", "Opportunity"), ("Product2Id", "product", "Product2")),
    parent_field="opportunity",
)
