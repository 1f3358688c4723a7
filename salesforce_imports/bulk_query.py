"""Bulk API 2.0 query jobs for the importer: one job per object, result pages downloaded
several at a time, handed to the engine in order as REST-shaped records.

Why by hand rather than simple-salesforce's bulk2: its `query()` downloads one locator page
after the other and never uses `resultPages` (v58+), which hands out several result URLs
to fetch in parallel; and its calls bypass our client's refresh, retry and API-call
accounting. Each HTTP call here still goes through simple-salesforce's `_call_salesforce`
(its session, headers and error mapping) inside `SalesforceClient.call`.

The query is the REST path's own (`... ORDER BY Id`, `AND Id > 'last'` on a resume): ORDER BY
costs Salesforce its automatic PK chunking, but it keeps the pages in Id order, so the job's
resume cursor works the same way on both paths and a killed job re-queries only what was
not committed. Shapes: Salesforce's "Bulk API 2.0 and Bulk API Developer Guide" (Create a
Query Job, Get Information About a Query Job, Get Results for a Query Job, Get Parallel
Results for a Query Job).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import logging
import re
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO
from urllib.parse import urlencode

import requests
from django.conf import settings
from simple_salesforce.exceptions import SalesforceError

from .answers import SalesforceBadAnswer
from .bulk_downloads import ResultFeed

logger = logging.getLogger(__name__)

COMPLETE, FAILED, ABORTED = "JobComplete", "Failed", "Aborted"
# /services/data/v62.0/jobs/query/750.../results?locator=MTAw&maxRecords=50000, or the next
# resultPages listing; a locator is opaque but URL-safe.
_RESULT_PATH = re.compile(
    r"/services/data/v\d{2,3}\.\d/jobs/query/(?P<job>[A-Za-z0-9]{15,18})/(?:results|resultPages)"
    r"(?:\?[A-Za-z0-9_=&%.-]{0,512})?"
)


class BulkUnavailable(Exception):
    """Bulk API refused the query or the job failed at Salesforce: use REST for this object."""


class BadResultPage(SalesforceBadAnswer):
    """A result page came back cut off or malformed (again when fetched a second time), or a
    result URL pointed off the instance: the job fails clearly, keeping what it committed."""

    def __init__(self, message: str):
        super().__init__(message, transient=False)


@contextlib.contextmanager
def _csv_rows(source: str | IO[bytes]):
    """csv rows of a page held as text (tests) or as a UTF-8 file (downloads), decoded as
    they are read: a page's text can hold 50,000 rows, and one character outside Latin-1
    makes Python keep a whole decoded page at two or four bytes a character."""
    if isinstance(source, str):
        yield csv.reader(io.StringIO(source, newline=""), strict=True)
        return
    source.seek(0)
    text = io.TextIOWrapper(source, encoding="utf-8", newline="")
    try:
        yield csv.reader(text, strict=True)
    finally:
        text.detach()  # the file stays open: the page is read twice (checked, then imported)


def _header_and_rows(reader) -> tuple[list[str], Iterator[list[str]]]:
    """The header, and the rows after it, each checked as wide as the header (ValueError)."""
    header = next(reader, None) or []
    width = len(header)

    def rows():
        for row in reader:
            if len(row) != width:
                raise ValueError(f"a row has {len(row)} columns, the header {width}")
            yield row

    return header, rows()


def record_batches(source: str | IO[bytes], sobject: str, size: int) -> Iterator[list[dict]]:
    """The page's records as REST-shaped records, `size` at a time (as dicts they take several
    times the memory of their CSV): an empty cell is null (Bulk 2.0 writes nulls as empty),
    values stay text (the mapping parses text as it does JSON values), relationship columns
    keep their dotted names (the mapping's reader reads both forms)."""
    with _csv_rows(source) as reader:
        header, rows = _header_and_rows(reader)
        attributes = {"type": sobject}
        batch = []
        for row in rows:
            record = {name: (value if value != "" else None) for name, value in zip(header, row, strict=True)}
            record["attributes"] = attributes
            batch.append(record)
            if len(batch) == size:
                yield batch
                batch = []
        if batch:
            yield batch


def counted_rows(source: str | IO[bytes]) -> int:
    """Rows after the header: ValueError (or csv.Error) when the page is cut off or malformed.
    Checked whole before any of its records is written, so a page fetched again never
    half-repeats one already written."""
    with _csv_rows(source) as reader:
        _header, rows = _header_and_rows(reader)
        return sum(1 for _row in rows)


@dataclass(frozen=True)
class ResultPage:
    """A downloaded page, checked, waiting for its turn in a temporary file: memory holds no
    page, whatever Salesforce's page size; the file is gone once the page is imported."""

    file: IO[bytes]
    rows: int

    def batches(self, sobject: str, size: int) -> Iterator[list[dict]]:
        try:
            yield from record_batches(self.file, sobject, size)
        finally:
            self.file.close()


class BulkQuery:
    """One Bulk API 2.0 query job, from creation to its last result page."""

    def __init__(self, client, sobject: str, soql: str, query_all: bool = False):
        self.client = client
        self.sobject = sobject
        self.soql = soql
        self.operation = "queryAll" if query_all else "query"
        self.job_id: str | None = None
        self.feed: ResultFeed | None = None
        self._feed_lock = threading.Lock()
        self._abandoned = False
        self.ended = False  # Salesforce said the job is over (complete, failed or aborted)

    # -- the job ------------------------------------------------------------------------------
    def _url(self, sf, path: str = "") -> str:
        return f"{sf.bulk2_url}query{path}"

    def create(self) -> str:
        body = json.dumps({"operation": self.operation, "query": self.soql})

        def create(sf):
            return sf._call_salesforce(
                "POST", self._url(sf), data=body, headers={"Content-Type": "application/json"}
            ).json()

        try:
            info = self.client.call(create)
        except SalesforceError as exc:  # 400 INVALIDJOB / API_ERROR: Bulk will not run this query
            raise BulkUnavailable(f"Bulk API refused the {self.sobject} query: {_message(exc)}") from None
        self.job_id = str(info["id"])
        if not self.job_id.isalnum():
            raise BulkUnavailable("Bulk API answered with an odd job id")
        return self.job_id

    def wait(self) -> dict:
        """Poll until JobComplete; Failed or Aborted at Salesforce means REST for this object."""
        delay = settings.SALESFORCE_BULK_POLL_SECONDS
        deadline = time.monotonic() + settings.SALESFORCE_BULK_TIMEOUT_SECONDS
        while True:
            info = self.client.call(
                lambda sf: sf._call_salesforce("GET", self._url(sf, f"/{self.job_id}")).json()
            )
            state = info.get("state")
            self.ended = state in (COMPLETE, FAILED, ABORTED)
            if state == COMPLETE:
                return info
            if state in (FAILED, ABORTED):
                reason = info.get("errorMessage") or state
                raise BulkUnavailable(f"The Bulk API job for {self.sobject} ended {state}: {reason}")
            if time.monotonic() > deadline:
                self._abort_at_salesforce()
                self.ended = True  # aborted here: bulk_pages need not abort it again
                raise BulkUnavailable(f"The Bulk API job for {self.sobject} did not complete in time")
            if self.feed is not None and self.feed.stopped.wait(delay):
                raise BulkUnavailable(f"The Bulk API job for {self.sobject} was left: the import stopped")
            if self.feed is None:
                time.sleep(delay)
            delay = min(delay * 1.5, 5.0)  # a big job takes minutes: ask less often as it runs

    def read_ahead(self) -> ResultFeed:
        """Start polling, listing and downloading this job's first pages in the background
        (once); the feed hands them out in order when the engine gets to this object."""
        # Locked: the engine's thread and the previous object's feed can both ask at once.
        with self._feed_lock:
            if self.feed is None:
                self.feed = ResultFeed(self, settings.SALESFORCE_BULK_DOWNLOADS)
                if self._abandoned:
                    self.feed.stopped.set()  # after abort(): nothing is read any more
                    return self.feed
            return self.feed.start()

    def abort(self) -> None:
        """Stop reading ahead and abort the job at Salesforce (an import that stops early)."""
        with self._feed_lock:
            self._abandoned = True
            feed = self.feed
        if feed is not None:
            feed.close()
        self._abort_at_salesforce()

    def _abort_at_salesforce(self) -> None:
        if self.job_id is None:
            return
        body = json.dumps({"state": ABORTED})
        try:
            self.client.call(
                lambda sf: sf._call_salesforce(
                    "PATCH",
                    self._url(sf, f"/{self.job_id}"),
                    data=body,
                    headers={"Content-Type": "application/json"},
                )
            )
        except Exception:  # best effort, often on the way out of a failed job: never mask that
            logger.warning("Could not abort Bulk API job %s", self.job_id)

    # -- result pages ---------------------------------------------------------------------------
    def result_pages(self) -> Iterator[str | ResultPage]:
        """The result pages in order, each a URL to download (from resultPages: several can be
        fetched at once) or, on an API version without resultPages, the page itself (the
        Sforce-Locator chain: each page names the next, so they come one after the other)."""
        path = f"/{self.job_id}/resultPages"
        while path:
            try:
                listing = self.client.call(
                    lambda sf, path=path: sf._call_salesforce("GET", self._listing_url(sf, path)).json()
                )
            except SalesforceError as exc:
                if getattr(exc, "status", None) == 404 and path.endswith("/resultPages"):
                    yield from self._locator_chain()
                    return
                raise
            pages, done = self._checked_listing(listing)
            for page in pages:
                # As handed out: each URL names where its page starts and Salesforce sizes the
                # pages; a maxRecords of our own would cut a page short of the next one's start.
                yield self._same_origin_path(page["resultUrl"])
            if done:
                return
            next_url = listing.get("nextRecordsUrl") or listing.get("nextRecordUrl")
            if not next_url:
                raise BadResultPage("Bulk API said more result pages follow but gave no URL for them")
            path = self._same_origin_path(next_url)

    @staticmethod
    def _checked_listing(listing) -> tuple[list, bool]:
        """A resultPages answer as documented, or an error: a listing that merely lacks its
        `done` would otherwise end the download early, dropping records without a word."""
        pages = listing.get("resultPages") if isinstance(listing, dict) else None
        done = listing.get("done") if isinstance(listing, dict) else None
        if not isinstance(pages, list) or not isinstance(done, bool):
            raise BadResultPage("Bulk API answered resultPages without its list of pages or its done flag")
        if not all(isinstance(page, dict) and isinstance(page.get("resultUrl"), str) for page in pages):
            raise BadResultPage("Bulk API answered resultPages with an entry that has no resultUrl")
        return pages, done

    def _listing_url(self, sf, path: str) -> str:
        if path.startswith("/services/"):
            return f"{sf.base_url.split('/services/')[0]}{path}"
        return self._url(sf, path)

    def _same_origin_path(self, url: str) -> str:
        """Result URLs are paths of this job on the instance; anything else (another host, a
        scheme, "..", another job) is refused, never followed."""
        match = _RESULT_PATH.fullmatch(url) if isinstance(url, str) else None
        if match is None or match.group("job")[:15] != str(self.job_id)[:15]:
            raise BadResultPage(f"Bulk API handed out a result URL off this job: {str(url)[:100]}")
        return url

    def _locator_chain(self) -> Iterator[ResultPage]:
        locator = ""
        while True:
            query = {"maxRecords": str(settings.SALESFORCE_BULK_PAGE_RECORDS)}
            if locator:
                query["locator"] = locator
            path = f"/services/data/v{settings.SALESFORCE_API_VERSION}/jobs/query/{self.job_id}/results"
            page, locator = self.download(f"{path}?{urlencode(query)}", want_locator=True)
            yield page
            if not locator or locator == "null":
                return

    def download(self, path: str, want_locator: bool = False):
        """One result page, checked; cut off or malformed: fetched once more, then an error."""
        for attempt in (1, 2):
            response = self.client.call(
                lambda sf: sf._call_salesforce(
                    "GET", self._listing_url(sf, path), headers={"Accept": "text/csv"}, stream=True
                )
            )
            file = tempfile.TemporaryFile()  # noqa: SIM115 - closed once the page is imported
            try:
                page = self._checked(response, file)
            except (ValueError, csv.Error, requests.RequestException) as exc:  # cut off, bad CSV or UTF-8
                file.close()
                if attempt == 2:
                    raise BadResultPage(
                        f"A Bulk API result page of {self.sobject} was malformed twice ({exc})"
                    ) from None
                logger.warning("Bulk result page of %s malformed (%s): fetching it again", self.sobject, exc)
                continue
            finally:
                response.close()
            if want_locator:
                locator = response.headers.get("Sforce-Locator")
                if locator is None:  # "null" ends the chain; no header at all is not an answer
                    page.file.close()
                    raise BadResultPage("A Bulk API result page came without its Sforce-Locator header")
                return page, locator
            return page
        raise AssertionError("unreachable")

    def _checked(self, response, file: IO[bytes]) -> ResultPage:
        for chunk in response.iter_content(chunk_size=1 << 20):  # gzip undone as it comes
            file.write(chunk)
        rows = counted_rows(file)
        expected = response.headers.get("Sforce-NumberOfRecords")
        if expected is not None and expected.strip().isdigit() and int(expected) != rows:
            raise ValueError(f"{rows} rows where Salesforce said {expected}")
        return ResultPage(file, rows)


def bulk_pages(
    client,
    sobject: str,
    soql: str,
    query_all: bool = False,
    job: BulkQuery | None = None,
    then=None,
    while_waiting=None,
) -> Iterator[list[dict]]:
    """The query's records in order, a batch (SALESFORCE_BATCH_SIZE) at a time, with up to
    SALESFORCE_BULK_DOWNLOADS result pages downloading at once while the caller writes the
    earlier ones (bulk_downloads.ResultFeed). `job`: one created earlier for this query
    (requested ahead, perhaps already reading ahead), else one is created now. `then`: called
    once every page is downloading (to start on the next object's pages). `while_waiting`:
    called while no page is there yet (ResultFeed.pages)."""
    if job is None:
        job = BulkQuery(client, sobject, soql, query_all)
        job.create()
    feed = job.read_ahead()
    if then is not None:
        feed.when_all_requested(then)
    handed_out = 0
    try:
        for page in feed.pages(while_waiting):
            handed_out += page.rows
            yield from page.batches(sobject, settings.SALESFORCE_BATCH_SIZE)
        # The job says how many rows it selected: pages that stop short of that (a listing
        # or a locator chain that ended early) fail the job, never pass.
        if feed.selected is not None and handed_out != feed.selected:
            raise BadResultPage(
                f"The Bulk API job for {sobject} selected {feed.selected} records but its result "
                f"pages held {handed_out}"
            )
    except BaseException:
        if not job.ended:  # left while Salesforce still works on it (a cancel): stop it there too
            job.abort()
        raise
    finally:
        feed.close()


def _message(exc: SalesforceError) -> str:
    content = getattr(exc, "content", None)
    if isinstance(content, list) and content and isinstance(content[0], dict):
        return str(content[0].get("message") or content[0].get("errorCode") or "")[:300]
    return str(content)[:300]
