"""Bulk API result pages read ahead (bulk_downloads.ResultFeed): polled, listed and downloaded
in the background before the engine gets to the object, handed out in order, stopped
cleanly, and a job that fails meanwhile still ends in the REST fallback at its turn."""

from __future__ import annotations

import threading
import time

import pytest

from common.rls import org_context
from salesforce_imports.bulk_query import BulkQuery, BulkUnavailable, bulk_pages
from salesforce_imports.client import SalesforceClient
from salesforce_imports.models import JobStatus, SalesforceConnection

from .test_bulk_import import bulk_connected  # noqa: F401 - a fixture
from .test_import_engine import run, start
from .test_import_faults import assert_accounted

pytestmark = pytest.mark.django_db(transaction=True)

SOQL = "SELECT Id, Name FROM Account WHERE IsDeleted = false ORDER BY Id"


@pytest.fixture
def client(sandbox_factory, admin_api, admin_profile, connect, settings):
    settings.SALESFORCE_BATCH_SIZE = 50
    settings.SALESFORCE_BULK_POLL_SECONDS = 0.01
    settings.SALESFORCE_BULK_DOWNLOADS = 2
    sandbox = sandbox_factory(records=1500, seed=11)
    sandbox.set_faults(bulk_page_records=20)  # many small result pages
    assert connect(admin_api)["Location"].endswith("result=connected")
    with org_context(admin_profile.org_id):
        client = SalesforceClient(SalesforceConnection.objects.get())
        client.sandbox = sandbox
        yield client


def feed_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith(("bulk-feed", "bulk-download"))]


def ids(batches) -> list[str]:
    return [record["Id"] for batch in batches for record in batch]


def wait_until(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_pages_read_ahead_are_downloaded_before_their_turn_and_land_in_order(client):
    plain = BulkQuery(client, "Account", SOQL)
    plain.create()
    expected = ids(bulk_pages(client, "Account", SOQL, job=plain))
    assert len(expected) > 100 and expected == sorted(expected)

    ahead = BulkQuery(client, "Account", SOQL)
    ahead.create()
    before = client.sandbox.stats()["calls"].get("bulk_results", 0)
    ahead.read_ahead()
    # Nobody reads yet: the feeder fills up to SALESFORCE_BULK_DOWNLOADS pages, then waits.
    wait_until(lambda: ahead.feed._queue.full())
    time.sleep(0.2)
    downloaded = client.sandbox.stats()["calls"].get("bulk_results", 0) - before
    assert 2 <= downloaded <= 3  # the queued pages, and at most one more being handed over
    assert ids(bulk_pages(client, "Account", SOQL, job=ahead)) == expected
    assert feed_threads() == []


def test_the_next_object_is_started_once_every_page_of_this_one_is_requested(client):
    job = BulkQuery(client, "Account", SOQL)
    job.create()
    consumed, seen_at_callback = [], []
    pages = bulk_pages(client, "Account", SOQL, job=job, then=lambda: seen_at_callback.append(len(consumed)))
    for batch in pages:
        consumed.extend(batch)
    total = len(consumed)
    assert len(seen_at_callback) == 1
    assert seen_at_callback[0] < total  # called while this object's last pages were still to come
    late = []
    job.feed.when_all_requested(lambda: late.append(True))
    assert late == [True]  # registered after the fact: called at once


def test_an_abandoned_read_ahead_stops_its_threads_and_aborts_the_job(client):
    client.sandbox.set_faults(bulk_page_records=20, bulk_job_floor_ms=30000)  # still processing
    job = BulkQuery(client, "Account", SOQL)
    job.create()
    job.read_ahead()
    wait_until(lambda: client.sandbox.stats()["calls"].get("bulk_poll", 0) >= 1)  # polling it
    started = time.monotonic()
    job.abort()
    assert time.monotonic() - started < 5  # the poll's wait ends with the import, not the job
    assert feed_threads() == []
    assert client.sandbox.app.bulk_jobs.get(job.job_id).state == "Aborted"


def test_downloaded_pages_never_handed_out_are_dropped_with_their_threads(client):
    job = BulkQuery(client, "Account", SOQL)
    job.create()
    job.read_ahead()
    wait_until(lambda: job.feed._queue.full())
    job.abort()  # the job is complete at Salesforce: only our side has anything to stop
    assert feed_threads() == []
    assert job.feed._queue.empty()


def test_a_job_that_fails_while_read_ahead_raises_bulk_unavailable_at_its_turn(client):
    client.sandbox.set_faults(bulk_page_records=20, bulk_fail_next=1)
    job = BulkQuery(client, "Account", SOQL)
    job.create()
    job.read_ahead()
    wait_until(lambda: job.feed._queue.qsize() == 1)  # the failure, waiting for its turn
    with pytest.raises(BulkUnavailable, match="Failed"):
        list(bulk_pages(client, "Account", SOQL, job=job))
    assert feed_threads() == []


def test_each_bulk_object_is_read_ahead_before_the_engine_gets_to_it(
    bulk_connected,  # noqa: F811 - the fixture imported above
    admin_api,
    admin_profile,
    monkeypatch,
):
    from salesforce_imports.engine import sources

    events = []
    real_read_ahead, real_bulk_pages = BulkQuery.read_ahead, sources.bulk_pages

    def read_ahead(self):
        events.append(("read ahead", self.sobject))
        return real_read_ahead(self)

    def bulk_pages_logged(client, sobject, *args, **kwargs):
        events.append(("turn", sobject))
        yield from real_bulk_pages(client, sobject, *args, **kwargs)

    monkeypatch.setattr(BulkQuery, "read_ahead", read_ahead)
    monkeypatch.setattr(sources, "bulk_pages", bulk_pages_logged)
    job = run(admin_profile, start(admin_api))
    assert job.status == JobStatus.COMPLETED, job.failure_reason
    assert_accounted(job, bulk_connected)
    turns = [sobject for kind, sobject in events if kind == "turn"]
    assert len(turns) >= 10
    for sobject in turns:  # the first too: it is read from the start, beside the REST ones
        assert events.index(("read ahead", sobject)) < events.index(("turn", sobject)), sobject
