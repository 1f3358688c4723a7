"""Salesforce -> CRM mapping: one declarative table per Salesforce object (see base.py, values.py,
picklists.py).

The engine imports this after Django is set up (the tables read the models' fields).
"""

from .account import ACCOUNT
from .activities import EVENT, TASK
from .base import Converted, FieldMap, NaturalKey, ObjectMapping, Problem
from .case import CASE
from .contact import CONTACT
from .lead import LEAD
from .line_items import OPPORTUNITY_LINE_ITEM
from .notes import CONTENT_NOTE, NOTE
from .opportunity import OPPORTUNITY
from .order import ORDER, ORDER_ITEM
from .prices import PRICEBOOK_ENTRY
from .product import PRODUCT2
from .quote import QUOTE, QUOTE_LINE_ITEM

MAPPINGS: dict[str, ObjectMapping] = {
    mapping.sobject: mapping
    for mapping in (
        PRODUCT2,
        PRICEBOOK_ENTRY,
        ACCOUNT,
        CONTACT,
        OPPORTUNITY,
        OPPORTUNITY_LINE_ITEM,
        LEAD,
        CASE,
        ORDER,
        ORDER_ITEM,
        QUOTE,
        QUOTE_LINE_ITEM,
        TASK,
        EVENT,
        NOTE,
        CONTENT_NOTE,
    )
}

# (parent, its line item type): dependencies first, as references are resolved against earlier types.
IMPORT_ORDER = [
    ("Product2", "PricebookEntry"),
    ("Account", None),
    ("Contact", None),
    ("Opportunity", "OpportunityLineItem"),
    ("Lead", None),
    ("Case", None),
    ("Order", "OrderItem"),
    ("Quote", "QuoteLineItem"),
    ("Task", None),
    ("Event", None),
    ("Note", "ContentNote"),  # classic notes, then Lightning notes
]


# Key prefixes (an Id's first three characters) of the objects the CRM imports.
KEY_PREFIXES = {
    "001": "Account",
    "003": "Contact",
    "006": "Opportunity",
    "00k": "OpportunityLineItem",
    "01t": "Product2",
    "01u": "PricebookEntry",
    "801": "Order",
    "802": "OrderItem",
    "0Q0": "Quote",
    "0QL": "QuoteLineItem",
    "00Q": "Lead",
    "500": "Case",
    "00T": "Task",
    "00U": "Event",
    "002": "Note",
    "069": "ContentNote",
}


def sobject_of_id(sf_id: str) -> str | None:
    """The imported object type a Salesforce Id belongs to, by its key prefix (None: another kind)."""
    return KEY_PREFIXES.get(sf_id[:3]) if isinstance(sf_id, str) else None


def mapping_for(sobject: str) -> ObjectMapping:
    """The mapping of a Salesforce object type; KeyError names the known ones."""
    try:
        return MAPPINGS[sobject]
    except KeyError:
        raise KeyError(f"no mapping for {sobject!r}; known: {', '.join(MAPPINGS)}") from None


__all__ = [
    "IMPORT_ORDER",
    "MAPPINGS",
    "Converted",
    "FieldMap",
    "NaturalKey",
    "ObjectMapping",
    "Problem",
    "mapping_for",
    "sobject_of_id",
]
