"""Deterministic, lazy record generation.

Every record is a pure function of (seed, object, index): nothing is stored per record, so a
1,000,000-record org costs only the small per-object tables in `OrgShape` (deleted and messy
indices). Parent/child links use round-robin arithmetic (the contacts of account `a` are
`a, a + nAccounts, ...`) so a child can find siblings and parents without any index.

Modules: `shape` (counts, deleted and messy records), `clock` (dates), `draws` (random
streams), `base` (shared helpers), one builder module per object family (`users`, `sales`,
`pricing`, `orders`, `currencies`), `custom` (custom field values) and `factory`, which puts
them together.
"""

from sfsandbox.generator.base import DELETED_USER_IDS
from sfsandbox.generator.clock import NOW, format_date, format_datetime
from sfsandbox.generator.draws import Draws
from sfsandbox.generator.factory import RecordFactory
from sfsandbox.generator.shape import (
    DELETED_RATE,
    MESSY_KINDS,
    MESSY_RATE,
    PROPORTIONS,
    OrgShape,
    record_counts,
)
from sfsandbox.generator.users import GROUPS, USERS, user_email, user_emails

__all__ = [
    "DELETED_USER_IDS",
    "GROUPS",
    "USERS",
    "user_email",
    "user_emails",
    "DELETED_RATE",
    "MESSY_KINDS",
    "MESSY_RATE",
    "NOW",
    "PROPORTIONS",
    "Draws",
    "OrgShape",
    "RecordFactory",
    "format_date",
    "format_datetime",
    "record_counts",
]
