"""Bulk API 2.0 query jobs: create, poll, results as CSV pages named by Sforce-Locator.

Shapes: https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/query_create_job.htm
(job info) and query_get_job_results.htm (CSV body, Sforce-Locator, Sforce-NumberOfRecords).
"""

from __future__ import annotations

import base64
import csv
import io
import threading
import time
from dataclasses import dataclass

from sfsandbox import ids, rows
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
    polls: int = 0

    @property
    def state(self) -> str:
        # Completed by the first poll: the work is lazy anyway, and a client sees the
        # same state transitions Salesforce reports (UploadComplete -> JobComplete).
        return "UploadComplete" if self.polls == 0 else "JobComplete"

    def info(self, user_id: str) -> dict:
        base = {
            "id": self.id,
            "operation": self.operation,
            "object": self.result.object_name,
            "createdById": user_id,
            "createdDate": self.created,
            "systemModstamp": self.created,
            "state": self.state,
            "concurrencyMode": "Parallel",
            "contentType": "CSV",
            "apiVersion": float(self.api_version),
            "lineEnding": self.line_ending,
            "columnDelimiter": self.column_delimiter,
        }
        if self.polls:
            base.update(
                {
                    "jobType": "V2Query",
                    "numberRecordsProcessed": self.result.total_size,
                    "retries": 0,
                    "totalProcessingTime": 0,
                    "isPkChunkingSupported": True,
                }
            )
        return base


_DELIMITERS = {"COMMA": ",", "TAB": "\t", "PIPE": "|", "SEMICOLON": ";", "CARET": "^", "BACKQUOTE": "`"}


class BulkJobs:
    def __init__(self):
        self._lock = threading.Lock()
        self._jobs: dict[str, QueryJob] = {}
        self._next = 0

    def create(
        self,
        operation: str,
        query_text: str,
        result: ResultSet,
        api_version: str,
        column_delimiter: str = "COMMA",
        line_ending: str = "LF",
        created: str | None = None,
    ) -> QueryJob:
        with self._lock:
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
            )
            self._jobs[job_id[:15]] = job
        return job

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


def csv_page(job: QueryJob, offset: int, max_records: int) -> tuple[bytes, int, str]:
    """(CSV body, number of records, next locator or "null") for one results page."""
    query = job.result.query
    relations = rows.has_relations(query)
    fields = rows.csv_columns(query) if relations else [f.name for f in query.fields]
    records = job.result.page(offset, max_records)
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        delimiter=_DELIMITERS.get(job.column_delimiter, ","),
        lineterminator="\r\n" if job.line_ending == "CRLF" else "\n",
        quoting=csv.QUOTE_ALL,
    )
    writer.writerow(fields)
    for record in records:
        if relations:
            values = rows.csv_values(job.result.org, query, record, job.result.include_deleted)
            writer.writerow([_csv_value(value) for value in values])
        else:
            writer.writerow([_csv_value(record.get(name)) for name in fields])
    next_offset = offset + len(records)
    locator = encode_locator(next_offset) if next_offset < job.result.total_size else "null"
    return buffer.getvalue().encode("utf-8"), len(records), locator


def _csv_value(value) -> str:
    if value is None:
        return ""  # Bulk API 2.0 writes null as an empty field
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)
