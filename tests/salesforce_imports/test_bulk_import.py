"""Bulk API 2.0 in the importer: the same org imported through Bulk and through REST lands
the same rows, buckets and problems; a refused or failed Bulk job falls back to REST."""

import time

import pytest

from common.rls import org_context
from salesforce_imports import services
from salesforce_imports.bulk_query import record_batches
from salesforce_imports.models import ImportedRecord, ImportJob, ImportProblem, JobStatus

from .test_import_engine import FETCHED_TYPES, MODELS, run, start
from .test_import_faults import (
    assert_accounted,
    assert_no_duplicates,
    kill_runner_at_batch,
    run_in_background,
)

pytestmark = pytest.mark.django_db(transaction=True)

BUCKETS = ("imported", "matched", "skipped", "errors", "warnings")
# What a row is, without what differs between two CRM orgs (ids, org, owners, timestamps).
UNCOMPARED = {"id", "org", "org_id", "created_at", "updated_at", "synced_at", "owner_id", "created_by_id"}


def rows(profile):
    """Every imported row by (model, Salesforce Id), as comparable values."""
    with org_context(profile.org_id):
        salesforce_ids = {
            (sobject, object_id): sf_id
            for sobject, object_id, sf_id in ImportedRecord.objects.values_list(
                "salesforce_object_type", "object_id", "salesforce_id"
            )
        }
        sobject_of = {}
        for sobject, object_id in salesforce_ids:
            sobject_of.setdefault(object_id, sobject)
        found = {}
        for model in MODELS:
            local = [f.attname for f in model._meta.concrete_fields if f.attname not in UNCOMPARED]
            foreign = [f.attname for f in model._meta.concrete_fields if f.is_relation and f.attname in local]
            for values in model.objects.values("pk", *local):
                pk = values.pop("pk")
                sobject = sobject_of.get(pk)
                key = salesforce_ids.get((sobject, pk), pk)
                for name in foreign:  # a link compares as the Salesforce Id it points at
                    target = values[name]
                    values[name] = next((sf for (s, o), sf in salesforce_ids.items() if o == target), target)
                if values.get("custom_fields"):  # a custom lookup's CRM id differs between orgs
                    values["custom_fields"] = {
                        name: {"salesforce_id": value["salesforce_id"]}
                        if isinstance(value, dict) and "salesforce_id" in value
                        else value
                        for name, value in values["custom_fields"].items()
                    }
                found[(model.__name__, key)] = values
        return found


def problems(profile, job):
    with org_context(profile.org_id):
        return sorted(
            ImportProblem.objects.filter(job_id=job.pk).values_list(
                "object_type", "salesforce_id", "field", "severity"
            )
        )


def buckets(job):
    return {sobject: tuple(job.progress[sobject][b] for b in BUCKETS) for sobject in FETCHED_TYPES}


def test_bulk_and_rest_land_the_same_rows_buckets_and_problems(
    settings, sandbox_factory, make_member, api_for, connect
):
    sandbox = sandbox_factory(records=600, seed=11)
    settings.SALESFORCE_BULK_POLL_SECONDS = 0.01
    sandbox.set_faults(bulk_page_records=25)  # several result pages per object, downloaded at once
    results = {}
    for name, threshold in (("rest", 0), ("bulk", 1)):
        settings.SALESFORCE_BULK_THRESHOLD = threshold or None
        profile = make_member(org_name=f"{name} org", email=f"{name}@example.com")
        api = api_for(profile)
        connect(api)
        sandbox.reset_stats()
        job = run(profile, start(api))
        assert job.status == JobStatus.COMPLETED, job.failure_reason
        results[name] = (profile, job, sandbox.stats()["calls"])

    (rest_profile, rest_job, rest_calls), (bulk_profile, bulk_job, bulk_calls) = (
        results["rest"],
        results["bulk"],
    )
    assert bulk_calls.get("bulk_create", 0) >= len(FETCHED_TYPES)  # every type went through Bulk
    assert rest_calls.get("bulk_create", 0) == 0
    assert buckets(bulk_job) == buckets(rest_job)
    assert problems(bulk_profile, bulk_job) == problems(rest_profile, rest_job)
    rest_rows, bulk_rows = rows(rest_profile), rows(bulk_profile)
    assert bulk_rows.keys() == rest_rows.keys()
    different = [key for key in rest_rows if rest_rows[key] != bulk_rows[key]]
    assert not different, [
        (key, {n: (v, bulk_rows[key][n]) for n, v in rest_rows[key].items() if bulk_rows[key][n] != v})
        for key in different[:5]
    ]


def test_csv_rows_become_rest_shaped_records():
    text = 'Id,Name,Product2.Name,IsActive\n"01t1",Widget,"Big, ""red""",true\n01t2,,,false\n'
    (records,) = record_batches(text, "Product2", 10)
    assert records == [
        {
            "Id": "01t1",
            "Name": "Widget",
            "Product2.Name": 'Big, "red"',
            "IsActive": "true",
            "attributes": {"type": "Product2"},
        },
        {
            "Id": "01t2",
            "Name": None,
            "Product2.Name": None,
            "IsActive": "false",
            "attributes": {"type": "Product2"},
        },
    ]
    with pytest.raises(ValueError):
        list(record_batches("Id,Name\n01t1\n", "Product2", 10))


@pytest.fixture
def bulk_connected(sandbox_factory, admin_api, connect, settings):
    settings.SALESFORCE_BATCH_SIZE = 200
    settings.SALESFORCE_BULK_THRESHOLD = 1  # every object (but notes) through Bulk
    settings.SALESFORCE_BULK_POLL_SECONDS = 0.01
    sandbox = sandbox_factory(records=1500, seed=11)
    sandbox.set_faults(bulk_page_records=200)
    assert connect(admin_api)["Location"].endswith("result=connected")
    return sandbox


def imported_completely(profile, api, sandbox) -> ImportJob:
    """A whole import run to its end: completed, every record in one bucket, none twice."""
    job = run(profile, start(api))
    assert job.status == JobStatus.COMPLETED, job.failure_reason
    assert_accounted(job, sandbox)
    assert_no_duplicates(profile)
    return job


def bulk_queries(sandbox) -> list[str]:
    return [job.query_text for job in sandbox.app.bulk_jobs._jobs.values()]


def test_a_failed_bulk_job_falls_back_to_rest_with_a_warning(bulk_connected, admin_api, admin_profile):
    # The first job Salesforce is asked for fails; the jobs are created side by side, so
    # which object's it is depends on which creation arrived first.
    bulk_connected.set_faults(bulk_page_records=200, bulk_fail_next=1)
    job = imported_completely(admin_profile, admin_api, bulk_connected)
    with org_context(admin_profile.org_id):
        warning = ImportProblem.objects.get(job_id=job.pk, message__contains="REST API instead")
    assert warning.object_type in FETCHED_TYPES and "Failed" in warning.message
    calls = bulk_connected.stats()["calls"]
    assert calls["bulk_create"] >= len(FETCHED_TYPES)  # the others went through Bulk
    assert calls["query"] >= 1  # the failed one through REST


def test_a_killed_bulk_import_resumes_without_fetching_committed_pages_again(
    bulk_connected, admin_api, admin_profile, monkeypatch
):
    job_id = start(admin_api)
    crashed = kill_runner_at_batch(monkeypatch, admin_profile, job_id, 5, "dead-host/1")
    interrupted = next(s for s in FETCHED_TYPES if crashed.progress[s]["status"] == "in_progress")
    cursor = crashed.progress[interrupted]["last_id"]
    assert cursor  # some of its pages were committed
    with org_context(admin_profile.org_id):
        services.run_import(job_id, runner="dead-host/9", takeover_from="dead-host/1")
        job = ImportJob.objects.get(pk=job_id)
    assert job.status == JobStatus.COMPLETED, job.failure_reason
    assert job.skipped_count == 0  # nothing committed came again
    resumed = [q for q in bulk_queries(bulk_connected) if f"FROM {interrupted} " in q]
    assert len(resumed) == 2 and f"Id > '{cursor}'" in resumed[1]
    assert_accounted(job, bulk_connected)
    assert_no_duplicates(admin_profile)


@pytest.mark.parametrize("bad_times", [1, 2], ids=["once-then-fine", "twice"])
def test_a_cut_off_result_page_is_fetched_again_then_fails_the_job_clearly(
    bulk_connected, admin_api, admin_profile, monkeypatch, bad_times
):
    from sfsandbox import bulk as sandbox_bulk

    real = sandbox_bulk.csv_page
    served = {"n": 0}

    def cut_off_the_third_page(job, offset, max_records):
        body, count, locator = real(job, offset, max_records)
        served["n"] += 1
        if 3 <= served["n"] < 3 + bad_times:
            body = body[: len(body) // 2]  # the connection dropped mid-page
        return body, count, locator

    monkeypatch.setattr(sandbox_bulk, "csv_page", cut_off_the_third_page)
    job = run(admin_profile, start(admin_api))
    if bad_times == 1:
        assert job.status == JobStatus.COMPLETED, job.failure_reason
        assert_accounted(job, bulk_connected)
    else:
        assert job.status == JobStatus.FAILED
        assert "malformed twice" in job.failure_reason
        committed = job.imported_count + job.matched_count + job.error_count + job.skipped_count
        assert committed > 0  # the pages before it stay
        bulk_connected.app.bulk_jobs._jobs.clear()
        monkeypatch.setattr(sandbox_bulk, "csv_page", real)
        again = run(admin_profile, start(admin_api))
        assert again.status == JobStatus.COMPLETED, again.failure_reason
        assert_accounted(again, bulk_connected)
    assert_no_duplicates(admin_profile)


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example.com/services/data/v62.0/jobs/query/750Sx0000000001AAA/results",
        "//evil.example.com/services/data/v62.0/jobs/query/750Sx0000000001AAA/results",
        "/services/data/v62.0/jobs/query/750Sx0000000001AAA/../../sobjects/User",
        "/services/data/v62.0/jobs/query/750Sx0000000009AAA/results?locator=MTAw",  # another job
        "/services/data/v62.0/query/01gSx-2000",
    ],
)
def test_a_result_url_off_the_job_is_refused(url):
    from salesforce_imports.bulk_query import BadResultPage, BulkQuery

    job = BulkQuery(None, "Account", "SELECT Id FROM Account")
    job.job_id = "750Sx0000000001AAA"
    assert job._same_origin_path(
        "/services/data/v62.0/jobs/query/750Sx0000000001AAA/results?locator=MTAw&maxRecords=50000"
    )
    with pytest.raises(BadResultPage):
        job._same_origin_path(url)


def test_a_query_bulk_refuses_goes_through_rest_with_a_warning(
    bulk_connected, admin_api, admin_profile, monkeypatch
):
    from sfsandbox import refusals

    real = refusals.parsed_refusal

    def refuse_accounts(query, objects):
        if query.object_name == "Account":
            return "InvalidJob : this query is not supported by Bulk API"  # what Salesforce says varies
        return real(query, objects)

    monkeypatch.setattr(refusals, "parsed_refusal", refuse_accounts)
    job = run(admin_profile, start(admin_api))
    assert job.status == JobStatus.COMPLETED, job.failure_reason
    assert_accounted(job, bulk_connected)
    assert_no_duplicates(admin_profile)
    with org_context(admin_profile.org_id):
        warning = ImportProblem.objects.get(job_id=job.pk, message__contains="REST API instead")
    assert warning.object_type == "Account" and "refused" in warning.message


def test_an_api_version_without_result_pages_follows_the_locator_chain(
    bulk_connected, admin_api, admin_profile, settings
):
    settings.SALESFORCE_API_VERSION = "57.0"  # resultPages came with v58.0
    settings.SALESFORCE_BULK_PAGE_RECORDS = 150
    job = run(admin_profile, start(admin_api))
    assert job.status == JobStatus.COMPLETED, job.failure_reason
    assert_accounted(job, bulk_connected)
    assert_no_duplicates(admin_profile)
    calls = bulk_connected.stats()["calls"]
    assert calls["bulk_results"] > calls["bulk_create"]  # several pages per object, by locator
    assert calls.get("bulk_result_pages", 0) == calls["bulk_create"]  # each asked once: 404


@pytest.mark.parametrize("odd", ["no-done", "a-page-left-out"])
def test_result_pages_that_stop_short_fail_the_job_instead_of_dropping_records(
    bulk_connected, admin_api, admin_profile, monkeypatch, odd
):
    from sfsandbox import bulk as sandbox_bulk

    real = sandbox_bulk.result_pages

    def odd_listing(job, version, start, page_records):
        listing = real(job, version, start, page_records)
        if job.result.object_name == "Account":
            if odd == "no-done":
                listing.pop("done")
            else:
                listing["resultPages"] = listing["resultPages"][:-1]
                listing["done"], listing["nextRecordsUrl"] = True, None
        return listing

    monkeypatch.setattr(sandbox_bulk, "result_pages", odd_listing)
    job = run(admin_profile, start(admin_api))
    assert job.status == JobStatus.FAILED
    assert "Bulk API" in job.failure_reason and job.progress["Account"]["status"] == "failed"
    # Nothing is counted that was not fetched, and what was committed stays.
    assert_no_duplicates(admin_profile)
    with org_context(admin_profile.org_id):
        assert ImportedRecord.objects.count() == job.imported_count + job.matched_count


def test_a_taken_over_job_warns_once_about_unreadable_fields(
    sandbox_factory, admin_api, admin_profile, connect, settings, monkeypatch
):
    settings.SALESFORCE_BATCH_SIZE = 200
    settings.SALESFORCE_BULK_THRESHOLD = 1  # Contact's select list is worked out at the start
    settings.SALESFORCE_BULK_POLL_SECONDS = 0.01
    sandbox_factory(records=3000, seed=2, hidden_fields={"Contact": ["Phone"]})
    assert connect(admin_api)["Location"].endswith("result=connected")
    job_id = start(admin_api, ["Account", "Contact"])
    kill_runner_at_batch(monkeypatch, admin_profile, job_id, 2, "dead/1", sobject="Account")
    with org_context(admin_profile.org_id):
        services.run_import(job_id, runner="live/2", takeover_from="dead/1")
        job = ImportJob.objects.get(pk=job_id)
        warnings = list(
            ImportProblem.objects.filter(job=job, object_type="Contact", salesforce_id="").values_list(
                "message", flat=True
            )
        )
    assert job.status == JobStatus.COMPLETED, job.failure_reason
    assert len(warnings) == 1 and "Phone" in warnings[0], warnings


def test_a_cancel_while_salesforce_processes_a_bulk_job_ends_the_import_at_once(
    bulk_connected, admin_api, admin_profile
):
    """A real org's query job can take minutes before its first page: the admin's cancel
    must not wait for it (nor leave the job running at Salesforce)."""
    bulk_connected.set_faults(bulk_page_records=200, bulk_job_floor_ms=120_000)
    job_id = start(admin_api)
    worker, failures = run_in_background(admin_profile, job_id)
    deadline = time.time() + 60
    while bulk_connected.stats()["calls"].get("bulk_poll", 0) < 1 and time.time() < deadline:
        time.sleep(0.05)
    assert bulk_connected.stats()["calls"].get("bulk_poll", 0) >= 1, "the import is waiting on a Bulk job"
    asked = time.time()
    assert admin_api.post(f"/api/salesforce/import/{job_id}/cancel/").status_code == 202
    worker.join(timeout=30)
    assert not worker.is_alive() and not failures
    assert time.time() - asked < 10  # not the job's two minutes
    with org_context(admin_profile.org_id):
        assert ImportJob.objects.get(pk=job_id).status == JobStatus.CANCELLED
    states = {job.state for job in bulk_connected.app.bulk_jobs._jobs.values()}
    assert states == {"Aborted"}, states  # every job requested ahead aborted at Salesforce


def test_a_bulk_job_that_outlasts_its_timeout_is_aborted_once_and_goes_through_rest(
    bulk_connected, admin_api, admin_profile, settings, caplog
):
    settings.SALESFORCE_BULK_TIMEOUT_SECONDS = 0  # given up at the first look
    bulk_connected.set_faults(bulk_page_records=200, bulk_job_floor_ms=120_000)
    job = imported_completely(admin_profile, admin_api, bulk_connected)
    with org_context(admin_profile.org_id):
        warnings = ImportProblem.objects.filter(job_id=job.pk, message__contains="did not complete in time")
        late = set(warnings.values_list("object_type", flat=True))
    assert late == set(FETCHED_TYPES) - {"ContentNote"}  # Lightning notes stay on REST
    assert {j.state for j in bulk_connected.app.bulk_jobs._jobs.values()} == {"Aborted"}
    assert "Could not abort" not in caplog.text  # each job aborted once, not again on the way out
