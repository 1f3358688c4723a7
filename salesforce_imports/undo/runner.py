"""Undo an ended import: remove the CRM records it imported, in the background, in batches.

`request_undo` (the API and the job page) turns an ended import into UNDOING with one
conditional UPDATE (the one-active-job constraint keeps a start from racing it) and queues
`tasks.run_undo_task`; `run_undo` (the task, and the sweep's requeue of a stalled undo)
claims the job as an undo runner, reports a heartbeat, and walks the job's object types in
reverse import order (children before parents), each in batches of the job's
ImportedRecord rows with outcome "imported", ordered by id.

Per batch, one transaction: which records to keep, the DELETE of the others (one
statement per model) and of their ImportedRecord rows, one warning per kept record, and
the counters and the resume cursor (`progress[type]["undo_last_id"]`). A killed worker
therefore resumes exactly where the last committed batch ended.

A record is kept (and listed) when
- it was changed in the CRM since the import: its `updated_at` is later than the link's
  `synced_at` (the importer writes both with one instant, so its own later writes do not
  count); a link written before `synced_at` existed compares with its `created_at` + 2 s;
- a CRM record this job did not import links to it (every reverse relation of the model,
  one set query per relation and batch), or a record that is kept links to it;
- another import's ImportedRecord row (a record matched to it) points at it.
Matched records are never touched: their ImportedRecord rows have outcome "matched".

A record that a later record of the same type imported by this job links to (a parent
account whose child comes in a later batch) cannot be decided before that child is: it
waits, and once every batch of the type is done the records still waiting are decided
together, the links among them followed until nothing changes.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from . import leases
from .engine.heartbeat import Heartbeat
from .engine.job import LeaseLost, types_in_order
from .leases import Claim
from .mapping import mapping_for
from .models import (
    ACTIVE_STATUSES,
    ImportedRecord,
    ImportJob,
    ImportPreferences,
    ImportProblem,
    JobMode,
    JobStatus,
    PendingLink,
    Severity,
)

logger = logging.getLogger(__name__)

UNDOABLE_STATUSES = (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED)
# Links written before synced_at: the record's row and its link were written moments apart.
LEGACY_MARGIN = timedelta(seconds=2)
KEPT_PREFIX = "kept: "
CHANGED = "kept: changed in the CRM since the import"
BATCH_RETRIES = 3  # a batch whose DELETE meets a link written meanwhile is decided again

UNDO_QUEUED = "The import is being undone in the background."
UNDO_UNAVAILABLE = "The task broker cannot be reached, so the undo was not started; try again in a moment."


class UndoRefused(Exception):
    """This job cannot be undone now; the message says why (a 409)."""


class BrokerUnavailable(Exception):
    """The undo task could not be queued; the job is back as it was (a 503)."""


# -- asking for an undo ---------------------------------------------------------------------------
def refusal(job: ImportJob) -> str | None:
    """Why this job cannot be undone now, or None."""
    if job.mode == JobMode.PREVIEW:
        return "A preview wrote nothing, so there is nothing to undo."
    if job.status == JobStatus.UNDONE:
        return "This import was already undone."
    if job.status == JobStatus.UNDOING:
        return "This import is being undone."
    if job.status not in UNDOABLE_STATUSES:
        return (
            f"Only an ended import (completed, failed or cancelled) can be undone; this one is {job.status}."
        )
    other = ImportJob.objects.filter(org_id=job.org_id, status__in=ACTIVE_STATUSES).exclude(pk=job.pk).first()
    if other is not None:
        return f"Another job of this org is running ({other.status}): undo this import once it has ended."
    return None


def request_undo(job: ImportJob, dispatch: bool = True) -> ImportJob:
    """Turn the ended import into UNDOING and queue its undo once the transaction commits.

    UndoRefused (with the reason) when it cannot be undone; BrokerUnavailable when the task
    could not be queued (the job is then put back to its previous status)."""
    reason = refusal(job)
    if reason:
        raise UndoRefused(reason)
    previous = job.status
    now = timezone.now()
    try:
        with transaction.atomic():
            # Conditional: two admins pressing Undo at once start one undo. A fresh heartbeat
            # and no runner: the sweep leaves it alone for a lease, any undo runner may claim it.
            taken = ImportJob.objects.filter(pk=job.pk, status=previous, mode=JobMode.IMPORT).update(
                status=JobStatus.UNDOING, runner="", heartbeat_at=now, requeued_at=None, updated_at=now
            )
    except IntegrityError:  # the one-active-job constraint: a job was started meanwhile
        raise UndoRefused("Another job of this org is running: undo this import once it has ended.") from None
    if not taken:
        job.refresh_from_db()
        raise UndoRefused(refusal(job) or "This import changed meanwhile; look again.")
    job.refresh_from_db()
    if dispatch:
        transaction.on_commit(lambda: _enqueue(job, previous), robust=False)
    return job


def _enqueue(job: ImportJob, previous: str) -> None:
    from .tasks import run_undo_task  # tasks imports this module

    try:
        run_undo_task.delay(str(job.pk), str(job.org_id))
    except Exception as exc:
        logger.exception("Could not queue the undo of import %s", job.pk)
        # Nobody will run it: the job must not block the org (409) forever.
        ImportJob.objects.filter(pk=job.pk, status=JobStatus.UNDOING, runner="").update(
            status=previous, updated_at=timezone.now()
        )
        job.status = previous
        raise BrokerUnavailable(UNDO_UNAVAILABLE) from exc


# -- running it -----------------------------------------------------------------------------------
def run_undo(job_id, runner: str = "", takeover_from: str | None = None) -> str:
    """Run (or resume) the undo of an UNDOING job to its end; returns how the claim went."""
    outcome = leases.claim(job_id, runner, takeover_from, undo=True)
    if outcome != Claim.TAKEN:
        logger.info("Undo of import %s not run here: %s.", job_id, outcome)
        return outcome
    job = ImportJob.objects.get(pk=job_id)
    try:
        with Heartbeat(job.pk, runner) as heartbeat:
            UndoRunner(job, runner, heartbeat).run()
    except LeaseLost:
        logger.warning("Undo of import %s was taken over by another worker; this one stops.", job_id)
        return Claim.HELD
    except Exception as exc:
        logger.exception("Undo of import %s failed", job_id)
        _stopped(job, runner, exc)
    return Claim.TAKEN


def ended_status(job: ImportJob) -> str:
    """What the import had ended as before the undo began (the job keeps no copy of it)."""
    if job.cancel_requested:
        return JobStatus.CANCELLED
    return JobStatus.FAILED if job.failure_reason else JobStatus.COMPLETED


def _stopped(job: ImportJob, runner: str, exc: Exception) -> None:
    """An unexpected error: the import goes back to how it ended (what was removed stays
    removed, the cursor stays), with an error saying so; Undo again goes on from there."""
    job.refresh_from_db()
    with transaction.atomic():
        if ImportJob.objects.filter(pk=job.pk, runner=runner, status=JobStatus.UNDOING).update(
            status=ended_status(job), updated_at=timezone.now()
        ):
            ImportProblem.objects.create(
                org_id=job.org_id,
                job=job,
                object_type="",
                message=(
                    f"Undo stopped by an unexpected error ({type(exc).__name__}: {str(exc)[:300]}) after "
                    f"removing {job.undone_count} record(s); undo again to go on from there."
                ),
                severity=Severity.ERROR,
            )


class Decision:
    """One group's outcome: CRM ids to delete, ImportedRecord ids to delete, kept ids with
    their reason, and ids that wait for a later record of their type."""

    def __init__(self):
        self.delete: list = []
        self.links: list[int] = []
        self.kept: dict = {}
        self.waiting: set = set()


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
        decision = self._decide(sobject, model, batch, final)
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

    # -- deciding -------------------------------------------------------------------------------
    def _decide(self, sobject: str, model, group: list[dict], final: bool) -> Decision:
        decision = Decision()
        by_object = {row["object_id"]: row for row in group}
        ids = list(by_object)
        has_updated_at = any(f.name == "updated_at" for f in model._meta.concrete_fields)
        fields = ("pk", "updated_at") if has_updated_at else ("pk",)
        existing = {row[0]: row[1:] for row in model._base_manager.filter(pk__in=ids).values_list(*fields)}
        # A record already gone from the CRM: only its link is left to remove.
        decision.links.extend(row["id"] for oid, row in by_object.items() if oid not in existing)
        present = [oid for oid in ids if oid in existing]
        kept, waiting = decision.kept, decision.waiting
        if has_updated_at:
            for oid in present:
                if _changed(existing[oid][0], by_object[oid]):
                    kept[oid] = CHANGED
        self._matched_elsewhere(model, by_object, present, kept)
        internal = self._references(sobject, model, present, set(present), kept, waiting, final)
        # Follow links inside the group: what a kept record links to is kept, what a waiting
        # record links to waits, until nothing changes.
        changed = True
        while changed:
            changed = False
            for source, target, label in internal:
                if source in kept and target not in kept:
                    kept[target] = f"{KEPT_PREFIX}{label} {source} links to it"
                    waiting.discard(target)
                    changed = True
                elif source in waiting and target not in kept and target not in waiting:
                    waiting.add(target)
                    changed = True
        for oid in present:
            if oid not in kept and oid not in waiting:
                decision.delete.append(oid)
                decision.links.append(by_object[oid]["id"])
        return decision

    def _matched_elsewhere(self, model, by_object: dict, present: list, kept: dict) -> None:
        """Another import's link to the same CRM record (a record matched to it): keep it."""
        if not present:
            return
        ours = [by_object[oid]["id"] for oid in present]
        others = (
            ImportedRecord.objects.filter(
                content_type=ContentType.objects.get_for_model(model), object_id__in=present
            )
            .exclude(id__in=ours)
            .values_list("object_id", "salesforce_object_type", "salesforce_id")
        )
        for oid, sobject, sf_id in others:
            kept.setdefault(
                oid, f"{KEPT_PREFIX}Salesforce {sobject} {sf_id} of another import is matched to it"
            )

    def _references(self, sobject, model, present, group, kept, waiting, final) -> list[tuple]:
        """Every CRM record linking to the group's records, one query per reverse relation.

        Links from outside the group keep the target, except links from a record of the same
        type this job imported that is still to be decided (a later batch): the target waits.
        Returns the links inside the group, (source, target, label)."""
        if not present:
            return []
        sources = defaultdict(list)  # source model -> [(source pk, target pk)]
        for relation in model._meta.related_objects:
            source_model = relation.related_model
            if relation.many_to_many:
                field = relation.field
                through = field.remote_field.through
                source_column, target_column = field.m2m_column_name(), field.m2m_reverse_name()
                rows = through._base_manager.filter(**{f"{target_column}__in": present}).values_list(
                    source_column, target_column
                )
            else:
                attname = relation.field.attname
                rows = source_model._base_manager.filter(**{f"{attname}__in": present}).values_list(
                    "pk", attname
                )
            sources[source_model].extend(rows)
        internal = []
        for source_model, pairs in sources.items():
            if not pairs:
                continue
            label = source_model.__name__
            same_model = source_model is model
            outside = {src for src, _ in pairs if not (same_model and src in group)}
            pending = (
                self._still_to_decide(sobject, source_model, outside) if (same_model and not final) else set()
            )
            for src, target in pairs:
                if target in kept:
                    continue
                if same_model and src in group:
                    if src != target:
                        internal.append((src, target, label))
                elif src in pending:
                    waiting.add(target)
                else:
                    kept[target] = f"{KEPT_PREFIX}{label} {src} links to it"
                    waiting.discard(target)
        return internal

    def _still_to_decide(self, sobject: str, source_model, source_ids: set) -> set:
        """Of these records of the group's model, the ones this job imported as this type and
        that are not decided for good: later batches, or waiting ones of earlier batches
        (told apart from kept ones only at the end, so they wait too)."""
        if not source_ids:
            return set()
        return set(
            ImportedRecord.objects.filter(
                import_job_id=self.job.pk,
                salesforce_object_type=sobject,
                outcome=ImportedRecord.Outcome.IMPORTED,
                content_type=ContentType.objects.get_for_model(source_model),
                object_id__in=list(source_ids),
            ).values_list("object_id", flat=True)
        )

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


def _changed(updated_at, link: dict) -> bool:
    """Changed in the CRM since the importer last wrote it."""
    if updated_at is None:
        return False
    if link["synced_at"] is not None:
        return updated_at > link["synced_at"]
    return updated_at > link["created_at"] + LEGACY_MARGIN
