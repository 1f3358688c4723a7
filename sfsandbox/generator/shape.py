"""How many records each object gets, and which ones are deleted or messy (the only per-org tables)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from sfsandbox.schema.currencies import CURRENCY_TYPES

# Share of --records per object (documented in README). QuoteLineItem takes the remainder;
# Pricebook2 is fixed (standard + one custom price book) and PricebookEntry = products x books.
PROPORTIONS = {
    "Account": 0.10,
    "Contact": 0.24,
    "Opportunity": 0.14,
    "Product2": 0.015,
    "Order": 0.10,
    "OrderItem": 0.18,
    "Quote": 0.06,
}
# Sales history, on top of the objects above (README "Objects and generated data"): shares of
# --records for Lead, Case, Campaign, Task, Event, Note and ContentNote.
HISTORY_PROPORTIONS = {
    "Lead": 0.08,
    "Case": 0.05,
    "Campaign": 0.005,
    "Task": 0.20,
    "Event": 0.08,
    "Note": 0.02,
    "ContentNote": 0.02,
}
HISTORY_OBJECTS = (*HISTORY_PROPORTIONS, "ContentDocumentLink")
DELETED_RATE = 0.02
MESSY_RATE = 0.04
# Objects Salesforce never soft-deletes in practice here (users are deactivated instead).
# CurrencyType is setup data that the API cannot delete.
_NEVER_DELETED = {"User", "Group", "Pricebook2", "PricebookEntry", "CurrencyType"}

MESSY_KINDS = {
    "Account": (
        "duplicate_name",
        "duplicate_name_case",
        "long_text",
        "long_name",
        "unicode",
        "country_variant",
        "unknown_picklist",
        "null_fields",
        "out_of_range",
    ),
    "Contact": (
        "invalid_email",
        "duplicate_email",
        "no_account",
        "deleted_lookup",
        "long_text",
        "long_title",
        "unicode",
        "null_fields",
        "country_variant",
        "unknown_picklist",
    ),
    "Opportunity": (
        "negative_amount",
        "probability_out_of_range",
        "unknown_picklist",
        "null_fields",
        "long_text",
        "deleted_lookup",
        "unicode",
    ),
    "Product2": ("unicode", "long_text", "unknown_picklist", "null_fields"),
    "Order": ("deleted_lookup", "null_fields", "long_text", "country_variant"),
    "OrderItem": ("out_of_range",),
    "Quote": ("null_fields", "out_of_range", "unknown_picklist"),
    "QuoteLineItem": ("out_of_range",),
    "OpportunityLineItem": ("out_of_range",),
    # Sales history. The first kinds come first in small orgs, so they are the important ones.
    "Lead": (
        "converted_deleted_contact",
        "missing_last_name",
        "unknown_status",
        "duplicate_person",
        "invalid_email",
        "unknown_picklist",
        "unicode",
    ),
    "Case": (
        "unknown_status",
        "unknown_priority",
        "empty_subject",
        "deleted_lookup",
        "unknown_origin",
        "long_text",
    ),
    "Task": ("no_subject", "unknown_status", "unknown_priority", "deleted_who", "long_text"),
    "Event": ("end_before_start", "no_subject", "deleted_what", "long_text"),
    "Note": ("near_cap_body", "multibyte_at_cap", "deleted_parent", "purged_parent", "empty_body"),
    "ContentNote": ("large_body", "empty_body", "unicode_body", "html_entities"),
}
# The history objects show their messy kinds even in small orgs: at least one record per
# kind when the object has four records per kind (the older objects keep their 4%).
_MESSY_FLOOR = frozenset(HISTORY_PROPORTIONS)


DEFAULT_USERS = 8
_ALL_OBJECTS = (
    "User",
    "Account",
    "Contact",
    "Opportunity",
    "Product2",
    "Pricebook2",
    "PricebookEntry",
    "Order",
    "OrderItem",
    "Quote",
    "QuoteLineItem",
    # Appended, so the random streams of the objects above keep their numbers.
    "Group",
    "OpportunityLineItem",
)
# Price book entry currencies: the corporate currency, plus EUR in multi-currency orgs.
ENTRY_CURRENCIES = ("USD", "EUR")
# Price book slots: (price book index, currency index, share of the priced products).
# Standard (0) covers every priced product in USD, Partner (1) 60%, Legacy 2019 (2,
# inactive) 20%; multi-currency orgs add EUR entries for 50% (standard) and 30% (partner).
# Shares shrink from the standard book, so a custom entry always has its standard entry.
_SLOTS = ((0, 0, 1.0), (1, 0, 0.6), (2, 0, 0.2))
_SLOTS_EUR = ((0, 1, 0.5), (1, 1, 0.3))
# Line items per opportunity cycle through 2, 0, 1, 3 (1.5 on average; some deals have none).
LINE_ITEMS_CYCLE = (2, 0, 1, 3)
LINE_ITEMS_START = (0, 2, 2, 3)  # items before opportunity o within its cycle of 4
# ContentDocumentLinks per ContentNote cycle through 3, 2, 1, 4: the first link of a note is
# its owner's (a User), the others share it with records; a note with one link is attached
# to nothing but its owner.
NOTE_LINKS_CYCLE = (3, 2, 1, 4)
NOTE_LINKS_START = (0, 3, 5, 6)


def note_link_count(notes: int) -> int:
    cycles, rest = divmod(notes, 4)
    return 10 * cycles + NOTE_LINKS_START[rest]


def note_links(note: int) -> range:
    """ContentDocumentLink indices of a ContentNote (contiguous, so in Id order)."""
    start = 10 * (note // 4) + NOTE_LINKS_START[note % 4]
    return range(start, start + NOTE_LINKS_CYCLE[note % 4])


def link_note(link: int) -> tuple[int, int]:
    """(ContentNote index, position among that note's links) of a ContentDocumentLink."""
    cycle, rest = divmod(link, 10)
    slot = 3 if rest >= 6 else 2 if rest >= 5 else 1 if rest >= 3 else 0
    return 4 * cycle + slot, rest - NOTE_LINKS_START[slot]


def opportunity_line_item_count(opportunities: int) -> int:
    cycles, rest = divmod(opportunities, 4)
    return 6 * cycles + LINE_ITEMS_START[rest]


def pricebook_slots(
    products: int, pricebooks: int, multi_currency: bool
) -> tuple[tuple[int, int, int, int], ...]:
    """(price book, currency index, first entry index, size) of each block of entries.

    The last products (5%, at least one in orgs with 3 or more products) have no entry.
    """
    priced = products - max(1, products // 20) if products >= 3 else products
    slots = []
    start = 0
    for book, currency, share in _SLOTS + (_SLOTS_EUR if multi_currency else ()):
        if book >= pricebooks:
            continue
        size = max(1, round(priced * share)) if priced else 0
        slots.append((book, currency, start, size))
        start += size
    return tuple(slots)


def record_counts(records: int, *, users: int | None = None, multi_currency: bool = False) -> dict[str, int]:
    """How many records each object gets for an org of `records` total (at least 1 each).

    records=0 is an org of sample data only: just the sandbox user is generated. The two
    Groups, the OpportunityLineItems and, in multi-currency orgs, one CurrencyType per
    currency come on top of `records`. A single-currency org has no CurrencyType at all.
    """
    if records <= 0:
        counts = dict.fromkeys(_ALL_OBJECTS, 0)
        counts["User"] = users if users is not None else 1
        if multi_currency:
            counts["CurrencyType"] = len(CURRENCY_TYPES)
        counts.update(dict.fromkeys(HISTORY_OBJECTS, 0))
        return counts
    counts = {"User": max(1, users if users is not None else DEFAULT_USERS)}
    for name in ("Account", "Contact", "Opportunity", "Product2"):
        counts[name] = max(1, round(records * PROPORTIONS[name]))
    counts["Pricebook2"] = 3 if records >= 50 else 1
    slots = pricebook_slots(counts["Product2"], counts["Pricebook2"], multi_currency)
    counts["PricebookEntry"] = sum(size for *_, size in slots)
    for name in ("Order", "OrderItem", "Quote"):
        counts[name] = max(1, round(records * PROPORTIONS[name]))
    counts["QuoteLineItem"] = max(1, records - sum(counts.values()))
    counts["Group"] = 2  # a queue and a public group
    counts["OpportunityLineItem"] = opportunity_line_item_count(counts["Opportunity"])
    if multi_currency:  # last, so the random streams of the objects above keep their numbers
        counts["CurrencyType"] = len(CURRENCY_TYPES)
    # The sales history comes on top of --records, after everything above, so adding it
    # changed none of the records (or random streams) the other objects had before.
    for name, share in HISTORY_PROPORTIONS.items():
        counts[name] = max(1, round(records * share))
    counts["ContentDocumentLink"] = note_link_count(counts["ContentNote"])
    return counts


@dataclass
class OrgShape:
    """Everything about the generated population that is not a per-record computation."""

    seed: int
    counts: dict[str, int]
    pricebook_slots: tuple[tuple[int, int, int, int], ...] = ()
    deleted: dict[str, list[int]] = field(default_factory=dict)  # sorted indices
    deleted_sets: dict[str, frozenset[int]] = field(default_factory=dict)
    messy: dict[str, dict[int, tuple[str, ...]]] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        records: int,
        seed: int,
        *,
        deleted_rate: float = DELETED_RATE,
        messy_rate: float = MESSY_RATE,
        users: int | None = None,
        multi_currency: bool = False,
    ) -> OrgShape:
        counts = record_counts(records, users=users, multi_currency=multi_currency)
        slots = (
            pricebook_slots(counts["Product2"], counts["Pricebook2"], multi_currency) if records > 0 else ()
        )
        shape = cls(seed=seed, counts=counts, pricebook_slots=slots)
        chooser = random.Random(f"sfsandbox-shape-{seed}")
        for name, n in shape.counts.items():
            deleted: list[int] = []
            if name == "ContentDocumentLink":  # deleting a note deletes its links
                deleted = [link for note in shape.deleted["ContentNote"] for link in note_links(note)]
            elif name not in _NEVER_DELETED and deleted_rate > 0:
                k = max(0, min(n - 1, max(1 if n >= 10 else 0, round(n * deleted_rate))))
                deleted = sorted(chooser.sample(range(n), max(k, 0)))
            shape.deleted[name] = deleted
            shape.deleted_sets[name] = frozenset(deleted)
            kinds = MESSY_KINDS.get(name, ())
            messy: dict[int, tuple[str, ...]] = {}
            if kinds and messy_rate > 0:
                k = min(n, max(1 if n >= 10 else 0, round(n * messy_rate)))
                if name in _MESSY_FLOOR:
                    k = max(k, min(len(kinds), n // 4))
                # Kinds cycle so even a small org shows every kind once it has enough rows;
                # a few records get a second problem on top, as real data does.
                for position, index in enumerate(sorted(chooser.sample(range(n), k))):
                    record_kinds = [kinds[position % len(kinds)]]
                    if chooser.random() < 0.25:
                        extra = chooser.choice(kinds)
                        if extra not in record_kinds:
                            record_kinds.append(extra)
                    messy[index] = tuple(record_kinds)
            shape.messy[name] = messy
        return shape


_MASK64 = 0xFFFFFFFFFFFFFFFF
