from activities.related import activity_lists
from cases.models import Case
from cases.views import CASE_COLUMNS
from common.readonly import OrgListView
from common.records import OrgDetailView, Related
from invoices.models import Estimate
from leads.models import Lead
from leads.views import CONVERTED_LEAD_COLUMNS
from orders.models import Order

from .models import Contact


class ContactListView(OrgListView):
    model = Contact
    title = "Contacts"
    select_related = ("account",)
    search_fields = ("first_name", "last_name", "email")
    search_label = "name or email"
    columns = [
        ("Last name", "last_name"),
        ("First name", "first_name"),
        ("Email", "email"),
        ("Title", "title"),
        ("Account", "account.name"),
    ]


class ContactDetailView(OrgDetailView):
    model = Contact
    title = "Contact"
    list_url_name = "contact-list"
    select_related = ("account", "reports_to")
    fields = (
        "first_name",
        "last_name",
        "account",
        "title",
        "department",
        "reports_to",
        "email",
        "phone",
        "do_not_call",
        "address_line",
        "city",
        "state",
        "postcode",
        "country",
        "description",
    )
    labels = {"address_line": "Street", "reports_to": "Reports to"}
    hide_when_empty = ("address_line", "state", "postcode")
    related = (
        Related(
            "Direct reports",
            lambda c: c.direct_reports.all(),
            [("Name", "__str__"), ("Email", "email"), ("Title", "title")],
        ),
        Related(
            "Orders",
            lambda c: Order.objects.filter(contact=c),
            [("Number", "order_number"), ("Name", "name"), ("Status", "status"), ("Total", "total_amount")],
        ),
        Related(
            "Estimates",
            lambda c: Estimate.objects.filter(contact=c),
            [
                ("Number", "estimate_number"),
                ("Title", "title"),
                ("Status", "status"),
                ("Total", "total_amount"),
            ],
        ),
        Related("Cases", lambda c: Case.objects.filter(contact=c), CASE_COLUMNS),
        Related(
            "Converted leads",
            lambda c: Lead.objects.filter(converted_contact=c),
            CONVERTED_LEAD_COLUMNS,
        ),
        *activity_lists("contact"),
    )
