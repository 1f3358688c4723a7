"""Salesforce Files rules: ContentNote bodies (blob fields) and ContentDocumentLink's query filter.

* A base64 field (ContentNote.Content) is not sent inside query results: REST gives the URL
  of its blob, and the bytes come from the sObject Blob Get resource,
  `GET /services/data/vXX.X/sobjects/ContentNote/<Id>/Content`, one record per call
  (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_blob_retrieve.htm).
* "You can't run a query without filters against ContentDocumentLink" and "A SOQL query must
  filter on one of Id, ContentDocumentId, or LinkedEntityId"
  (https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_objects_contentdocumentlink.htm).
  Salesforce answers MALFORMED_QUERY with the message below.
"""

from __future__ import annotations

import base64
import binascii

from sfsandbox import ids
from sfsandbox.data import Org, Position
from sfsandbox.generator.shape import note_links
from sfsandbox.soql import Query, SoqlError

LINK_OBJECT = "ContentDocumentLink"
LINK_FILTER_FIELDS = ("Id", "ContentDocumentId", "LinkedEntityId")
LINK_FILTER_MESSAGE = (
    "Implementation restriction: ContentDocumentLink requires a filter by a single Id on "
    "ContentDocumentId or LinkedEntityId using the equals operator or multiple Id's using the IN operator."
)


def check_restrictions(query: Query) -> None:
    """Raise Salesforce's error for a query the object does not allow."""
    if query.object_name == LINK_OBJECT and not any(
        query.equality_filters.get(name) for name in LINK_FILTER_FIELDS
    ):
        raise SoqlError("MALFORMED_QUERY", LINK_FILTER_MESSAGE)


def base64_names(obj, names) -> list[str]:
    """The base64 fields among `names` (field names of `obj`)."""
    found = []
    for name in names:
        field_def = obj.get(name)
        if field_def is not None and field_def.type == "base64":
            found.append(field_def.name)
    return found


def blob_url(version: str, object_name: str, record_id: str, field_name: str) -> str:
    return f"/services/data/v{version}/sobjects/{object_name}/{record_id}/{field_name}"


def narrow_link_window(org: Org, query: Query, start: Position, end: Position) -> tuple[Position, Position]:
    """Generated-index window of the links of the ContentNotes named in ContentDocumentId.

    A note's links are contiguous (`note_links`), so `ContentDocumentId IN (...)` over a batch
    of notes reads only their links instead of every link of the org.
    """
    if query.object_name != LINK_OBJECT:
        return start, end
    values = query.equality_filters.get("ContentDocumentId")
    if not values:
        return start, end
    notes = org.generated_count("ContentNote")
    indices = [ids.index_from_id("ContentNote", ids.to_18(v[:15])) for v in values]
    ranges = [note_links(i) for i in indices if i is not None and i < notes]
    if not ranges:  # no generated note named: only inserted links can match
        return start, (start[0], end[1])
    low = max(start[0], min(r.start for r in ranges))
    high = min(end[0], max(r.stop for r in ranges))
    return (low, start[1]), (max(low, high), end[1])


def blob_bytes(org: Org, object_name: str, record_id: str, field_name: str) -> bytes | None:
    """The body of a record's blob field (None when the field is null)."""
    index = ids.index_from_id(object_name, record_id)
    if index is not None and index < org.generated_count(object_name):
        if object_name == "ContentNote" and field_name == "Content":
            return org.factory.content_note_body(index) or None
        return None
    record = org.get(object_name, record_id)
    value = record.get(field_name) if record else None
    if not value:
        return None
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return str(value).encode()


def note_fields_from_content(values: dict) -> dict:
    """FileType, FileExtension, ContentSize and TextPreview of an inserted ContentNote."""
    from sfsandbox.generator.notes import _plain_text
    from sfsandbox.schema.notes import NOTE_FILE_EXTENSION, NOTE_FILE_TYPE

    raw = values.get("Content")
    try:
        body = base64.b64decode(raw, validate=True) if raw else b""
    except (binascii.Error, ValueError):
        body = str(raw).encode()
    return {
        "FileType": NOTE_FILE_TYPE,
        "FileExtension": NOTE_FILE_EXTENSION,
        "ContentSize": len(body),
        "TextPreview": _plain_text(body[:4000].decode("utf-8", "ignore"))[:255] or None,
    }
