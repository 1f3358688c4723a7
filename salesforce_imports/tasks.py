"""Celery tasks: thin wrappers that set the org context and call the services."""

import logging
import os

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.db import connections

from common.rls import org_context

from . import owners, services, undo
from .engine import chunk_runner, chunks
from .engine.finish import fail_if_still_held
from .leases import DATABASE_GONE

logger = logging.getLogger(__name__)

# The database went away under a job (leases.DATABASE_GONE): it is run again from its
# cursor once the database answers, after a growing pause (IMPORT_DATABASE_RETRIES tries).
DATABASE_RETRY_MAX_SECONDS = 30


def runner_prefix(hostname: str) -> str:
    return f"{hostname}/"


# The job row, not the message, says what is left to do, so the message is acknowledged
# when the task starts (acks_late off): a running import then never holds an unacked
# message that the broker would hand out again after its visibility timeout. A worker that
# dies mid-job is covered by the heartbeat and the sweep (leases.py), not by redelivery.
@shared_task(bind=True, acks_late=False, ignore_result=True)
def run_import_task(self, job_id: str, org_id: str, takeover_from: str | None = None):
    runner = f"{runner_prefix(self.request.hostname or 'local')}{os.getpid()}"
    try:
        with org_context(org_id):
            outcome = services.run_import(job_id, runner=runner, takeover_from=takeover_from)
    except DATABASE_GONE as exc:
        retry_when_the_database_is_back(self, exc, job_id, org_id, runner)
        return
    if outcome == services.Claim.HELD:
        # A live runner holds it (this message is a duplicate); should that runner die,
        # the sweep queues the job again once its heartbeat is older than the lease.
        logger.info("Import %s is held by a live runner; nothing to do here.", job_id)


# Like the import task: acknowledged at start; the job row and its cursor say what is left,
# and the sweep queues a stalled undo again (leases.requeue_stalled_jobs).
@shared_task(bind=True, acks_late=False, ignore_result=True)
def run_undo_task(self, job_id: str, org_id: str, takeover_from: str | None = None):
    runner = f"{runner_prefix(self.request.hostname or 'local')}{os.getpid()}"
    with org_context(org_id):
        outcome = undo.run_undo(job_id, runner=runner, takeover_from=takeover_from)
    if outcome == services.Claim.HELD:
        logger.info("Undo of import %s is held by a live runner; nothing to do here.", job_id)


# A chord member (engine/chunks.py): it keeps its result, which the chord's body waits for.
# Acknowledged at start like the import: a chunk whose worker dies is found by its stale
# heartbeat and dispatched again by the runner that takes the job back after the sweep.
@shared_task(bind=True, acks_late=False, ignore_result=False)
def import_chunk_task(self, chunk_id: str, org_id: str, marker: str, fields: list, custom: list) -> str:
    runner = f"{runner_prefix(self.request.hostname or 'local')}{os.getpid()}"
    with org_context(org_id):
        outcome = chunk_runner.run_chunk(chunk_id, runner, marker, fields, custom)
    connections.close_all()  # a failed chunk may have left a broken connection behind
    return outcome


# The chord's body: it may fire with chunks not done (a member found its chunk held) and
# never fires if a member died, so the chunk rows decide, and the sweep covers the rest.
@shared_task(acks_late=False, ignore_result=True)
def continue_import_task(job_id: str, org_id: str, sobject: str, marker: str):
    with org_context(org_id):
        if not chunks.may_continue(job_id, sobject, marker):
            logger.info("Import %s: %s chunks not all ended (or taken back); not going on.", job_id, sobject)
            return
    # The import task takes the job back from the chunks (the marker) and goes on.
    run_import_task.delay(job_id, org_id, takeover_from=marker)


def retry_when_the_database_is_back(task, exc: Exception, job_id: str, org_id: str, runner: str) -> None:
    """Queue the job again for this runner after a backoff (Celery's retry); after
    IMPORT_DATABASE_RETRIES attempts it fails, clearly, if the database lets us say so. Meanwhile
    the job stays IN_PROGRESS and silent, so should this worker die the sweep takes it."""
    # Django would hand the broken connection to the next task of this process.
    connections.close_all()
    attempt = task.request.retries + 1
    if attempt > settings.IMPORT_DATABASE_RETRIES:
        logger.error("Import %s: the database failed %d times running it; giving up.", job_id, attempt)
        reason = (
            f"The database connection was lost ({type(exc).__name__}) on each of {attempt} attempt(s): "
            "import again to go on from what was committed."
        )
        try:
            with org_context(org_id):
                fail_if_still_held(job_id, runner, reason)
        except DATABASE_GONE:
            logger.error("Import %s could not be marked failed either; the sweep queues it again.", job_id)
        connections.close_all()
        return
    countdown = min(2 ** (attempt - 1), DATABASE_RETRY_MAX_SECONDS)
    logger.warning(
        "Import %s: lost the database (%s: %s); running it again from its cursor in %d s (retry %d of %d).",
        job_id,
        type(exc).__name__,
        str(exc).strip().splitlines()[0][:200] if str(exc).strip() else "",
        countdown,
        attempt,
        settings.IMPORT_DATABASE_RETRIES,
    )
    # takeover_from: the job still names this runner, whose run has stopped.
    raise task.retry(
        args=(job_id, org_id), kwargs={"takeover_from": runner}, countdown=countdown, max_retries=None
    )


@shared_task(ignore_result=True)
def apply_owner_mapping_task(org_id: str) -> int:
    """Give records imported without owner the member their Salesforce owner maps to now
    (the owner-mapping API's and the import page's "apply"); owners.apply does the work."""
    with org_context(org_id):
        given = owners.apply(org_id)
    logger.info("Owner mapping applied for org %s: %d record(s) got an owner.", org_id, given)
    return given


@worker_ready.connect
def resume_after_restart(sender, **kwargs):
    """A worker that starts takes back at once the jobs its previous life left running,
    and queues any other stalled job (the periodic sweep does the same from then on)."""
    hostname = getattr(sender, "hostname", None) or "local"
    resumed = services.requeue_stalled_jobs(runner_prefix(hostname))
    if resumed:
        logger.info("Resuming %d import job(s): %s", len(resumed), ", ".join(resumed))
