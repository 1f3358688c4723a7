"""The stalled-job sweep, run by every Celery worker on the worker's own timer.

A bootstep rather than Celery beat: beat is one process that must run exactly once in a
deployment, so the sweep would die with its machine; here every live worker sweeps, and
the requeue stamp in `leases.requeue_stalled_jobs` keeps their sweeps from doubling a
job. The timer is the worker's own (`worker.timer.call_repeatedly`, the mechanism Celery's
bootstep docs show), so no scheduler of ours runs anywhere and `make run` needs nothing
more than a worker.
"""

import logging

from celery import bootsteps
from django.conf import settings
from django.db import close_old_connections, connections

logger = logging.getLogger(__name__)


class StalledJobSweep(bootsteps.StartStopStep):
    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.tref = None

    def start(self, worker):
        interval = settings.IMPORT_SWEEP_SECONDS
        if interval > 0:
            self.tref = worker.timer.call_repeatedly(interval, sweep, priority=10)

    def stop(self, worker):
        if self.tref is not None:
            self.tref.cancel()
            self.tref = None


def sweep() -> None:
    from . import services  # Django is set up by the time the worker's timer runs

    close_old_connections()
    try:
        services.requeue_stalled_jobs()
    except Exception:
        # Never let one failed sweep (the database restarting, say) stop the timer.
        logger.exception("Sweep for stalled import jobs failed")
        connections.close_all()
