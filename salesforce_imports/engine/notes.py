"""Lightning notes: what Salesforce does not send with the query.

A ContentNote's text is a blob that Salesforce serves one note per call
(`GET .../sobjects/ContentNote/<Id>/Content`), and the records a note is about are its
ContentDocumentLink rows. Per batch this makes one ContentDocumentLink query per 200 notes
and one body call per note, SALESFORCE_NOTE_BODY_CONCURRENCY of them at a time (so 10,000
notes are not 10,000 round trips in a row); every call goes through the client, so it is
retried, refreshed and counted in the job's API calls like any other.
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


class ContentNoteFetcher:
    def __init__(self, client, concurrency: int | None = None):
        self.client = client
        self.concurrency = concurrency or settings.SALESFORCE_NOTE_BODY_CONCURRENCY

    def __call__(self, records: list[dict]) -> None:
        """Fill in each note's body and links, in place (the mapping reads them)."""
        notes = [r for r in records if isinstance(r.get("Id"), str) and r["Id"].isalnum()]
        links = self._links([r["Id"] for r in notes])
        for record in notes:
            record[LINKS] = links.get(record["Id"][:15], [])
        context = contextvars.copy_context()  # the org context, for token refreshes

        def fetch(record):
            try:
                return context.copy().run(self._body, record["Id"]), None
            except SalesforceError as exc:
                return None, f"{type(exc).__name__}: {str(exc)[:150]}"
            finally:
                db.connections.close_all()  # this pool thread's connection, if a refresh opened one

        with ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="note-body") as pool:
            for record, (body, error) in zip(notes, pool.map(fetch, notes), strict=True):
                record[BODY], record[BODY_ERROR] = body, error

    def _links(self, note_ids: list[str]) -> dict[str, list[str]]:
        links: dict[str, list[str]] = {}
        for start in range(0, len(note_ids), LINK_QUERY_CHUNK):
            quoted = ", ".join(f"'{note_id}'" for note_id in note_ids[start : start + LINK_QUERY_CHUNK])
            soql = (
                "SELECT ContentDocumentId, LinkedEntityId FROM ContentDocumentLink "
                f"WHERE ContentDocumentId IN ({quoted})"
            )
            for page in self.client.query_pages(soql):
                for row in page:
                    document = (row.get("ContentDocumentId") or "")[:15]
                    links.setdefault(document, []).append(row.get("LinkedEntityId") or "")
        return links

    def _body(self, note_id: str) -> str:
        def get(sf):
            url = f"{sf.base_url}sobjects/ContentNote/{note_id}/Content"
            return sf._call_salesforce("GET", url, timeout=settings.SALESFORCE_HTTP_TIMEOUT)

        response = self.client.call(get)
        return response.content.decode("utf-8", errors="replace")
