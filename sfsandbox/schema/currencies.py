"""CurrencyType: the currencies of a multi-currency org (single-currency orgs have no such object).

Fields: https://developer.salesforce.com/docs/platform/field-reference/references/field-reference/salesforce-field-reference-currencytype.html
Object Reference (required fields, no delete, only in multi-currency orgs):
https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_objects_currencytype.htm

CurrencyType has no IsDeleted, no OwnerId and no CurrencyIsoCode.
"""

from __future__ import annotations

from sfsandbox.schema.fields import FieldDef, _boolean, _id, _system_fields
from sfsandbox.schema.picklists import CURRENCIES

CORPORATE_CURRENCY = "USD"
# (IsoCode, ConversionRate against the corporate currency, DecimalPlaces), in Id order.
# EUR is the rate the generated EUR price book entries use (0.92 x the USD price). JPY has
# no minor unit (ISO 4217), hence 0 decimal places, the Object Reference's own example.
CURRENCY_TYPES: tuple[tuple[str, float, int], ...] = (
    ("USD", 1.0, 2),
    ("EUR", 0.92, 2),
    ("GBP", 0.79, 2),
    ("JPY", 157.0, 0),
)
CONVERSION_RATES = {iso: rate for iso, rate, _ in CURRENCY_TYPES}
# Every CurrencyIsoCode a record of the org can carry is one of the org's currencies.
assert tuple(iso for iso, _, _ in CURRENCY_TYPES) == CURRENCIES
assert CURRENCY_TYPES[0][0] == CORPORATE_CURRENCY and CURRENCY_TYPES[0][1] == 1.0

OBJECTS = {
    "CurrencyType": (
        "Currency Type",
        "Currency Types",
        (
            _id("Currency Type ID"),
            FieldDef(
                "IsoCode",
                "picklist",
                "Currency ISO Code",
                length=40,
                nillable=False,
                picklist_values=CURRENCIES,
                restricted_picklist=True,
            ),
            FieldDef("ConversionRate", "double", "Conversion Rate", nillable=False, precision=18, scale=6),
            FieldDef("DecimalPlaces", "int", "Decimal Places", nillable=False, digits=9),
            _boolean("IsActive", "Active"),
            _boolean("IsCorporate", "Corporate Currency"),
            *_system_fields(owned=False, deletable=False),
        ),
    ),
}
