"""Salesforce record Ids: 15-char case-sensitive Ids and their 18-char case-safe form.

A generated Id encodes the record's generation index, so Ids sort in generation order
(the base-62 alphabet below is in ASCII order) and an Id can be turned back into an
index without any lookup table: ORDER BY Id and keyset paging stay cheap at 1M rows.
"""

from __future__ import annotations

import functools
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
    "Group": "00G",
    "OpportunityLineItem": "00k",
    "CurrencyType": "01L",
    "Lead": "00Q",
    "Case": "500",
    "Campaign": "701",
    "Task": "00T",
    "Event": "00U",
    "Note": "002",
    "ContentNote": "069",  # a ContentNote's Id is its ContentDocument's Id
    "ContentDocumentLink": "06A",
    "ContentVersion": "068",  # not an object of the org: ContentNote.LatestPublishedVersionId
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


# Maps each character to "1" if it is an upper-case letter, else "0" (C-speed bit extraction).
_UPPER_BITS = str.maketrans({ch: ("1" if "A" <= ch <= "Z" else "0") for ch in BASE62})


def case_safe_suffix(id15: str) -> str:
    """The 3 characters Salesforce appends so an Id survives case-insensitive systems.

    For each 5-char chunk, bit i is set when character i is upper case; the 5-bit value
    indexes A-Z0-5.
    """
    bits = id15.translate(_UPPER_BITS)
    return (
        _SUFFIX_ALPHABET[int(bits[4::-1], 2)]
        + _SUFFIX_ALPHABET[int(bits[9:4:-1], 2)]
        + _SUFFIX_ALPHABET[int(bits[14:9:-1], 2)]
    )


def to_18(id15: str) -> str:
    return id15 + case_safe_suffix(id15)


def to_15(record_id: str) -> str:
    return record_id[:15]


_PAIRS = [a + b for a in BASE62 for b in BASE62]  # 2-digit base-62 strings, in order


def encode_index(index: int) -> str:
    """Fixed-width (9 digit) base-62 form of an index; hot path, so two digits at a time."""
    if not 0 <= index <= MAX_INDEX:
        raise ValueError(f"index out of range: {index}")
    high, low = divmod(index, 3844)
    high, mid = divmod(high, 3844)
    high, mid2 = divmod(high, 3844)
    top, mid3 = divmod(high, 3844)
    return BASE62[top] + _PAIRS[mid3] + _PAIRS[mid2] + _PAIRS[mid] + _PAIRS[low]


_UPPER_FLAG = [1 if "A" <= ch <= "Z" else 0 for ch in BASE62]
_PAIR_FLAGS = [_UPPER_FLAG[a] | _UPPER_FLAG[b] << 1 for a in range(62) for b in range(62)]


@functools.lru_cache(maxsize=4096)
def _id_head(object_name: str, pod: str, high: int) -> tuple[str, str]:
    """First 10 chars of an Id (prefix, pod, top 4 index digits) and its first 2 suffix chars.

    These only change every 62**5 records, so they are computed once.
    """
    head = KEY_PREFIXES[object_name] + pod + encode_index(high * 62**5)[:4]
    return head, case_safe_suffix(head + "00000")[:2]


_LOW_SPAN = 62**5  # generated records' indices are below: their Ids share the head of index 0
_GENERATED_HEADS = {name: _id_head(name, GENERATED_POD, 0) for name in KEY_PREFIXES}


def make_id(object_name: str, index: int, pod: str = GENERATED_POD) -> str:
    """18-char Id of the index-th record of an object.

    Hot path (several Ids per generated record), hence table lookups instead of a loop:
    the last 5 index digits decide the third case-safe suffix character.
    """
    if pod == GENERATED_POD and 0 <= index < _LOW_SPAN:
        head, suffix = _GENERATED_HEADS[object_name]
        high, low = divmod(index, 3844)
        digit, mid = divmod(high, 3844)
    else:
        if not 0 <= index <= MAX_INDEX:
            raise ValueError(f"index out of range: {index}")
        high, low = divmod(index, 3844)
        high, mid = divmod(high, 3844)
        high, digit = divmod(high, 62)
        head, suffix = _id_head(object_name, pod, high)
    last_chunk = _UPPER_FLAG[digit] | _PAIR_FLAGS[mid] << 1 | _PAIR_FLAGS[low] << 3
    # One f-string builds the Id in one go (a chain of + makes each partial string).
    return f"{head}{BASE62[digit]}{_PAIRS[mid]}{_PAIRS[low]}{suffix}{_SUFFIX_ALPHABET[last_chunk]}"


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
