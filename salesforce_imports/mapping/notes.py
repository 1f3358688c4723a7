"""Note and ContentNote -> activities.Note.

A classic Note hangs off one record (ParentId, any kind: the key prefix picks the link). A
Lightning note (ContentNote) is shared with records through ContentDocumentLink rows, and
Salesforce serves its body one note at a time; the engine fetches both (engine/notes.py) and
hands them over as the pseudo-fields below, which are never part of the SELECT.
"""

from activities.models import NOTE_BODY_MAX_LENGTH, Note

from . import values as v
from .activities import WHAT_TARGETS
from .base import FieldMap, Invalid, ObjectMapping, Polymorphic

BODY, BODY_ERROR, LINKS = "Content", "BodyError", "ContentDocumentLinks"  # filled by the engine

NOTE_TARGETS = {**WHAT_TARGETS, "003": ("contact", "Contact"), "00Q": ("lead", "Lead")}


def note_body(raw, field, warn) -> str:
    """(body, why it could not be read): over the CRM's size limit is an error, never a cut."""
    body, error = raw
    if not v.is_null(error):
        raise Invalid(
            f"its text could not be read from Salesforce ({v.shown(error)}); the note is not imported"
        )
    if v.is_null(body):
        return ""
    text = v.as_string(body)
    if len(text) > NOTE_BODY_MAX_LENGTH:
        raise Invalid(
            f"its text has {len(text):,} characters, more than the CRM's {NOTE_BODY_MAX_LENGTH:,}; "
            "the note is not imported"
        )
    return v.text(text, field, warn)


NOTE = ObjectMapping(
    sobject="Note",
    model=Note,
    fields=(
        FieldMap("Title", "title", v.text),
        FieldMap("Body", "body", note_body, also=(BODY_ERROR,)),
        FieldMap("IsPrivate", "is_private", v.boolean),
    ),
    polymorphic=(Polymorphic("ParentId", NOTE_TARGETS),),
    fetched_fields=frozenset({BODY_ERROR}),
)

CONTENT_NOTE = ObjectMapping(
    sobject="ContentNote",
    model=Note,
    fields=(
        FieldMap("Title", "title", v.text),
        FieldMap(BODY, "body", note_body, also=(BODY_ERROR,)),
    ),
    # The owner's own library link (a User) says nothing about what the note is about.
    polymorphic=(Polymorphic(LINKS, NOTE_TARGETS, ignore_prefixes=("005",)),),
    fetched_fields=frozenset({BODY, BODY_ERROR, LINKS}),
)
