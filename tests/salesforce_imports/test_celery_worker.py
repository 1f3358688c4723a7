"""The whole import through a real Celery worker process on Redis and PostgreSQL."""

import pytest
from django.test import Client

from common.rls import org_context
from salesforce_imports.models import ImportJob, JobStatus

from .conftest import wait_for
from .test_import_engine import ALL, crm_counts, retryable_errors, start
from .test_import_faults import assert_accounted, assert_no_duplicates

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_import_through_a_worker_then_reimport(
    sandbox_factory, admin_api, admin_profile, connect, worker_factory
):
    sandbox = sandbox_factory(records=600, seed=3)
    assert connect(admin_api)["Location"].endswith("result=connected")
    worker = worker_factory(sandbox)
    job_id = start(admin_api, ALL)
    body = wait_for(admin_api, job_id, lambda b: b["status"] not in ("PENDING", "IN_PROGRESS"))
    assert body["status"] == "COMPLETED", (body["failure_reason"], worker.log())
    with org_context(admin_profile.org_id):
        job = ImportJob.objects.get(pk=job_id)
    assert_accounted(job, sandbox)
    before = crm_counts(admin_profile)

    again = start(admin_api, ALL)
    body = wait_for(admin_api, again, lambda b: b["status"] not in ("PENDING", "IN_PROGRESS"))
    assert body["status"] == "COMPLETED"
    # A re-import brings only what changed (nothing) and what failed because of another record.
    assert body["imported_count"] == 0
    assert body["error_count"] == retryable_errors(admin_profile, job) == body["total_records"]
    assert crm_counts(admin_profile) == before

    client = Client()
    client.force_login(admin_profile.user)
    assert "Completed" in client.get(f"/settings/salesforce/import/{job_id}").content.decode()


def test_killed_worker_job_is_resumed_on_restart(
    sandbox_factory, admin_api, admin_profile, connect, worker_factory, settings
):
    settings.SALESFORCE_BATCH_SIZE = 200
    sandbox = sandbox_factory(records=3000, seed=5)
    sandbox.set_faults(latency_ms=60)  # slow enough to kill it mid-job
    assert connect(admin_api)["Location"].endswith("result=connected")
    worker = worker_factory(sandbox)
    job_id = start(admin_api, ALL)
    wait_for(admin_api, job_id, lambda b: b["imported_count"] > 300)
    worker.kill()
    with org_context(admin_profile.org_id):
        killed = ImportJob.objects.get(pk=job_id)
    assert killed.status == JobStatus.IN_PROGRESS
    sandbox.set_faults(latency_ms=0)

    restarted = worker_factory(sandbox)  # same node name: it knows the job was its own
    body = wait_for(admin_api, job_id, lambda b: b["status"] not in ("PENDING", "IN_PROGRESS"))
    assert body["status"] == "COMPLETED", (body["failure_reason"], restarted.log())
    with org_context(admin_profile.org_id):
        job = ImportJob.objects.get(pk=job_id)
    assert_accounted(job, sandbox)
    assert_no_duplicates(admin_profile)
    assert "Resuming 1 import job" in restarted.log()
