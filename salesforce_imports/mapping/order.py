"""Order -> orders.Order and OrderItem -> orders.OrderLineItem.

Order.EndDate is not mapped: it ends the order's contract period, it is not a shipping date.
A line item is named after its product (line_items.py).
"""

from orders.models import Order, OrderLineItem

from . import values as v
from .base import FieldMap, ObjectMapping, address_fields
from .line_items import name_row
from .picklists import ORDER_STATUS

ORDER = ObjectMapping(
    sobject="Order",
    model=Order,
    fields=(
        FieldMap("OrderNumber", "order_number", v.text),
        FieldMap("Name", "name", v.text),
        FieldMap("Status", "status", ORDER_STATUS),
        FieldMap("EffectiveDate", "order_date", v.date_value),
        FieldMap("ActivatedDate", "activated_date", v.datetime_value),
        FieldMap("TotalAmount", "total_amount", v.decimal),
        FieldMap("Description", "description", v.text),
        *address_fields("Billing", "billing"),
        *address_fields("Shipping", "shipping"),
        FieldMap("CurrencyIsoCode", "currency", v.currency),
    ),
    references=(
        ("AccountId", "account", "Account"),
        ("BillToContactId", "contact", "Contact"),
        ("OpportunityId", "opportunity", "Opportunity"),
    ),
    optional_fields=frozenset({"CurrencyIsoCode"}),
)

ORDER_ITEM = ObjectMapping(
    sobject="OrderItem",
    model=OrderLineItem,
    fields=(
        name_row(),
        FieldMap("Description", "description", v.text),
        FieldMap("Quantity", "quantity", v.decimal),
        FieldMap("UnitPrice", "unit_price", v.decimal),
        FieldMap("TotalPrice", "total", v.decimal),
        FieldMap("OrderItemNumber", "sort_order", v.autonumber),
    ),
    references=(("OrderId", "order", "Order"), ("Product2Id", "product", "Product2")),
    parent_field="order",
)
