from common.readonly import OrgListView

from .models import Contact


class ContactListView(OrgListView):
    model = Contact
    title = "Contacts"
    select_related = ("account",)
    columns = [
        ("First name", "first_name"),
        ("Last name", "last_name"),
        ("Email", "email"),
        ("Title", "title"),
        ("Account", "account.name"),
    ]
