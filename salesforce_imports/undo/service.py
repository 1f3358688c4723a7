"""Asking for an undo (the API and the job page) and running one (the task, and the sweep's
requeue of a stalled undo): the entry points; the work itself is runner.py's."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import leases
from ..engine.heartbeat import Heartbeat
from ..engine.job import LeaseLost
from ..leases import Claim
from ..models import ACTIVE_STATUSES, ImportJob, ImportProblem, JobMode, JobStatus, Severity
from .runner import UndoRunner

# The package's name, as when the undo was one module: log filters and levels keep applying.
logger = logging.getLogger(__package__)

UNDOABLE_STATUSES = (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED)

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
    from ..tasks import run_undo_task  # tasks imports this module

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
