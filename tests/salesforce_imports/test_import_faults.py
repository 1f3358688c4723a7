"""Faults mid-import: every record is still accounted for, and nothing is duplicated."""

import threading
import time

import pytest
from django import db

from common.rls import org_context
from salesforce_imports import leases, services
from salesforce_imports.models import ImportedRecord, ImportJob, JobStatus

from .test_import_engine import FETCHED_TYPES, MODELS, run, start

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def big_connected(sandbox_factory, admin_api, connect, settings):
    settings.SALESFORCE_BATCH_SIZE = 200  # Salesforce's smallest page: several batches per object
    sandbox = sandbox_factory(records=1500, seed=11)
    assert connect(admin_api)["Location"].endswith("result=connected")
    return sandbox


def assert_accounted(job, sandbox):
    for sobject in FETCHED_TYPES:
        entry = job.progress[sobject]
        fetched = entry["imported"] + entry["matched"] + entry["skipped"] + entry["errors"]
        assert fetched == sandbox.org.count(sobject), (sobject, entry)


def run_in_background(profile, job_id) -> tuple[threading.Thread, list]:
    """The job run in a thread of its own, as a worker runs it: (the thread, what it raised)."""
    raised = []

    def work():
        try:
            with org_context(profile.org_id):
                run(profile, job_id)
        except BaseException as exc:  # noqa: BLE001 - the caller asserts there was none
            raised.append(exc)
        finally:
            db.connections.close_all()  # this thread's own connection

    thread = threading.Thread(target=work)
    thread.start()
    return thread, raised


def assert_no_duplicates(profile):
    with org_context(profile.org_id):
        crm_rows = sum(m.objects.count() for m in MODELS)
        imported_links = ImportedRecord.objects.filter(outcome="imported").count()
        assert crm_rows == imported_links
        assert (
            ImportedRecord.objects.values("salesforce_id").distinct().count()
            == ImportedRecord.objects.count()
        )


def kill_runner_at_batch(monkeypatch, profile, job_id, batch_number, runner, sobject=None):
    """Run the job in-process until it prepares its `batch_number`th batch (of `sobject` only,
    if given), then die as a killed worker does: SystemExit is not an Exception, so nothing
    marks the job. Returns the job as the dead runner left it."""
    from salesforce_imports.engine import batch

    real, seen = batch.BatchImporter.prepare, {"n": 0}

    def prepare(self, records):
        if sobject is None or (records and records[0].get("attributes", {}).get("type") == sobject):
            seen["n"] += 1
            if seen["n"] == batch_number:
                raise SystemExit("worker killed")
        return real(self, records)

    monkeypatch.setattr(batch.BatchImporter, "prepare", prepare)
    try:
        with pytest.raises(SystemExit), org_context(profile.org_id):
            services.run_import(job_id, runner=runner)
    finally:
        monkeypatch.setattr(batch.BatchImporter, "prepare", real)
    with org_context(profile.org_id):
        return ImportJob.objects.get(pk=job_id)


@pytest.mark.parametrize(
    "faults",
    [{"expire_token_after": 7}, {"error_503_at": 6}, {"reset_at": 9}, {"error_503_every": 5}],
    ids=["expired-token", "503", "connection-reset", "503-every-5th"],
)
def test_transient_faults_do_not_lose_records(big_connected, admin_api, admin_profile, faults):
    big_connected.set_faults(faults)
    job = run(admin_profile, start(admin_api))
    assert job.status == JobStatus.COMPLETED, job.failure_reason
    assert_accounted(job, big_connected)
    assert_no_duplicates(admin_profile)
    stats = big_connected.stats()
    if "expire_token_after" in faults:
        assert stats["calls"]["oauth_token"] >= 3  # the code exchange, then refreshes mid-import
    else:
        assert stats["faults_fired"], stats  # the fault really happened


def test_daily_limit_fails_clearly_and_rerun_resumes(big_connected, admin_api, admin_profile):
    big_connected.set_faults(limit_exceeded_at=30)  # past the counts, the describes and the user reads
    failed = run(admin_profile, start(admin_api))
    assert failed.status == JobStatus.FAILED
    assert "daily API request limit" in failed.failure_reason
    done_before = failed.imported_count + failed.matched_count + failed.error_count
    assert 0 < done_before < failed.total_records
    with org_context(admin_profile.org_id):
        assert ImportedRecord.objects.count() == failed.imported_count + failed.matched_count
    big_connected.set_faults({})
    again = run(admin_profile, start(admin_api))
    assert again.status == JobStatus.COMPLETED
    assert again.skipped_count == failed.imported_count + failed.matched_count
    assert_accounted(again, big_connected)
    assert_no_duplicates(admin_profile)


def test_crashed_job_resumes_from_its_last_batch(big_connected, admin_api, admin_profile, monkeypatch):
    job_id = start(admin_api)
    crashed = kill_runner_at_batch(monkeypatch, admin_profile, job_id, 5, "dead-host/1")
    assert crashed.status == JobStatus.IN_PROGRESS
    fetched = crashed.imported_count + crashed.matched_count + crashed.skipped_count + crashed.error_count
    assert 0 < fetched < crashed.total_records
    big_connected.reset_stats()

    # A live runner's job is not taken...
    with org_context(admin_profile.org_id):
        assert services.run_import(job_id, runner="other/2") == services.Claim.HELD
    # ...but the restarted worker takes its own job back and finishes it.
    with org_context(admin_profile.org_id):
        services.run_import(job_id, runner="dead-host/9", takeover_from="dead-host/1")
        job = ImportJob.objects.get(pk=job_id)
    assert job.status == JobStatus.COMPLETED
    assert job.skipped_count == 0  # resumed after the last committed batch, not from the start
    assert_accounted(job, big_connected)
    assert_no_duplicates(admin_profile)


def test_cancel_mid_job_stops_after_the_batch_in_flight(big_connected, admin_api, admin_profile):
    big_connected.set_faults(latency_ms=150)
    job_id = start(admin_api)

    def work():
        with org_context(admin_profile.org_id):
            services.run_import(job_id, runner="test/1")

    thread = threading.Thread(target=work)
    thread.start()
    deadline = time.time() + 60
    while time.time() < deadline:
        body = admin_api.get(f"/api/salesforce/import/{job_id}/").json()
        if body["imported_count"] > 0:
            break
        time.sleep(0.05)
    assert admin_api.post(f"/api/salesforce/import/{job_id}/cancel/").status_code == 202
    thread.join(timeout=120)
    with org_context(admin_profile.org_id):
        job = ImportJob.objects.get(pk=job_id)
        links = ImportedRecord.objects.count()
    assert job.status == JobStatus.CANCELLED
    assert job.imported_count + job.matched_count == links  # counters true
    assert job.imported_count + job.matched_count + job.skipped_count + job.error_count < job.total_records
    assert any(entry["status"] == "cancelled" for entry in job.progress.values())


def test_cancelling_a_job_whose_worker_is_gone_ends_it_now(
    big_connected, admin_api, admin_profile, monkeypatch
):
    from datetime import timedelta

    from django.utils import timezone

    job_id = start(admin_api)
    kill_runner_at_batch(monkeypatch, admin_profile, job_id, 1, "dead-host/1")
    with org_context(admin_profile.org_id):
        ImportJob.objects.filter(pk=job_id).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    body = admin_api.post(f"/api/salesforce/import/{job_id}/cancel/").json()
    assert body["status"] == "CANCELLED"
    # ...and the org can import again.
    assert (
        admin_api.post("/api/salesforce/import/", {"object_types": ["Account"]}, format="json").status_code
        == 202
    )


def test_a_runner_that_lost_its_lease_stops_without_touching_the_job(big_connected, admin_api, admin_profile):
    from salesforce_imports.engine.job import JobRunner, LeaseLost

    job_id = start(admin_api)
    with org_context(admin_profile.org_id):
        assert leases.claim(job_id, runner="new-owner/1") == services.Claim.TAKEN
        job = ImportJob.objects.get(pk=job_id)
        stale = JobRunner(job, None, runner="old-owner/1")
        with pytest.raises(LeaseLost):
            stale._save_progress()
        assert ImportJob.objects.get(pk=job_id).runner == "new-owner/1"


def test_task_for_a_job_held_elsewhere_leaves_it_to_the_sweep(big_connected, admin_api, admin_profile):
    """A duplicate message for a job a live runner holds does nothing (no retry loop); if
    that runner goes silent, the sweep queues the job again once the lease has run out."""
    from datetime import timedelta

    from django.utils import timezone

    from salesforce_imports.tasks import run_import_task

    job_id = start(admin_api)
    with org_context(admin_profile.org_id):
        assert leases.claim(job_id, runner="just-killed/7") == services.Claim.TAKEN
    run_import_task.run(job_id, str(admin_profile.org_id))  # returns: no Retry raised
    with org_context(admin_profile.org_id):
        job = ImportJob.objects.get(pk=job_id)
        assert (job.status, job.runner) == (JobStatus.IN_PROGRESS, "just-killed/7")
        queued = []
        assert leases.requeue_stalled_jobs(lambda *a: queued.append(a)) == []  # still fresh
        ImportJob.objects.filter(pk=job_id).update(heartbeat_at=timezone.now() - timedelta(minutes=5))
        assert leases.requeue_stalled_jobs(lambda *a: queued.append(a)) == [job_id]
    assert queued == [(job_id, str(admin_profile.org_id), "just-killed/7", False)]


def test_a_closed_query_cursor_is_queried_again_from_where_the_import_got(
    sandbox_factory, admin_api, admin_profile, connect, settings, monkeypatch
):
    """Salesforce closes idle cursors (15 minutes) and old ones when a user opens too many:
    the next page then fails with INVALID_QUERY_LOCATOR. The import queries again after the
    last committed Id and loses nothing."""
    from salesforce_imports.engine import batch

    settings.SALESFORCE_BATCH_SIZE = 200
    sandbox = sandbox_factory(records=4000, seed=17)  # Contacts span five pages
    assert connect(admin_api)["Location"].endswith("result=connected")
    real = batch.BatchImporter.prepare
    closed = []

    def close_cursors_on_the_first_contact_batch(self, records):
        if not closed and records[0]["Id"].startswith("003"):
            closed.append(sandbox.expire_query_locators())
        return real(self, records)

    monkeypatch.setattr(batch.BatchImporter, "prepare", close_cursors_on_the_first_contact_batch)
    job = run(admin_profile, start(admin_api))
    assert job.status == JobStatus.COMPLETED, job.failure_reason
    assert closed and closed[0] >= 1  # the Contact cursor (and finished ones) closed
    assert job.skipped_count == 0
    assert_accounted(job, sandbox)
    assert_no_duplicates(admin_profile)
    # One query per object type, the users and the queues, plus the one that picked up after
    # the closed cursor.
    assert sandbox.stats()["calls"]["query"] == len(FETCHED_TYPES) + 2 + 1


def test_the_cancel_flag_is_read_at_most_twice_a_second(big_connected, admin_api, admin_profile, monkeypatch):
    """A query per look, twice per batch, was 8 a second at full speed: the runner now asks
    the database at most every CANCEL_CHECK_SECONDS (and still stops: the test above)."""
    from salesforce_imports.engine import job as job_module

    looks, asked = [], []
    real_check = job_module.JobRunner._check_cancel

    def counted(self, *args, **kwargs):
        looks.append(time.monotonic())
        return real_check(self, *args, **kwargs)

    real_filter = ImportJob.objects.filter

    def filter_watch(*args, **kwargs):
        if kwargs.get("cancel_requested") is True:
            asked.append(time.monotonic())
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(job_module.JobRunner, "_check_cancel", counted)
    monkeypatch.setattr(ImportJob.objects, "filter", filter_watch)
    job = run(admin_profile, start(admin_api))
    assert job.status == JobStatus.COMPLETED, job.failure_reason
    assert len(looks) > 20  # two looks per batch, 200-record batches
    assert 1 <= len(asked) <= (asked[-1] - asked[0]) / job_module.CANCEL_CHECK_SECONDS + 1
    assert len(asked) < len(looks) / 2
