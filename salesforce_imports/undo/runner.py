"""The undo of one job: its object types in reverse import order (children before parents),
each in batches of the job's ImportedRecord rows with outcome "imported", ordered by id; one
transaction per batch (delete, warnings, counters and cursor), and the records that waited for
a later batch of their type decided together at the end. See the package's docstring."""

from __future__ import annotations

import logging

from django.db import IntegrityError, connection, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..engine.job import LeaseLost, types_in_order
from ..mapping import mapping_for
from ..models import (
    ImportedRecord,
    ImportJob,
    ImportPreferences,
    ImportProblem,
    JobStatus,
    PendingLink,
    Severity,
)
from .decisions import KEPT_PREFIX, Decision, decide

# The package's name, as when the undo was one module: log filters and levels keep applying.
logger = logging.getLogger(__package__)

BATCH_RETRIES = 3  # a batch whose DELETE meets a link written meanwhile is decided again


class UndoRunner:
    def __init__(self, job: ImportJob, runner: str = "", heartbeat=None, batch_size: int | None = None):
        from django.conf import settings

        self.job = job
        self.runner = runner
        self.heartbeat = heartbeat
        self.batch_size = batch_size or settings.SALESFORCE_BATCH_SIZE

    def run(self) -> None:
        for sobject in reversed(types_in_order(self.job.object_types)):
            entry = self.job.progress.get(sobject)
            if entry is None:  # the import never reached this type: nothing of it to remove
                continue
            for key, value in (("undo_status", "pending"), ("undo_last_id", 0), ("undone", 0), ("kept", 0)):
                entry.setdefault(key, value)
            if entry["undo_status"] == "done":
                continue  # finished before a resume
            self._undo_type(sobject)
        self._finish()

    # -- one object type ------------------------------------------------------------------------
    def _undo_type(self, sobject: str) -> None:
        model = mapping_for(sobject).model
        links = ImportedRecord.objects.filter(
            import_job_id=self.job.pk, salesforce_object_type=sobject, outcome=ImportedRecord.Outcome.IMPORTED
        )
        if self.job.progress[sobject]["undo_status"] != "in_progress":
            self.job.progress[sobject]["undo_status"] = "in_progress"
            self._save()
        while True:
            self._check_lease()
            cursor = self.job.progress[sobject]["undo_last_id"]  # re-read: a retried batch reloads it
            batch = list(
                links.filter(id__gt=cursor)
                .order_by("id")
                .values("id", "object_id", "salesforce_id", "synced_at", "created_at")[: self.batch_size]
            )
            if not batch:
                break
            self._in_transaction(lambda batch=batch: self._batch(sobject, model, batch, final=False))
            self.after_batch(sobject)
        # What waited for a later record of its type: every other record of the type is
        # decided now, so the ones left are decided together.
        self._in_transaction(lambda: self._waiting(sobject, model, links))

    def after_batch(self, sobject: str) -> None:
        """Called after each committed batch (a test's hook to stop a run half-way)."""

    def _batch(self, sobject: str, model, batch: list[dict], final: bool) -> None:
        decision = decide(self.job.pk, sobject, model, batch, final)
        self._apply(sobject, model, batch, decision)
        entry = self.job.progress[sobject]
        if not final:
            entry["undo_last_id"] = batch[-1]["id"]
        self._save()

    def _waiting(self, sobject: str, model, links) -> None:
        kept = set(
            ImportProblem.objects.filter(
                job_id=self.job.pk,
                object_type=sobject,
                severity=Severity.WARNING,
                message__startswith=KEPT_PREFIX,
            ).values_list("salesforce_id", flat=True)
        )
        group = [
            row
            for row in links.order_by("id").values(
                "id", "object_id", "salesforce_id", "synced_at", "created_at"
            )
            if row["salesforce_id"] not in kept
        ]
        if group:
            self._batch(sobject, model, group, final=True)
        self.job.progress[sobject]["undo_status"] = "done"
        self._save()

    def _in_transaction(self, work) -> None:
        """One batch, all or nothing; decided again when a link was written meanwhile."""
        for attempt in range(1, BATCH_RETRIES + 1):
            try:
                with transaction.atomic():
                    work()
                return
            except IntegrityError:
                # A CRM record linking to one being deleted was written after the batch looked.
                self.job.refresh_from_db(fields=["progress", "undone_count", "kept_count", "warning_count"])
                if attempt == BATCH_RETRIES:
                    raise

    # -- writing --------------------------------------------------------------------------------
    def _apply(self, sobject: str, model, group: list[dict], decision: Decision) -> None:
        if decision.delete:
            # One DELETE; the links to these rows are gone or deleted with them (decided above),
            # and the database checks that at commit (its foreign keys are deferred).
            model._base_manager.filter(pk__in=decision.delete)._raw_delete(connection.alias)
        if decision.links:
            ImportedRecord.objects.filter(id__in=decision.links).delete()
        sf_ids = {row["object_id"]: row["salesforce_id"] for row in group}
        if decision.kept:
            ImportProblem.objects.bulk_create(
                ImportProblem(
                    org_id=self.job.org_id,
                    job=self.job,
                    object_type=sobject,
                    salesforce_id=sf_ids[oid],
                    message=message[:1000],
                    severity=Severity.WARNING,
                )
                for oid, message in decision.kept.items()
            )
        entry = self.job.progress[sobject]
        undone, kept = len(decision.links), len(decision.kept)
        entry["undone"] += undone
        entry["kept"] += kept
        entry["warnings"] = entry.get("warnings", 0) + kept
        self.job.undone_count += undone
        self.job.kept_count += kept
        self.job.warning_count += kept

    def _save(self) -> None:
        """Counters and cursor (in the batch's transaction), only while this runner holds the job."""
        now = timezone.now()
        job = self.job
        saved = ImportJob.objects.filter(pk=job.pk, runner=self.runner, status=JobStatus.UNDOING).update(
            progress=job.progress,
            undone_count=job.undone_count,
            kept_count=job.kept_count,
            warning_count=job.warning_count,
            heartbeat_at=now,
            updated_at=now,
        )
        if not saved:
            raise LeaseLost

    def _check_lease(self) -> None:
        if self.heartbeat is not None and self.heartbeat.lost.is_set():
            raise LeaseLost

    def _finish(self) -> None:
        """UNDONE; the delta marks of its types forgotten, so the next import fetches them all."""
        job = self.job
        touched = types_in_order(job.object_types)
        with transaction.atomic():
            # Links the import had not settled (a failed or cancelled job): it never resumes.
            PendingLink.objects.filter(job_id=job.pk).delete()
            prefs = ImportPreferences.objects.select_for_update().filter(org_id=job.org_id).first()
            if prefs is not None and isinstance(prefs.delta_marks, dict):
                marks = {k: v for k, v in prefs.delta_marks.items() if k not in touched}
                if marks != prefs.delta_marks:
                    prefs.delta_marks = marks
                    prefs.save(update_fields=["delta_marks", "updated_at"])
            now = timezone.now()
            if not ImportJob.objects.filter(pk=job.pk, runner=self.runner, status=JobStatus.UNDOING).update(
                status=JobStatus.UNDONE,
                completed_at=Coalesce("completed_at", now),  # the import's own end stays
                progress=job.progress,
                undone_count=job.undone_count,
                kept_count=job.kept_count,
                warning_count=job.warning_count,
                heartbeat_at=now,
                updated_at=now,
            ):
                raise LeaseLost
        job.refresh_from_db()
        logger.info("Import %s undone: %d removed, %d kept.", job.pk, job.undone_count, job.kept_count)
