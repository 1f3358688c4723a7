from activities.related import activity_lists
from common.readonly import OrgListView
from common.records import OrgDetailView

from .models import Lead

ADDRESS = ("address_line", "city", "state", "postcode", "country")

# For the pages of the records a lead was converted into.
CONVERTED_LEAD_COLUMNS = [
    ("Name", "__str__"),
    ("Company", "company"),
    ("Email", "email"),
    ("Converted on", "converted_at"),
]


class LeadListView(OrgListView):
    model = Lead
    title = "Leads"
    search_fields = ("first_name", "last_name", "email", "company")
    search_label = "name, email or company"
    columns = [
        ("Last name", "last_name"),
        ("First name", "first_name"),
        ("Company", "company"),
        ("Email", "email"),
        ("Status", "status"),
    ]


class LeadDetailView(OrgDetailView):
    model = Lead
    title = "Lead"
    list_url_name = "lead-list"
    select_related = ("converted_account", "converted_contact", "converted_opportunity")
    fields = (
        "first_name",
        "last_name",
        "company",
        "title",
        "email",
        "phone",
        "website",
        "status",
        "lead_source",
        "industry",
        "number_of_employees",
        "annual_revenue",
        *ADDRESS,
        "is_converted",
        "converted_at",
        "converted_account",
        "converted_contact",
        "converted_opportunity",
        "description",
    )
    labels = {
        "address_line": "Street",
        "is_converted": "Converted",
        "converted_at": "Converted on",
        "converted_account": "Converted into account",
        "converted_contact": "Converted into contact",
        "converted_opportunity": "Converted into opportunity",
    }
    hide_when_empty = (
        "address_line",
        "state",
        "postcode",
        "converted_at",
        "converted_account",
        "converted_contact",
        "converted_opportunity",
    )
    related = activity_lists("lead")
