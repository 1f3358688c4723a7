"""Hostile answers: the sandbox's faults that reshape a good answer into a bad one.

Real Salesforce (or a proxy in front of it) sometimes answers with something a client must
not trust: a maintenance page in HTML with status 200, a JSON body cut off in transit, a
query page without `records`, a `nextRecordsUrl` on another host, a record without
`attributes`, or a token refresh naming an `instance_url` off Salesforce. Each fault here is
one-shot and fires at the first eligible answer once its call number is reached (see
`CallLedger.take_hostile`), so a client that retries gets the good answer next.
"""

from __future__ import annotations

import json
from decimal import Decimal

from sfsandbox.app.http import Response, _json

# Not a Salesforce host (and not resolvable on a test machine): where the foreign URLs point.
FOREIGN_HOST = "evil.example.com"
FOREIGN_ORIGIN = f"https://{FOREIGN_HOST}"

# The faults that may hit an API call's answer, and which answers each may hit.
_ANY_API_CALL = ("html_200_at",)
_JSON_ANSWERS = ("truncated_json_at",)
_QUERY_PAGES = (
    "missing_records_at",
    "foreign_next_url_at",
    "protocol_relative_next_url_at",
    "no_attributes_at",
)
_QUERY_KINDS = ("query", "query_more")

MAINTENANCE_PAGE = b"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Down for maintenance | sfsandbox</title></head>
<body><h1>This org is down for maintenance</h1>
<p>Salesforce is being upgraded. Please try again shortly.</p></body></html>
"""


def reshape(ledger, number: int, kind: str, response: Response) -> Response:
    """The answer to API call `number`, or the hostile answer a fault puts in its place."""
    due = ledger.due_hostile(number, _ANY_API_CALL + _JSON_ANSWERS + _QUERY_PAGES)
    if not due:  # the usual case: no page is decoded again
        return response
    applicable = [name for name in due if name in _ANY_API_CALL]
    is_json = any(name == "Content-Type" and "json" in value for name, value in response.headers)
    if is_json and response.body:
        applicable += [name for name in due if name in _JSON_ANSWERS]
    page = None
    if kind in _QUERY_KINDS and response.status == 200 and set(due) & set(_QUERY_PAGES):
        page = _query_page(response)
    if page is not None:
        applicable += [
            name for name in due if name in _QUERY_PAGES and (name != "no_attributes_at" or page["records"])
        ]
    fault = ledger.take_hostile(number, applicable)
    if fault is None:
        return response
    if fault == "html_200_at":
        return Response(200, MAINTENANCE_PAGE, content_type="text/html;charset=UTF-8")
    if fault == "truncated_json_at":
        # Cut mid-way; the server sends the Content-Length of what is left, so the client
        # reads a complete HTTP answer whose JSON is not.
        return Response(response.status, response.body[: len(response.body) // 2], headers=_extra(response))
    if fault == "missing_records_at":
        del page["records"]
    elif fault == "no_attributes_at":
        del page["records"][len(page["records"]) // 2]["attributes"]
    else:  # a next page on another host, absolute or protocol-relative
        path = page.get("nextRecordsUrl") or _invented_next_path(page)
        prefix = FOREIGN_ORIGIN if fault == "foreign_next_url_at" else f"//{FOREIGN_HOST}"
        page["done"] = False
        page["nextRecordsUrl"] = prefix + path
    return _json(response.status, page, headers=_extra(response))


def on_refresh(ledger, payload: dict) -> dict:
    """A refresh-token grant's answer, with a foreign `instance_url` when the fault fires."""
    if ledger.take_hostile(ledger.api_calls, ["foreign_instance_on_refresh"]) is None:
        return payload
    return {**payload, "instance_url": FOREIGN_ORIGIN}


def _query_page(response: Response) -> dict | None:
    try:
        page = json.loads(response.body, parse_float=Decimal)
    except ValueError:
        return None
    return page if isinstance(page, dict) and isinstance(page.get("records"), list) else None


def _invented_next_path(page: dict) -> str:
    # The last page has no next: point at a plausible one, as a forged answer would.
    url = (page["records"][0]["attributes"]["url"] if page["records"] else "") or "/services/data/v62.0/"
    version = url.split("/")[3] if url.count("/") >= 4 else "v62.0"
    return f"/services/data/{version}/query/01gSx0000000000AAA-2000"


def _extra(response: Response) -> list[tuple[str, str]]:
    return [(name, value) for name, value in response.headers if name != "Content-Type"]
