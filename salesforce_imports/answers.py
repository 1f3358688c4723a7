"""What a Salesforce answer must look like before the importer believes it.

simple-salesforce hands back whatever JSON came, and follows `nextRecordsUrl` by gluing it
to the instance host. A maintenance page served with status 200, a body cut off in transit,
a query page without `records`, a record without `attributes` or a next-page URL on another
host would then either crash somewhere deep in the engine or, worse, be imported or
followed. Every answer the client uses goes through here first and becomes one clear
`SalesforceBadAnswer` when it is not what Salesforce documents.

Transient or not: an HTML page, cut-off JSON and a malformed page are what a proxy or a
Salesforce instance in maintenance produces for a moment, and asking for the same page
again is safe (a query locator's page can be read twice), so they are retried like a 503.
A URL or an instance off the Salesforce origin is never a glitch worth another try: it is
refused at once and never followed.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import requests
from django.conf import settings

from . import oauth

# Salesforce's next-page URLs are relative: /services/data/v62.0/query/01gD0000000xyzAAA-2000.
# Only that shape is followed: no scheme, no host, no "//", "..", "@", "\" or query string.
_NEXT_PATH = re.compile(r"/services/data/v\d{2,3}\.\d/(?:query|queryAll)/[A-Za-z0-9-]{1,64}")


class SalesforceBadAnswer(ValueError):
    """Salesforce's answer is not one the importer may use.

    `transient`: worth asking again (the retry policy does so a bounded number of times).
    A ValueError, as the JSON error it replaces was: callers that treat a body that is not
    JSON as "no answer" (budget.read_limits) keep doing so."""

    def __init__(self, message: str, *, transient: bool):
        super().__init__(message)
        self.transient = transient


def from_unparsable(exc: requests.exceptions.JSONDecodeError) -> SalesforceBadAnswer:
    """A body that is not JSON: an HTML page (maintenance, a proxy's error) or JSON cut off."""
    text = (getattr(exc, "doc", "") or "").lstrip()
    if text[:1] == "<":
        what = "an HTML page instead of JSON (a maintenance or error page)"
    elif not text:
        what = "an empty body instead of JSON"
    else:
        what = "JSON that breaks off or is malformed"
    return _malformed(what)


def query_page(result, instance_url: str) -> dict:
    """A query or queryMore answer, checked: `records` a list of records each carrying
    `attributes.type`, `done` a boolean, and a next page only on the instance itself.

    Returns the page with `nextRecordsUrl` reduced to its trusted relative path."""
    if not isinstance(result, dict):
        raise _malformed(f"a {type(result).__name__} where a query page was expected")
    records = result.get("records")
    if not isinstance(records, list):
        raise _malformed("a query page without its records")
    if not isinstance(result.get("done"), bool):
        raise _malformed("a query page that does not say whether it is the last")
    for record in records:
        attributes = record.get("attributes") if isinstance(record, dict) else None
        if not isinstance(attributes, dict) or not isinstance(attributes.get("type"), str):
            raise _malformed("a record without its attributes (type)")
    if result["done"]:
        return result
    result["nextRecordsUrl"] = next_records_path(result.get("nextRecordsUrl"), instance_url)
    return result


def next_records_path(url, instance_url: str) -> str:
    """The relative path of a next-page URL that stays on the instance, or a refusal.

    An absolute URL is accepted only on the instance's own origin (and then reduced to its
    path); anything on another host, protocol-relative (//host/...) or of another shape is
    refused at once: the importer never sends its session token anywhere else."""
    if not isinstance(url, str) or not url:
        raise _malformed("a query page that is not the last but has no next page")
    path = url
    if not url.startswith("/") or url.startswith("//"):
        path = _same_origin_path(url, instance_url)
    if not _NEXT_PATH.fullmatch(path):
        raise SalesforceBadAnswer(
            f"Refused Salesforce's next-page URL {_shown(url)}: it is not a query page of "
            f"this Salesforce instance, so it was not followed.",
            transient=False,
        )
    return path


def checked_instance_url(url) -> str:
    """A refreshed `instance_url`, held to the same rule as at connect time."""
    if not oauth.is_valid_instance_url(url):
        raise SalesforceBadAnswer(
            f"Salesforce's token refresh named an instance outside Salesforce ({_shown(url)}): "
            f"refused; the connection was left as it was.",
            transient=False,
        )
    return url


def _same_origin_path(url: str, instance_url: str) -> str:
    try:
        parts, instance = urlsplit(url), urlsplit(instance_url)
        same = (
            parts.scheme in ("http", "https")
            and (parts.scheme, parts.hostname, _port(parts))
            == (instance.scheme, instance.hostname, _port(instance))
            and not (parts.username or parts.password or parts.query or parts.fragment)
        )
    except ValueError:
        same = False
    if not same:
        raise SalesforceBadAnswer(
            f"Refused Salesforce's next-page URL {_shown(url)}: it points off the Salesforce "
            f"instance, so it was not followed.",
            transient=False,
        )
    return parts.path


def _port(parts) -> int | None:
    return parts.port or {"https": 443, "http": 80}.get(parts.scheme)


def _malformed(what: str) -> SalesforceBadAnswer:
    # The job sees it only once the client's retries (SalesforceClient.call) all got the
    # same: say so, and what to do.
    tries = settings.SALESFORCE_MAX_ATTEMPTS
    asked = "once" if tries == 1 else f"{tries} times"
    return SalesforceBadAnswer(
        f"Salesforce answered with {what} (asked {asked}). The import stopped; run it again "
        f"later: it resumes after the last saved batch.",
        transient=True,
    )


def _shown(url) -> str:
    # Enough to recognise the host in the job's message, never a whole (possibly long) URL.
    text = str(url)
    return repr(text if len(text) <= 80 else text[:77] + "...")
