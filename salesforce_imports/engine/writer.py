"""Writing batch N while batch N+1 is prepared.

Preparing a batch (converting, resolving links and keys) keeps the worker's CPU busy;
writing it keeps PostgreSQL's busy. On PostgreSQL the write runs in one background thread
with its own connection, so the two overlap. At most one batch is ever being written, and
`submit` waits for it before handing over the next, so batches commit in order and the
resume cursor stays exact. Elsewhere (SQLite allows one writer) writes run inline.
"""

from __future__ import annotations

import contextvars
import logging
from concurrent.futures import Future, ThreadPoolExecutor

from django import db

logger = logging.getLogger(__name__)


class BatchWriter:
    def __init__(self, write, threaded: bool = True):
        self.write = write
        # A preview writes inside one transaction of the job's own connection: inline.
        self.threaded = threaded and db.connection.vendor == "postgresql"
        self._executor: ThreadPoolExecutor | None = None
        self._in_flight: Future | None = None

    def __enter__(self) -> BatchWriter:
        if self.threaded:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-writer")
        return self

    def submit(self, *args) -> None:
        self.wait()
        if self._executor is None:
            self.write(*args)
            return
        # The copied context carries the org context (and so RLS) into the writer's connection.
        self._in_flight = self._executor.submit(contextvars.copy_context().run, self.write, *args)

    def wait(self) -> None:
        """Until the batch in flight is committed; its error, if any, is raised here."""
        in_flight, self._in_flight = self._in_flight, None
        if in_flight is not None:
            in_flight.result()

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self.wait()
            elif self._in_flight is not None:
                # Let the batch in flight finish (its counters stay true) but keep the
                # original error as the one that propagates.
                try:
                    self.wait()
                except Exception:
                    logger.exception("The batch being written failed too")
        finally:
            if self._executor is not None:
                self._executor.submit(db.connections.close_all).result()
                self._executor.shutdown()
