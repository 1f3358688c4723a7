"""Start, run, cancel and resume import jobs: what the API, the pages, the CLI and the
Celery task call. Views and tasks stay thin; the work is in `engine`."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from common.memory import limit_malloc_arenas

from . import answers, budget, leases, tokens
from .client import DailyLimitExceeded, SalesforceClient
from .engine.chunks import ChunkFailed, FannedOut
from .engine.finish import finish
from .engine.heartbeat import Heartbeat
from .engine.job import Cancelled, JobRunner, LeaseLost
from .leases import Claim
from .mapping import IMPORT_ORDER
from .models import ACTIVE_STATUSES, ImportJob, JobMode, JobStatus, SalesforceConnection

logger = logging.getLogger(__name__)

SELECTABLE_TYPES = [parent for parent, _ in IMPORT_ORDER]


class ImportRequestError(Exception):
    """A job cannot be started; the message is for the admin."""


class NotConnected(ImportRequestError):
    pass


class JobAlreadyActive(ImportRequestError):
    def __init__(self, job):
        self.job = job
        super().__init__("An import is already running for this org.")


class OverBudget(ImportRequestError):
    """The job would leave less than the org's API reserve (NOTES 8.8); the figures are on it."""

    def __init__(self, estimate: budget.Estimate):
        self.estimate = estimate
        super().__init__(estimate.reason)


def validate_types(object_types) -> list[str]:
    if not isinstance(object_types, list) or not object_types:
        raise ImportRequestError(f"Choose at least one of: {', '.join(SELECTABLE_TYPES)}.")
    unknown = [t for t in object_types if t not in SELECTABLE_TYPES]
    if unknown:
        raise ImportRequestError(
            f"Unknown object type(s): {', '.join(map(str, unknown))}. "
            f"Choose from {', '.join(SELECTABLE_TYPES)}."
        )
    return [t for t in SELECTABLE_TYPES if t in object_types]


def start_import(
    org_id,
    object_types,
    started_by=None,
    dispatch=True,
    custom_fields: bool = True,
    mode: str = JobMode.IMPORT,
    update_changed: bool = False,
) -> ImportJob:
    """Create a PENDING job and queue it once the transaction commits.

    `custom_fields=False` leaves the objects' custom fields out of this job (NOTES 8.4);
    `mode="preview"` runs it writing nothing to the CRM; `update_changed` updates records
    changed in Salesforce since their import (NOTES 8.7)."""
    if mode not in JobMode.values:
        raise ImportRequestError(f"Unknown mode {mode!r}: choose import or preview.")
    types = validate_types(object_types)
    connection = SalesforceConnection.objects.filter(org_id=org_id).first()
    if connection is None or not connection.is_active:
        raise NotConnected("Salesforce is not connected: connect it first.")
    estimate = check_budget(connection, types)
    try:
        with transaction.atomic():
            job = ImportJob.objects.create(
                org_id=org_id,
                object_types=types,
                include_custom_fields=bool(custom_fields),
                mode=mode,
                update_changed=bool(update_changed),
                started_by=started_by,
                created_by_id=started_by.user_id if started_by else None,
                **budget.job_fields(estimate),  # the counts made for the estimate, and their calls
            )
            budget.note_on_job(job, estimate)
    except IntegrityError:
        raise JobAlreadyActive(active_job(org_id)) from None
    if dispatch:
        transaction.on_commit(lambda: enqueue(job))
    return job


def check_budget(connection, types: list[str]) -> budget.Estimate:
    """Estimate the job's API calls against the org's reserve; refuse what would eat into it."""
    running = active_job(connection.org_id)
    if running is not None:  # spend no API calls on a start that would be a 409
        raise JobAlreadyActive(running)
    try:
        estimate = budget.estimate(connection, types)
    except tokens.ConnectionLost as exc:
        raise NotConnected(f"Salesforce is not connected: {exc}") from None
    if not estimate.allowed:
        raise OverBudget(estimate)
    return estimate


def _import_task():
    # Imported when used: the tasks module imports this one.
    from .tasks import run_import_task

    return run_import_task


def enqueue(job: ImportJob) -> None:
    try:
        _import_task().delay(str(job.pk), str(job.org_id))
    except Exception:
        # A job nobody will run must not block the org's next import (409) forever.
        logger.exception("Could not queue import %s", job.pk)
        finish(job, JobStatus.FAILED, "The import could not be queued (the task broker is unreachable).")


def active_job(org_id) -> ImportJob | None:
    return ImportJob.objects.filter(org_id=org_id, status__in=ACTIVE_STATUSES).first()


def cancel_import(job: ImportJob) -> ImportJob:
    """Ask the running job to stop after its batch in flight; a queued job stops now."""
    now = timezone.now()
    jobs = ImportJob.objects.filter(pk=job.pk)
    # Conditional updates, so a worker claiming the job at this moment cannot be lost.
    jobs.filter(status=JobStatus.PENDING).update(
        status=JobStatus.CANCELLED, cancel_requested=True, completed_at=now, updated_at=now
    )
    jobs.filter(status=JobStatus.IN_PROGRESS).update(cancel_requested=True, updated_at=now)
    # A job whose worker is gone has nobody to see the request: it ends now.
    jobs.filter(status=JobStatus.IN_PROGRESS, heartbeat_at__lt=leases.lease_expiry()).update(
        status=JobStatus.CANCELLED, completed_at=now, updated_at=now
    )
    job.refresh_from_db()
    return job


def run_import(job_id, runner: str = "", takeover_from: str | None = None) -> str:
    """Run (or resume) a job to its end. Never leaves it IN_PROGRESS on an error, but for
    a lost database connection, which is raised (nothing can be recorded then).

    Returns how the claim went: only TAKEN ran the job."""
    limit_malloc_arenas()  # before the import's threads start (common/memory.py)
    outcome = leases.claim(job_id, runner, takeover_from)
    if outcome != Claim.TAKEN:
        logger.info("Import %s not run here: %s.", job_id, outcome)
        return outcome
    job = ImportJob.objects.select_related("started_by").get(pk=job_id)
    if job.started_at is None:
        job.started_at = timezone.now()
        job.save(update_fields=["started_at"])
    try:
        with Heartbeat(job.pk, runner) as heartbeat:
            if job.cancel_requested:  # asked while nobody was running it
                raise Cancelled
            connection = SalesforceConnection.objects.get(org_id=job.org_id)
            JobRunner(job, SalesforceClient(connection), runner, heartbeat).run()
    except FannedOut:
        # An object's chunks went to the workers (engine/chunks.py); the job is theirs now,
        # and continue_import_task (or the sweep) takes it back when they are done.
        return Claim.TAKEN
    except LeaseLost:
        logger.warning("Import %s was taken over by another worker; this one stops.", job_id)
        return Claim.HELD
    except Cancelled:
        finish(job, JobStatus.CANCELLED)
    except (DailyLimitExceeded, tokens.ConnectionLost, answers.SalesforceBadAnswer, ChunkFailed) as exc:
        finish(job, JobStatus.FAILED, str(exc))
    except SalesforceConnection.DoesNotExist:
        finish(job, JobStatus.FAILED, "Salesforce was disconnected during the import.")
    except leases.DATABASE_GONE:
        # Nothing can be recorded; the task runs the job again from its cursor once the
        # database answers (tasks.py), else the sweep does.
        raise
    except Exception as exc:
        logger.exception("Import %s failed", job_id)
        finish(job, JobStatus.FAILED, f"Unexpected error ({type(exc).__name__}): {str(exc)[:300]}")
    else:
        finish(job, JobStatus.COMPLETED)
    return Claim.TAKEN


def requeue_stalled_jobs(dead_runner_prefix: str | None = None) -> list[str]:
    """Queue again every job nobody is running (the sweep, and a restarted worker's own):
    an import to the import task, an undo to the undo task."""

    def enqueue(job_id, org_id, takeover_from, undo):
        from .tasks import run_undo_task  # imported when used: the tasks module imports this one

        task = run_undo_task if undo else _import_task()
        task.delay(job_id, org_id, takeover_from=takeover_from)

    return leases.requeue_stalled_jobs(enqueue, dead_runner_prefix)
