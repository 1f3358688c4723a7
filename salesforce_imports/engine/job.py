"""Running one import job: object types in dependency order, page by page."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ..client import QueryLocatorLost, SalesforceClient
from ..mapping import IMPORT_ORDER, mapping_for
from ..models import ImportJob, ImportProblem, JobStatus, Severity
from .batch import BatchImporter, Plan
from .tally import Tally
from .writer import BatchWriter

logger = logging.getLogger(__name__)

MAX_REQUERIES = 5  # per object type: a cursor lost again and again means something else is wrong


class Cancelled(Exception):
    pass


class LeaseLost(Exception):
    """Another worker took the job over (this one looked dead for longer than the lease)."""


def types_in_order(selected: list[str]) -> list[str]:
    """The Salesforce types to fetch, parents before children, line items after theirs."""
    ordered = []
    for parent, child in IMPORT_ORDER:
        if parent in selected:
            ordered.append(parent)
            if child:
                ordered.append(child)
    return ordered


def empty_progress(total: int | None = None) -> dict:
    return {
        "status": "pending",
        "total": total,
        "imported": 0,
        "matched": 0,
        "skipped": 0,
        "errors": 0,
        "warnings": 0,
        "last_id": "",
    }


class JobRunner:
    def __init__(self, job: ImportJob, client: SalesforceClient, runner: str = "", heartbeat=None):
        self.job = job
        self.client = client
        self.runner = runner
        self.heartbeat = heartbeat  # engine.heartbeat.Heartbeat: reports while this runs

    def run(self) -> None:
        sobjects = types_in_order(self.job.object_types)
        for sobject in sobjects:
            self.job.progress.setdefault(sobject, empty_progress())
        self._count_all(sobjects)
        for sobject in sobjects:
            if self.job.progress[sobject]["status"] == "done":
                continue  # finished before a resume
            self._import_object(sobject)

    # -- counting -----------------------------------------------------------------------------
    def _count_all(self, sobjects: list[str]) -> None:
        for sobject in sobjects:
            entry = self.job.progress[sobject]
            if entry["total"] is None:
                entry["total"] = self.client.count(f"FROM {sobject} WHERE IsDeleted = false")
        self.job.total_records = sum(e["total"] or 0 for e in self.job.progress.values())
        self.job.save(update_fields=["progress", "total_records", "updated_at"])

    # -- one object type ------------------------------------------------------------------------
    def _select_list(self, sobject: str) -> list[str]:
        mapping = mapping_for(sobject)
        readable = self.client.readable_fields(sobject)
        wanted = mapping.soql_fields
        missing = [f for f in wanted if f not in readable and f not in mapping.optional_fields]
        if missing and self.job.progress[sobject]["last_id"] == "":
            self._job_warning(
                sobject,
                ", ".join(missing),
                f"Not readable in this Salesforce org (field-level security or not present), "
                f"so not imported: {', '.join(missing)}.",
            )
        return [f for f in wanted if f in readable]

    def _import_object(self, sobject: str) -> None:
        entry = self.job.progress[sobject]
        fields = self._select_list(sobject)
        entry["status"] = "in_progress"
        self._save_progress()
        importer = BatchImporter(self.job, mapping_for(sobject))
        for attempt in range(1, MAX_REQUERIES + 2):
            try:
                self._import_pages(sobject, fields, importer)
                break
            except QueryLocatorLost:
                if attempt > MAX_REQUERIES:
                    raise
                # Every fetched page was written before the next was asked for, so querying
                # again after the cursor picks up exactly where the import got to.
                logger.info("Salesforce closed the %s query cursor; querying again from the cursor", sobject)
        entry["status"] = "done"
        self._save_progress()

    def _import_pages(self, sobject: str, fields: list[str], importer: BatchImporter) -> None:
        where = "WHERE IsDeleted = false"
        last_id = self.job.progress[sobject]["last_id"]
        if last_id:
            where += f" AND Id > '{_soql_id(last_id)}'"  # after the last committed batch
        soql = f"SELECT {', '.join(fields)} FROM {sobject} {where} ORDER BY Id"
        size = settings.SALESFORCE_BATCH_SIZE
        with BatchWriter(self._write_batch) as writer:
            for page in self.client.query_pages(soql):
                for start in range(0, len(page), size):
                    self._check_cancel()
                    plan = importer.prepare(page[start : start + size])
                    self._check_cancel()  # preparing takes a while: look again before writing
                    writer.submit(importer, sobject, plan)

    def _write_batch(self, importer: BatchImporter, sobject: str, plan: Plan) -> None:
        """One transaction: the batch's rows, links and problems, and the job's counters."""
        with transaction.atomic():
            relax_commit_durability()
            tally = importer.write(plan)
            self._add(sobject, tally, last_id=plan.last_id)
            self._save_progress()

    # -- counters -----------------------------------------------------------------------------
    def _add(self, sobject: str, tally: Tally, last_id: str) -> None:
        entry = self.job.progress[sobject]
        for key, value in (
            ("imported", tally.imported),
            ("matched", tally.matched),
            ("skipped", tally.skipped),
            ("errors", tally.errors),
            ("warnings", tally.warnings),
        ):
            entry[key] += value
        entry["last_id"] = last_id or entry["last_id"]  # pages come in ORDER BY Id
        job = self.job
        job.imported_count += tally.imported
        job.matched_count += tally.matched
        job.skipped_count += tally.skipped
        job.error_count += tally.errors
        job.warning_count += tally.warnings

    def _save_progress(self) -> None:
        """Counters, cursor and heartbeat, only while this runner still holds the job."""
        job = self.job
        job.heartbeat_at = timezone.now()
        saved = ImportJob.objects.filter(pk=job.pk, runner=self.runner).update(
            progress=job.progress,
            imported_count=job.imported_count,
            matched_count=job.matched_count,
            skipped_count=job.skipped_count,
            error_count=job.error_count,
            warning_count=job.warning_count,
            heartbeat_at=job.heartbeat_at,
            updated_at=job.heartbeat_at,
        )
        if not saved:
            raise LeaseLost

    def _job_warning(self, sobject: str, field_name: str, message: str) -> None:
        with transaction.atomic():
            ImportProblem.objects.create(
                org_id=self.job.org_id,
                job=self.job,
                object_type=sobject,
                field=field_name[:80],
                message=message,
                severity=Severity.WARNING,
            )
            self.job.warning_count += 1
            self.job.progress[sobject]["warnings"] += 1
            self._save_progress()

    def _check_cancel(self) -> None:
        if self.heartbeat is not None and self.heartbeat.lost.is_set():
            raise LeaseLost
        if ImportJob.objects.filter(pk=self.job.pk, cancel_requested=True).exists():
            raise Cancelled


def relax_commit_durability() -> None:
    """Don't wait for the WAL flush at this batch's commit (PostgreSQL).

    Safe here: a batch's rows, links and the job's counters and resume cursor commit
    together, so a database crash can only lose whole recent batches, which the resumed
    job then imports again. It saves a disk flush per batch.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _soql_id(value: str) -> str:
    # Salesforce Ids are alphanumeric; anything else must never reach the query.
    if not value.isalnum():
        raise ValueError("Not a Salesforce Id")
    return value


def finish(job: ImportJob, status: str, reason: str = "") -> None:
    # What was committed, not what this process counted: a batch that failed to commit
    # may already be in the in-memory counters.
    job.refresh_from_db(
        fields=[
            "progress",
            "imported_count",
            "matched_count",
            "skipped_count",
            "error_count",
            "warning_count",
        ]
    )
    job.status = status
    job.failure_reason = reason
    job.completed_at = timezone.now()
    for entry in job.progress.values():
        if entry["status"] == "in_progress" or (
            status != JobStatus.COMPLETED and entry["status"] == "pending"
        ):
            entry["status"] = {"CANCELLED": "cancelled", "FAILED": "failed"}.get(status, entry["status"])
    job.save(update_fields=["status", "failure_reason", "completed_at", "progress", "updated_at"])
