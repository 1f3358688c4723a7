from collections import Counter
from dataclasses import dataclass, field

from ..models import Severity


@dataclass
class Tally:
    """What one batch did: every record in exactly one bucket, plus its problems."""

    imported: int = 0
    matched: int = 0
    updated: int = 0  # update_changed: changed in Salesforce since, updated in the CRM
    skipped: int = 0
    errors: int = 0
    problems: list[dict] = field(default_factory=list)  # ImportProblem rows
    # Salesforce owner Id -> records imported without owner (it maps to no member)
    unmatched_owners: Counter = field(default_factory=Counter)
    # (Salesforce field, picklist value, CRM value it got) -> records
    unknown_values: Counter = field(default_factory=Counter)

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if p["severity"] == Severity.WARNING)
