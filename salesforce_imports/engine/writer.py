"""Writing batches while the next ones are prepared.

Preparing a batch (converting, resolving links and keys) keeps the worker's CPU busy;
writing it keeps PostgreSQL's busy. On PostgreSQL the writes run in one background thread
with its own connection, so the two overlap. Up to BATCHES_IN_FLIGHT prepared batches wait
for that one thread, which commits them in order, so the resume cursor stays exact; once a
batch fails, the ones queued behind it are dropped unwritten (a later batch committing would
move the cursor past the failed one's records). Elsewhere (SQLite allows one writer) writes
run inline.
"""

from __future__ import annotations

import contextvars
import logging
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor

from django import db

logger = logging.getLogger(__name__)

# Two, not one: a batch that writes slowly (a wide one, a checkpoint in PostgreSQL) no longer
# stops the preparing thread at once, so neither side waits on the other's bursts. Each
# batch in flight holds its rows in memory (a few MB for 2,000 records).
BATCHES_IN_FLIGHT = 2


class EarlierBatchFailed(Exception):
    """A queued batch not written because one before it failed."""


class BatchWriter:
    def __init__(self, write, threaded: bool = True, in_flight: int = BATCHES_IN_FLIGHT):
        self.write = write
        # A preview writes inside one transaction of the job's own connection: inline.
        self.threaded = threaded and db.connection.vendor == "postgresql"
        self.in_flight = max(1, in_flight)
        self._executor: ThreadPoolExecutor | None = None
        self._queued: deque[Future] = deque()
        self._failed = False  # read and set only in the writer thread

    def __enter__(self) -> BatchWriter:
        if self.threaded:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-writer")
        return self

    def submit(self, *args) -> None:
        if self._executor is None:
            self.write(*args)
            return
        while len(self._queued) >= self.in_flight:
            self._queued.popleft().result()  # the oldest batch's error, if any, is raised here
        # The copied context carries the org context (and so RLS) into the writer's connection.
        self._queued.append(
            self._executor.submit(contextvars.copy_context().run, self._write_in_order, *args)
        )

    def _write_in_order(self, *args) -> None:
        if self._failed:
            raise EarlierBatchFailed
        try:
            self.write(*args)
        except BaseException:
            self._failed = True
            raise

    def wait(self) -> None:
        """Until every batch in flight is committed; the first error, if any, is raised here."""
        while self._queued:
            self._queued.popleft().result()

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self.wait()
            elif self._queued:
                # Let the batches in flight finish (their counters stay true) but keep the
                # original error as the one that propagates.
                try:
                    self.wait()
                except Exception:
                    logger.exception("A batch being written failed too")
        finally:
            self._queued.clear()
            if self._executor is not None:
                self._executor.submit(db.connections.close_all).result()
                self._executor.shutdown()
