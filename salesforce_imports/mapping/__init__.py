"""Salesforce -> CRM mapping: one declarative table per Salesforce object (see base.py, values.py).

The engine imports this after Django is set up (the tables read the models' fields).
"""

from .account import ACCOUNT
from .base import Converted, FieldMap, NaturalKey, ObjectMapping, Problem
from .contact import CONTACT
from .opportunity import OPPORTUNITY
from .order import ORDER, ORDER_ITEM
from .product import PRODUCT2
from .quote import QUOTE, QUOTE_LINE_ITEM

MAPPINGS: dict[str, ObjectMapping] = {
    mapping.sobject: mapping
    for mapping in (PRODUCT2, ACCOUNT, CONTACT, OPPORTUNITY, ORDER, ORDER_ITEM, QUOTE, QUOTE_LINE_ITEM)
}

# (parent, its line item type): dependencies first, as references are resolved against earlier types.
IMPORT_ORDER = [
    ("Product2", None),
    ("Account", None),
    ("Contact", None),
    ("Opportunity", None),
    ("Order", "OrderItem"),
    ("Quote", "QuoteLineItem"),
]


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
]
