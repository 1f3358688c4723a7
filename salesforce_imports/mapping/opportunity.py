"""Opportunity -> opportunity.Opportunity.

Probability: Salesforce sends a percent such as 10 or 10.0; a fraction is rounded half-up to a
whole percent (10.5 -> 11), and outside 0..100 after rounding is an error (the CRM's constraint).
"""

from opportunity.models import Opportunity

from . import values as v
from .base import FieldMap, ObjectMapping
from .picklists import LEAD_SOURCE, OPPORTUNITY_TYPE, opportunity_stage

OPPORTUNITY = ObjectMapping(
    sobject="Opportunity",
    model=Opportunity,
    fields=(
        FieldMap("Name", "name", v.text, required=True),
        FieldMap("StageName", "stage", opportunity_stage, also=("IsClosed", "IsWon")),
        FieldMap("Amount", "amount", v.decimal),
        FieldMap("Probability", "probability", v.integer),
        FieldMap("CloseDate", "closed_on", v.date_value),
        FieldMap("LeadSource", "lead_source", LEAD_SOURCE),
        FieldMap("Type", "opportunity_type", OPPORTUNITY_TYPE),
        FieldMap("Description", "description", v.text),
        FieldMap("CurrencyIsoCode", "currency", v.currency),
    ),
    references=(("AccountId", "account", "Account"),),
    optional_fields=frozenset({"CurrencyIsoCode"}),
)
