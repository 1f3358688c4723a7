"""Responses in Salesforce's REST shapes: JSON bodies, `[{"message", "errorCode"}]` errors.

Error codes and statuses: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

_JSON = "application/json;charset=UTF-8"
_STATUS_TEXT = {
    200: "OK",
    201: "Created",
    204: "No Content",
    302: "Found",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    500: "Server Error",
    503: "Service Unavailable",
}


class Response:
    def __init__(
        self,
        status: int,
        body: bytes = b"",
        content_type: str = _JSON,
        headers: list[tuple[str, str]] | None = None,
    ):
        self.status = status
        self.body = body
        self.headers = [("Content-Type", content_type)] if body or content_type != _JSON else []
        self.headers += headers or []
        self.records = 0  # records returned, for the per-record cost (sfsandbox/costs.py)
        self.per_record_us = 0


_EXACT = re.compile(rb'"\\u0000N([-+0-9.Ee]+)"')


def _exact_number(value):
    # Decimal values (numbers a float cannot hold exactly) go out as their digits: json
    # has no hook for raw numbers, so they travel as a marked string and are unquoted after.
    if isinstance(value, Decimal):
        return "\x00N" + format(value, "f")
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# One encoder for every answer. Payloads are plain trees built per request, never cyclic,
# so the cycle check (an id() set kept for every dict and list) is left out.
_ENCODER = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), default=_exact_number, check_circular=False
)


_RECORDS_PER_PIECE = 100


def _encoded(payload) -> bytes:
    """UTF-8 JSON of an answer; a query page's records are encoded 100 at a time.

    One emoji in a record makes Python hold the whole page's text at 4 bytes a character,
    and encoding that to UTF-8 costs more than the JSON itself; in pieces, only its piece
    pays. The bytes are the same: the pieces are the array's items, joined by commas.
    """
    records = payload.get("records") if type(payload) is dict else None
    if (
        type(records) is not list
        or len(records) <= _RECORDS_PER_PIECE
        or next(reversed(payload)) != "records"
    ):
        return _ENCODER.encode(payload).encode("utf-8")
    head = _ENCODER.encode({**payload, "records": []}).encode("utf-8")  # ...,"records":[]}
    pieces = [
        _ENCODER.encode(records[start : start + _RECORDS_PER_PIECE])[1:-1].encode("utf-8")
        for start in range(0, len(records), _RECORDS_PER_PIECE)
    ]
    return head[:-2] + b",".join(pieces) + b"]}"


def _json(status: int, payload, headers=None) -> Response:
    body = _encoded(payload)
    if b"\\u0000N" in body:
        body = _EXACT.sub(rb"\1", body)
    return Response(status, body, headers=headers)


def rest_error(status: int, error_code: str, message: str) -> Response:
    return _json(status, [{"message": message, "errorCode": error_code}])


class _ConnectionReset(Exception):
    """Raised to make the server drop the connection without a response."""


def _bearer(environ) -> str | None:
    header = environ.get("HTTP_AUTHORIZATION", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() in ("bearer", "oauth") and token.strip():
        return token.strip()
    return None
