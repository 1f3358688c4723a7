"""Lightning notes read ahead: ContentNote's records, links and bodies fetched in the
background from the job's start, while the types before it import.

ContentNote comes last in the import order and costs one call per note body: waited out at
its turn, 3,920 bodies at 150 ms a call, 16 at a time, were 40 s of a 200,000-record
import. Read ahead, they overlap the other types.

The calls are the ones the turn would make, in the same shape, so the API budget's table
(budget.py) stays exact: ContentNote's own query (the same SELECT from its resume cursor:
the job's snapshot of ContentNote starts then, as for a Bulk job requested ahead), and per
batch of SALESFORCE_BATCH_SIZE records, for the notes not imported before (ImportedRecord,
one query per batch: a re-import makes no body call), a ContentDocumentLink query per 200
notes and one body call per note, SALESFORCE_NOTE_BODY_CONCURRENCY at a time.

Bodies go to a temporary file as they arrive (their offsets in memory): a real org's notes
can be large. A batch is handed out, from the same file, once its calls are over. A body
Salesforce refuses (a 4xx: the note is gone, say) is the answer, the note's problem at its
turn as before; one that failed otherwise (retries spent) or was not asked for (the read
stopped) is fetched by the turn itself, as are links that are missing. A read that stops
early (an error, the API reserve near, the job's end) hands out what it read and the turn
queries the rest from its cursor, so a lasting error is met in the job's own thread.
"""

from __future__ import annotations

import contextvars
import logging
import pickle
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor, wait

from django import db
from simple_salesforce.exceptions import SalesforceError

from ..client import is_transient
from ..mapping.notes import LINKS
from . import lookups
from .notes import LINK_QUERY_CHUNK, as_text, body_of, failure, is_note_id, query_links

logger = logging.getLogger(__name__)

IN_MEMORY_BYTES = 8 * 1024 * 1024  # a small org's notes never touch the disk
WAIT_SECONDS = 1.0  # how often a waiting turn looks again whether the read is still alive
JOIN_SECONDS = 30  # how long the job's end waits for the calls in flight (as client.query_pages)


class NotesAhead:
    def __init__(self, client, soql: str, *, query_all: bool, batch_size: int, concurrency: int):
        self.client = client
        self.soql, self.query_all = soql, query_all
        self.batch_size, self.concurrency = batch_size, concurrency
        self.complete = False  # every record of the query was handed out (the turn queries no more)
        self._spool = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_BYTES)  # noqa: SIM115 - closed by close()
        self._lock = threading.Lock()  # the spool's position and the indexes below
        self._ready = threading.Condition(self._lock)
        self._batches: list[tuple[int, int]] = []  # (offset, length) of each finished batch
        self._bodies: dict[str, tuple[int, int]] = {}  # note Id -> (offset, length) of its text
        self._refused: dict[str, str] = {}  # note Id -> why Salesforce would not serve its text
        self._finished = False  # the read is over, complete or not
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- the job's side ------------------------------------------------------------------------
    def start(self) -> None:
        # The copied context carries the org context (row-level security, token refreshes).
        run = contextvars.copy_context().run
        self._thread = threading.Thread(target=run, args=(self._read,), name="notes-ahead", daemon=True)
        self._thread.start()

    def batches(self, while_waiting=None):
        """The batches read, in Id order, each once its links and bodies are in; waits for
        the next while the read is behind, calling `while_waiting` (the engine's cancel
        check) every WAIT_SECONDS. Ends where the read ended (see `complete`)."""
        handed = 0
        while True:
            with self._ready:
                while handed == len(self._batches) and not self._finished:
                    if not self._ready.wait(WAIT_SECONDS) and while_waiting is not None:
                        self._ready.release()  # the check queries the database: not under the lock
                        try:
                            while_waiting()
                        finally:
                            self._ready.acquire()
                    if self._thread is not None and not self._thread.is_alive():
                        self._finished = True  # cannot happen short of a bug: never wait for ever
                if handed == len(self._batches):
                    return
                data = self._read_spool(*self._batches[handed])
            handed += 1
            yield pickle.loads(data)  # noqa: S301 - written above by this very object

    def take_body(self, note_id: str) -> tuple[str | None, str | None] | None:
        """(text, why it could not be read) of a note read ahead, or None: not read here."""
        with self._lock:
            if note_id in self._refused:
                return None, self._refused.pop(note_id)
            place = self._bodies.pop(note_id, None)
            if place is None:
                return None
            return as_text(self._read_spool(*place)), None

    def close(self) -> None:
        """Stop reading (the calls in flight end) and let go of the threads and the file."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=JOIN_SECONDS)
            if self._thread.is_alive():  # a call stuck in its retries: it finds the stop after
                logger.warning("Lightning notes ahead: a call in flight outlived the job")
        self._spool.close()

    # -- the background read ---------------------------------------------------------------------
    def _read(self) -> None:
        pool = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="notes-ahead-body")
        try:
            pages = self.client.query_pages(self.soql, query_all=self.query_all)
            try:
                for page in pages:
                    for start in range(0, len(page), self.batch_size):
                        if self._stopping():
                            return
                        # Handed out even if cut short: the fetcher fills in what it lacks.
                        batch = page[start : start + self.batch_size]
                        self._fill(batch, pool)
                        self._publish(batch)
            finally:
                pages.close()
            self.complete = True
        except Exception:  # noqa: BLE001 - the turn queries again from its cursor and meets it there
            logger.warning(
                "Reading Lightning notes ahead stopped; the rest is read at its turn", exc_info=True
            )
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            with self._ready:
                self._finished = True
                self._ready.notify_all()
            db.connections.close_all()  # this thread's connection (the ImportedRecord queries)

    def _fill(self, batch: list[dict], pool: ThreadPoolExecutor) -> None:
        """What the fetcher would do for the batch at its turn: links in, bodies spooled."""
        ids = [r["Id"] for r in batch if is_note_id(r.get("Id"))]
        known = set(lookups.imported("ContentNote", ids))  # the engine's own per-batch lookup
        notes = [r for r in batch if is_note_id(r.get("Id")) and r["Id"] not in known]
        context = contextvars.copy_context()
        chunks = [notes[i : i + LINK_QUERY_CHUNK] for i in range(0, len(notes), LINK_QUERY_CHUNK)]
        work = [pool.submit(context.copy().run, self._link, chunk) for chunk in chunks]
        work += [pool.submit(context.copy().run, self._fetch_body, r["Id"]) for r in notes]
        wait(work)
        for done in work:
            if done.exception() is not None and not self._stop.is_set():
                self._stop.set()  # the daily limit, a lost connection: the turn meets it again
                logger.info("A Lightning note call ahead failed: %r", done.exception())

    def _link(self, notes: list[dict]) -> None:
        if self._stopping():
            return  # no links: the fetcher queries them at the turn
        try:
            links = query_links(self.client, [r["Id"] for r in notes])
        finally:
            db.connections.close_all()
        for record in notes:
            record[LINKS] = links.get(record["Id"][:15], [])

    def _fetch_body(self, note_id: str) -> None:
        if self._stopping():
            return
        try:
            content = body_of(self.client, note_id)
        except SalesforceError as exc:
            if is_transient(exc):
                return  # retries spent: fetched again at its turn
            with self._lock:
                self._refused[note_id] = failure(exc)
            return
        finally:
            db.connections.close_all()  # this pool thread's connection, if a refresh opened one
        with self._lock:
            self._bodies[note_id] = self._append(content)

    def _stopping(self) -> bool:
        if not self._stop.is_set() and self._near_reserve():
            logger.info("Lightning notes ahead: the API reserve is near; the rest waits for the turn")
            self._stop.set()
        return self._stop.is_set()

    def _near_reserve(self) -> bool:
        """Would the calls in flight take the org below its API reserve? The job's own check
        (budget.stop_at_reserve) stops the job there; this read must not spend it first."""
        from .. import budget  # imported when used: budget imports the engine's sources

        usage = getattr(self.client, "api_usage", None)
        if not usage or usage[1] <= 0:
            return False
        used, maximum = usage
        return maximum - used - self.concurrency <= budget.reserve_of(maximum)

    def _publish(self, batch: list[dict]) -> None:
        data = pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL)
        with self._ready:
            self._batches.append(self._append(data))
            self._ready.notify_all()

    # -- the file (callers hold the lock) ----------------------------------------------------------
    def _append(self, data: bytes) -> tuple[int, int]:
        self._spool.seek(0, 2)
        offset = self._spool.tell()
        self._spool.write(data)
        return offset, len(data)

    def _read_spool(self, offset: int, length: int) -> bytes:
        self._spool.seek(offset)
        return self._spool.read(length)
