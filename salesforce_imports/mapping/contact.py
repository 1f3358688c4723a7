"""Contact -> contacts.Contact."""

from contacts.models import Contact

from . import values as v
from .base import FieldMap, NaturalKey, ObjectMapping, address_fields

CONTACT = ObjectMapping(
    sobject="Contact",
    model=Contact,
    fields=(
        FieldMap("FirstName", "first_name", v.text),
        FieldMap("LastName", "last_name", v.text, required=True),
        FieldMap("Email", "email", v.email),
        FieldMap("Phone", "phone", v.text),
        FieldMap("Title", "title", v.text),
        FieldMap("Department", "department", v.text),
        FieldMap("DoNotCall", "do_not_call", v.boolean),
        *address_fields("Mailing"),
        FieldMap("Description", "description", v.text),
    ),
    references=(("AccountId", "account", "Account"), ("ReportsToId", "reports_to", "Contact")),
    natural_key=NaturalKey("email", case_insensitive=True, match_existing=True, on_duplicate="clear"),
)
