"""CurrencyType records: one per currency of a multi-currency org, USD the corporate one."""

from __future__ import annotations

from sfsandbox.generator.base import FactoryBase
from sfsandbox.generator.clock import _HISTORY_START, format_datetime
from sfsandbox.ids import make_id
from sfsandbox.schema import CORPORATE_CURRENCY, CURRENCY_TYPES


class CurrencyBuilders(FactoryBase):
    def _currency_type(self, i: int) -> dict:
        """Setup data: the sandbox user set up every currency when the org's history starts,
        before any record that carries one (the first records are created that day)."""
        iso_code, rate, decimal_places = CURRENCY_TYPES[i % len(CURRENCY_TYPES)]
        admin = make_id("User", 0)
        stamp = format_datetime(_HISTORY_START)
        return {
            "Id": make_id("CurrencyType", i),
            "IsoCode": iso_code,
            "ConversionRate": rate,
            "DecimalPlaces": decimal_places,
            "IsActive": True,
            "IsCorporate": iso_code == CORPORATE_CURRENCY,
            "CreatedById": admin,
            "CreatedDate": stamp,
            "LastModifiedById": admin,
            "LastModifiedDate": stamp,
            "SystemModstamp": stamp,
            "_created_epoch": _HISTORY_START,
        }
