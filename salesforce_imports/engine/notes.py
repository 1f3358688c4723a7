"""Lightning notes: what Salesforce does not send with the query.

A ContentNote's text is a blob that Salesforce serves one note per call
(`GET .../sobjects/ContentNote/<Id>/Content`), and the records a note is about are its
ContentDocumentLink rows. Per batch this makes one ContentDocumentLink query per 200 notes
and one body call per note, SALESFORCE_NOTE_BODY_CONCURRENCY of them at a time (so 10,000
notes are not 10,000 round trips in a row); every call goes through the client, so it is
retried, refreshed and counted in the job's API calls like any other.

A full import reads them ahead, from the job's start (engine/notes_ahead.py): the fetcher
then takes what was read there and fetches only what is missing.
"""

from __future__ import annotations

import contextvars
import logging
from concurrent.futures import ThreadPoolExecutor

from django import db
from django.conf import settings
from simple_salesforce.exceptions import SalesforceError

from ..mapping.notes import BODY, BODY_ERROR, LINKS

logger = logging.getLogger(__name__)

LINK_QUERY_CHUNK = 200
# Body calls at once against an org that answers at once (not client.far_away()): each call
# is then our own CPU (about 0.7 ms of HTTP
# client per body, measured on the bench machine), so more threads only take turns at the
# interpreter and the switching costs more than it overlaps (ContentNote of the 200,000-record
# bench: 4.6 s with 16 threads, 3.5 s with 4).
QUICK_ORG_THREADS = 4


class ContentNoteFetcher:
    def __init__(self, client, concurrency: int | None = None, ahead=None):
        self.client = client
        self.concurrency = concurrency or settings.SALESFORCE_NOTE_BODY_CONCURRENCY
        self.ahead = ahead  # notes_ahead.NotesAhead: links and bodies read before this type's turn

    def __call__(self, records: list[dict]) -> None:
        """Fill in each note's body and links, in place (the mapping reads them)."""
        notes = [r for r in records if is_note_id(r.get("Id"))]
        unlinked = [r for r in notes if LINKS not in r]  # a batch read ahead has its links
        links = query_links(self.client, [r["Id"] for r in unlinked])
        for record in unlinked:
            record[LINKS] = links.get(record["Id"][:15], [])
        missing = []
        for record in notes:
            read = self.ahead.take_body(record["Id"]) if self.ahead is not None else None
            if read is None:
                missing.append(record)
            else:
                record[BODY], record[BODY_ERROR] = read
        if not missing:
            return
        context = contextvars.copy_context()  # the org context, for token refreshes

        def fetch(record):
            try:
                return as_text(context.copy().run(body_of, self.client, record["Id"])), None
            except SalesforceError as exc:
                return None, failure(exc)
            finally:
                db.connections.close_all()  # this pool thread's connection, if a refresh opened one

        with ThreadPoolExecutor(max_workers=self.threads(), thread_name_prefix="note-body") as pool:
            for record, (body, error) in zip(missing, pool.map(fetch, missing), strict=True):
                record[BODY], record[BODY_ERROR] = body, error

    def threads(self) -> int:
        """SALESFORCE_NOTE_BODY_CONCURRENCY, where each call waits on the network."""
        return self.concurrency if self.client.far_away() else min(self.concurrency, QUICK_ORG_THREADS)


def is_note_id(value) -> bool:
    return isinstance(value, str) and value.isalnum()  # it goes into a URL and a query


def query_links(client, note_ids: list[str]) -> dict[str, list[str]]:
    """{15-character note Id: the Ids of the records it is shared with}, 200 notes a query."""
    links: dict[str, list[str]] = {}
    for start in range(0, len(note_ids), LINK_QUERY_CHUNK):
        quoted = ", ".join(f"'{note_id}'" for note_id in note_ids[start : start + LINK_QUERY_CHUNK])
        soql = (
            "SELECT ContentDocumentId, LinkedEntityId FROM ContentDocumentLink "
            f"WHERE ContentDocumentId IN ({quoted})"
        )
        for page in client.query_pages(soql):
            for row in page:
                document = (row.get("ContentDocumentId") or "")[:15]
                links.setdefault(document, []).append(row.get("LinkedEntityId") or "")
    return links


def body_of(client, note_id: str) -> bytes:
    """One note's text as Salesforce serves it (one API call)."""

    def get(sf):
        url = f"{sf.base_url}sobjects/ContentNote/{note_id}/Content"
        return sf._call_salesforce("GET", url, timeout=settings.SALESFORCE_HTTP_TIMEOUT)

    return client.call(get).content


def as_text(content: bytes) -> str:
    return content.decode("utf-8", errors="replace")


def failure(exc: SalesforceError) -> str:
    """Why a body could not be read, as the note's problem says it."""
    return f"{type(exc).__name__}: {str(exc)[:150]}"
