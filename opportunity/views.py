from activities.related import activity_lists
from common.readonly import OrgListView
from common.records import OrgDetailView, Related
from invoices.models import Estimate
from leads.models import Lead
from leads.views import CONVERTED_LEAD_COLUMNS
from orders.models import Order

from .models import Opportunity


class OpportunityListView(OrgListView):
    model = Opportunity
    title = "Opportunities"
    select_related = ("account",)
    search_fields = ("name",)
    search_label = "name"
    columns = [
        ("Name", "name"),
        ("Account", "account.name"),
        ("Stage", "stage"),
        ("Amount", "amount"),
        ("Close date", "closed_on"),
    ]


class OpportunityDetailView(OrgDetailView):
    model = Opportunity
    title = "Opportunity"
    list_url_name = "opportunity-list"
    select_related = ("account",)
    fields = (
        "name",
        "account",
        "stage",
        "amount",
        "currency",
        "probability",
        "closed_on",
        "lead_source",
        "opportunity_type",
        "description",
    )
    labels = {"probability": "Probability (%)", "closed_on": "Close date", "opportunity_type": "Type"}
    line_items = "line_items"
    line_item_columns = (
        ("Product", "product"),
        ("Name", "name"),
        ("Quantity", "quantity"),
        ("List price", "list_price"),
        ("Unit price", "unit_price"),
        ("Discount (%)", "discount"),
        ("Total", "total"),
        ("Service date", "service_date"),
    )
    related = (
        Related(
            "Orders",
            lambda o: Order.objects.filter(opportunity=o),
            [("Number", "order_number"), ("Name", "name"), ("Status", "status"), ("Total", "total_amount")],
        ),
        Related(
            "Estimates",
            lambda o: Estimate.objects.filter(opportunity=o),
            [
                ("Number", "estimate_number"),
                ("Title", "title"),
                ("Status", "status"),
                ("Total", "total_amount"),
            ],
        ),
        Related(
            "Converted leads",
            lambda o: Lead.objects.filter(converted_opportunity=o),
            CONVERTED_LEAD_COLUMNS,
        ),
        *activity_lists("opportunity"),
    )
