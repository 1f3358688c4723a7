"""Contact -> contacts.Contact."""

from contacts.models import Contact

from . import values as v
from .base import FieldMap, NaturalKey, ObjectMapping

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
        FieldMap("MailingStreet", "address_line", v.text),
        FieldMap("MailingCity", "city", v.text),
        FieldMap("MailingState", "state", v.text),
        FieldMap("MailingPostalCode", "postcode", v.text),
        FieldMap("MailingCountry", "country", v.country),
        FieldMap("Description", "description", v.text),
    ),
    references=(("AccountId", "account", "Account"),),
    natural_key=NaturalKey("email", case_insensitive=True, match_existing=True, on_duplicate="clear"),
)
