"""Re-imports that bring only what changed (NOTES 8.7).

When an import of a type completes, the org remembers when it started (a delta mark). The
next import of that type asks Salesforce only for records whose SystemModstamp is later than
the mark minus IMPORT_DELTA_MARGIN_SECONDS (clocks differ, and a record changed while the
last import ran may have been read before the change), through queryAll so that the records
deleted since are seen and counted (never applied). The records that ended in error last
time for a reason besides their own values are asked for again by Id (RETRYABLE_ERRORS).
Undo forgets the marks of the types it touched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db.models import Q

from ..models import ImportedRecord, ImportJob, ImportPreferences, ImportProblem, JobMode, JobStatus, Severity

RETRY_CHUNK = 500  # Ids per `Id IN (...)` query: well inside Salesforce's 16,384-byte URI

# Errors that depend on something besides the record itself (its parent had not come, the
# database refused it, its text could not be read) may go another way next time, so those
# records are asked for again. A record refused for its own values would be refused again
# unless it changes, and then its SystemModstamp brings it anyway.
RETRYABLE_ERRORS = ("was not imported, so it has nowhere to go", "The CRM refused", "could not be read")


@dataclass(frozen=True)
class Delta:
    since: str  # a SOQL datetime literal
    source_job_id: str  # the completed import that set the mark
    retry_ids: tuple[str, ...] = ()  # filled when the type starts (`with_retries`)

    def with_retries(self, sobject: str) -> Delta:
        """Planned when the type starts, once the types before it are in: a record that
        waited for its parent is asked for once that parent has arrived (in this job, say)."""
        return Delta(self.since, self.source_job_id, retry_ids(self.source_job_id, sobject))


def soql_datetime(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def plans(job: ImportJob, sobjects: list[str]) -> dict[str, Delta]:
    """The delta of each type that an earlier import completed; the others come whole."""
    marks = ImportPreferences.objects.filter(org_id=job.org_id).values_list("delta_marks", flat=True).first()
    deltas = {}
    for sobject in sobjects:
        mark = (marks or {}).get(sobject)
        if not isinstance(mark, dict) or not mark.get("at"):
            continue
        try:
            at = datetime.fromisoformat(mark["at"])
        except (TypeError, ValueError):
            continue  # a mark we cannot read: import the type whole, as the first time
        since = at - timedelta(seconds=settings.IMPORT_DELTA_MARGIN_SECONDS)
        deltas[sobject] = Delta(soql_datetime(since), str(mark.get("job") or ""))
    return deltas


def retry_ids(source_job_id, sobject: str) -> tuple[str, ...]:
    """The records of `sobject` that ended in error in `source_job_id` and are worth asking for
    again (RETRYABLE_ERRORS; a missing parent only once it has arrived)."""
    depends = Q()
    for phrase in RETRYABLE_ERRORS:
        depends |= Q(message__contains=phrase)
    rows = (
        ImportProblem.objects.filter(
            job_id=source_job_id or None, object_type=sobject, severity=Severity.ERROR
        )
        .exclude(salesforce_id="")
        .filter(depends)
        .values_list("salesforce_id", "message")
    )
    return tuple(sorted(_worth_asking_again(rows)))


_MISSING_PARENT = re.compile(r"Its parent (\w+) (\w{15,18}) was not imported")


def _worth_asking_again(rows) -> set[str]:
    """A record that failed for want of its parent is asked again only once that parent is
    in the CRM (one query per parent type); the other retryable errors always are."""
    waiting: dict[str, dict[str, set[str]]] = {}
    again: set[str] = set()
    for sf_id, message in rows:
        found = _MISSING_PARENT.search(message)
        if found is None:
            again.add(sf_id)
        else:
            waiting.setdefault(found.group(1), {}).setdefault(found.group(2), set()).add(sf_id)
    for parent_type, children in waiting.items():
        arrived = ImportedRecord.objects.filter(
            salesforce_object_type=parent_type, salesforce_id__any=list(children)
        ).values_list("salesforce_id", flat=True)
        for parent in arrived:
            again |= children[parent]
    return again


def record_marks(job: ImportJob) -> None:
    """After a completed import: each type it finished is now the base of the next delta."""
    if job.mode != JobMode.IMPORT or job.status != JobStatus.COMPLETED or job.started_at is None:
        return
    prefs, _ = ImportPreferences.objects.get_or_create(org_id=job.org_id)
    marks = dict(prefs.delta_marks or {})
    for sobject, entry in job.progress.items():
        if entry.get("status") == "done":
            marks[sobject] = {"at": entry.get("read_from") or job.started_at.isoformat(), "job": str(job.pk)}
    prefs.delta_marks = marks
    prefs.save(update_fields=["delta_marks", "updated_at"])


def is_deleted(record: dict) -> bool:
    value = record.get("IsDeleted")
    return value is True or (isinstance(value, str) and value.lower() == "true")
