"""The sObjects the sandbox serves and their standard fields, typed as Salesforce describes them.

Lengths, types and picklist values follow the Salesforce Field Reference Guide
(https://developer.salesforce.com/docs/atlas.en-us.sfFieldRef.meta/sfFieldRef/) for the
standard objects; only the fields the importer reads (plus system fields) are modelled.

`fields` has the definitions and constructors, `picklists` the standard values, and one
module per object family (`users`, `sales`, `pricing`, `orders`) its objects.
"""

from __future__ import annotations

from sfsandbox.schema import orders, pricing, sales, users
from sfsandbox.schema.fields import FieldDef, ObjectDef, _object, _picklist
from sfsandbox.schema.picklists import (
    ACCOUNT_TYPES,
    CURRENCIES,
    INDUSTRIES,
    LEAD_SOURCES,
    OPPORTUNITY_STAGES,
    OPPORTUNITY_TYPES,
    ORDER_STATUSES,
    PRODUCT_FAMILIES,
    QUOTE_STATUSES,
    SALUTATIONS,
    TIME_ZONES,
)

__all__ = [
    "ACCOUNT_TYPES",
    "CURRENCIES",
    "CURRENCY_FIELD",
    "INDUSTRIES",
    "LEAD_SOURCES",
    "OBJECT_NAMES",
    "OPPORTUNITY_STAGES",
    "OPPORTUNITY_TYPES",
    "ORDER_STATUSES",
    "PRODUCT_FAMILIES",
    "QUOTE_STATUSES",
    "SALUTATIONS",
    "TIME_ZONES",
    "FieldDef",
    "ObjectDef",
    "build_objects",
]

# Objects without an owner in Salesforce (detail records, price books, users) get no OwnerId.
_OBJECT_FIELDS: dict[str, tuple[str, str, tuple[FieldDef, ...]]] = {
    **users.OBJECTS,
    **sales.OBJECTS,
    **pricing.OBJECTS,
    **orders.OBJECTS,
}

CURRENCY_FIELD = _picklist("CurrencyIsoCode", "Currency ISO Code", CURRENCIES, length=3, default="USD")

# Generation order: parents before children (lookups point at real records).
OBJECT_NAMES = tuple(_OBJECT_FIELDS)


def build_objects(
    *, multi_currency: bool = False, hidden_fields: dict[str, list[str]] | None = None
) -> dict[str, ObjectDef]:
    """Object definitions as this org exposes them (field-level security, currencies)."""
    hidden = {obj: {f.lower() for f in names} for obj, names in (hidden_fields or {}).items()}
    objects = {}
    for name, (label, plural, fields) in _OBJECT_FIELDS.items():
        visible = tuple(f for f in fields if f.name.lower() not in hidden.get(name, set()))
        if multi_currency:
            visible += (CURRENCY_FIELD,)
        objects[name] = _object(name, label, plural, visible)
    return objects
