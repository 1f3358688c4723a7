"""How many records each object gets, and which ones are deleted or messy (the only per-org tables)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

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
DELETED_RATE = 0.02
MESSY_RATE = 0.04
# Objects Salesforce never soft-deletes in practice here (users are deactivated instead).
_NEVER_DELETED = {"User", "Pricebook2", "PricebookEntry"}

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
}


def record_counts(records: int) -> dict[str, int]:
    """How many records each object gets for an org of `records` total (at least 1 each).

    records=0 is an org of sample data only: just the sandbox user is generated.
    """
    if records <= 0:
        return {
            name: (1 if name == "User" else 0)
            for name in (
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
            )
        }
    counts = {"User": max(1, min(100, records // 2000))}
    for name in ("Account", "Contact", "Opportunity", "Product2"):
        counts[name] = max(1, round(records * PROPORTIONS[name]))
    counts["Pricebook2"] = 2 if records >= 50 else 1
    counts["PricebookEntry"] = counts["Product2"] * counts["Pricebook2"]
    for name in ("Order", "OrderItem", "Quote"):
        counts[name] = max(1, round(records * PROPORTIONS[name]))
    counts["QuoteLineItem"] = max(1, records - sum(counts.values()))
    return counts


@dataclass
class OrgShape:
    """Everything about the generated population that is not a per-record computation."""

    seed: int
    counts: dict[str, int]
    deleted: dict[str, list[int]] = field(default_factory=dict)  # sorted indices
    deleted_sets: dict[str, frozenset[int]] = field(default_factory=dict)
    messy: dict[str, dict[int, tuple[str, ...]]] = field(default_factory=dict)

    @classmethod
    def build(
        cls, records: int, seed: int, *, deleted_rate: float = DELETED_RATE, messy_rate: float = MESSY_RATE
    ) -> OrgShape:
        shape = cls(seed=seed, counts=record_counts(records))
        chooser = random.Random(f"sfsandbox-shape-{seed}")
        for name, n in shape.counts.items():
            deleted: list[int] = []
            if name not in _NEVER_DELETED and deleted_rate > 0:
                k = max(0, min(n - 1, max(1 if n >= 10 else 0, round(n * deleted_rate))))
                deleted = sorted(chooser.sample(range(n), max(k, 0)))
            shape.deleted[name] = deleted
            shape.deleted_sets[name] = frozenset(deleted)
            kinds = MESSY_KINDS.get(name, ())
            messy: dict[int, tuple[str, ...]] = {}
            if kinds and messy_rate > 0:
                k = min(n, max(1 if n >= 10 else 0, round(n * messy_rate)))
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
