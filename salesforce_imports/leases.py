"""Who runs a job, and what happens when that worker dies.

A job row is the truth; a Celery message only wakes a worker up. A worker *claims* a job
with one conditional UPDATE (so exactly one runner holds it), then reports a heartbeat on
its own schedule (engine/heartbeat.py). Every live worker *sweeps* every
IMPORT_SWEEP_SECONDS (worker_steps.py): a running job whose heartbeat is older than
IMPORT_JOB_LEASE_SECONDS, or a queued job nobody picked up, is queued again, and the
claim lets the new message take it over from the silent runner. A dead runner is so
noticed within lease + sweep seconds, by any worker, whatever its name.

Finding those jobs must look across orgs, and the job table is under row-level security.
Rather than visit every org one by one, or keep a second table of leases outside the
tenant wall (one more copy of the lease to keep in step with the job), one narrow
SELECT-only policy (migration 0008) lets a transaction that sets `app.job_sweep` see job
rows of every org; `stalled_jobs` is the only code that sets it, transaction-local, and
reads only ids and lease columns. Every write (the requeue stamp, the claim, the run)
still happens inside the job's own org context.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from common.rls import org_context

from .models import ImportJob, JobStatus

# The statuses an import runner may take a job in (an UNDOING job is the undo runner's).
IMPORT_STATUSES = (JobStatus.PENDING, JobStatus.IN_PROGRESS)

logger = logging.getLogger(__name__)

# The database went away under a runner (a killed connection, a restart, a failover, the
# network). Django wraps driver errors in its own classes, but a call on the driver's own
# cursor (COPY, engine/bulk.py) raises the driver's. The job is still the runner's and its
# committed batches and cursor are intact: it is run again from there (tasks.py).
DATABASE_GONE = (
    OperationalError,
    InterfaceError,
    connection.Database.OperationalError,
    connection.Database.InterfaceError,
)


class Claim:
    TAKEN = "taken"
    FINISHED = "finished"  # nothing to run any more
    HELD = "held"  # another runner reported recently; the sweep looks again if it goes silent


def lease_expiry():
    return timezone.now() - timedelta(seconds=settings.IMPORT_JOB_LEASE_SECONDS)


def claim(job_id, runner: str, takeover_from: str | None = None, undo: bool = False) -> str:
    """Take the job for this worker process unless another live one holds it. An import
    runner takes PENDING / IN_PROGRESS jobs; an undo runner (`undo`) takes UNDOING ones."""
    may_take = Q(heartbeat_at__lt=lease_expiry()) | Q(heartbeat_at__isnull=True)
    may_take |= Q(runner="") if undo else Q(status=JobStatus.PENDING)
    if takeover_from:
        may_take |= Q(runner=takeover_from)
    now = timezone.now()
    jobs = ImportJob.objects.filter(pk=job_id, status__in=(JobStatus.UNDOING,) if undo else IMPORT_STATUSES)
    taken = JobStatus.UNDOING if undo else JobStatus.IN_PROGRESS
    if jobs.filter(may_take).update(status=taken, runner=runner, heartbeat_at=now, updated_at=now):
        return Claim.TAKEN
    return Claim.HELD if jobs.exists() else Claim.FINISHED


@dataclass(frozen=True)
class StalledJob:
    job_id: str
    org_id: str
    status: str
    runner: str
    requeued_at: object

    def takeover_from(self) -> str | None:
        return self.runner if self.status in (JobStatus.IN_PROGRESS, JobStatus.UNDOING) else None


def stalled_jobs(dead_runner_prefix: str | None = None) -> list[StalledJob]:
    """Active jobs of every org that nobody is running: a silent runner, a runner of a
    worker known dead (`dead_runner_prefix`: a restarted worker's own name), or a queued
    job older than the lease. Ids and lease columns only."""
    expiry = lease_expiry()
    running = Q(status__in=[JobStatus.IN_PROGRESS, JobStatus.UNDOING])
    silent = running & (Q(heartbeat_at__lt=expiry) | Q(heartbeat_at__isnull=True))
    waiting = Q(status=JobStatus.PENDING, created_at__lt=expiry)
    condition = silent | waiting
    if dead_runner_prefix:
        condition |= running & Q(runner__startswith=dead_runner_prefix)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('app.job_sweep', 'on', true)")  # this transaction only
        rows = ImportJob.unscoped.filter(condition).values_list(
            "pk", "org_id", "status", "runner", "requeued_at"
        )
        return [
            StalledJob(str(pk), str(org), status, runner, requeued)
            for pk, org, status, runner, requeued in rows
        ]


def requeue_stalled_jobs(enqueue, dead_runner_prefix: str | None = None) -> list[str]:
    """Queue every stalled job again (`enqueue(job_id, org_id, takeover_from, undo)`: an
    UNDOING job goes to the undo task); returns their ids. Many workers sweep at once: a
    conditional stamp on the job lets exactly one of them queue it per lease period. A
    stalled import the admin asked to cancel ends now."""
    expiry = lease_expiry()
    requeued = []
    for stalled in stalled_jobs(dead_runner_prefix):
        with org_context(stalled.org_id):
            jobs = ImportJob.objects.filter(pk=stalled.job_id, status=stalled.status, runner=stalled.runner)
            if stalled.status != JobStatus.UNDOING and _cancel_if_requested(jobs, stalled.job_id):
                continue
            now = timezone.now()
            # A restarted worker takes its own jobs back at once; the sweep waits a lease
            # between two requeues of one job, so a message still in the queue is not doubled.
            due = (
                jobs
                if dead_runner_prefix and stalled.runner.startswith(dead_runner_prefix)
                else jobs.filter(Q(requeued_at__isnull=True) | Q(requeued_at__lt=expiry))
            )
            if not due.update(requeued_at=now):
                continue  # another worker's sweep queued it a moment ago
            enqueue(
                stalled.job_id, stalled.org_id, stalled.takeover_from(), stalled.status == JobStatus.UNDOING
            )
            requeued.append(stalled.job_id)
    if requeued:
        logger.info("Requeued %d import job(s) nobody was running: %s", len(requeued), ", ".join(requeued))
    return requeued


def _cancel_if_requested(jobs, job_id) -> bool:
    """The admin cancelled a job whose runner is gone: nobody will see the request, end it."""
    from .engine.finish import finish  # the engine imports this module

    now = timezone.now()
    if not jobs.filter(cancel_requested=True).update(
        status=JobStatus.CANCELLED, completed_at=now, updated_at=now
    ):
        return False
    finish(ImportJob.objects.get(pk=job_id), JobStatus.CANCELLED)  # counters and progress as committed
    return True
