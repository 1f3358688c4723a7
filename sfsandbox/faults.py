"""Fault injection and call accounting.

"Call N" counts API calls (REST data endpoints and Bulk API), the calls Salesforce counts
toward DailyApiRequests; OAuth, identity and /_sandbox requests are not API calls.
One-shot faults (503, reset, limit exceeded at N) fire once so a retry succeeds.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field, fields

from sfsandbox import costs as cost_model

DEFAULT_DAILY_LIMIT = 100000  # Enterprise Edition's base allocation


@dataclass
class Faults:
    expire_token_after: int | None = None  # each access token dies after N API calls
    error_503_at: int | None = None  # one-shot 503 SERVER_UNAVAILABLE at API call N
    error_503_every: int | None = None  # 503 on every Nth API call
    reset_at: int | None = None  # one-shot connection reset at API call N
    limit_exceeded_at: int | None = None  # one-shot 403 REQUEST_LIMIT_EXCEEDED at call N
    # -- hostile answers (sfsandbox/hostile.py): one-shot, at the first fitting answer from call N
    html_200_at: int | None = None  # a maintenance page in HTML, status 200
    truncated_json_at: int | None = None  # a JSON body cut in half (Content-Length of the cut)
    missing_records_at: int | None = None  # a query page without its `records` key
    foreign_next_url_at: int | None = None  # nextRecordsUrl https://evil.example.com/services/...
    protocol_relative_next_url_at: int | None = None  # nextRecordsUrl //evil.example.com/services/...
    no_attributes_at: int | None = None  # a query page in which one record has no `attributes`
    foreign_instance_on_refresh: int | None = None  # a refresh grant once N calls are made: evil instance_url
    # -- end of hostile answers
    latency_ms: int = 0  # added to every API call
    daily_limit: int = DEFAULT_DAILY_LIMIT  # DailyApiRequests Max; 403 once used up
    limits_broken: int | None = None  # /limits: 1 a 404, 2 no DailyApiRequests, 3 Max not a number
    # What a real org costs (sfsandbox/costs.py): its names sit beside the faults' in a spec.
    costs: cost_model.Costs = field(default_factory=cost_model.Costs)

    @classmethod
    def parse(cls, spec: str | dict | None) -> Faults:
        """From "a=1,b=2" (CLI) or a dict (control endpoint); unknown names are errors."""
        if spec is None or spec == "":
            return cls()
        if isinstance(spec, str):
            items = {}
            for part in spec.split(","):
                if not part.strip():
                    continue
                name, _, value = part.partition("=")
                items[name.strip()] = value.strip()
            spec = items
        spec, costs = cost_model.split_spec(spec)  # also expands profile=realistic
        known = {f.name for f in fields(cls)} - {"costs"}
        unknown = set(spec) - known
        if unknown:
            raise ValueError(f"unknown fault(s): {', '.join(sorted(unknown))}")
        values = {name: (None if value in (None, "", "none") else int(value)) for name, value in spec.items()}
        if values.get("latency_ms") is None:
            values.pop("latency_ms", None)
        if values.get("daily_limit") is None:
            values.pop("daily_limit", None)
        return cls(**values, costs=costs)

    def as_dict(self) -> dict:
        plain = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "costs"}
        return {**plain, **self.costs.as_dict()}


class CallLedger:
    """Counts calls per kind and decides which fault, if any, hits an API call."""

    def __init__(self, faults: Faults | None = None):
        self._lock = threading.Lock()
        self.faults = faults or Faults()
        self.kinds: Counter[str] = Counter()
        self.api_calls = 0  # toward the daily limit; survives reset of per-kind stats
        self.fired: Counter[str] = Counter()
        self._fired_once: set[str] = set()

    def set_faults(self, faults: Faults) -> None:
        with self._lock:
            self.faults = faults
            self._fired_once.clear()

    def count(self, kind: str) -> None:
        with self._lock:
            self.kinds[kind] += 1

    def api_call(self, kind: str) -> tuple[int, str | None]:
        """Record an API call; return (its number, the fault to inject or None)."""
        with self._lock:
            self.kinds[kind] += 1
            if self.api_calls >= self.faults.daily_limit:
                self.fired["daily_limit"] += 1
                return self.api_calls, "limit_exceeded"
            self.api_calls += 1
            number = self.api_calls
            fault = self._fault_for(number)
            if fault:
                self.fired[fault] += 1
            return number, fault

    def due_hostile(self, number: int, names) -> list[str]:
        """The hostile-answer faults set, reached by call `number` and not fired yet."""
        with self._lock:
            return [
                name
                for name in names
                if (at := getattr(self.faults, name)) is not None
                and number >= at
                and name not in self._fired_once
            ]

    def take_hostile(self, number: int, applicable) -> str | None:
        """The hostile-answer fault (sfsandbox/hostile.py) that hits this answer, if any.

        `applicable` are the faults this answer can carry; one not applicable waits for the
        next answer that can, so "at call N" means the first fitting answer from call N on."""
        with self._lock:
            for name in applicable:
                at = getattr(self.faults, name)
                if at is not None and number >= at and name not in self._fired_once:
                    self._fired_once.add(name)
                    self.fired[name.removesuffix("_at")] += 1
                    return name
            return None

    def _fault_for(self, number: int) -> str | None:
        faults = self.faults
        for name, at, fault in (
            ("reset_at", faults.reset_at, "reset"),
            ("error_503_at", faults.error_503_at, "error_503"),
            ("limit_exceeded_at", faults.limit_exceeded_at, "limit_exceeded"),
        ):
            if at is not None and number >= at and name not in self._fired_once:
                self._fired_once.add(name)
                return fault
        if faults.error_503_every and number % faults.error_503_every == 0:
            return "error_503"
        return None

    def stats(self) -> dict:
        with self._lock:
            return {
                "calls": dict(self.kinds),
                "api_calls": self.api_calls,
                "daily_limit": self.faults.daily_limit,
                "faults": self.faults.as_dict(),
                "faults_fired": dict(self.fired),
            }

    def reset_stats(self) -> None:
        with self._lock:
            self.kinds.clear()
            self.fired.clear()
            self.api_calls = 0
