from common.readonly import OrgListView

from .models import Order


class OrderListView(OrgListView):
    model = Order
    title = "Orders"
    select_related = ("account",)
    columns = [
        ("Number", "order_number"),
        ("Name", "name"),
        ("Status", "status"),
        ("Account", "account.name"),
        ("Total", "total_amount"),
        ("Date", "order_date"),
    ]
