from activities.related import activity_lists
from common.readonly import OrgListView
from common.records import OrgDetailView

from .models import Case

# For the pages of a case's account and contact.
CASE_COLUMNS = [
    ("Number", "case_number"),
    ("Subject", "name"),
    ("Status", "status"),
    ("Priority", "priority"),
]


class CaseListView(OrgListView):
    model = Case
    title = "Cases"
    select_related = ("account", "contact")
    search_fields = ("case_number", "name")
    search_label = "number or subject"
    columns = [
        ("Number", "case_number"),
        ("Subject", "name"),
        ("Status", "status"),
        ("Priority", "priority"),
        ("Account", "account.name"),
        ("Contact", "contact.__str__"),
    ]


class CaseDetailView(OrgDetailView):
    model = Case
    title = "Case"
    list_url_name = "case-list"
    select_related = ("account", "contact")
    fields = (
        "case_number",
        "name",
        "status",
        "priority",
        "origin",
        "case_type",
        "account",
        "contact",
        "closed_on",
        "description",
    )
    labels = {"case_number": "Case number", "closed_on": "Closed"}
    hide_when_empty = ("closed_on",)
    related = activity_lists("case")
