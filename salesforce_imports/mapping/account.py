"""Account -> accounts.Account."""

from accounts.models import Account

from . import values as v
from .base import FieldMap, NaturalKey, ObjectMapping

ACCOUNT = ObjectMapping(
    sobject="Account",
    model=Account,
    fields=(
        FieldMap("Name", "name", v.text, required=True),
        FieldMap("Website", "website", v.text),
        FieldMap("Phone", "phone", v.text),
        FieldMap("Industry", "industry", v.INDUSTRY),
        FieldMap("NumberOfEmployees", "number_of_employees", v.integer),
        FieldMap("AnnualRevenue", "annual_revenue", v.decimal),
        FieldMap("Description", "description", v.text),
        FieldMap("BillingStreet", "address_line", v.text),
        FieldMap("BillingCity", "city", v.text),
        FieldMap("BillingState", "state", v.text),
        FieldMap("BillingPostalCode", "postcode", v.text),
        FieldMap("BillingCountry", "country", v.country),
        FieldMap("CurrencyIsoCode", "currency", v.currency),
    ),
    natural_key=NaturalKey("name", case_insensitive=True, match_existing=True, on_duplicate="suffix"),
    optional_fields=frozenset({"CurrencyIsoCode"}),
)
