"""One chunk of a scaled-out import (engine/chunks.py), on whichever worker claims it.

The chunk's lease works like the job's (leases.py): one conditional UPDATE takes it, a
heartbeat thread keeps it (and, while any chunk runs, the job) from looking dead, and
every write is conditional on it. Each batch commits its rows together with its counts,
added in SQL to the chunk row and to the job row, so chunks running side by side never
overwrite each other's counts and a runner that lost its chunk writes nothing.
"""

from __future__ import annotations

import json
import logging
from collections import Counter

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import F, Q
from django.utils import timezone

from .. import answers, budget, leases, tokens
from ..client import DailyLimitExceeded, QueryLocatorLost, SalesforceClient
from ..mapping import mapping_for
from ..mapping.custom import CustomField
from ..models import ChunkStatus, ImportChunk, ImportedRecord, ImportJob, JobStatus, SalesforceConnection
from ..value_mappings import overrides_for
from . import lookups
from .batch import BatchImporter
from .collector import big_blocks_back_to_the_system
from .heartbeat import Heartbeat
from .job import MAX_REQUERIES, Cancelled, LeaseLost, relax_commit_durability
from .notes import ContentNoteFetcher
from .owners import OwnerDirectory
from .sources import soql_id as _soql_id
from .tally import Tally
from .writer import BatchWriter

logger = logging.getLogger(__name__)

# (progress key, job column) of every bucket a batch adds to.
BUCKETS = (
    ("imported", "imported_count"),
    ("matched", "matched_count"),
    ("skipped", "skipped_count"),
    ("errors", "error_count"),
    ("warnings", "warning_count"),
    ("updated", "updated_count"),
)
# Failures whose own message tells the admin what happened and what to do (as for one runner).
CLEAR_FAILURES = (DailyLimitExceeded, tokens.ConnectionLost, answers.SalesforceBadAnswer)
# Adds a batch's {owner Id: records} to the job's unmatched_owners, key by key.
MERGE_OWNERS = (
    "unmatched_owners = (SELECT COALESCE(jsonb_object_agg(key, total), '{}'::jsonb) FROM ("
    "SELECT key, SUM(value::bigint) AS total FROM ("
    "SELECT key, value FROM jsonb_each_text(unmatched_owners) "
    "UNION ALL SELECT key, value FROM jsonb_each_text(%s::jsonb)"
    ") AS both_sides GROUP BY key) AS summed)"
)


def claim_chunk(chunk_id, runner: str) -> ImportChunk | None:
    """Take the chunk unless it is ended or a live runner holds it (its heartbeat is fresh)."""
    now = timezone.now()
    free = ImportChunk.objects.filter(
        pk=chunk_id, status__in=(ChunkStatus.PENDING, ChunkStatus.IN_PROGRESS)
    ).filter(Q(runner="") | Q(heartbeat_at__lt=leases.lease_expiry()))
    taken = free.update(
        status=ChunkStatus.IN_PROGRESS,
        runner=runner,
        heartbeat_at=now,
        updated_at=now,
        claims=F("claims") + 1,
    )
    if not taken:
        return None
    chunk = ImportChunk.objects.get(pk=chunk_id)
    if chunk.claims > settings.IMPORT_DATABASE_RETRIES + 1:
        reason = (
            f"Chunk {chunk.number} of {chunk.sobject} was started {chunk.claims} times without "
            "finishing (its database connection or its worker kept failing); the import stops. "
            "Everything committed is kept: run the import again once the database is stable."
        )
        ImportChunk.objects.filter(pk=chunk.pk, runner=runner).update(
            status=ChunkStatus.FAILED, failure_reason=reason, updated_at=now
        )
        return None
    return chunk


def run_chunk(chunk_id, runner: str, marker: str, fields: list[str], custom_kinds: list) -> str:
    """Import one chunk to its end; never raises (a chord member that raised would stop the
    chord for good). Returns what happened, for the log and the chord's results."""
    waiting = ImportJob.objects.filter(pk=ImportChunk.objects.filter(pk=chunk_id).values("job_id")[:1])
    job = waiting.select_related("started_by").filter(runner=marker, status=JobStatus.IN_PROGRESS).first()
    if job is None or job.cancel_requested:
        return "stale"  # another fan-out's message, or the job ended or was taken back: not claimed
    chunk = claim_chunk(chunk_id, runner)
    if chunk is None:
        return "held"
    custom = tuple(CustomField(name, kind) for name, kind in custom_kinds)
    try:
        with ChunkHeartbeat(chunk, marker, runner) as heartbeat:
            client = SalesforceClient(SalesforceConnection.objects.get(org_id=job.org_id))
            ChunkRunner(job, chunk, client, runner, marker, fields, custom, heartbeat).run()
    except Cancelled:
        return "cancelled"
    except LeaseLost:
        logger.warning("Chunk %s of import %s was taken over; this runner stops.", chunk.number, job.pk)
        return "lost"
    except leases.DATABASE_GONE:
        # Nothing can be written now; the chunk's heartbeat stops with this task, so the sweep
        # and the runner that takes the job back dispatch it again from its cursor.
        logger.warning("Chunk %s of import %s lost the database", chunk.number, job.pk, exc_info=True)
        return "database gone"
    except Exception as exc:
        if isinstance(exc, CLEAR_FAILURES):
            reason = str(exc)
        else:
            logger.exception("Chunk %s (%s) of import %s failed", chunk.number, chunk.sobject, job.pk)
            reason = f"Unexpected error ({type(exc).__name__}): {str(exc)[:300]}"
        ImportChunk.objects.filter(pk=chunk.pk, runner=runner).update(
            status=ChunkStatus.FAILED, failure_reason=reason, updated_at=timezone.now()
        )
        return "failed"
    return "done"


class ChunkHeartbeat(Heartbeat):
    """The chunk's lease, and the job's: while any chunk runner lives, the job is not silent."""

    def __init__(self, chunk: ImportChunk, marker: str, runner: str):
        super().__init__(chunk.job_id, runner)
        self.chunk_id, self.marker = chunk.pk, marker

    def report(self) -> bool:
        try:
            now = timezone.now()
            held = ImportChunk.objects.filter(pk=self.chunk_id, runner=self.runner).update(heartbeat_at=now)
            ImportJob.objects.filter(pk=self.job_id, runner=self.marker, status=JobStatus.IN_PROGRESS).update(
                heartbeat_at=now
            )
            return bool(held)
        except Exception:
            logger.warning("Chunk %s: heartbeat could not be recorded", self.chunk_id, exc_info=True)
            connections.close_all()
            return True


class ChunkRunner:
    """One chunk's pages, batch by batch, as JobRunner imports a whole type: the same
    BatchImporter and BatchWriter, its own cursor (`last_id`) and counts."""

    def __init__(self, job, chunk, client, runner, marker, fields, custom, heartbeat):
        self.job, self.chunk, self.client = job, chunk, client
        self.runner, self.marker, self.fields, self.heartbeat = runner, marker, fields, heartbeat
        self.mapping = mapping_for(chunk.sobject)
        self.owners = OwnerDirectory.load(job.org_id)
        self.custom = custom
        self.importer = self._importer()
        self._again: BatchImporter | None = None  # prepares a batch again, in the writer thread
        self.unknown = Counter({(f, v, m): n for f, v, m, n in chunk.unknown_values})
        self.calls_reported = 0

    def _importer(self) -> BatchImporter:
        sobject = self.chunk.sobject
        return BatchImporter(
            self.job,
            self.mapping,
            self.owners,
            self.custom,
            ContentNoteFetcher(self.client) if sobject == "ContentNote" else None,
            overrides_for(self.job.org_id).get(sobject),
            update_changed=self.job.update_changed,
        )

    def run(self) -> None:
        big_blocks_back_to_the_system()
        for attempt in range(1, MAX_REQUERIES + 2):
            try:
                self._import_pages()
                break
            except QueryLocatorLost:
                if attempt > MAX_REQUERIES:
                    raise
                logger.info("Salesforce closed a %s chunk's cursor; querying again", self.chunk.sobject)
        now = timezone.now()
        if not ImportChunk.objects.filter(pk=self.chunk.pk, runner=self.runner).update(
            status=ChunkStatus.DONE, heartbeat_at=now, updated_at=now
        ):
            raise LeaseLost

    def soql(self) -> str:
        chunk = self.chunk
        where = ["IsDeleted = false"]
        if chunk.last_id:  # after the last committed batch (never below id_from)
            where.append(f"Id > '{_soql_id(chunk.last_id)}'")
        elif chunk.id_from:
            where.append(f"Id >= '{_soql_id(chunk.id_from)}'")
        if chunk.id_to:
            where.append(f"Id < '{_soql_id(chunk.id_to)}'")
        return f"SELECT {', '.join(self.fields)} FROM {chunk.sobject} WHERE {' AND '.join(where)} ORDER BY Id"

    def _import_pages(self) -> None:
        size = settings.SALESFORCE_BATCH_SIZE
        with BatchWriter(self._write_batch) as writer:
            for page in self.client.query_pages(self.soql(), query_all=self.mapping.query_all):
                for start in range(0, len(page), size):
                    records = page[start : start + size]
                    self._check()
                    plan = self.importer.prepare(records)
                    self._check()
                    writer.submit(records, plan)

    def _check(self) -> None:
        budget.stop_at_reserve(self.client)  # the chunk fails; so does the job, resumable
        if self.heartbeat.lost.is_set():
            raise LeaseLost
        if ImportJob.objects.filter(pk=self.job.pk, cancel_requested=True).exists():
            raise Cancelled

    def _write_batch(self, records: list[dict], plan) -> None:
        importer = self.importer
        with transaction.atomic():
            relax_commit_durability()
            if self.mapping.natural_key:
                with connection.cursor() as cursor:  # one batch at a time settles this type's keys
                    cursor.execute(
                        "SELECT pg_advisory_xact_lock(hashtext(%s))",
                        [f"{self.job.pk}:{self.mapping.sobject}"],
                    )
                if _claimed_since(importer, plan):
                    logger.info(
                        "Import %s: %s keys taken by another chunk since; batch prepared again",
                        self.job.pk,
                        self.mapping.sobject,
                    )
                    importer = self._again = self._again or self._importer()
                    plan = importer.prepare(records)  # sees what the other chunks committed
            tally = importer.write(plan)
            unknown = self.unknown + tally.unknown_values
            calls = self.client.api_calls - self.calls_reported
            if not self._add_to_chunk(tally, plan.last_id, unknown, calls):
                raise LeaseLost
            if not add_to_job(self.job.pk, self.marker, self.chunk.sobject, tally, calls):
                raise LeaseLost
        self.unknown, self.calls_reported = unknown, self.calls_reported + calls
        self.chunk.last_id = plan.last_id or self.chunk.last_id

    def _add_to_chunk(self, tally: Tally, last_id: str, unknown: Counter, calls: int) -> int:
        now = timezone.now()
        changes = {key: F(key) + getattr(tally, key) for key, _ in BUCKETS}
        changes["api_calls"] = F("api_calls") + calls
        changes["unknown_values"] = [[f, v, m, n] for (f, v, m), n in unknown.items()]
        if last_id:
            changes["last_id"] = last_id
        return ImportChunk.objects.filter(
            pk=self.chunk.pk, runner=self.runner, status=ChunkStatus.IN_PROGRESS
        ).update(**changes, heartbeat_at=now, updated_at=now)


def _claimed_since(importer: BatchImporter, plan) -> bool:
    """Did another chunk commit, since this batch was prepared, a natural key the batch
    means to take, or link a CRM record the batch means to match?"""
    key, model = importer.mapping.natural_key, importer.model
    keys = (key.normalize(p.values.get(key.field)) for p in plan.pending if p.created_pk is not None)
    wanted = {k for k in keys if k}
    if wanted and lookups.natural_keys(model, key.field, wanted, key.case_insensitive):
        return True
    matched = [p.matched_to for p in plan.pending if p.matched_to is not None]
    return (
        bool(matched)
        and ImportedRecord.objects.filter(content_type=importer.content_type, object_id__any=matched).exists()
    )


def add_to_job(job_id, marker: str, sobject: str, tally: Tally, calls: int) -> bool:
    """Add one batch's counts to the job row in SQL (other chunks add theirs at the same
    time), only while the job still waits for this fan-out's chunks."""
    counts = {key: getattr(tally, key) for key, _ in BUCKETS}
    params: list = []
    sets = []
    for key, column in BUCKETS:
        sets.append(f"{column} = {column} + %s")
        params.append(counts[key])
    sets.append("api_calls = api_calls + %s")
    params.append(calls)
    # "updated" appears in a progress entry only once something was updated (as JobRunner._add).
    keys = [key for key, _ in BUCKETS if key != "updated" or counts[key]]
    pairs = ", ".join(f"'{key}', COALESCE((progress -> %s ->> '{key}')::bigint, 0) + %s" for key in keys)
    sets.append(f"progress = jsonb_set(progress, ARRAY[%s], (progress -> %s) || jsonb_build_object({pairs}))")
    params += [sobject, sobject]
    for key in keys:
        params += [sobject, counts[key]]
    if tally.unmatched_owners:
        sets.append(MERGE_OWNERS)
        params.append(json.dumps(dict(tally.unmatched_owners)))
    now = timezone.now()
    sets.append("heartbeat_at = %s, updated_at = %s")
    params += [now, now]
    table = connection.ops.quote_name(ImportJob._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {', '.join(sets)} WHERE id = %s AND runner = %s AND status = %s",
            [*params, job_id, marker, JobStatus.IN_PROGRESS],
        )
        return cursor.rowcount == 1
