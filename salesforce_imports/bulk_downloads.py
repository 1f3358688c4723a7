"""A Bulk API 2.0 job's result pages, downloaded in the background and handed out in order.

One feeder thread per job waits for the job to complete, walks its result-page listing and
hands each page URL to a pool of SALESFORCE_BULK_DOWNLOADS download threads; the engine takes
the pages in order as it writes them. The feeder can start before the engine gets to the
object (`BulkQuery.read_ahead`): while one object's last pages are written, the next one's
job is already polled, listed and its first pages are on disk, so no object starts by waiting
for Salesforce. Bounded: at most SALESFORCE_BULK_DOWNLOADS pages are downloading or waiting,
each in its own temporary file (memory holds no page).

Hand-written rather than a plain executor map: the listing is itself a chain of calls that
must stay in order, and both the listing and the downloads must stop promptly when the
import stops.
"""

from __future__ import annotations

import contextvars
import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

from django import db

_END = object()
_POLL = 0.2  # how often a blocked feeder looks whether it should stop (seconds)


class FeedStopped(Exception):
    """Pages asked of a feed that was closed (the import stopped meanwhile)."""


class _Failed:
    def __init__(self, error: BaseException):
        self.error = error


class ResultFeed:
    def __init__(self, job, downloads: int):
        self.job = job
        self.downloads = max(1, downloads)
        self.selected: int | None = None  # the job's numberRecordsProcessed, once it completed
        self._queue: queue.Queue = queue.Queue(maxsize=self.downloads)
        self.stopped = threading.Event()  # set by close(): the feeder and the job's polling end
        self._lock = threading.Lock()
        self._all_requested = False
        self._on_all_requested: list[Callable[[], None]] = []
        self._pool: ThreadPoolExecutor | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> ResultFeed:
        """Begin in the background (once; later calls do nothing)."""
        with self._lock:
            if self._thread is not None:
                return self
            self._pool = ThreadPoolExecutor(max_workers=self.downloads, thread_name_prefix="bulk-download")
            context = contextvars.copy_context()  # the org context, for token refreshes
            self._thread = threading.Thread(
                target=context.run, args=(self._feed,), name=f"bulk-feed-{self.job.sobject}", daemon=True
            )
            self._thread.start()
        return self

    def when_all_requested(self, callback: Callable[[], None]) -> None:
        """`callback` once every page of this job is downloading or downloaded (at once if
        that is already so): the moment to start on the next object's pages."""
        with self._lock:
            if not self._all_requested:
                self._on_all_requested.append(callback)
                return
        callback()

    def pages(self, while_waiting: Callable[[], None] | None = None) -> Iterator:
        """The ResultPages in order; the feeder's error, if it met one, is raised here.
        `while_waiting`: called every _POLL seconds while the next page is not there yet (a
        real org's job can take minutes): the engine's cancel check, whose error ends the wait."""
        self.start()
        while True:
            try:
                item = self._queue.get(timeout=_POLL)
            except queue.Empty:
                if not self.stopped.is_set() and self._thread.is_alive():
                    if while_waiting is not None:
                        while_waiting()
                    continue
                try:  # what the feeder put just before it ended
                    item = self._queue.get_nowait()
                except queue.Empty:
                    raise FeedStopped(f"The {self.job.sobject} result pages were left unread") from None
            if item is _END:
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item.result()

    def close(self) -> None:
        """Stop feeding and downloading; pages downloaded but never handed out are dropped."""
        self.stopped.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=60)
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            if isinstance(item, Future):
                _close_page(item)

    # -- the feeder thread ----------------------------------------------------------------------
    def _feed(self) -> None:
        try:
            info = self.job.wait()
            selected = info.get("numberRecordsProcessed")
            self.selected = selected if isinstance(selected, int) else None
            context = contextvars.copy_context()
            for page in self.job.result_pages():
                if isinstance(page, str):
                    page = self._pool.submit(context.copy().run, self._download, page)
                else:  # the locator chain downloaded it already
                    done: Future = Future()
                    done.set_result(page)
                    page = done
                if not self._put(page):
                    return
            self._all_pages_requested()
            self._put(_END)
        except BaseException as error:  # handed to the engine's thread, which raises it
            self._all_pages_requested()  # the next object need not wait for this one's end
            self._put(_Failed(error))
        finally:
            db.connections.close_all()  # a token refresh in this thread opened one

    def _download(self, path: str):
        try:
            return self.job.download(path)
        finally:
            db.connections.close_all()

    def _put(self, item) -> bool:
        while not self.stopped.is_set():
            try:
                self._queue.put(item, timeout=_POLL)
                return True
            except queue.Full:
                continue
        if isinstance(item, Future) and not item.cancel():
            item.add_done_callback(_close_page)  # still downloading: its file goes when it is done
        return False

    def _all_pages_requested(self) -> None:
        with self._lock:
            self._all_requested = True
            callbacks, self._on_all_requested = self._on_all_requested, []
        for callback in callbacks:
            callback()


def _close_page(future: Future) -> None:
    if future.done() and not future.cancelled() and future.exception() is None:
        future.result().file.close()
