"""Salesforce record Ids: 15-char case-sensitive Ids and their 18-char case-safe form.

A generated Id encodes the record's generation index, so Ids sort in generation order
(the base-62 alphabet below is in ASCII order) and an Id can be turned back into an
index without any lookup table: ORDER BY Id and keyset paging stay cheap at 1M rows.
"""

from __future__ import annotations

import re

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_BASE62_VALUE = {ch: i for i, ch in enumerate(BASE62)}
_SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"

# Three-character key prefixes as Salesforce assigns them to standard objects.
KEY_PREFIXES = {
    "Account": "001",
    "Contact": "003",
    "Opportunity": "006",
    "Product2": "01t",
    "Pricebook2": "01s",
    "PricebookEntry": "01u",
    "Order": "801",
    "OrderItem": "802",
    "Quote": "0Q0",
    "QuoteLineItem": "0QL",
    "User": "005",
    "Organization": "00D",
    "QueryLocator": "01g",
    "AsyncJob": "750",
}
OBJECT_BY_PREFIX = {prefix: name for name, prefix in KEY_PREFIXES.items()}

# Characters 4-5 of a real Id name the pod; 6 is reserved. Generated records use "Sx0",
# records inserted at run time (sample data, control endpoint) use "Sy0" so the two
# populations never collide and inserted ones sort after generated ones.
GENERATED_POD = "Sx0"
INSERTED_POD = "Sy0"
_INDEX_DIGITS = 9
MAX_INDEX = 62**_INDEX_DIGITS - 1

_ID_PATTERN = re.compile(r"^[a-zA-Z0-9]{15}(?:[A-Z0-5]{3})?$")


def case_safe_suffix(id15: str) -> str:
    """The 3 characters Salesforce appends so an Id survives case-insensitive systems."""
    suffix = []
    for chunk_start in (0, 5, 10):
        bits = 0
        for position, ch in enumerate(id15[chunk_start : chunk_start + 5]):
            if "A" <= ch <= "Z":
                bits |= 1 << position
        suffix.append(_SUFFIX_ALPHABET[bits])
    return "".join(suffix)


def to_18(id15: str) -> str:
    return id15 + case_safe_suffix(id15)


def to_15(record_id: str) -> str:
    return record_id[:15]


def encode_index(index: int) -> str:
    if not 0 <= index <= MAX_INDEX:
        raise ValueError(f"index out of range: {index}")
    digits = []
    for _ in range(_INDEX_DIGITS):
        index, remainder = divmod(index, 62)
        digits.append(BASE62[remainder])
    return "".join(reversed(digits))


def make_id(object_name: str, index: int, pod: str = GENERATED_POD) -> str:
    """18-char Id of the index-th record of an object."""
    return to_18(KEY_PREFIXES[object_name] + pod + encode_index(index))


def index_from_id(object_name: str, record_id: str, pod: str = GENERATED_POD) -> int | None:
    """Generation index encoded in an Id, or None when the Id is not one of ours."""
    if not looks_like_id(record_id):
        return None
    if record_id[:3] != KEY_PREFIXES[object_name] or record_id[3:6] != pod:
        return None
    if len(record_id) == 18 and case_safe_suffix(record_id[:15]) != record_id[15:]:
        return None
    value = 0
    for ch in record_id[6:15]:
        value = value * 62 + _BASE62_VALUE[ch]
    return value


def looks_like_id(value: object) -> bool:
    """True for a syntactically valid 15- or 18-char Salesforce Id."""
    if not isinstance(value, str) or not _ID_PATTERN.match(value):
        return False
    return len(value) == 15 or case_safe_suffix(value[:15]) == value[15:]
