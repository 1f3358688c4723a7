"""The sObjects the sandbox serves and their standard fields, typed as Salesforce describes them.

Lengths, types and picklist values follow the Salesforce Field Reference Guide
(https://developer.salesforce.com/docs/atlas.en-us.sfFieldRef.meta/sfFieldRef/) for the
standard objects; only the fields the importer reads (plus system fields) are modelled.

`fields` has the definitions and constructors, `picklists` the standard values, one
module per object family (`users`, `sales`, `pricing`, `orders`, `currencies`, `service`
(Lead, Case, Campaign), `activities` (Task, Event), `notes` (Note, ContentNote,
ContentDocumentLink)) its objects,
and `custom` the org's custom fields.
"""

from __future__ import annotations

from sfsandbox.schema import activities, currencies, notes, orders, pricing, sales, service, users
from sfsandbox.schema.currencies import CONVERSION_RATES, CORPORATE_CURRENCY, CURRENCY_TYPES
from sfsandbox.schema.custom import CUSTOM_FIELDS, HIDDEN_CUSTOM_FIELDS
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
    "CONVERSION_RATES",
    "CORPORATE_CURRENCY",
    "CURRENCIES",
    "CURRENCY_TYPES",
    "CURRENCY_FIELD",
    "INDUSTRIES",
    "LEAD_SOURCES",
    "MULTI_CURRENCY_ONLY",
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
    "CUSTOM_FIELDS",
    "HIDDEN_CUSTOM_FIELDS",
    "build_objects",
]

# OwnerId only where Salesforce has it: not on detail records, price books, products or users.
_OBJECT_FIELDS: dict[str, tuple[str, str, tuple[FieldDef, ...]]] = {
    **users.OBJECTS,
    **sales.OBJECTS,
    **pricing.OBJECTS,
    **orders.OBJECTS,
    **currencies.OBJECTS,
    **service.OBJECTS,
    **activities.OBJECTS,
    **notes.OBJECTS,
}

CURRENCY_FIELD = _picklist("CurrencyIsoCode", "Currency ISO Code", CURRENCIES, length=3, default="USD")

# These have no CurrencyIsoCode.
_NO_CURRENCY = {"Group", "CurrencyType", "Note", "ContentNote", "ContentDocumentLink"}
# Objects only multi-currency orgs have ("not available in single-currency organizations").
MULTI_CURRENCY_ONLY = frozenset({"CurrencyType"})
_NOT_DELETABLE = frozenset({"CurrencyType"})  # "Your client application can't delete this object."

# Generation order: parents before children (lookups point at real records). Every object
# the sandbox knows; an org exposes the ones `build_objects` returns.
OBJECT_NAMES = tuple(_OBJECT_FIELDS)


def build_objects(
    *, multi_currency: bool = False, hidden_fields: dict[str, list[str]] | None = None
) -> dict[str, ObjectDef]:
    """Object definitions as this org exposes them (field-level security, currencies).

    The custom fields in HIDDEN_CUSTOM_FIELDS are always hidden, on top of `hidden_fields`.
    """
    hidden: dict[str, set[str]] = {}
    for source in (HIDDEN_CUSTOM_FIELDS, hidden_fields or {}):
        for obj, names in source.items():
            hidden.setdefault(obj, set()).update(f.lower() for f in names)
    objects = {}
    for name, (label, plural, fields) in _OBJECT_FIELDS.items():
        if name in MULTI_CURRENCY_ONLY and not multi_currency:
            continue
        fields = fields + CUSTOM_FIELDS.get(name, ())
        visible = tuple(f for f in fields if f.name.lower() not in hidden.get(name, set()))
        if multi_currency and name not in _NO_CURRENCY:
            visible += (CURRENCY_FIELD,)
        objects[name] = _object(name, label, plural, visible, deletable=name not in _NOT_DELETABLE)
    return objects
