"""Classic notes, Lightning notes (ContentNote) with their bodies, and ContentDocumentLinks.

A ContentNote's body is not part of its record: `content_note_body(i)` builds the bytes the
blob endpoint (`/sobjects/ContentNote/<Id>/Content`) serves, one note per call.
"""

from __future__ import annotations

import html

from sfsandbox import wordlists as words
from sfsandbox.generator.base import PURGED_INDEX, FactoryBase
from sfsandbox.generator.clock import format_datetime
from sfsandbox.generator.shape import link_note, note_links
from sfsandbox.ids import make_id
from sfsandbox.schema.notes import NOTE_BODY_LIMIT, NOTE_FILE_EXTENSION, NOTE_FILE_TYPE

LARGE_NOTE_BODY_BYTES = 200_000  # messy large_body: a pasted log, far beyond a normal note
MULTIBYTE_NOTE_CHARS = "議事録メモ顧客対応"  # 3 UTF-8 bytes each
NOTE_TITLES = (
    "Call summary",
    "Meeting notes",
    "Renewal discussion",
    "Escalation follow-up",
    "Site visit",
    "Pricing questions",
)
# Classic Note parents, by share of 20: what a note is attached to.
_NOTE_PARENTS = ("Account",) * 7 + ("Contact",) * 5 + ("Opportunity",) * 4 + ("Lead",) * 2 + ("Case",) * 2
# Records a ContentNote is shared with (its links after the owner's), taken in turn.
_LINK_TARGETS = ("Account", "Contact", "Opportunity", "Case", "Lead", "Account", "Campaign", "Quote", "Order")


class NoteBuilders(FactoryBase):
    def _note_parent(self, i: int, h: int) -> str:
        kind = _NOTE_PARENTS[h % len(_NOTE_PARENTS)]
        if not self.counts.get(kind):
            kind = "Account"
        return make_id(kind, self.live_index(kind, (i * 3 + (h >> 8) % 7) % self.counts[kind]))

    def _note(self, i: int) -> dict:
        rng = self.rng("Note", i)
        rec = self._system(rng, "Note", i, owned=True)
        h = self._hash(90, i)
        paragraphs = 1 + (h >> 12) % 6
        rec.update(
            {
                "Title": NOTE_TITLES[h % len(NOTE_TITLES)],
                "Body": "\n".join(rng.pick(self._notes_text) for _ in range(paragraphs)),
                "IsPrivate": (h >> 20) % 10 == 0,
                "ParentId": self._note_parent(i, h >> 24),
            }
        )
        for kind in self.messy_kinds("Note", i):
            if kind == "near_cap_body":
                rec["Body"] = self._long(i)[:NOTE_BODY_LIMIT]  # exactly the 32,000-character cap
            elif kind == "multibyte_at_cap":
                # Imported from a system that counts characters: 32,000 characters that are
                # 96,000 bytes in UTF-8, three times the "32 KB" the documentation names.
                text = MULTIBYTE_NOTE_CHARS * (NOTE_BODY_LIMIT // len(MULTIBYTE_NOTE_CHARS) + 1)
                rec["Body"] = text[:NOTE_BODY_LIMIT]
            elif kind == "deleted_parent":
                rec["ParentId"] = self._deleted_target("Account", i) or rec["ParentId"]
            elif kind == "purged_parent":
                rec["ParentId"] = make_id("Account", PURGED_INDEX + i)
            elif kind == "empty_body":
                rec["Body"] = None
        return rec

    # -- ContentNote ---------------------------------------------------------------------
    def content_note_body(self, i: int) -> bytes:
        """The note's Content as the blob endpoint returns it (HTML, UTF-8)."""
        h = self._hash(91, i)
        kinds = self.messy_kinds("ContentNote", i)
        if "empty_body" in kinds:
            return b""
        if "unicode_body" in kinds:
            name = words.UNICODE_NAMES[h % len(words.UNICODE_NAMES)]
            return f"<p>Besprechung mit {html.escape(name)} – nächste Schritte ✓ 🚗</p>".encode()
        if "html_entities" in kinds:
            return (
                b"<p>Tom &amp; Jerry said the price is &lt; 10k &quot;if signed today&quot;.</p>"
                b"<ul><li>Send the &#8364; quote</li><li>Book a demo</li></ul>"
            )
        paragraphs = [self._notes_text[(h >> (4 * k)) % len(self._notes_text)] for k in range(1 + h % 5)]
        body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
        if "large_body" in kinds:
            chunk = f"<p>[note {i}] " + "Log line: sync finished, 0 errors. " * 40 + "</p>"
            body = (body + chunk * (LARGE_NOTE_BODY_BYTES // len(chunk) + 1))[:LARGE_NOTE_BODY_BYTES]
        return body.encode()

    def _content_note(self, i: int) -> dict:
        rng = self.rng("ContentNote", i)
        rec = self._system(rng, "ContentNote", i, owned=True)
        h = self._hash(92, i)
        body = self.content_note_body(i)
        preview = _plain_text(body[:4000].decode("utf-8", "ignore"))[:255] or None
        rec.update(
            {
                "Title": NOTE_TITLES[(h >> 4) % len(NOTE_TITLES)] + f" ({i + 1})",
                # The REST query shows a base64 field as the URL of its blob (see app.rest).
                "Content": "blob" if body else None,
                "TextPreview": preview,
                "FileType": NOTE_FILE_TYPE,
                "FileExtension": NOTE_FILE_EXTENSION,
                "ContentSize": len(body),
                "ContentModifiedDate": rec["LastModifiedDate"],
                "IsReadOnly": h % 20 == 0,
                "SharingPrivacy": "P" if h % 10 == 1 else "N",
                "LatestPublishedVersionId": make_id("ContentVersion", i),
            }
        )
        return rec

    def content_note_owner(self, i: int) -> str:
        """OwnerId of a generated ContentNote, as `_system` computes it."""
        return self._owner("ContentNote", self._hash(40 + self._object_numbers["ContentNote"], i))

    # -- ContentDocumentLink -------------------------------------------------------------
    def note_link_ids(self, note: int) -> list[str]:
        return [make_id("ContentDocumentLink", link) for link in note_links(note)]

    def _content_document_link(self, i: int) -> dict:
        note, position = link_note(i)
        h = self._hash(93, i)
        created = self.created_base("ContentNote", note) + 60 * position
        rec = {
            "Id": make_id("ContentDocumentLink", i),
            "ContentDocumentId": make_id("ContentNote", note),
            "IsDeleted": i in self.shape.deleted_sets["ContentDocumentLink"],
            "SystemModstamp": format_datetime(created),
            "_created_epoch": created,
        }
        if position == 0:  # the owner's link, which Salesforce creates with the note
            rec.update(
                {"LinkedEntityId": self.content_note_owner(note), "ShareType": "I", "Visibility": "AllUsers"}
            )
            return rec
        kind = _LINK_TARGETS[(note + 3 * position) % len(_LINK_TARGETS)]
        if not self.counts.get(kind):
            kind = "Account"
        target = self.live_index(kind, (note * 5 + position + (h >> 8) % 3) % self.counts[kind])
        rec.update(
            {
                "LinkedEntityId": make_id(kind, target),
                "ShareType": "V" if h % 4 else "I",
                "Visibility": "InternalUsers" if h % 7 == 0 else "AllUsers",
            }
        )
        return rec


def _plain_text(markup: str) -> str:
    """Text of the note's HTML, as TextPreview shows it."""
    out, inside = [], False
    for ch in markup:
        if ch == "<":
            inside = True
            out.append(" ")
        elif ch == ">":
            inside = False
        elif not inside:
            out.append(ch)
    return html.unescape(" ".join("".join(out).split()))
