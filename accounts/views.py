from common.readonly import OrgListView

from .models import Account


class AccountListView(OrgListView):
    model = Account
    title = "Accounts"
    select_related = ()
    columns = [
        ("Name", "name"),
        ("Industry", "industry"),
        ("City", "city"),
        ("Country", "country"),
        ("Phone", "phone"),
    ]
