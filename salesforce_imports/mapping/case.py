"""Case -> cases.Case. A status the table does not know is CLOSED or NEW as IsClosed says."""

from cases.models import Case, CaseOrigin, CasePriority, CaseStatus

from . import values as v
from .base import FieldMap, ObjectMapping

CASE_STATUS = v.Picklist(CaseStatus, {}, default=CaseStatus.NEW)
CASE_PRIORITY = v.Picklist(CasePriority, {}, default=CasePriority.MEDIUM)
CASE_ORIGIN = v.Picklist(CaseOrigin, {}, default=CaseOrigin.OTHER)


def case_status(raw, field, warn) -> str:
    """(Status, IsClosed)."""
    status, is_closed = raw
    found = None if v.is_null(status) else CASE_STATUS.lookup(status)
    if found is not None:
        return found
    fallback = str(CaseStatus.CLOSED if v.flag(is_closed) else CaseStatus.NEW)
    if not v.is_null(status):
        warn(
            v.unknown(
                status,
                fallback,
                f"{v.shown(status)} is not a known status; imported as {fallback} (IsClosed)",
            )
        )
    return fallback


case_status.picklist = CASE_STATUS  # value mappings apply before this table


CASE = ObjectMapping(
    sobject="Case",
    model=Case,
    fields=(
        FieldMap("CaseNumber", "case_number", v.text),
        FieldMap("Subject", "name", v.text),
        FieldMap("Status", "status", case_status, also=("IsClosed",)),
        FieldMap("Priority", "priority", CASE_PRIORITY),
        FieldMap("Origin", "origin", CASE_ORIGIN),
        FieldMap("Type", "case_type", v.text),
        FieldMap("ClosedDate", "closed_on", v.datetime_value),
        FieldMap("Description", "description", v.text),
    ),
    references=(("AccountId", "account", "Account"), ("ContactId", "contact", "Contact")),
)
