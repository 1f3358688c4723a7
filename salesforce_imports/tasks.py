"""Celery tasks: thin wrappers that set the org context and call the services."""

import logging
import os

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings

from common.rls import org_context

from . import services

logger = logging.getLogger(__name__)


def _runner_prefix(hostname: str) -> str:
    return f"{hostname}/"


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True, max_retries=None)
def run_import_task(self, job_id: str, org_id: str, takeover_from: str | None = None):
    runner = f"{_runner_prefix(self.request.hostname or 'local')}{os.getpid()}"
    with org_context(org_id):
        outcome = services.run_import(job_id, runner=runner, takeover_from=takeover_from)
    if outcome == services.Claim.HELD:
        # Held by a runner that reported recently. If that runner died (a killed pool
        # process, whose message comes straight back), nobody else would look again:
        # come back once its lease can have run out.
        raise self.retry(countdown=settings.IMPORT_JOB_LEASE_SECONDS)


@worker_ready.connect
def resume_after_restart(sender, **kwargs):
    """A worker that starts finds the jobs its previous life (or a dead peer) left."""
    hostname = getattr(sender, "hostname", None) or "local"
    resumed = services.resume_orphaned_jobs(_runner_prefix(hostname))
    if resumed:
        logger.info("Resuming %d import job(s): %s", len(resumed), ", ".join(resumed))
