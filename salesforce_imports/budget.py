"""The Salesforce API budget of an import (NOTES 8.8).

An org's Salesforce has a daily allowance of API requests (DailyApiRequests) that every
integration of the company shares. Before a job is created it is estimated here: the
records of each selected type are counted (the counts the job would make itself, so the job
is handed them and does not count again), `/limits` is read, and a job whose estimate would
leave less than SALESFORCE_API_RESERVE_PERCENT of the day's Max is refused with the figures.
While a job runs, the client keeps the latest `Sforce-Limit-Info: api-usage=used/max` that
Salesforce puts on every REST response, and the engine's cancel check stops the job (FAILED,
resumable like the daily limit) once the remaining requests are down to the reserve.

A `/limits` answer we cannot use (the user lacks "View Setup and Configuration", which the
resource needs; a 404; no DailyApiRequests; figures that are not numbers) does not block the
import: Salesforce still refuses calls past the real limit (the daily-limit path, resumable)
and the in-job watch still reads the response headers. Blocking would stop every import of
an org whose integration user may not read limits, for a figure that is only a guard. The
estimate then says `available: false` and why, the page shows it, and the job gets a warning.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from types import SimpleNamespace

import requests
from django.conf import settings
from django.db import connection as db_connection
from simple_salesforce.exceptions import SalesforceError

from . import oauth, tokens
from .client import DailyLimitExceeded, SalesforceClient
from .engine import delta, start_calls
from .engine.notes import LINK_QUERY_CHUNK
from .engine.sources import REST_ONLY
from .models import ImportJob, ImportProblem, SalesforceConnection, Severity

logger = logging.getLogger(__name__)

DEFAULT_RESERVE_PERCENT = 20


@dataclass(frozen=True)
class CallCosts:
    """What the engine spends, per job and per object type: the one table to adjust when
    the engine changes (tests/salesforce_imports/test_api_budget.py checks it against the
    calls a real run makes)."""

    per_job: int = 2  # the org's users and its queues, one page each
    per_type: int = 1  # describe (the COUNT() is made by the estimate, before the job)
    delta_per_type: int = 2  # describe and the one "changed since" query (no COUNT())
    corporate_currency: int = 1  # with price book entries: a multi-currency org's corporate currency
    note_body: int = 1  # a Lightning note's text is one call per note (engine/notes.py)
    note_link_chunk: int = LINK_QUERY_CHUNK  # one ContentDocumentLink query per this many notes
    retry_chunk: int = delta.RETRY_CHUNK  # a re-import's error retries: one query per chunk
    # Bulk API 2.0 (more than SALESFORCE_BULK_THRESHOLD records; bulk_query.py): create the
    # job, poll it (a guess: a big job takes longer, and polls get further apart), list its
    # result pages, then one call per page of SALESFORCE_BULK_PAGE_RECORDS.
    bulk_create: int = 1
    bulk_polls: int = 5
    bulk_listing: int = 1
    bulk_never: frozenset = REST_ONLY  # engine/sources.py


COSTS = CallCosts()


def _pages(records: int, page_size: int) -> int:
    return max(1, math.ceil(records / page_size))  # an empty result is still one call


def _note_link_calls(records: int, page_size: int, chunk: int) -> int:
    """Links are asked per batch, `chunk` notes per query: a part-filled chunk per batch."""
    full_batches, rest = divmod(records, page_size)
    return full_batches * math.ceil(page_size / chunk) + math.ceil(rest / chunk)


def calls_for_type(
    sobject: str,
    records: int,
    *,
    page_size: int,
    bulk_threshold: int | None = None,
    bulk_page_records: int = 10_000,
    chunks: int = 1,
    chunk_min_records: int = 0,
    costs: CallCosts = COSTS,
) -> int:
    """API calls to import `records` records of `sobject` whole (after its COUNT()).
    `chunks` > 1: scaled out (engine/chunks.py), a type above `chunk_min_records` is read
    through REST in that many Id ranges: two edge queries, and a part-filled page per range."""
    if chunks > 1 and records > chunk_min_records and sobject not in costs.bulk_never:
        fetch = 2 + _pages(records, page_size) + chunks
    elif bulk_threshold and records > bulk_threshold and sobject not in costs.bulk_never:
        fetch = costs.bulk_create + costs.bulk_polls + costs.bulk_listing + _pages(records, bulk_page_records)
    else:
        fetch = _pages(records, page_size)
    calls = costs.per_type + fetch
    if sobject == "ContentNote":
        calls += records * costs.note_body + _note_link_calls(records, page_size, costs.note_link_chunk)
    if sobject == "PricebookEntry":
        calls += costs.corporate_currency
    return calls


def calls_for_delta(sobject: str, retries: int, *, page_size: int, costs: CallCosts = COSTS) -> int:
    """A re-import of `sobject`: what it will ask (the changes in one page, the error retries
    by Id), not the full count. More changes than a page costs a call per further page."""
    calls = costs.delta_per_type + math.ceil(retries / costs.retry_chunk)
    if sobject == "ContentNote":  # the notes asked for again bring their text and links
        calls += retries * costs.note_body + _note_link_calls(retries, page_size, costs.note_link_chunk)
    if sobject == "PricebookEntry":
        calls += costs.corporate_currency
    return calls


def estimate_calls(
    counts: Mapping[str, int],
    delta_retries: Mapping[str, int],
    *,
    page_size: int,
    bulk_threshold: int | None = None,
    bulk_page_records: int = 10_000,
    chunks: int = 1,
    chunk_min_records: int = 0,
    costs: CallCosts = COSTS,
) -> dict[str, int]:
    """Pure: {object type: calls} for the types counted whole and the re-imported ones, and
    "(job)" for what a job spends once."""
    per_type = {
        sobject: calls_for_type(
            sobject,
            n,
            page_size=page_size,
            bulk_threshold=bulk_threshold,
            bulk_page_records=bulk_page_records,
            chunks=chunks,
            chunk_min_records=chunk_min_records,
            costs=costs,
        )
        for sobject, n in counts.items()
    }
    per_type |= {
        sobject: calls_for_delta(sobject, n, page_size=page_size, costs=costs)
        for sobject, n in delta_retries.items()
    }
    return {"(job)": costs.per_job, **per_type}


def reserve_percent() -> int:
    value = getattr(settings, "SALESFORCE_API_RESERVE_PERCENT", DEFAULT_RESERVE_PERCENT)
    return min(100, max(0, int(value)))


def reserve_of(maximum: int, percent: int | None = None) -> int:
    return math.ceil(maximum * (reserve_percent() if percent is None else percent) / 100)


# -- /limits ---------------------------------------------------------------------------------
class LimitsUnavailable(Exception):
    """Salesforce's /limits answer cannot be used; the message says why."""


def daily_requests(body) -> tuple[int, int]:
    """(Max, Remaining) of DailyApiRequests from a /limits body."""
    if not isinstance(body, dict):
        raise LimitsUnavailable("Salesforce's /limits answer is not a JSON object.")
    entry = body.get("DailyApiRequests")
    if not isinstance(entry, dict):
        raise LimitsUnavailable("Salesforce's /limits answer has no DailyApiRequests.")
    figures = []
    for name in ("Max", "Remaining"):
        value = entry.get(name)
        # bool is an int in Python; JSON true is not a count.
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise LimitsUnavailable(f"Salesforce's DailyApiRequests {name} is not a count ({value!r}).")
        figures.append(value)
    maximum, remaining = figures
    if maximum == 0 or remaining > maximum:
        raise LimitsUnavailable(
            f"Salesforce's DailyApiRequests figures are odd (Max {maximum}, Remaining {remaining})."
        )
    return maximum, remaining


def read_limits(client: SalesforceClient) -> tuple[int, int]:
    """(Max, Remaining), through the client (retries, token refresh, counted as a call)."""
    try:
        body = client.call(lambda sf: sf.limits())
    except SalesforceError as exc:
        raise LimitsUnavailable(
            f"Salesforce refused to list the org's limits ({exc.status}): the user may lack the "
            "View Setup and Configuration permission."
        ) from None
    except ValueError:  # a body that is not JSON
        raise LimitsUnavailable("Salesforce's /limits answer is not JSON.") from None
    return daily_requests(body)


# -- the estimate ------------------------------------------------------------------------------
@dataclass
class Estimate:
    object_types: list[str]
    estimated_calls: int | None = None  # what the job will make once started
    calls_to_estimate: int = 0  # the counts and /limits made for this estimate (charged to the job)
    per_type: dict[str, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)  # records per type counted whole
    remaining: int | None = None
    max: int | None = None
    reserve: int | None = None
    reserve_percent: int = DEFAULT_RESERVE_PERCENT
    available: bool = False  # the figures could be read
    allowed: bool = True
    reason: str = ""

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def left_after(self) -> int | None:
        if self.remaining is None or self.estimated_calls is None:
            return None
        return self.remaining - self.estimated_calls


def estimate(connection, object_types: list[str], client: SalesforceClient | None = None) -> Estimate:
    """Count, read /limits and judge. Raises tokens.ConnectionLost when Salesforce cannot be
    reached with the stored tokens; any other trouble makes an estimate that says why."""
    from .engine.job import types_in_order  # imported when used: the engine imports this module

    client = client or SalesforceClient(connection)
    result = Estimate(object_types=list(object_types), reserve_percent=reserve_percent())
    sobjects = types_in_order(object_types)
    deltas = delta.plans(SimpleNamespace(org_id=connection.org_id), sobjects)
    try:
        # The engine's own counts (engine/start_calls.py), side by side: the job is handed them.
        counted = [s for s in sobjects if s not in deltas]
        result.counts = dict(zip(counted, start_calls.counts(client, counted), strict=True))
        retries = {s: len(delta.retry_ids(plan.source_job_id, s)) for s, plan in deltas.items()}
        result.per_type = estimate_calls(
            result.counts,
            retries,
            page_size=settings.SALESFORCE_BATCH_SIZE,
            bulk_threshold=getattr(settings, "SALESFORCE_BULK_THRESHOLD", None),  # None: REST only
            bulk_page_records=getattr(settings, "SALESFORCE_BULK_PAGE_RECORDS", 10_000),
            # The engine splits on PostgreSQL only (engine/chunks.should_split).
            chunks=settings.IMPORT_PARALLELISM if db_connection.vendor == "postgresql" else 1,
            chunk_min_records=settings.IMPORT_CHUNK_MIN_RECORDS,
        )
        result.estimated_calls = sum(result.per_type.values())
        result.max, result.remaining = read_limits(client)
    except tokens.ConnectionLost:
        raise
    except DailyLimitExceeded as exc:
        result.allowed, result.remaining, result.reason = False, 0, str(exc)
    except LimitsUnavailable as exc:
        result.reason = (
            f"{exc} The import is not held back: Salesforce's own daily limit still stops it (resumably)."
        )
    except (SalesforceError, requests.RequestException, oauth.SalesforceUnavailable) as exc:
        result.reason = _not_asked(connection, exc)
    except Exception as exc:  # noqa: BLE001 - a guard must not turn Start into a 500; it says why
        logger.exception("API budget of org %s not estimated", connection.org_id)
        result.reason = _not_asked(connection, exc)
    else:
        result.available = True
        result.reserve = reserve_of(result.max, result.reserve_percent)
        result.allowed = result.left_after >= result.reserve
        if not result.allowed:
            result.reason = refusal_message(result)
    finally:
        result.calls_to_estimate = client.api_calls
    return result


def _not_asked(connection, exc: Exception) -> str:
    logger.warning("API budget of org %s not estimated: %s", connection.org_id, type(exc).__name__)
    return (
        f"Salesforce could not be asked for the figures ({type(exc).__name__}). "
        "The import is not held back: Salesforce's own daily limit still stops it (resumably)."
    )


def refusal_message(estimate: Estimate) -> str:
    return (
        f"This import would make about {estimate.estimated_calls:,} Salesforce API calls, and "
        f"{estimate.remaining:,} of the org's {estimate.max:,} daily API requests remain: it would "
        f"leave {max(0, estimate.left_after):,}, less than the {estimate.reserve:,} "
        f"({estimate.reserve_percent}%) kept in reserve for the company's other uses of Salesforce. "
        "Import fewer object types, or try again once Salesforce's daily count resets."
    )


# -- the job -------------------------------------------------------------------------------------
def job_fields(estimate: Estimate | None) -> dict:
    """A new job's starting figures: the counts made for the estimate (the engine does not
    count those types again) and the calls they cost."""
    from .engine.job import empty_progress  # imported when used: the engine imports this module

    if estimate is None:
        return {}
    return {
        "progress": {sobject: empty_progress(total) for sobject, total in estimate.counts.items()},
        "total_records": sum(estimate.counts.values()),
        "api_calls": estimate.calls_to_estimate,
    }


def note_on_job(job: ImportJob, estimate: Estimate | None) -> None:
    """A job started without a usable budget says so among its problems (one warning)."""
    if estimate is None or estimate.available or not estimate.reason:
        return
    ImportProblem.objects.create(
        org_id=job.org_id,
        job=job,
        object_type="Limits",
        field="DailyApiRequests",
        message=f"The API budget was not checked before the import: {estimate.reason}",
        severity=Severity.WARNING,
    )
    ImportJob.objects.filter(pk=job.pk).update(warning_count=job.warning_count + 1)
    job.warning_count += 1


class ApiReserveReached(DailyLimitExceeded):
    """The job reached the org's API reserve: it ends FAILED and resumes when run again,
    as after the daily limit (services.run_import treats both alike)."""


def stop_at_reserve(client: SalesforceClient) -> None:
    """The engine's cancel check: stop once Salesforce's latest `Sforce-Limit-Info` says the
    remaining requests are down to the reserve."""
    usage = getattr(client, "api_usage", None)
    if not usage:
        return  # no header seen (yet): Salesforce's own limit still applies
    used, maximum = usage
    if maximum <= 0:
        return
    reserve, remaining = reserve_of(maximum), maximum - used
    if remaining <= reserve:
        raise ApiReserveReached(
            f"Stopped to keep the org's Salesforce API reserve: {remaining:,} of {maximum:,} daily API "
            f"requests remain, and {reserve:,} ({reserve_percent()}%) are kept for the company's other "
            "uses of Salesforce. Run the import again once the daily count resets or the limit is "
            "raised: it resumes where it stopped."
        )


def estimate_for_org(org_id, object_types) -> Estimate:
    """The estimate endpoint's and the import page's: validate, find the connection, estimate.
    Raises services.ImportRequestError (unknown types, not connected) with the admin's message."""
    from . import services  # imported when used: services imports this module

    types = services.validate_types(object_types)
    connection = SalesforceConnection.objects.filter(org_id=org_id).first()
    if connection is None or not connection.is_active:
        raise services.NotConnected("Salesforce is not connected: connect it first.")
    try:
        return estimate(connection, types)
    except tokens.ConnectionLost as exc:
        raise services.NotConnected(f"Salesforce is not connected: {exc}") from None
