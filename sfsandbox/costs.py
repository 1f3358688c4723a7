"""What a real org costs: time per call and per record, Bulk job times, long-request limit.

The sandbox answers a 2,000-record page in about 25 ms; a real org in hundreds of
milliseconds, and a Bulk API 2.0 query job takes seconds before its first result. These
knobs model that, each one a fault-spec name (`--faults`, `POST /_sandbox/faults`), and
`profile=realistic` sets all of them at once (the bench's latency profile). The figures and
where they come from are in sfsandbox/README.md ("Costs").

Defaults keep tests fast: no added time, Bulk jobs complete at once.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, fields

# Salesforce: "25 concurrent requests longer than 20 seconds" (production orgs), REST API
# Developer Guide, "API Request Limits and Allocations"; the 26th gets REQUEST_LIMIT_EXCEEDED.
LONG_REQUEST_MS = 20000
MAX_LONG_REQUESTS = 25
LONG_REQUEST_MESSAGE = "ConcurrentPerOrgLongTxn Limit exceeded."

# Wide rows: a REST query page shrinks to 200 rows when two or more long text area fields
# (describe type textarea, length > 255) are selected (NOTES section 7).
WIDE_ROW_BATCH = 200
LONG_TEXT_LENGTH = 255

# What `profile=realistic` sets (README "Costs" gives the reasons for each figure).
PROFILES: dict[str, dict[str, int]] = {
    "realistic": {
        "latency_ms": 150,  # per API call: a round trip plus Salesforce's own work
        "record_latency_us": 100,  # per record returned: 2,000 rows add 200 ms
        "bulk_job_floor_ms": 3000,  # the smallest query job takes seconds
        "bulk_job_record_us": 20,  # 1,000,000 records: 20 s more
        "bulk_record_latency_us": 5,  # per CSV row downloaded (gzip, no JSON): 50,000 rows, 250 ms
    },
    "instant": {},
}


@dataclass
class Costs:
    record_latency_us: int = 0  # added per record a REST query page returns
    bulk_record_latency_us: int = 0  # added per record a Bulk results page returns
    bulk_job_floor_ms: int = 0  # a Bulk query job's processing time: this floor...
    bulk_job_record_us: int = 0  # ...plus this per record it selects
    bulk_page_records: int = 50000  # a Bulk results page without maxRecords; resultPages' page
    bulk_fail_next: int = 0  # the next N Bulk query jobs end Failed
    long_request_ms: int = LONG_REQUEST_MS  # a request running longer than this is "long"
    max_long_requests: int = MAX_LONG_REQUESTS  # long requests running at once before refusal
    wide_rows: int = 1  # 0: no smaller REST pages for wide rows

    @classmethod
    def names(cls) -> set[str]:
        return {f.name for f in fields(cls)}

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def bulk_processing_seconds(self, records: int) -> float:
        return (self.bulk_job_floor_ms * 1000 + self.bulk_job_record_us * records) / 1e6


def expand_profile(spec: dict) -> dict:
    """`profile=NAME` replaced by the profile's items; items named beside it win."""
    spec = dict(spec)
    name = spec.pop("profile", None)
    if name in (None, "", "none"):
        return spec
    if name not in PROFILES:
        raise ValueError(f"unknown profile: {name} (known: {', '.join(sorted(PROFILES))})")
    return {**PROFILES[name], **spec}


def split_spec(spec: dict) -> tuple[dict, Costs]:
    """(the items that are not costs, the Costs the others name)."""
    spec = expand_profile(spec)
    names = Costs.names()
    cost_items = {}
    for name in list(spec):
        if name in names:
            value = spec.pop(name)
            if value not in (None, "", "none"):
                cost_items[name] = int(value)
    return spec, Costs(**cost_items)


def sleep_for_records(per_record_us: int, records: int) -> None:
    if per_record_us and records:
        time.sleep(per_record_us * records / 1e6)


def is_wide(query) -> bool:
    """Two or more long text area fields selected (parents' fields included)."""
    selected = []
    for item in query.select or query.fields:
        selected.extend(getattr(item, "fields", None) or [item])
    long_text = [f for f in selected if f.type == "textarea" and (f.length or 0) > LONG_TEXT_LENGTH]
    return len(long_text) >= 2


class LongRequests:
    """Requests in flight, to refuse a new one while too many have run longer than the limit.

    Salesforce counts requests that have been running longer than 20 seconds; while 25 of
    them run, a new request gets 403 REQUEST_LIMIT_EXCEEDED (ConcurrentPerOrgLongTxn).
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._started: dict[int, float] = {}
        self._next = 0
        self.refused = 0

    def enter(self, costs: Costs) -> int | None:
        """A ticket for the new request, or None when it must be refused."""
        now = time.monotonic()
        threshold = costs.long_request_ms / 1000
        with self._lock:
            long_running = sum(1 for started in self._started.values() if now - started > threshold)
            if long_running >= costs.max_long_requests:
                self.refused += 1
                return None
            self._next += 1
            self._started[self._next] = now
            return self._next

    def counts(self, costs: Costs) -> tuple[int, int]:
        """(requests in flight, those of them running longer than the limit)."""
        now = time.monotonic()
        with self._lock:
            started = list(self._started.values())
        return len(started), sum(1 for t in started if now - t > costs.long_request_ms / 1000)

    def leave(self, ticket: int | None) -> None:
        if ticket is not None:
            with self._lock:
                self._started.pop(ticket, None)
