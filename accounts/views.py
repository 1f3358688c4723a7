from activities.related import activity_lists
from cases.models import Case
from cases.views import CASE_COLUMNS
from common.readonly import OrgListView
from common.records import OrgDetailView, Related
from contacts.models import Contact
from invoices.models import Estimate
from leads.models import Lead
from leads.views import CONVERTED_LEAD_COLUMNS
from opportunity.models import Opportunity
from orders.models import Order

from .models import Account


class AccountListView(OrgListView):
    model = Account
    title = "Accounts"
    select_related = ()
    search_fields = ("name",)
    search_label = "name"
    columns = [
        ("Name", "name"),
        ("Industry", "industry"),
        ("City", "city"),
        ("Country", "country"),
        ("Phone", "phone"),
    ]


class AccountDetailView(OrgDetailView):
    model = Account
    title = "Account"
    list_url_name = "account-list"
    select_related = ("parent",)
    fields = (
        "name",
        "parent",
        "industry",
        "website",
        "phone",
        "number_of_employees",
        "annual_revenue",
        "currency",
        "address_line",
        "city",
        "state",
        "postcode",
        "country",
        "is_active",
        "description",
    )
    labels = {"address_line": "Street", "is_active": "Active", "parent": "Parent account"}
    hide_when_empty = ("address_line", "state", "postcode")
    related = (
        Related("Child accounts", lambda a: a.children.all(), [("Name", "name"), ("City", "city")]),
        Related(
            "Contacts",
            lambda a: Contact.objects.filter(account=a),
            [("Name", "__str__"), ("Email", "email"), ("Title", "title")],
        ),
        Related(
            "Opportunities",
            lambda a: Opportunity.objects.filter(account=a),
            [("Name", "name"), ("Stage", "stage"), ("Amount", "amount"), ("Close date", "closed_on")],
        ),
        Related(
            "Orders",
            lambda a: Order.objects.filter(account=a),
            [("Number", "order_number"), ("Name", "name"), ("Status", "status"), ("Total", "total_amount")],
        ),
        Related(
            "Estimates",
            lambda a: Estimate.objects.filter(account=a),
            [
                ("Number", "estimate_number"),
                ("Title", "title"),
                ("Status", "status"),
                ("Total", "total_amount"),
            ],
        ),
        Related("Cases", lambda a: Case.objects.filter(account=a), CASE_COLUMNS),
        Related(
            "Converted leads",
            lambda a: Lead.objects.filter(converted_account=a),
            CONVERTED_LEAD_COLUMNS,
        ),
        *activity_lists("account"),
    )
