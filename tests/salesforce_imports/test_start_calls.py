"""The job's start (engine/start_calls.py): each type's COUNT() and describe side by side,
against the sandbox org over HTTP, with the same results and the same calls as one after
the other."""

import threading

import pytest

from common.rls import org_context
from salesforce_imports.bulk_query import BulkQuery
from salesforce_imports.client import SalesforceClient
from salesforce_imports.engine.job import types_in_order
from salesforce_imports.models import ImportJob, JobStatus

from .test_import_engine import ALL, run, start

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def in_flight(monkeypatch):
    """The most calls of each kind (count, describe, Bulk job created) the client had in flight at once."""
    lock, now, most = threading.Lock(), {}, {}

    def watched(kind, real):
        def call(self, *args, **kwargs):
            with lock:
                now[kind] = now.get(kind, 0) + 1
                most[kind] = max(most.get(kind, 0), now[kind])
            try:
                return real(self, *args, **kwargs)
            finally:
                with lock:
                    now[kind] -= 1

        return call

    monkeypatch.setattr(SalesforceClient, "count", watched("count", SalesforceClient.count))
    describe = watched("describe", SalesforceClient.describe_fields)
    monkeypatch.setattr(SalesforceClient, "describe_fields", describe)
    monkeypatch.setattr(BulkQuery, "create", watched("bulk_create", BulkQuery.create))
    return most


def test_the_start_counts_and_describes_the_types_side_by_side(
    sandbox_factory, admin_api, admin_profile, connect, in_flight
):
    sandbox = sandbox_factory(records=300, seed=3)
    assert connect(admin_api)["Location"].endswith("result=connected")
    sandbox.set_faults(latency_ms=50)  # calls that overlap when made side by side
    job_id = start(admin_api)  # the estimate counts every type
    assert in_flight["count"] > 1
    with org_context(admin_profile.org_id):
        ImportJob.objects.filter(pk=job_id).update(progress={})  # the job counts them itself
    in_flight.clear()
    sandbox.reset_stats()
    job = run(admin_profile, job_id)
    assert job.status == JobStatus.COMPLETED, job.failure_reason
    assert in_flight["count"] > 1 and in_flight["describe"] > 1

    types = types_in_order(ALL)
    assert {s: e["total"] for s, e in job.progress.items()} == {s: sandbox.org.count(s) for s in types}
    calls = sandbox.stats()["calls"]
    assert calls["count"] == len(types) and calls["describe"] == len(types)  # each once


def test_the_bulk_jobs_requested_ahead_are_created_side_by_side(
    sandbox_factory, admin_api, admin_profile, connect, in_flight, settings
):
    settings.SALESFORCE_BULK_THRESHOLD = 5  # every type with more records than that: Bulk
    sandbox = sandbox_factory(records=300, seed=3)
    assert connect(admin_api)["Location"].endswith("result=connected")
    sandbox.set_faults(latency_ms=50)
    job_id = start(admin_api)
    sandbox.reset_stats()
    job = run(admin_profile, job_id)
    assert job.status == JobStatus.COMPLETED, job.failure_reason
    assert in_flight["bulk_create"] > 1
    bulk_types = [s for s in types_in_order(ALL) if s != "ContentNote" and sandbox.org.count(s) > 5]
    assert len(bulk_types) > 2
    calls = sandbox.stats()["calls"]
    assert calls["bulk_create"] == len(bulk_types)  # one job each, nothing asked twice
    for sobject in bulk_types:  # every record of each came through its job, into one bucket
        entry = job.progress[sobject]
        fetched = entry["imported"] + entry["matched"] + entry["skipped"] + entry["errors"]
        assert fetched == sandbox.org.count(sobject), sobject
