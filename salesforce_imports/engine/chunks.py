"""Scale-out: one object type's records imported by several workers at once.

With IMPORT_PARALLELISM > 1 (PostgreSQL only; never a preview or a delta re-import), an
object type with more than IMPORT_CHUNK_MIN_RECORDS records is split into Id ranges the
way Bulk API's PK chunking splits a table: Salesforce Ids of one object share their
3-character key prefix and then count up in base 62 (0-9, A-Z, a-z, which is also their
sort order), so the space between the first and the last Id is cut into equal parts.
Each range is an `ImportChunk` row; a Celery chord runs one `import_chunk_task` per range
and then `continue_import_task`, which takes the job back and goes on with the next type.

Why the chord is only a wake-up call: a chord whose member died never fires, and one may
fire when a member merely found its chunk held by another worker. So the body checks the
chunk rows, and the job's own lease does the rest: while chunks run, the job's runner is
a marker naming this fan-out and every chunk's heartbeat refreshes the job's; once all
chunk runners are gone the job goes silent, the sweep queues it again (leases.py), and
the runner that takes it over dispatches again the chunks not done, each resuming after
its `last_id`.

Counters stay exact under concurrency because every batch adds its own counts in SQL
(F() on the chunk row, jsonb increments on the job's progress entry) in the transaction
that writes its rows, and both updates are conditional on the leases (chunk runner, job
marker): a runner that lost either writes nothing. Natural keys (an account's name, a
contact's email) are settled by one batch at a time per object type (an advisory lock);
a batch prepared before another chunk committed a clashing key is prepared again under
the lock, so chunks disambiguate between them exactly as one runner would.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter

from django.conf import settings
from django.db import connection
from django.utils import timezone

from ..client import SalesforceClient
from ..mapping import mapping_for
from ..mapping.custom import CustomField
from ..models import ChunkStatus, ImportChunk, ImportJob, JobStatus
from .tally import Tally

logger = logging.getLogger(__name__)

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
KEY_PREFIX = 3  # an Id's first three characters name its object; the other twelve count up


class FannedOut(Exception):
    """The object's chunks went to the workers; the job goes on once they are done."""


class ChunkFailed(Exception):
    """A chunk ended in failure; its reason is the job's (the job fails, a re-run resumes)."""


# -- the split ---------------------------------------------------------------------------------
def _number(digits: str) -> int:
    value = 0
    for ch in digits:
        value = value * 62 + BASE62.index(ch)
    return value


def _digits(value: int, width: int) -> str:
    out = []
    for _ in range(width):
        value, digit = divmod(value, 62)
        out.append(BASE62[digit])
    return "".join(reversed(out))


def id_ranges(first_id: str, last_id: str, parts: int) -> list[tuple[str, str]]:
    """[(id_from, id_to)]: `parts` ranges (fewer if the Ids are too close) covering every Id,
    the first open below and the last open above ("") so nothing falls outside. Boundaries
    are 15-character Ids, which SOQL compares like the records' own."""
    first, last = first_id[:15], last_id[:15]
    if parts < 2 or len(first) != 15 or len(last) != 15 or first[:KEY_PREFIX] != last[:KEY_PREFIX]:
        return [("", "")]
    low, high = _number(first[KEY_PREFIX:]), _number(last[KEY_PREFIX:])
    span = high - low + 1
    cuts = sorted({low + span * i // parts for i in range(1, parts)} - {low})
    bounds = ["", *(first[:KEY_PREFIX] + _digits(cut, 15 - KEY_PREFIX) for cut in cuts), ""]
    return list(zip(bounds, bounds[1:], strict=False))


def in_range(record_id: str, id_from: str, id_to: str) -> bool:
    key = record_id[:15]
    return (not id_from or key >= id_from) and (not id_to or key < id_to)


# -- the runner's side: split, fan out, take the counts back ----------------------------------
def should_split(runner, sobject: str) -> bool:
    if connection.vendor != "postgresql" or runner.preview or sobject in runner.deltas:
        return False
    if ImportChunk.objects.filter(job_id=runner.job.pk, sobject=sobject).exists():
        return True  # split before this resume: keep going in chunks whatever the settings say
    entry = runner.job.progress[sobject]
    return (
        settings.IMPORT_PARALLELISM > 1
        and entry["last_id"] == ""  # not half-imported by a single runner before
        and (entry["total"] or 0) > settings.IMPORT_CHUNK_MIN_RECORDS
    )


def fan_out(runner, sobject: str, fields: list[str], custom: tuple[CustomField, ...]) -> None:
    """Dispatch the chunks not done and raise FannedOut; return once every chunk is done."""
    job = runner.job
    chunks = list(ImportChunk.objects.filter(job=job, sobject=sobject))
    if not chunks:
        chunks = _create_chunks(runner, sobject)
    failed = [c for c in chunks if c.status == ChunkStatus.FAILED]
    if failed:
        raise ChunkFailed(failed[0].failure_reason or f"A chunk of {sobject} failed.")
    todo = [c for c in chunks if c.status != ChunkStatus.DONE]
    if not todo:
        _take_in(runner, sobject, chunks)
        return
    marker = f"chunks:{sobject}:{uuid.uuid4().hex[:12]}"
    runner._save_progress()  # this runner's last word on the job
    now = timezone.now()
    if not ImportJob.objects.filter(pk=job.pk, runner=runner.runner).update(
        runner=marker, heartbeat_at=now, updated_at=now
    ):
        from .job import LeaseLost  # job.py imports this module

        raise LeaseLost
    _dispatch(job, sobject, marker, [c.pk for c in todo], fields, custom)
    logger.info("Import %s: %s in %d chunk(s) on the workers", job.pk, sobject, len(todo))
    raise FannedOut


def _create_chunks(runner, sobject: str) -> list[ImportChunk]:
    job, query_all = runner.job, mapping_for(sobject).query_all
    first, last = (_edge_id(runner.client, sobject, order, query_all) for order in ("ASC", "DESC"))
    ranges = id_ranges(first, last, settings.IMPORT_PARALLELISM) if first and last else [("", "")]
    ImportChunk.objects.bulk_create(
        [
            ImportChunk(org_id=job.org_id, job=job, sobject=sobject, number=n, id_from=lo, id_to=hi)
            for n, (lo, hi) in enumerate(ranges, start=1)
        ],
        ignore_conflicts=True,
    )
    # The progress entry's cursor is the chunks' now; a set one also tells _select_list that
    # its field warnings were given (they are not repeated when the job continues).
    if last:
        job.progress[sobject]["last_id"] = last
    return list(ImportChunk.objects.filter(job=job, sobject=sobject))


def _edge_id(client: SalesforceClient, sobject: str, order: str, query_all: bool) -> str:
    soql = f"SELECT Id FROM {sobject} WHERE IsDeleted = false ORDER BY Id {order} LIMIT 1"
    rows = client.call(lambda sf: sf.query(soql, include_deleted=query_all)).get("records") or []
    return (rows[0].get("Id") or "") if rows else ""


def _dispatch(job, sobject, marker, chunk_ids, fields, custom) -> None:
    from celery import chord

    from ..tasks import continue_import_task, import_chunk_task  # the tasks module imports the engine

    kinds = [[c.api_name, c.field_type] for c in custom]
    header = [import_chunk_task.si(str(pk), str(job.org_id), marker, fields, kinds) for pk in chunk_ids]
    chord(header)(continue_import_task.si(str(job.pk), str(job.org_id), sobject, marker))


def _take_in(runner, sobject: str, chunks: list[ImportChunk]) -> None:
    """Every chunk is done: the job's counters are what they committed; their unknown
    picklist values join the job's list (saved with the entry's "done")."""
    job = runner.job
    held = job.progress  # the runner holds these entries (its "done" goes into them)
    job.refresh_from_db(
        fields=[
            "progress",
            "imported_count",
            "matched_count",
            "skipped_count",
            "error_count",
            "warning_count",
            "updated_count",
            "unmatched_owners",
            "unknown_values",
            "api_calls",
        ]
    )
    for name, fresh in job.progress.items():
        held.setdefault(name, {}).update(fresh)
    job.progress = held
    runner.calls_before = job.api_calls - getattr(runner.client, "api_calls", 0)
    runner.unknown = {(u["object_type"], u["field"], u["value"]): u for u in job.unknown_values}
    merged = Counter()
    for chunk in chunks:
        for sf_field, value, mapped_to, count in chunk.unknown_values:
            merged[(sf_field, value, mapped_to)] += count
    runner._add(sobject, Tally(unknown_values=merged), last_id="")
    # The type's wall time, first chunk made to last chunk done: its speed in the progress.
    started, ended = min(c.created_at for c in chunks), max(c.updated_at for c in chunks)
    held[sobject]["seconds"] = round((ended - started).total_seconds(), 2)
    logger.info("Import %s: every %s chunk is done; the job goes on", job.pk, sobject)


def may_continue(job_id, sobject: str, marker: str) -> bool:
    """For the chord's body: is the job still waiting for this fan-out's chunks, and are they
    all ended (or was the job cancelled)?"""
    job = ImportJob.objects.filter(pk=job_id, status=JobStatus.IN_PROGRESS, runner=marker).first()
    if job is None:
        return False
    if job.cancel_requested:
        return True
    running = (ChunkStatus.PENDING, ChunkStatus.IN_PROGRESS)
    return not ImportChunk.objects.filter(job_id=job_id, sobject=sobject, status__in=running).exists()
