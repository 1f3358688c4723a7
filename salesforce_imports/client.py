"""A connection -> a Salesforce API session for the importer.

Wraps simple-salesforce with what it does not do itself: refreshing the access token
(before use when old, and once per INVALID_SESSION_ID), retries with exponential backoff
and jitter for transient failures, and page-by-page streaming with bounded memory.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import queue
import re
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from decimal import Decimal
from email.utils import parsedate_to_datetime

import requests
from django import db
from django.conf import settings
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import (
    SalesforceError,
    SalesforceExpiredSession,
    SalesforceGeneralError,
    SalesforceMalformedRequest,
    SalesforceRefusedRequest,
)
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_random_exponential

from . import answers, oauth, tokens
from .models import SalesforceConnection
from .transport import http_session

logger = logging.getLogger(__name__)


_API_USAGE = re.compile(r"api-usage=(\d+)/(\d+)")


class DailyLimitExceeded(Exception):
    """The org's daily API request limit is used up: retrying today will not help."""


class QueryLocatorLost(Exception):
    """Salesforce closed the query's cursor (idle too long, or too many open): the caller
    must query again from where it got to."""


def _error_code(exc: SalesforceError) -> tuple[str, str]:
    content = exc.content
    if isinstance(content, list) and content and isinstance(content[0], dict):
        return str(content[0].get("errorCode", "")), str(content[0].get("message", ""))
    return "", str(content)[:200]


def is_transient(exc: BaseException) -> bool:
    """5xx, connection trouble and concurrent-request limits are worth another try."""
    if isinstance(
        exc, requests.ConnectionError | requests.Timeout | requests.exceptions.ChunkedEncodingError
    ):
        return True
    if isinstance(exc, oauth.SalesforceUnavailable):  # the token endpoint during a refresh
        return True
    if isinstance(exc, answers.SalesforceBadAnswer):  # HTML, cut-off JSON: yes; foreign URLs: never
        return exc.transient
    if isinstance(exc, SalesforceGeneralError):
        return exc.status >= 500
    if isinstance(exc, SalesforceRefusedRequest):
        code, message = _error_code(exc)
        return code == "REQUEST_LIMIT_EXCEEDED" and "TotalRequests" not in message
    return False


def _is_daily_limit(exc: BaseException) -> bool:
    if not isinstance(exc, SalesforceRefusedRequest):
        return False
    code, message = _error_code(exc)
    return code == "REQUEST_LIMIT_EXCEEDED" and "TotalRequests" in message


class SalesforceClient:
    def __init__(self, connection: SalesforceConnection):
        if not connection.is_active:
            raise tokens.ConnectionLost(
                connection.inactive_reason or "The Salesforce connection is inactive."
            )
        self.connection = connection
        self.api_calls = 0
        self._counting = threading.Lock()  # note bodies and Bulk downloads call from threads
        self._sf: Salesforce | None = None
        self._described: dict[str, dict[str, dict]] = {}
        # Salesforce's clock (its responses' Date header): "changed since" is asked in its time.
        self.server_time: datetime | None = None
        # (used, max) of the org's daily API requests, from the latest Sforce-Limit-Info (budget.py).
        self.api_usage: tuple[int, int] | None = None
        # The quickest answer so far (request sent to headers read), in seconds: how far away
        # Salesforce is, which decides whether calls are worth making ahead in the background.
        self.round_trip: float | None = None

    # -- session -------------------------------------------------------------------------
    def _salesforce(self) -> Salesforce:
        if not self.connection.access_token or tokens.needs_refresh(self.connection):
            self._refresh()
        if self._sf is None:
            self._sf = Salesforce(
                instance_url=self.connection.instance_url,
                session_id=self.connection.access_token,
                version=settings.SALESFORCE_API_VERSION,
                session=http_session(self.connection.instance_url),
                object_pairs_hook=None,  # json's own dicts: faster than OrderedDict or dict(pairs)
                # Numbers as Decimal: a Number(18,2) field has more digits than a float keeps.
                parse_float=Decimal,
            )
            self._sf.headers["Sforce-Query-Options"] = f"batchSize={settings.SALESFORCE_BATCH_SIZE}"
            self._sf.session.hooks.setdefault("response", []).append(self._note_server_time)
            self._sf.session.hooks["response"].append(self._note_api_usage)
            self._sf.session.hooks["response"].append(self._note_round_trip)
        return self._sf

    def _note_server_time(self, response, *args, **kwargs):
        # No or an odd Date header: the job falls back to our own clock.
        with contextlib.suppress(KeyError, TypeError, ValueError, IndexError):
            self.server_time = parsedate_to_datetime(response.headers["Date"])
        return response

    def _note_api_usage(self, response, *args, **kwargs):
        # Every REST response says "Sforce-Limit-Info: api-usage=used/max"; the engine's
        # cancel check stops the job at the org's reserve (budget.stop_at_reserve).
        found = _API_USAGE.search(response.headers.get("Sforce-Limit-Info") or "")
        if found:
            self.api_usage = (int(found.group(1)), int(found.group(2)))
        return response

    def _note_round_trip(self, response, *args, **kwargs):
        with contextlib.suppress(AttributeError, TypeError):
            seconds = response.elapsed.total_seconds()
            if self.round_trip is None or seconds < self.round_trip:
                self.round_trip = seconds
        return response

    def far_away(self) -> bool:
        """Do calls wait on the network? (The quickest answer so far took at least
        SALESFORCE_NOTES_AHEAD_MIN_SECONDS.) Then calls made side by side overlap their waits;
        against an org that answers at once each call is the worker's own CPU either way.
        No answer yet: not known to be far."""
        return self.round_trip is not None and self.round_trip >= settings.SALESFORCE_NOTES_AHEAD_MIN_SECONDS

    def _refresh(self) -> None:
        self.connection = tokens.refresh(self.connection.pk, self.connection.access_token)
        self._sf = None

    def call(self, operation: Callable[[Salesforce], object]):
        """Run one API call with refresh-once-on-expiry and bounded, jittered retries."""
        retrying = Retrying(
            stop=stop_after_attempt(settings.SALESFORCE_MAX_ATTEMPTS),
            wait=wait_random_exponential(
                multiplier=settings.SALESFORCE_RETRY_BASE_SECONDS, max=settings.SALESFORCE_RETRY_MAX_SECONDS
            ),
            retry=retry_if_exception(is_transient),
            before_sleep=lambda state: logger.warning(
                "Salesforce call failed (%s), retry %d",
                type(state.outcome.exception()).__name__,
                state.attempt_number,
            ),
            reraise=True,
        )
        return retrying(self._call_with_refresh, operation)

    def _call_with_refresh(self, operation):
        try:
            return self._attempt(operation)
        except SalesforceExpiredSession:
            logger.info("Salesforce session expired for org %s: refreshing", self.connection.org_id)
            self._refresh()
            return self._attempt(operation)

    def _attempt(self, operation):
        sf = self._salesforce()
        with self._counting:
            self.api_calls += 1
        try:
            return operation(sf)
        except requests.exceptions.JSONDecodeError as exc:  # a 200 whose body is not JSON
            raise answers.from_unparsable(exc) from None
        except SalesforceRefusedRequest as exc:
            if _is_daily_limit(exc):
                raise DailyLimitExceeded(
                    "Salesforce's daily API request limit for this org is used up. "
                    "Run the import again when it resets: it resumes where it stopped."
                ) from None
            raise

    # -- operations the importer uses ------------------------------------------------------
    def describe_fields(self, sobject: str) -> dict[str, dict]:
        """{field name: describe's field entry} of the fields this user can read (cached)."""
        if sobject not in self._described:
            describe = self.call(lambda sf: getattr(sf, sobject).describe())
            self._described[sobject] = {field["name"]: field for field in describe["fields"]}
        return self._described[sobject]

    def readable_fields(self, sobject: str) -> set[str]:
        return set(self.describe_fields(sobject))

    def count(self, soql_from_where: str, query_all: bool = False) -> int:
        soql = f"SELECT COUNT() {soql_from_where}"
        return self.call(lambda sf: sf.query(soql, include_deleted=query_all))["totalSize"]

    def query_pages(self, soql: str, query_all: bool = False, on_total=None) -> Iterator[list[dict]]:
        """Yield the result page by page, fetching the next page while the caller works on
        this one. At most two pages are held: memory stays bounded whatever the org size."""
        pages: queue.Queue = queue.Queue(maxsize=1)
        stop = threading.Event()

        def hand_over(item) -> bool:
            """Put unless the consumer has gone away (it stops reading on an error)."""
            while not stop.is_set():
                try:
                    pages.put(item, timeout=0.2)
                    return True
                except queue.Full:
                    continue
            return False

        def produce():
            try:
                for page in self._pages(soql, query_all, on_total):
                    if not hand_over(("page", page)):
                        return
                hand_over(("done", None))
            except BaseException as exc:  # handed to the consumer, raised there
                hand_over(("error", exc))
            finally:
                db.connections.close_all()  # this thread's connections (a token refresh uses one)

        # The copied context carries the org context into the thread (token refreshes read
        # the connection row under row-level security).
        fetcher = threading.Thread(target=contextvars.copy_context().run, args=(produce,), daemon=True)
        fetcher.start()
        try:
            while True:
                kind, item = pages.get()
                if kind == "page":
                    yield item
                elif kind == "done":
                    return
                else:
                    raise item
        finally:
            stop.set()
            fetcher.join(timeout=30)

    def _pages(self, soql: str, query_all: bool = False, on_total=None) -> Iterator[list[dict]]:
        # queryAll also returns archived activities (and deleted rows, which the WHERE drops).
        # Each page is checked inside the call, so a malformed one is asked for again.
        def checked(page):
            return answers.query_page(page, self.connection.instance_url)

        result = self.call(lambda sf: checked(sf.query(soql, include_deleted=query_all)))
        if on_total is not None:
            on_total(result.get("totalSize") or 0)  # a delta needs no COUNT() call of its own
        while True:
            yield result["records"]
            if result.get("done", True) or not result.get("nextRecordsUrl"):
                return
            next_url = result["nextRecordsUrl"]
            try:
                result = self.call(
                    lambda sf, url=next_url: checked(sf.query_more(url, identifier_is_url=True))
                )
            except SalesforceMalformedRequest as exc:
                if _error_code(exc)[0] == "INVALID_QUERY_LOCATOR":
                    raise QueryLocatorLost from None
                raise
