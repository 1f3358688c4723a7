"""Case -> cases.Case. A status the table does not know is CLOSED or NEW as IsClosed says."""

from cases.models import Case, CaseOrigin, CasePriority, CaseStatus

from . import values as v
from .base import FieldMap, ObjectMapping
from .picklists import Picklist, closed_decides

CASE_STATUS = Picklist(CaseStatus, {}, default=CaseStatus.NEW)
CASE_PRIORITY = Picklist(CasePriority, {}, default=CasePriority.MEDIUM)
CASE_ORIGIN = Picklist(CaseOrigin, {}, default=CaseOrigin.OTHER)


# (Status, IsClosed): an unknown status is CLOSED or NEW as IsClosed says.
case_status = closed_decides(CASE_STATUS, CaseStatus.CLOSED, CaseStatus.NEW)


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
