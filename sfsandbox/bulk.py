"""Bulk API 2.0 query jobs: create, poll, results as CSV pages named by Sforce-Locator.

Shapes: https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/query_create_job.htm
(job info) and query_get_job_results.htm (CSV body, Sforce-Locator, Sforce-NumberOfRecords).
"""

from __future__ import annotations

import base64
import operator
import threading
import time
from dataclasses import dataclass, field

from sfsandbox import ids, rows
from sfsandbox.costs import Costs
from sfsandbox.generator import format_datetime
from sfsandbox.query import ResultSet

DEFAULT_MAX_RECORDS = 50000  # simple-salesforce's default page; Salesforce sizes by bytes


@dataclass
class QueryJob:
    id: str
    operation: str
    query_text: str
    result: ResultSet
    api_version: str
    created: str
    column_delimiter: str
    line_ending: str
    processing_seconds: float = 0.0  # from creation to JobComplete (costs.Costs)
    fails: bool = False  # ends Failed instead of JobComplete (bulk_fail_next)
    started: float = field(default_factory=time.monotonic)
    aborted: bool = False

    @property
    def state(self) -> str:
        """UploadComplete (queued), InProgress, then JobComplete or Failed; or Aborted.

        The first tenth of the processing time the job waits in the queue, as Salesforce's
        do; with no processing time it completes at once (the creation answer still says
        UploadComplete, as Salesforce's does).
        """
        if self.aborted:
            return "Aborted"
        elapsed = time.monotonic() - self.started
        if elapsed >= self.processing_seconds:
            return "Failed" if self.fails else "JobComplete"
        return "UploadComplete" if elapsed < self.processing_seconds / 10 else "InProgress"

    def info(self, user_id: str, *, created: bool = False) -> dict:
        state = "UploadComplete" if created and not self.aborted else self.state
        base = {
            "id": self.id,
            "operation": self.operation,
            "object": self.result.object_name,
            "createdById": user_id,
            "createdDate": self.created,
            "systemModstamp": self.created,
            "state": state,
            "concurrencyMode": "Parallel",
            "contentType": "CSV",
            "apiVersion": float(self.api_version),
            "lineEnding": self.line_ending,
            "columnDelimiter": self.column_delimiter,
        }
        if not created:
            # Get Information About a Query Job (query_get_one_job.htm) adds these.
            done = state in ("JobComplete", "Failed")
            base.update(
                {
                    "jobType": "V2Query",
                    "numberRecordsProcessed": self.result.total_size if state == "JobComplete" else 0,
                    "retries": 0,
                    "totalProcessingTime": int(self.processing_seconds * 1000) if done else 0,
                    "isPkChunkingSupported": True,
                }
            )
            if state == "Failed":
                base["errorMessage"] = FAILED_MESSAGE
        return base


FAILED_MESSAGE = "InternalServerError : Failed to process query"  # bulk_fail_next's job

_DELIMITERS = {"COMMA": ",", "TAB": "\t", "PIPE": "|", "SEMICOLON": ";", "CARET": "^", "BACKQUOTE": "`"}


class BulkJobs:
    def __init__(self):
        self._lock = threading.Lock()
        self._jobs: dict[str, QueryJob] = {}
        self._next = 0
        self.created_count = 0  # toward DailyBulkV2QueryJobs

    def create(
        self,
        operation: str,
        query_text: str,
        result: ResultSet,
        api_version: str,
        column_delimiter: str = "COMMA",
        line_ending: str = "LF",
        created: str | None = None,
        costs: Costs | None = None,
    ) -> QueryJob:
        costs = costs or Costs()
        # total_size counts the rows; only worth it when a per-record time needs it
        records = result.total_size if costs.bulk_job_record_us else 0
        processing = costs.bulk_processing_seconds(records)
        with self._lock:
            fails = costs.bulk_fail_next > 0
            if fails:
                costs.bulk_fail_next -= 1  # one job per count, as a one-shot fault
            self.created_count += 1
            job_id = ids.to_18("750" + ids.GENERATED_POD + ids.encode_index(self._next))
            self._next += 1
            job = QueryJob(
                job_id,
                operation,
                query_text,
                result,
                api_version,
                created or format_datetime(int(time.time())),
                column_delimiter,
                line_ending,
                processing_seconds=processing,
                fails=fails,
            )
            self._jobs[job_id[:15]] = job
        return job

    def all(self) -> list[QueryJob]:
        with self._lock:
            return list(self._jobs.values())

    def get(self, job_id: str) -> QueryJob | None:
        return self._jobs.get(job_id[:15])

    def delete(self, job_id: str) -> bool:
        with self._lock:
            return self._jobs.pop(job_id[:15], None) is not None


def encode_locator(offset: int) -> str:
    # Salesforce locators are opaque base64-ish strings; this one names the next offset.
    return base64.b64encode(str(offset).encode()).decode().rstrip("=")


def decode_locator(locator: str) -> int | None:
    try:
        padded = locator + "=" * (-len(locator) % 4)
        return int(base64.b64decode(padded, validate=True).decode())
    except (ValueError, UnicodeDecodeError):
        return None


RESULT_PAGES_PER_RESPONSE = 5  # "Returns up to five URIs in one response"


def result_pages(job: QueryJob, version: str, start: int, page_records: int) -> dict:
    """Get Parallel Results for a Query Job (query_get_parallel_job_results.htm, v58+).

    Up to five result URLs, each naming one page of `page_records` rows by its locator, and
    the URL of the next five while there are more. Fetching a result URL gives that page;
    its Sforce-Locator names the next page, so the pages also chain as usual.
    """
    base = f"/services/data/v{version}/jobs/query/{job.id}"
    total = job.result.total_size
    offsets = list(range(start, total, page_records))[:RESULT_PAGES_PER_RESPONSE]
    pages = [{"resultUrl": f"{base}/results?locator={encode_locator(offset)}"} for offset in offsets]
    if not pages and start == 0:
        pages = [{"resultUrl": f"{base}/results"}]  # an empty result still has its header row
    following = start + RESULT_PAGES_PER_RESPONSE * page_records
    done = following >= total
    return {
        "resultPages": pages,
        "nextRecordsUrl": None if done else f"{base}/resultPages?locator={encode_locator(following)}",
        "done": done,
    }


def csv_page(job: QueryJob, offset: int, max_records: int) -> tuple[bytes, int, str]:
    """(CSV body, number of records, next locator or "null") for one results page."""
    query = job.result.query
    shaper = rows.RowShaper(job.result.org, query, job.api_version, job.result.include_deleted)
    fields = rows.csv_columns(query) if shaper.relations else [f.name for f in query.fields]
    records = job.result.page(offset, max_records)
    if shaper.relations:
        lines = (shaper.csv_values(record) for record in records)
    else:
        lines = map(_reader(fields), records)
    # Most values are text already: only the others go through _csv_value.
    text_lines = ([v if type(v) is str else _csv_value(v) for v in line] for line in lines)
    body = _quoted_csv(
        [fields, *text_lines],
        _DELIMITERS.get(job.column_delimiter, ","),
        "\r\n" if job.line_ending == "CRLF" else "\n",
    )
    next_offset = offset + len(records)
    locator = encode_locator(next_offset) if next_offset < job.result.total_size else "null"
    return body, len(records), locator


def _quoted_csv(lines: list[list[str]], delimiter: str, line_end: str) -> bytes:
    """CSV with every field quoted and quotes inside doubled: what csv.writer writes with
    QUOTE_ALL (Bulk API 2.0 results), built with str.join, several times faster. A line
    whose joined text has more quotes than its separators has a quote in a value, and is
    joined again with the quotes doubled."""
    separator = f'"{delimiter}"'
    out = []
    for values in lines:
        inner = separator.join(values)
        if inner.count('"') != 2 * (len(values) - 1):
            inner = separator.join(value.replace('"', '""') for value in values)
        out.append(f'"{inner}"{line_end}')
    # UTF-8 100 lines at a time: one emoji would make a whole page's text 4 bytes a character.
    return b"".join("".join(out[start : start + 100]).encode("utf-8") for start in range(0, len(out), 100))


def _reader(fields: list[str]):
    """A record's values of `fields`, in order, None for a field it lacks."""
    getter = operator.itemgetter(*fields)

    def read(record: dict):
        try:
            values = getter(record)
        except KeyError:
            return [record.get(name) for name in fields]
        return values if len(fields) > 1 else (values,)

    return read


def _csv_value(value) -> str:
    if value is None:
        return ""  # Bulk API 2.0 writes null as an empty field
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)
