"""A job's counters: what one committed batch adds to its object type's entry and to the job."""

from __future__ import annotations

from ..models import ImportJob
from .tally import Tally

MAX_UNKNOWN_VALUES = 1000  # distinct unknown picklist values listed per job (an org's own set)


def add_tally(job: ImportJob, unknown: dict, sobject: str, tally: Tally, last_id: str) -> None:
    """`unknown`: the job's unknown picklist values by (type, field, value), kept by the runner."""
    entry = job.progress[sobject]
    if tally.updated:
        entry["updated"] = entry.get("updated", 0) + tally.updated
        job.updated_count += tally.updated
    for key, value in (
        ("imported", tally.imported),
        ("matched", tally.matched),
        ("skipped", tally.skipped),
        ("errors", tally.errors),
        ("warnings", tally.warnings),
    ):
        entry[key] += value
    entry["last_id"] = last_id or entry["last_id"]  # pages come in ORDER BY Id
    for owner, count in tally.unmatched_owners.items():
        job.unmatched_owners[owner] = job.unmatched_owners.get(owner, 0) + count
    for (sf_field, value, mapped_to), count in tally.unknown_values.items():
        known = unknown.get((sobject, sf_field, value))
        if known is None and len(unknown) < MAX_UNKNOWN_VALUES:
            known = unknown[(sobject, sf_field, value)] = {
                "object_type": sobject,
                "field": sf_field,
                "value": value[:255],
                "count": 0,
                "mapped_to": mapped_to,
            }
        if known is not None:
            known["count"] += count
    job.unknown_values = sorted(unknown.values(), key=lambda u: (u["object_type"], u["field"], -u["count"]))
    job.imported_count += tally.imported
    job.matched_count += tally.matched
    job.skipped_count += tally.skipped
    job.error_count += tally.errors
    job.warning_count += tally.warnings


def add_delta_counts(job: ImportJob, sobject: str, plan) -> None:
    """A re-import's batch: records deleted in Salesforce, and asked-for ones not fetched."""
    entry = job.progress[sobject]
    deleted = plan.deleted_in_salesforce
    gone = deleted + plan.not_fetched
    if deleted:
        entry["deleted_in_salesforce"] = entry.get("deleted_in_salesforce", 0) + deleted
        job.deleted_in_salesforce += deleted
    if gone and entry["total"] is not None:
        entry["total"] = max(entry["total"] - gone, 0)  # counted in the query's size, not fetched
        recount(job)
    if plan.retries_done is not None:
        entry["retries_done"] = plan.retries_done


def recount(job: ImportJob) -> None:
    job.total_records = sum(e["total"] or 0 for e in job.progress.values())
