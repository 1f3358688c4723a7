"""Where a job keeps its own books: its counters, cursor and problems.

An import writes them in the same transaction as the batch they describe (a crash loses
both or neither). A preview runs the whole import inside one transaction that is rolled
back at the end, so nothing reaches the CRM or ImportedRecord, yet its natural-key clashes,
links and buckets are exactly those of a real import; its books go through a second
connection, in a thread of their own, so that progress and problems are visible while it
runs and survive the rollback. SQLite allows one writer at a time, so there a preview keeps
its books in memory and writes them once the rollback is done.
"""

from __future__ import annotations

import contextvars
from concurrent.futures import ThreadPoolExecutor

from django.db import connection, connections, transaction

from ..models import ImportProblem
from .bulk import RowWriter


class Ledger:
    """An import's books: written on the job's own connection and transaction."""

    def __init__(self):
        self.problem_rows = RowWriter(ImportProblem)

    def problems(self, rows: list[dict], encoded: list[tuple] | None = None) -> None:
        self.problem_rows.insert(rows, encoded)

    def save(self, update) -> int:
        """Run `update()` (a conditional UPDATE of the job row); returns the rows it changed."""
        return update()

    def close(self) -> None:
        pass


class SideLedger(Ledger):
    """A preview's books, on a second connection (a one-thread pool keeps it to one thread)."""

    def __init__(self):
        super().__init__()
        self.in_memory = connection.vendor != "postgresql"
        self._buffered: list[dict] = []
        self._pool = None if self.in_memory else ThreadPoolExecutor(1, thread_name_prefix="preview-books")

    def _run(self, fn, *args):
        # The copied context carries the org context (and so RLS) to the other connection.
        return self._pool.submit(contextvars.copy_context().run, fn, *args).result()

    def problems(self, rows, encoded=None) -> None:
        if self.in_memory:
            self._buffered.extend(rows)
            return
        self._run(self._insert, rows, encoded)

    def _insert(self, rows, encoded) -> None:
        with transaction.atomic():
            self.problem_rows.insert(rows, encoded)

    def save(self, update) -> int:
        if self.in_memory:
            return 1  # written by `flush` after the rollback
        return self._run(update)

    def flush(self, update) -> None:
        """After the preview's rollback (SQLite): the books it kept in memory."""
        if self.in_memory:
            with transaction.atomic():
                self.problem_rows.insert(self._buffered)
                update()
            self._buffered = []

    def close(self) -> None:
        if self._pool is not None:
            self._pool.submit(connections.close_all).result()
            self._pool.shutdown()
