"""Task, Event -> activities.Task, activities.Event: what happened, linked to what it was about.

WhoId (a contact or a lead), WhatId (an account, deal, case, order or quote) and AccountId
are polymorphic: the Id's key prefix picks the CRM link; a kind the CRM has no link for
(a Campaign, say) is kept in `custom_fields` with a warning. Activities older than a year
are archived by Salesforce and only queryAll returns them: both are imported with queryAll.
"""

from activities.models import Event, Task, TaskKind, TaskPriority, TaskStatus

from . import values as v
from .base import FieldMap, Invalid, ObjectMapping, Polymorphic
from .picklists import Picklist, closed_decides

WHO = Polymorphic("WhoId", {"003": ("contact", "Contact"), "00Q": ("lead", "Lead")})
WHAT_TARGETS = {
    "001": ("account", "Account"),
    "006": ("opportunity", "Opportunity"),
    "500": ("case", "Case"),
    "801": ("order", "Order"),
    "0Q0": ("estimate", "Quote"),
}
WHAT = Polymorphic("WhatId", WHAT_TARGETS)
ACCOUNT = Polymorphic("AccountId", {"001": ("account", "Account")})

TASK_STATUS = Picklist(
    TaskStatus,
    {
        "Not Started": TaskStatus.NOT_STARTED,
        "In Progress": TaskStatus.IN_PROGRESS,
        "Completed": TaskStatus.COMPLETED,
        "Waiting on someone else": TaskStatus.WAITING,
        "Deferred": TaskStatus.DEFERRED,
    },
    default=TaskStatus.NOT_STARTED,
)
TASK_PRIORITY = Picklist(TaskPriority, {}, default=TaskPriority.NORMAL)
TASK_KIND = Picklist(
    TaskKind,
    {"Task": TaskKind.TASK, "Call": TaskKind.CALL, "Email": TaskKind.EMAIL, "ListEmail": TaskKind.EMAIL},
    default=TaskKind.TASK,
)


# (Status, IsClosed): an unknown status is COMPLETED or NOT_STARTED as IsClosed says.
task_status = closed_decides(TASK_STATUS, TaskStatus.COMPLETED, TaskStatus.NOT_STARTED)


def event_end(raw, field, warn):
    """(EndDateTime, StartDateTime): an end before the start is refused with the reason."""
    end, start = raw
    end_at = v.datetime_value(end, field, warn)
    try:
        start_at = v.datetime_value(start, field, warn)
    except Invalid:
        return end_at  # StartDateTime's own row reports it
    if end_at and start_at and end_at < start_at:
        raise Invalid(
            f"it ends ({v.shown(end)}) before it starts ({v.shown(start)}); the event is not imported"
        )
    return end_at


def event_start(raw, field, warn):
    """(StartDateTime, ActivityDate): an all-day event may carry only its date."""
    start, day = raw
    if v.is_null(start) and not v.is_null(day):
        return v.datetime_value(day, field, warn)
    return v.datetime_value(start, field, warn)


TASK = ObjectMapping(
    sobject="Task",
    model=Task,
    fields=(
        FieldMap("Subject", "subject", v.text),
        FieldMap("Status", "status", task_status, also=("IsClosed",)),
        FieldMap("Priority", "priority", TASK_PRIORITY),
        FieldMap("ActivityDate", "due_date", v.date_value),
        FieldMap("TaskSubtype", "kind", TASK_KIND),
        FieldMap("Description", "description", v.text),
        FieldMap("IsArchived", "is_archived", v.boolean),
    ),
    polymorphic=(WHO, WHAT, ACCOUNT),
    query_all=True,
)

EVENT = ObjectMapping(
    sobject="Event",
    model=Event,
    fields=(
        FieldMap("Subject", "subject", v.text),
        FieldMap("StartDateTime", "start", event_start, also=("ActivityDate",)),
        FieldMap("EndDateTime", "end", event_end, also=("StartDateTime",)),
        FieldMap("IsAllDayEvent", "is_all_day", v.boolean),
        FieldMap("Location", "location", v.text),
        FieldMap("Description", "description", v.text),
        FieldMap("IsArchived", "is_archived", v.boolean),
    ),
    polymorphic=(WHO, WHAT, ACCOUNT),
    query_all=True,
)
