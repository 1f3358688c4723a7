"""Reading jobs and their problems (org-scoped through the managers and RLS)."""

from django.http import Http404

from .engine.job import types_in_order
from .models import ImportJob, ImportProblem, JobStatus, Severity

JOB_PREVIEW_PROBLEMS = 50


def jobs_for_org(org_id):
    return ImportJob.objects.filter(org_id=org_id).select_related("started_by__user").order_by("-created_at")


def job_or_404(org_id, job_id) -> ImportJob:
    job = jobs_for_org(org_id).filter(pk=job_id).first()
    if job is None:  # another org's job looks exactly like a missing one
        raise Http404
    return job


def problems_for(job):
    return ImportProblem.objects.filter(job=job).order_by("id")


def first_problems(job, limit=JOB_PREVIEW_PROBLEMS) -> list[ImportProblem]:
    """Errors first (what an admin must act on), then warnings."""
    errors = list(problems_for(job).filter(severity=Severity.ERROR)[:limit])
    if len(errors) < limit:
        errors += list(problems_for(job).filter(severity=Severity.WARNING)[: limit - len(errors)])
    return errors


# The engine's own bookkeeping in a progress entry: resume cursors and delta phases.
INTERNAL_PROGRESS_KEYS = frozenset(
    {"last_id", "read_from", "changes_done", "retries_done", "undo_last_id", "undo_status", "fields_checked"}
)


def progress_view(job) -> dict:
    """Per-object progress in import order, without the engine's internal cursors."""
    return {
        sobject: {k: v for k, v in job.progress[sobject].items() if k not in INTERNAL_PROGRESS_KEYS}
        for sobject in types_in_order(job.object_types)
        if sobject in job.progress
    }


def overall_percent(job) -> int:
    done = job.imported_count + job.matched_count + job.updated_count + job.skipped_count + job.error_count
    if job.status == JobStatus.COMPLETED:
        return 100
    return min(99, int(100 * done / job.total_records)) if job.total_records else 0
