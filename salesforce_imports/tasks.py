"""Celery tasks: thin wrappers that set the org context and call the services."""

import logging
import os

from celery import shared_task
from celery.signals import worker_ready

from common.rls import org_context

from . import owners, services, undo

logger = logging.getLogger(__name__)


def runner_prefix(hostname: str) -> str:
    return f"{hostname}/"


# The job row, not the message, says what is left to do, so the message is acknowledged
# when the task starts (acks_late off): a running import then never holds an unacked
# message that the broker would hand out again after its visibility timeout. A worker that
# dies mid-job is covered by the heartbeat and the sweep (leases.py), not by redelivery.
@shared_task(bind=True, acks_late=False, ignore_result=True)
def run_import_task(self, job_id: str, org_id: str, takeover_from: str | None = None):
    runner = f"{runner_prefix(self.request.hostname or 'local')}{os.getpid()}"
    with org_context(org_id):
        outcome = services.run_import(job_id, runner=runner, takeover_from=takeover_from)
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
