from common.readonly import OrgListView

from .models import Opportunity


class OpportunityListView(OrgListView):
    model = Opportunity
    title = "Opportunities"
    select_related = ("account",)
    columns = [
        ("Name", "name"),
        ("Account", "account.name"),
        ("Stage", "stage"),
        ("Amount", "amount"),
        ("Close date", "closed_on"),
    ]
