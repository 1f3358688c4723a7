"""Lead -> leads.Lead. A converted lead is imported once, as a lead marked converted and
linked to the account, contact and opportunity it became (never as a second contact).
Leads have no natural key: duplicates are kept, as in Salesforce."""

from leads.models import Lead, LeadStatus

from . import values as v
from .base import FieldMap, ObjectMapping, address_fields
from .picklists import INDUSTRY, LEAD_SOURCE, Picklist

LEAD_STATUS = Picklist(
    LeadStatus,
    {
        "Open - Not Contacted": LeadStatus.ASSIGNED,
        "Working - Contacted": LeadStatus.IN_PROCESS,
        "Closed - Converted": LeadStatus.CONVERTED,
        "Closed - Not Converted": LeadStatus.CLOSED,
    },
    default=LeadStatus.ASSIGNED,
)


def lead_status(raw, field, warn) -> str:
    """(Status, IsConverted): a converted lead is CONVERTED whatever its status says."""
    status, is_converted = raw
    if v.flag(is_converted):
        return str(LeadStatus.CONVERTED)
    return LEAD_STATUS(status, field, warn)


lead_status.picklist = LEAD_STATUS  # value mappings apply before this table


LEAD = ObjectMapping(
    sobject="Lead",
    model=Lead,
    fields=(
        FieldMap("FirstName", "first_name", v.text),
        FieldMap("LastName", "last_name", v.text, required=True),
        FieldMap("Email", "email", v.email),
        FieldMap("Phone", "phone", v.text),
        FieldMap("Title", "title", v.text),
        FieldMap("Company", "company", v.text),
        FieldMap("Website", "website", v.text),
        FieldMap("Industry", "industry", INDUSTRY),
        FieldMap("Status", "status", lead_status, also=("IsConverted",)),
        FieldMap("LeadSource", "lead_source", LEAD_SOURCE),
        FieldMap("NumberOfEmployees", "number_of_employees", v.integer),
        FieldMap("AnnualRevenue", "annual_revenue", v.decimal),
        *address_fields(""),
        FieldMap("Description", "description", v.text),
        FieldMap("IsConverted", "is_converted", v.boolean),
        FieldMap("ConvertedDate", "converted_at", v.date_value),
    ),
    references=(
        ("ConvertedAccountId", "converted_account", "Account"),
        ("ConvertedContactId", "converted_contact", "Contact"),
        ("ConvertedOpportunityId", "converted_opportunity", "Opportunity"),
    ),
)
