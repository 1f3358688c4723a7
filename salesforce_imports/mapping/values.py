"""Pure value converters of the Salesforce import: text, country and currency, booleans and
numbers, dates. The picklist converters and tables are in picklists.py.

A converter is ``convert(raw, field, warn) -> value``:

* ``raw`` is the Salesforce value as REST JSON gives it (str, int, float, bool, None) or as a
  Bulk API 2.0 CSV gives it (always a str, "" meaning null). Both must give the same result.
* ``field`` is the CRM model field. Limits (max_length, digits, min/max validators, default)
  are read from it, so that the model stays the one source of truth.
* ``warn(message)`` records a warning: the value is still imported, changed as the message says.
* Raising ``Invalid(message)`` makes the record an error: it is not imported.
"""

import functools
import re
import unicodedata
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

import pycountry
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator


class Invalid(ValueError):
    """The value cannot be imported: the record becomes an error."""


def shown(raw) -> str:
    """A value as a message names it: quoted, cut to about 100 characters. repr() escapes NUL and
    control characters, so the message itself is always storable and readable."""
    text = raw if isinstance(raw, str) else str(raw)
    quoted = repr(text[:100])
    return quoted if len(text) <= 100 and len(quoted) <= 120 else quoted[:120] + "…"


def is_null(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def as_string(raw) -> str:
    """A scalar as stripped text; JSON numbers (a phone or postcode sent as a number) are fine."""
    if isinstance(raw, str):
        return raw.strip()
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, int | float | Decimal):
        return str(raw)
    raise Invalid(f"{shown(raw)} is not a text value; the record is not imported")


# ---------------------------------------------------------------------------------------- text

# PostgreSQL cannot store NUL in text, and an unpaired surrogate cannot be encoded as UTF-8.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# Characters that belong to the one before them (or glue two together): a cut must not split them.
_JOINERS = frozenset("\u200d\ufe0e\ufe0f")


def _storable(value: str, warn) -> str:
    # ASCII text can only hold NUL (checked without the regex: this runs for every text value).
    if ("\x00" in value) if value.isascii() else _UNSTORABLE.search(value):
        value = _UNSTORABLE.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", value)
        warn(f"{shown(value)} held NUL characters or unpaired surrogates, which cannot be stored; removed")
    return value


def truncate(value: str, limit: int) -> str:
    """Cut to `limit` characters without leaving a letter without its combining marks."""
    if len(value) <= limit:
        return value
    cut = limit
    while cut > 0 and (
        unicodedata.combining(value[cut]) or value[cut] in _JOINERS or value[cut - 1] == "\u200d"
    ):
        cut -= 1
    return (value[:cut] if cut else value[:limit]).rstrip()


def text(raw, field, warn) -> str:
    """Text: stripped, unicode kept as is, cut to the column with a warning."""
    if raw.__class__ is str:  # nearly always (REST JSON and Bulk CSV alike): stripped once
        value = raw.strip()
        if not value:
            return ""
    elif raw is None:
        return ""
    else:
        value = as_string(raw)
    value = _storable(value, warn)
    limit = field.max_length
    if limit and len(value) > limit:
        warn(f"{shown(value)} has {len(value)} characters, more than the CRM's {limit}; truncated")
        value = truncate(value, limit)
    return value


def first_line(raw, field, warn) -> str:
    """The first non-blank line, cut silently: used for a line item's name, whose full text is kept
    in its description (so nothing is lost and a warning would only be noise)."""
    if is_null(raw) or not isinstance(raw, str):
        return ""
    line = next((part.strip() for part in raw.splitlines() if part.strip()), "")
    return text(line, field, lambda message: None)


def email(raw, field, warn) -> str:
    """An email the CRM's own validators accept, or "" with a warning (never cut: a cut email is wrong)."""
    if is_null(raw):
        return ""
    value = _storable(as_string(raw), warn)
    try:
        for validator in field.validators:  # EmailValidator and MaxLengthValidator of the EmailField
            validator(value)
    except (ValidationError, ValueError):
        warn(f"{shown(value)} is not a valid email address; imported without it")
        return ""
    return value


# ------------------------------------------------------------------------------- country, currency

# Names pycountry does not know: common short forms and native names. Keys are compared casefolded
# with dots removed, so "U.K." and "uk" are one key.
COUNTRY_ALIASES = {
    "uk": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "america": "US",
    "united states": "US",
    "deutschland": "DE",
    "bundesrepublik deutschland": "DE",
    "österreich": "AT",
    "schweiz": "CH",
    "suisse": "CH",
    "svizzera": "CH",
    "españa": "ES",
    "méxico": "MX",
    "brasil": "BR",
    "italia": "IT",
    "nederland": "NL",
    "holland": "NL",
    "belgië": "BE",
    "belgique": "BE",
    "sverige": "SE",
    "norge": "NO",
    "danmark": "DK",
    "suomi": "FI",
    "polska": "PL",
    "česko": "CZ",
    "česká republika": "CZ",
    "éire": "IE",
    "republic of ireland": "IE",
    "ελλάδα": "GR",
    "россия": "RU",
    "russia": "RU",
    "turkey": "TR",
    "中国": "CN",
    "prc": "CN",
    "日本": "JP",
    "대한민국": "KR",
    "korea": "KR",
    "north korea": "KP",
    "भारत": "IN",
    "perú": "PE",
    "uae": "AE",
    "ivory coast": "CI",
    "macedonia": "MK",
    "swaziland": "SZ",
    "burma": "MM",
    "palestine": "PS",
    "vatican": "VA",
    "vatican city": "VA",
    "cape verde": "CV",
    "east timor": "TL",
    "brunei": "BN",
    "micronesia": "FM",
}


@functools.lru_cache(maxsize=4096)  # a few hundred distinct names per org; pycountry scans linearly
def country_code(name: str) -> str | None:
    """ISO 3166-1 alpha-2 for a country name or code, or None. No fuzzy matching: no guessing."""
    key = " ".join(name.replace(".", "").split()).casefold()
    if key in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[key]
    for candidate in dict.fromkeys((name.strip(), key, key.removeprefix("the "))):
        if not candidate:
            continue
        try:
            return pycountry.countries.lookup(candidate).alpha_2
        except LookupError:
            continue
    return None


def country(raw, field, warn) -> str:
    if is_null(raw):
        return ""
    name = as_string(raw)
    code = country_code(name)
    if code is None:
        warn(f"country {shown(name)} is not one pycountry or the alias table knows; left empty")
        return ""
    return code


@functools.lru_cache(maxsize=512)
def _known_currency(code: str) -> bool:
    return pycountry.currencies.get(alpha_3=code) is not None


def currency(raw, field, warn) -> str:
    if is_null(raw):
        return ""
    code = as_string(raw).upper()
    if len(code) != 3 or not _known_currency(code):
        warn(f"currency {shown(code)} is not an ISO 4217 code; left empty")
        return ""
    return code


# ------------------------------------------------------------------------------ booleans, numbers

_TRUE, _FALSE = frozenset({"true", "1"}), frozenset({"false", "0"})


def boolean(raw, field, warn) -> bool:
    if is_null(raw):
        return field.get_default()
    if isinstance(raw, bool):
        return raw
    key = raw.strip().casefold() if isinstance(raw, str) else raw if isinstance(raw, int) else None
    if key in _TRUE or key == 1:
        return True
    if key in _FALSE or key == 0:
        return False
    raise Invalid(f"{shown(raw)} is not true or false; the record is not imported")


def flag(raw) -> bool:
    """A lenient boolean for fields that only steer a default (IsClosed, IsWon): unclear is False."""
    return raw is True or (isinstance(raw, str) and raw.strip().casefold() in _TRUE) or raw == 1


# Plain decimal notation only: Decimal() would also take "1_000", "Infinity" or non-ASCII digits.
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


def parse_number(raw) -> Decimal:
    if isinstance(raw, Decimal) and raw.is_finite():  # the client parses JSON numbers as Decimal
        return raw
    if isinstance(raw, int) and not isinstance(raw, bool):
        return Decimal(raw)
    if isinstance(raw, float):
        raw = str(raw)  # through str: Decimal(0.1) would carry the float's binary noise
    if isinstance(raw, str) and _NUMBER.fullmatch(raw.strip()):
        try:
            return Decimal(raw.strip())
        except (InvalidOperation, ValueError):  # an exponent beyond what Decimal can hold
            pass
    raise Invalid(f"{shown(raw)} is not a number; the record is not imported")


# Worked out once per model field, keyed by id(): hashing a Django field (what functools.cache
# would do) costs more than the conversion itself. Each entry holds its field, so no other
# object can take that id while the entry lives.
_PER_FIELD: dict[tuple[str, int], tuple] = {}


def _limits(field):
    """The (min, max) the CRM enforces on a number field, from its validators."""
    entry = _PER_FIELD.get(("limits", id(field)))
    if entry is None:
        lows = [v.limit_value for v in field.validators if isinstance(v, MinValueValidator)]
        highs = [v.limit_value for v in field.validators if isinstance(v, MaxValueValidator)]
        entry = _PER_FIELD[("limits", id(field))] = (
            field,
            max(lows) if lows else None,
            min(highs) if highs else None,
        )
    return entry[1], entry[2]


def _decimal_column(field):
    """(integer digits, quantum, rounding context) of a decimal column."""
    entry = _PER_FIELD.get(("decimal", id(field)))
    if entry is None:
        places = field.decimal_places
        entry = _PER_FIELD[("decimal", id(field))] = (
            field,
            field.max_digits - places,
            Decimal(1).scaleb(-places),
            Context(prec=field.max_digits + 1),
        )
    return entry[1], entry[2], entry[3]


def _in_range(value, field, raw):
    low, high = _limits(field)
    if low is not None and value < low:
        raise Invalid(f"{shown(raw)} is below the CRM's minimum of {low}; the record is not imported")
    if high is not None and value > high:
        raise Invalid(f"{shown(raw)} is above the CRM's maximum of {high}; the record is not imported")
    return value


def _too_big(raw, whole_digits: int) -> Invalid:
    return Invalid(
        f"{shown(raw)} does not fit the CRM's {whole_digits} integer digits; the record is not imported"
    )


def decimal(raw, field, warn) -> Decimal | None:
    """Rounded half-up to the column's decimal places; an integer part too long is an error."""
    if is_null(raw):
        return None if field.null else Decimal(field.get_default())
    value = parse_number(raw)
    whole_digits, quantum, context = _decimal_column(field)
    if value and value.adjusted() >= whole_digits:
        raise _too_big(raw, whole_digits)
    value = value.quantize(quantum, ROUND_HALF_UP, context)
    if value and value.adjusted() >= whole_digits:  # 99.995 rounds up to 100.00
        raise _too_big(raw, whole_digits)
    if not value:
        value = abs(value)  # "-0.00" -> "0.00"
    return _in_range(value, field, raw)


def integer(raw, field, warn) -> int | None:
    """Rounded half-up to a whole number (Salesforce sends 10.0 for a percent); range from the model."""
    if is_null(raw):
        return None if field.null else field.get_default()
    value = parse_number(raw)
    if value and value.adjusted() > 18:
        raise Invalid(f"{shown(raw)} is far too large; the record is not imported")
    return _in_range(int(value.to_integral_value(ROUND_HALF_UP)), field, raw)


_TRAILING_DIGITS = re.compile(r"(\d+)$", re.ASCII)


def autonumber(raw, field, warn) -> int:
    """An autonumber ("00000123", or with a display prefix "OI-0123") as its number; else the default."""
    if is_null(raw):
        return field.get_default()
    found = _TRAILING_DIGITS.search(as_string(raw)) if isinstance(raw, str | int) else None
    digits = (found.group(1).lstrip("0") or "0") if found else ""
    low, high = _limits(field)
    if digits and len(digits) <= 18 and (high is None or int(digits) <= high):
        return int(digits)
    warn(f"{shown(raw)} is not a line number the CRM can hold; used {field.get_default()}")
    return field.get_default()


def line_position(raw, field, warn) -> int:
    """(SortOrder, LineNumber): the explicit sort order, else the line's autonumber."""
    sort_order, line_number = raw
    if is_null(sort_order):
        return autonumber(line_number, field, warn)
    return integer(sort_order, field, warn)


# ------------------------------------------------------------------------------------------ dates


def _utc(value: datetime) -> datetime:
    # Salesforce datetimes are UTC; one without an offset can only be meant as UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def date_value(raw, field, warn) -> date | None:
    """A date; a datetime (CreatedDate, or a CloseDate exported as one) gives its UTC date."""
    if is_null(raw):
        return None
    if isinstance(raw, str):
        value = raw.strip()
        try:
            return (
                date.fromisoformat(value) if len(value) == 10 else _utc(datetime.fromisoformat(value)).date()
            )
        except (ValueError, OverflowError):
            pass
    raise Invalid(f"{shown(raw)} is not a date (YYYY-MM-DD); the record is not imported")


def datetime_value(raw, field, warn) -> datetime | None:
    """An aware UTC datetime; "Z", "+0000" and "+00:00" offsets and a bare date are accepted."""
    if is_null(raw):
        return None
    if isinstance(raw, str):
        try:
            return _utc(datetime.fromisoformat(raw.strip()))
        except (ValueError, OverflowError):
            pass
    raise Invalid(f"{shown(raw)} is not a date and time (ISO 8601); the record is not imported")


# ------------------------------------------------------------------------------------ fixed values


def when_present(value: str):
    """A converter giving `value` when the Salesforce field is set, else empty (Quote Discount ->
    discount_type PERCENTAGE: Salesforce's quote discount is always a percentage)."""

    def convert(raw, field, warn) -> str:
        return "" if is_null(raw) else value

    return convert
