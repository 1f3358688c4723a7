from activities.related import activity_lists
from common.readonly import OrgListView
from common.records import OrgDetailView

from .models import Order


class OrderListView(OrgListView):
    model = Order
    title = "Orders"
    select_related = ("account",)
    search_fields = ("name", "order_number")
    search_label = "name or number"
    columns = [
        ("Number", "order_number"),
        ("Name", "name"),
        ("Status", "status"),
        ("Account", "account.name"),
        ("Total", "total_amount"),
        ("Date", "order_date"),
    ]


ADDRESS = ("address_line", "city", "state", "postcode", "country")


class OrderDetailView(OrgDetailView):
    model = Order
    title = "Order"
    list_url_name = "order-list"
    select_related = ("account", "contact", "opportunity")
    fields = (
        "order_number",
        "name",
        "status",
        "account",
        "contact",
        "opportunity",
        "currency",
        "subtotal",
        "discount_amount",
        "tax_amount",
        "total_amount",
        "order_date",
        "activated_date",
        "shipped_date",
        *(f"billing_{f}" for f in ADDRESS),
        *(f"shipping_{f}" for f in ADDRESS),
        "description",
    )
    labels = {
        "order_number": "Order number",
        "billing_address_line": "Billing street",
        "shipping_address_line": "Shipping street",
        "order_date": "Order start date",
    }
    hide_when_empty = (
        "activated_date",
        "shipped_date",
        *(f"billing_{f}" for f in ADDRESS),
        *(f"shipping_{f}" for f in ADDRESS),
    )
    line_items = "line_items"
    related = activity_lists("order")
