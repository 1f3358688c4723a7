"""Account -> accounts.Account."""

from accounts.models import Account

from . import values as v
from .base import FieldMap, NaturalKey, ObjectMapping, address_fields
from .picklists import INDUSTRY

ACCOUNT = ObjectMapping(
    sobject="Account",
    model=Account,
    fields=(
        FieldMap("Name", "name", v.text, required=True),
        FieldMap("Website", "website", v.text),
        FieldMap("Phone", "phone", v.text),
        FieldMap("Industry", "industry", INDUSTRY),
        FieldMap("NumberOfEmployees", "number_of_employees", v.integer),
        FieldMap("AnnualRevenue", "annual_revenue", v.decimal),
        FieldMap("Description", "description", v.text),
        *address_fields("Billing"),
        FieldMap("CurrencyIsoCode", "currency", v.currency),
    ),
    references=(("ParentId", "parent", "Account"),),  # may sort after its child: engine/links.py
    natural_key=NaturalKey("name", case_insensitive=True, match_existing=True, on_duplicate="suffix"),
    optional_fields=frozenset({"CurrencyIsoCode"}),
)
