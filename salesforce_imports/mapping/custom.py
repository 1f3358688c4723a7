"""Custom fields (`__c`): describe's type decides how a value is kept in `custom_fields`.

Pure like the rest of the mapping. Text stays text; numbers become JSON numbers with
Salesforce's digits (an integer, else a Decimal that common.exact_json writes exactly);
dates and datetimes ISO 8601 strings; checkboxes booleans; picklists their API value;
multi-select picklists a list; lookups `{"salesforce_id", "id"}` with the CRM id filled in
by the engine. A value that does not fit its type is left out with a warning on that field;
the rest of the record lands.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from .base import WARNING, Problem
from .values import shown

TEXT_TYPES = frozenset(
    {"string", "textarea", "email", "phone", "url", "picklist", "combobox", "encryptedstring", "id", "time"}
)
NUMBER_TYPES = frozenset({"double", "currency", "percent", "int", "long"})
# Compound and binary fields cannot be read in bulk queries; their parts are separate fields.
NOT_IMPORTED_TYPES = frozenset({"address", "location", "base64", "complexvalue"})


@dataclass(frozen=True)
class CustomField:
    api_name: str
    field_type: str


class NotThatType(ValueError):
    pass


def _number(raw):
    """Exact: an integer, else the Decimal with Salesforce's digits (written as a JSON number)."""
    if isinstance(raw, bool):
        raise NotThatType
    if isinstance(raw, int):
        return raw
    if isinstance(raw, Decimal):
        value = raw
    else:
        try:  # Bulk CSV text, or a float from a caller that parsed JSON itself
            value = Decimal(str(raw).strip())
        except InvalidOperation:
            raise NotThatType from None
    if not value.is_finite():
        raise NotThatType
    return int(value) if value == value.to_integral_value() and value.adjusted() < 30 else value


def _boolean(raw):
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    raise NotThatType


def _date(raw):
    try:
        return date.fromisoformat(str(raw).strip()[:10]).isoformat()
    except ValueError:
        raise NotThatType from None


def _datetime(raw):
    try:
        value = datetime.fromisoformat(str(raw).strip())
    except ValueError:
        raise NotThatType from None
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value.isoformat().replace("+00:00", "Z")


def _multi(raw):
    if isinstance(raw, list):
        return [str(v) for v in raw]
    return [part for part in str(raw).split(";") if part != ""]


def _text(raw):
    if isinstance(raw, (dict, list)):
        raise NotThatType
    return raw if isinstance(raw, str) else str(raw).lower() if isinstance(raw, bool) else str(raw)


CONVERTERS = {
    **{t: _text for t in TEXT_TYPES},
    **{t: _number for t in NUMBER_TYPES},
    "boolean": _boolean,
    "date": _date,
    "datetime": _datetime,
    "multipicklist": _multi,
}


def convert_custom(get, fields: tuple[CustomField, ...]) -> tuple[dict, list[Problem], list[tuple[str, str]]]:
    """(custom_fields, problems, lookups [(API name, Salesforce Id)]) for one record."""
    values: dict = {}
    problems: list[Problem] = []
    lookups: list[tuple[str, str]] = []
    for custom in fields:
        raw = get(custom.api_name)
        if raw is None or raw == "":
            values[custom.api_name] = None
            continue
        if custom.field_type == "reference":
            if isinstance(raw, str) and raw.strip().isalnum():
                values[custom.api_name] = {"salesforce_id": raw.strip(), "id": None}
                lookups.append((custom.api_name, raw.strip()))
            else:
                values[custom.api_name] = None
                problems.append(
                    Problem(custom.api_name, f"{shown(raw)} is not a Salesforce Id; left empty", WARNING)
                )
            continue
        convert = CONVERTERS.get(custom.field_type, _text)
        try:
            values[custom.api_name] = convert(raw)
        except NotThatType:
            values[custom.api_name] = None
            problems.append(
                Problem(
                    custom.api_name,
                    f"{shown(raw)} is not a valid {custom.field_type} value; this custom field is left empty",
                    WARNING,
                )
            )
    return values, problems, lookups
