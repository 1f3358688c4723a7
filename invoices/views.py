from common.readonly import OrgListView

from .models import Estimate, Product


class ProductListView(OrgListView):
    model = Product
    title = "Products"
    columns = (("Name", "name"), ("SKU", "sku"), ("Price", "price"), ("Active", "is_active"))


class EstimateListView(OrgListView):
    model = Estimate
    title = "Estimates"
    select_related = ("account",)
    columns = (
        ("Number", "estimate_number"),
        ("Title", "title"),
        ("Status", "status"),
        ("Account", "account.name"),
        ("Total", "total_amount"),
    )
