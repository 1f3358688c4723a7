"""Where an object type's records come from: REST query pages, or a Bulk API 2.0 job for a
big one (requested when the import starts), with REST as the fallback from where Bulk got to;
Lightning notes from what was read of them ahead (engine/notes_ahead.py)."""

from __future__ import annotations

from django.conf import settings

from ..bulk_query import BulkQuery, BulkUnavailable, bulk_pages
from ..mapping import mapping_for
from . import chunks, start_calls
from .notes_ahead import NotesAhead

# A note's body costs one call per note whatever the query path, and notes are few next to
# the records they are about: their query stays on REST.
REST_ONLY = frozenset({"ContentNote"})
NOTES = "ContentNote"


class RecordSource:
    def __init__(self, runner):
        self.runner = runner
        self.bulk_ahead: dict[str, BulkQuery | BulkUnavailable] = {}
        self._order: list[str] = []  # the job's object types, in import order
        self.notes_ahead: NotesAhead | None = None  # read until the job ends (the fetcher takes its bodies)
        self._notes_handed_out = False

    def wants_bulk(self, sobject: str) -> bool:
        threshold = settings.SALESFORCE_BULK_THRESHOLD
        if not threshold or sobject in REST_ONLY:
            return False
        entry = self.runner.job.progress[sobject]
        done = entry["imported"] + entry["matched"] + entry["skipped"] + entry["errors"]
        return (entry["total"] or 0) - done > threshold

    def request_ahead(self, sobjects: list[str]) -> None:
        """Create the Bulk API jobs of every big object now, and start reading Lightning
        notes: Salesforce works on them all at once while the import goes through the
        objects before, so each object's seconds of job processing (and the notes' body
        calls) are not waited out one after the other."""
        runner = self.runner
        if settings.IMPORT_PARALLELISM > 1:
            # Scaled out, the job changes hands at every fanned-out type: jobs requested
            # ahead would be aborted and asked for again each time. Each Bulk type then
            # creates its job when its turn comes.
            return
        self._read_notes_ahead(sobjects)
        wanted = []
        for sobject in sobjects:
            entry = runner.job.progress[sobject]
            if entry["status"] == "done" or sobject in runner.deltas or not self.wants_bulk(sobject):
                continue
            if chunks.should_split(runner, sobject):
                continue
            fields, _custom = runner._select_list(sobject)
            runner.mark_read_from(sobject)  # the job's snapshot is taken from now on
            soql = self.query_after_cursor(sobject, fields)
            wanted.append(BulkQuery(runner.client, sobject, soql, mapping_for(sobject).query_all))

        def create(bulk_job: BulkQuery):
            try:
                bulk_job.create()
                return bulk_job
            except BaseException as exc:  # noqa: BLE001 - sorted out below, once every call ended
                return exc

        # Side by side (one round trip each; eight at a time), like the start's other calls.
        failure = None
        for bulk_job, created in zip(wanted, start_calls.at_once(create, wanted), strict=True):
            if isinstance(created, BulkUnavailable):
                self.bulk_ahead[bulk_job.sobject] = created  # REST for it, with the warning, at its turn
            elif isinstance(created, BaseException):
                failure = failure or created
            else:
                self.bulk_ahead[bulk_job.sobject] = created  # aborted by abandon() if the job stops
        if failure is not None:
            raise failure
        if self.bulk_ahead:
            runner._save_progress()
        self._order = list(sobjects)
        self._read_ahead_after(None)

    def _read_ahead_after(self, sobject: str | None) -> None:
        """Start on the pages of the next Bulk object after `sobject` (the first when None):
        called once every page of `sobject` is downloading, so that the next object's job is
        polled and its first pages are on disk by the time the engine gets to it."""
        order = self._order
        later = order[order.index(sobject) + 1 :] if sobject in order else order
        for name in later:
            bulk_job = self.bulk_ahead.get(name)
            if isinstance(bulk_job, BulkQuery):
                bulk_job.read_ahead()
                return

    def _read_notes_ahead(self, sobjects: list[str]) -> None:
        """Lightning notes' records, links and bodies, read in the background from now
        (a full import of them only: a preview writes nothing and runs inline, a re-import
        asks only what changed)."""
        runner = self.runner
        if NOTES not in sobjects or runner.preview or NOTES in runner.deltas:
            return
        if runner.job.progress[NOTES]["status"] == "done" or chunks.should_split(runner, NOTES):
            return
        # Worth it when each body call waits on the network (a real org: 100 ms and more), so
        # that threads waiting side by side cost the import nothing. Against an org that
        # answers at once, the body calls are our own CPU either way, and sixteen threads
        # making them beside the import only take the interpreter from it: they wait for
        # their turn, where they no longer compete with anything.
        if not runner.client.far_away():
            return
        fields, _custom = runner._select_list(NOTES)
        runner.mark_read_from(NOTES)  # its snapshot is taken from now on, as for a Bulk job
        self.notes_ahead = NotesAhead(
            runner.client,
            self.query_after_cursor(NOTES, fields),
            query_all=mapping_for(NOTES).query_all,
            batch_size=settings.SALESFORCE_BATCH_SIZE,
            concurrency=settings.SALESFORCE_NOTE_BODY_CONCURRENCY,
        )
        self.notes_ahead.start()

    def abandon(self) -> None:
        """At the job's end: a job that stops early leaves no Bulk job of ours running at
        Salesforce, and the notes read ahead stop (their threads and file let go)."""
        if self.notes_ahead is not None:
            self.notes_ahead.close()
            self.notes_ahead = None
        for bulk_job in self.bulk_ahead.values():
            if isinstance(bulk_job, BulkQuery):
                bulk_job.abort()
        self.bulk_ahead.clear()

    def query_after_cursor(self, sobject: str, fields: list[str]) -> str:
        where = "WHERE IsDeleted = false"
        last_id = self.runner.job.progress[sobject]["last_id"]
        if last_id:
            where += f" AND Id > '{soql_id(last_id)}'"  # after the last committed batch
        return f"SELECT {', '.join(fields)} FROM {sobject} {where} ORDER BY Id"

    def pages_after_cursor(
        self, sobject: str, fields: list[str], query_all: bool, writer, while_waiting=None
    ):
        """Bulk API 2.0 for a big object, REST otherwise, and REST from where Bulk got to
        when Bulk refuses the query or its job fails at Salesforce. `while_waiting`: called
        while a Bulk job or the notes read ahead keep the next records waiting (the cancel
        check: an admin's cancel is not held up by Salesforce's minutes of job processing)."""
        if sobject == NOTES and self.notes_ahead is not None and not self._notes_handed_out:
            self._notes_handed_out = True  # a query asked again (a lost cursor) starts from the cursor
            yield from self.notes_ahead.batches(while_waiting)
            if self.notes_ahead.complete:
                return
            writer.wait()  # the read stopped early: every batch handed out is committed, the rest from there
        client = self.runner.client
        ahead = self.bulk_ahead.pop(sobject, None)
        if ahead is not None or self.wants_bulk(sobject):
            try:
                if isinstance(ahead, BulkUnavailable):
                    raise ahead
                soql = self.query_after_cursor(sobject, fields)
                then = lambda: self._read_ahead_after(sobject)  # noqa: E731 - called from the feed's thread
                yield from bulk_pages(
                    client, sobject, soql, query_all, job=ahead, then=then, while_waiting=while_waiting
                )
                return
            except BulkUnavailable as exc:
                writer.wait()  # every page handed out is committed: the cursor is exact again
                self.runner._job_warning(sobject, "", f"{exc}. Imported through the REST API instead.")
        yield from client.query_pages(self.query_after_cursor(sobject, fields), query_all=query_all)


def soql_id(value: str) -> str:
    # Salesforce Ids are alphanumeric; anything else must never reach the query.
    if not value.isalnum():
        raise ValueError("Not a Salesforce Id")
    return value
