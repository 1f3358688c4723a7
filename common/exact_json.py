"""JSON that keeps Decimal numbers exact, both ways.

Salesforce numbers can carry 18 significant digits (a Number(18,2) custom field), more than
a float holds, so the importer parses them as Decimal. The standard library cannot write a
Decimal as a JSON number (its encoder's `default` must return something it already knows,
and float would round), so Decimals are written as a marked string and the marks are
removed from the finished text: the digits land in the JSON as a number, exactly. The mark
starts with NUL, which no stored text can contain (PostgreSQL refuses it in text and the
importer strips it), so it cannot clash with a real string.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from json.encoder import c_make_encoder, encode_basestring

from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder as DRFJSONEncoder

_MARK = "\x00decimal:"
_MARKED = re.compile(r'"\\u0000decimal:([-+0-9.eE]+)"')


def _mark(value: Decimal) -> str:
    if not value.is_finite():
        raise ValueError(f"{value} cannot be written as JSON")
    return f"{_MARK}{value}"


def _digits(match: re.Match) -> str:
    return match[1]


def _unmark(text: str) -> str:
    # A function, not the template r"\1": re expands a template in Python on every call.
    return _MARKED.sub(_digits, text) if "\\u0000decimal:" in text else text


class ExactJSONEncoder(DRFJSONEncoder):
    """DRF's encoder (dates, UUIDs, ...), with Decimals written as exact JSON numbers."""

    def default(self, o):
        if isinstance(o, Decimal):
            return _mark(o)
        return super().default(o)

    def encode(self, o):
        return _unmark(super().encode(o))


class ExactJSONDecoder(json.JSONDecoder):
    """Numbers with a fraction or exponent come back as Decimal, not float."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("parse_float", Decimal)
        super().__init__(*args, **kwargs)


_COMPACT = ExactJSONEncoder(ensure_ascii=False, separators=(",", ":"))
# json.dumps builds an encoder, and the encoder its C scanner, on every call: several times the
# cost of encoding a small object such as a record's custom fields, which the importer writes
# one by one. The C scanner is built once here with the very arguments JSONEncoder.iterencode
# gives it, less circular-reference markers (the importer's values are trees, and markers left
# behind by a failed call would taint the next): the same text, without the per-call set-up.
_encode_compact = (
    c_make_encoder(None, _COMPACT.default, encode_basestring, None, ":", ",", False, False, True)
    if c_make_encoder is not None
    else None
)


def dumps(value) -> str:
    """Compact JSON, not ASCII-escaped, Decimals as exact numbers."""
    if _encode_compact is None:  # a Python without json's C accelerator
        return _COMPACT.encode(value)
    return _unmark("".join(_encode_compact(value, 0)))


class ExactJSONRenderer(JSONRenderer):
    """The API's JSON: as DRF's, but a Salesforce number in custom fields keeps its digits.
    (Model decimal fields are strings already, by DRF's COERCE_DECIMAL_TO_STRING.)"""

    encoder_class = ExactJSONEncoder
