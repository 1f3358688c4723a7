"""A running job's heartbeat, on its own schedule.

The job's row says which worker process runs it (`runner`) and when that process last
showed it was alive (`heartbeat_at`). Counting only batch commits as signs of life would
make a slow Salesforce call or a long batch look like death, so a small thread reports
every IMPORT_HEARTBEAT_SECONDS whatever the import is doing. A process that dies (SIGKILL,
a lost node) stops reporting with it, and the sweep (`leases.requeue_stalled_jobs`) hands
the job to a live worker once IMPORT_JOB_LEASE_SECONDS have passed.

The report is conditional on `runner` still being this process: if another worker took
the job over, the report finds no row and `lost` is set, which the runner checks between
batches (its own saves are conditional the same way).
"""

from __future__ import annotations

import contextvars
import logging
import threading

from django.conf import settings
from django.db import connections
from django.utils import timezone

from ..models import ImportJob

logger = logging.getLogger(__name__)


class Heartbeat:
    def __init__(self, job_id, runner: str, interval: float | None = None):
        self.job_id = job_id
        self.runner = runner
        self.interval = interval if interval is not None else settings.IMPORT_HEARTBEAT_SECONDS
        self.lost = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Heartbeat:
        # The copied context carries the org context (and so RLS) into the thread's connection.
        context = contextvars.copy_context()
        self._thread = threading.Thread(
            target=context.run, args=(self._beat,), name=f"import-heartbeat-{self.job_id}", daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.interval + 30)

    def _beat(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                if not self.report():
                    self.lost.set()
                    return
        finally:
            connections.close_all()  # this thread's own connection

    def report(self) -> bool:
        """One report; False once the job is no longer this runner's (or no longer running)."""
        try:
            now = timezone.now()
            return bool(
                ImportJob.objects.filter(
                    pk=self.job_id, runner=self.runner, status__in=("IN_PROGRESS", "UNDOING")
                ).update(heartbeat_at=now)
            )
        except Exception:
            # The database is unreachable: the runner cannot commit either. Keep trying; if
            # this lasts past the lease, another worker takes over and this one stops.
            logger.warning("Import %s: heartbeat could not be recorded", self.job_id, exc_info=True)
            connections.close_all()
            return True
