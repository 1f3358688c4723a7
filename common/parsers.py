"""JSON bodies whose text PostgreSQL can store."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def _unstorable(text: str) -> bool:
    """A NUL (PostgreSQL text and jsonb refuse it) or an unpaired surrogate ("\\ud800" is
    valid JSON but not Unicode: it cannot be encoded to UTF-8)."""
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _first_unstorable(value):
    if isinstance(value, str):
        return value if _unstorable(value) else None
    if isinstance(value, dict):
        items = [*value.keys(), *value.values()]
    elif isinstance(value, list):
        items = value
    else:
        return None
    for item in items:
        found = _first_unstorable(item)
        if found is not None:
            return found
    return None


class TextSafeJSONParser(JSONParser):
    """DRF's JSON parser, refusing with a 400 any string (key or value) holding a NUL or an
    unpaired surrogate, rather than letting it reach the database as a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if _first_unstorable(data) is not None:
            raise ParseError("JSON parse error - a string holds a NUL character or an unpaired surrogate.")
        return data
