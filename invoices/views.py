from activities.related import activity_lists
from common.readonly import OrgListView
from common.records import OrgDetailView, Related
from opportunity.models import OpportunityLineItem
from orders.models import OrderLineItem

from .models import Estimate, EstimateLineItem, Product, ProductPrice


class ProductListView(OrgListView):
    model = Product
    title = "Products"
    search_fields = ("name", "sku")
    search_label = "name or SKU"
    columns = (
        ("Name", "name"),
        ("SKU", "sku"),
        ("Price", "price"),
        ("Currency", "currency"),
        ("Active", "is_active"),
    )


class EstimateListView(OrgListView):
    model = Estimate
    title = "Estimates"
    select_related = ("account",)
    search_fields = ("title", "estimate_number")
    search_label = "title or number"
    columns = (
        ("Number", "estimate_number"),
        ("Title", "title"),
        ("Status", "status"),
        ("Account", "account.name"),
        ("Total", "total_amount"),
    )


class ProductDetailView(OrgDetailView):
    model = Product
    title = "Product"
    list_url_name = "product-list"
    fields = ("name", "sku", "category", "price", "currency", "is_active", "description")
    labels = {"sku": "SKU", "is_active": "Active", "price": "Price (standard price book)"}
    related = (
        Related(
            "Prices",
            lambda p: ProductPrice.objects.filter(product=p),
            [
                ("Price book", "price_book"),
                ("Standard", "is_standard"),
                ("Currency", "currency"),
                ("Unit price", "unit_price"),
                ("Active", "is_active"),
            ],
        ),
        Related(
            "On opportunities",
            lambda p: OpportunityLineItem.objects.filter(product=p).select_related("opportunity"),
            [
                ("Opportunity", "opportunity.name"),
                ("Line", "name"),
                ("Quantity", "quantity"),
                ("Total", "total"),
            ],
            link="opportunity",
        ),
        Related(
            "On orders",
            lambda p: OrderLineItem.objects.filter(product=p).select_related("order"),
            [("Order", "order"), ("Line", "name"), ("Quantity", "quantity"), ("Total", "total")],
            link="order",
        ),
        Related(
            "On estimates",
            lambda p: EstimateLineItem.objects.filter(product=p).select_related("estimate"),
            [("Estimate", "estimate"), ("Line", "name"), ("Quantity", "quantity"), ("Total", "total")],
            link="estimate",
        ),
    )


class EstimateDetailView(OrgDetailView):
    model = Estimate
    title = "Estimate"
    list_url_name = "estimate-list"
    select_related = ("account", "contact", "opportunity")
    fields = (
        "estimate_number",
        "title",
        "status",
        "account",
        "contact",
        "opportunity",
        "currency",
        "subtotal",
        "discount_type",
        "discount_value",
        "tax_amount",
        "total_amount",
        "issue_date",
        "expiry_date",
        "notes",
    )
    labels = {"estimate_number": "Estimate number"}
    line_items = "line_items"
    line_item_columns = (
        ("Product", "product"),
        ("Name", "name"),
        ("Quantity", "quantity"),
        ("Unit price", "unit_price"),
        ("Discount", "discount"),
        ("Total", "total"),
    )
    related = activity_lists("estimate")
