"""Undo an ended import: remove the CRM records it imported, in the background, in batches.

service.py asks for an undo and runs one (the entry points of the API, the job page and the
task), runner.py walks the job's object types batch by batch, and decisions.py decides which
records of a batch are removed and which are kept.

`request_undo` (the API and the job page) turns an ended import into UNDOING with one
conditional UPDATE (the one-active-job constraint keeps a start from racing it) and queues
`tasks.run_undo_task`; `run_undo` (the task, and the sweep's requeue of a stalled undo)
claims the job as an undo runner, reports a heartbeat, and walks the job's object types in
reverse import order (children before parents), each in batches of the job's
ImportedRecord rows with outcome "imported", ordered by id.

Per batch, one transaction: which records to keep, the DELETE of the others (one
statement per model) and of their ImportedRecord rows, one warning per kept record, and
the counters and the resume cursor (`progress[type]["undo_last_id"]`). A killed worker
therefore resumes exactly where the last committed batch ended.

A record is kept (and listed) when
- it was changed in the CRM since the import: its `updated_at` is later than the link's
  `synced_at` (the importer writes both with one instant, so its own later writes do not
  count); a link written before `synced_at` existed compares with its `created_at` + 2 s;
- a CRM record this job did not import links to it (every reverse relation of the model,
  one set query per relation and batch), or a record that is kept links to it;
- another import's ImportedRecord row (a record matched to it) points at it.
Matched records are never touched: their ImportedRecord rows have outcome "matched".

A record that a later record of the same type imported by this job links to (a parent
account whose child comes in a later batch) cannot be decided before that child is: it
waits, and once every batch of the type is done the records still waiting are decided
together, the links among them followed until nothing changes.
"""

from .runner import UndoRunner
from .service import (
    UNDO_QUEUED,
    UNDO_UNAVAILABLE,
    UNDOABLE_STATUSES,
    BrokerUnavailable,
    UndoRefused,
    ended_status,
    refusal,
    request_undo,
    run_undo,
)

__all__ = [
    "UNDOABLE_STATUSES",
    "UNDO_QUEUED",
    "UNDO_UNAVAILABLE",
    "BrokerUnavailable",
    "UndoRefused",
    "UndoRunner",
    "ended_status",
    "refusal",
    "request_undo",
    "run_undo",
]
