"""Ending a job: what was committed, not what the runner counted, and the job-level warnings."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from ..models import ImportJob, ImportProblem, JobMode, JobStatus, SalesforceUser, Severity
from .delta import record_marks
from .owners import unmatched_warning


def finish(job: ImportJob, status: str, reason: str = "") -> None:
    # What was committed, not what this process counted: a batch that failed to commit
    # may already be in the in-memory counters.
    job.refresh_from_db(
        fields=[
            "progress",
            "imported_count",
            "matched_count",
            "skipped_count",
            "error_count",
            "warning_count",
            "unmatched_owners",
            "api_calls",
            "total_records",
            "deleted_in_salesforce",
            "updated_count",
        ]
    )
    _warn_unmatched_owners(job)
    if job.mode == JobMode.PREVIEW:
        # The preview made every call a real import would make (it ran the same pipeline).
        job.api_calls_estimate = job.api_calls
    job.status = status
    job.failure_reason = reason
    job.completed_at = timezone.now()
    for entry in job.progress.values():
        if entry["status"] == "in_progress" or (
            status != JobStatus.COMPLETED and entry["status"] == "pending"
        ):
            entry["status"] = {"CANCELLED": "cancelled", "FAILED": "failed"}.get(status, entry["status"])
    job.save(
        update_fields=[
            "status",
            "failure_reason",
            "completed_at",
            "progress",
            "warning_count",
            "api_calls_estimate",
            "updated_at",
        ]
    )
    record_marks(job)


def fail_if_still_held(job_id, runner: str, reason: str) -> bool:
    """End as FAILED a job this runner held but can no longer run (the database kept
    failing under it). Conditional on the runner, so a job another worker took over
    meanwhile is left to it; the counters are those committed."""
    now = timezone.now()
    with transaction.atomic():  # nobody sees it FAILED without its reason
        if not ImportJob.objects.filter(
            pk=job_id, runner=runner, status__in=(JobStatus.PENDING, JobStatus.IN_PROGRESS)
        ).update(status=JobStatus.FAILED, updated_at=now):
            return False
        finish(ImportJob.objects.get(pk=job_id), JobStatus.FAILED, reason)
    return True


def _warn_unmatched_owners(job: ImportJob) -> None:
    """One warning per Salesforce user or queue whose records got no owner, with the count."""
    if not job.unmatched_owners:
        return
    users = {
        u.salesforce_id: u
        for u in SalesforceUser.objects.filter(salesforce_id__in=list(job.unmatched_owners))
    }
    ImportProblem.objects.bulk_create(
        ImportProblem(
            org_id=job.org_id,
            job=job,
            object_type="User",
            salesforce_id=sf_id[:18],
            field="OwnerId",
            message=unmatched_warning(users.get(sf_id), sf_id, count),
            severity=Severity.WARNING,
        )
        for sf_id, count in sorted(job.unmatched_owners.items())
    )
    job.warning_count += len(job.unmatched_owners)
