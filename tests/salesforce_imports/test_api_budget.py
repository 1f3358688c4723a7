"""The API budget (NOTES 8.8) against the sandbox org over HTTP: the estimate before a job,
the refusal below the reserve, the stop at the reserve during a job and its resume, and
/limits answers that cannot be used."""

import math

import pytest
from django.test import Client

from common.models import Role
from common.rls import org_context
from salesforce_imports import budget
from salesforce_imports.models import ImportJob, ImportProblem, JobStatus

from .test_import_engine import run, start
from .test_import_faults import assert_no_duplicates

pytestmark = pytest.mark.django_db(transaction=True)

# Every kind of cost: pages, line items (a child type), classic and Lightning notes (a
# body call per note, link queries per 200).
TYPES = ["Account", "Contact", "Opportunity", "Note"]
FETCHED = ["Account", "Contact", "Opportunity", "OpportunityLineItem", "Note", "ContentNote"]
ESTIMATE_URL = "/api/salesforce/import/estimate/"


def estimate_of(api, types=TYPES) -> dict:
    response = api.get(ESTIMATE_URL, {"object_types": ",".join(types)})
    assert response.status_code == 200, response.content
    return response.json()


def job_of(profile, job_id) -> ImportJob:
    with org_context(profile.org_id):
        return ImportJob.objects.get(pk=job_id)


# -- the table, pure ---------------------------------------------------------------------------
def test_the_cost_table():
    rest = budget.calls_for_type
    assert rest("Account", 0, page_size=2000) == 2  # describe and one (empty) page
    assert rest("Account", 4001, page_size=2000) == 1 + 3
    # Within NOTES 5's bound of ceil(records / 2000) + 3 per type, the COUNT() included.
    assert 1 + rest("Account", 4001, page_size=2000) <= math.ceil(4001 / 2000) + 3
    # A note's text is one call each; its links one query per 200 notes of a batch.
    assert rest("ContentNote", 450, page_size=200) == 1 + 3 + 450 + 3
    assert rest("ContentNote", 2500, page_size=2000) == 1 + 2 + 2500 + 10 + 3
    assert rest("PricebookEntry", 10, page_size=2000) == 1 + 1 + 1  # the corporate currency
    # Past the Bulk threshold: create, polls, the listing, a call per result page.
    bulk = rest("Account", 100_000, page_size=2000, bulk_threshold=20_000, bulk_page_records=10_000)
    costs = budget.COSTS
    assert bulk == 1 + costs.bulk_create + costs.bulk_polls + costs.bulk_listing + 10
    assert rest("Account", 20_000, page_size=2000, bulk_threshold=20_000) == 1 + 10  # not more than it
    assert rest("ContentNote", 30_000, page_size=2000, bulk_threshold=20_000) > 30_000  # REST only
    assert rest("Account", 100_000, page_size=2000, bulk_threshold=None) == 1 + 50  # None: REST only
    # Scaled out: REST in Id ranges whatever the Bulk threshold, two edge queries, a part page each.
    spread = rest(
        "Account", 100_000, page_size=2000, bulk_threshold=20_000, chunks=4, chunk_min_records=20_000
    )
    assert spread == 1 + 2 + 50 + 4
    assert rest("Account", 15_000, page_size=2000, chunks=4, chunk_min_records=20_000) == 1 + 8  # not split
    # A re-import: describe, one changes query, one query per 500 retried Ids.
    assert budget.calls_for_delta("Contact", 0, page_size=2000) == 2
    assert budget.calls_for_delta("Contact", 501, page_size=2000) == 2 + 2
    total = budget.estimate_calls({"Account": 10}, {"Contact": 0}, page_size=2000)
    assert total == {"(job)": costs.per_job, "Account": 2, "Contact": 2}


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ([], "not a JSON object"),
        ({}, "no DailyApiRequests"),
        ({"DailyApiRequests": {"Max": "lots", "Remaining": 5}}, "Max is not a count"),
        ({"DailyApiRequests": {"Max": 100, "Remaining": None}}, "Remaining is not a count"),
        ({"DailyApiRequests": {"Max": True, "Remaining": 1}}, "Max is not a count"),
        ({"DailyApiRequests": {"Max": 10, "Remaining": 11}}, "odd"),
        ({"DailyApiRequests": {"Max": 0, "Remaining": 0}}, "odd"),
    ],
)
def test_limits_that_cannot_be_used_say_why(body, says):
    with pytest.raises(budget.LimitsUnavailable, match=says):
        budget.daily_requests(body)
    assert budget.daily_requests({"DailyApiRequests": {"Max": 15000, "Remaining": 14998}}) == (15000, 14998)


# -- against the sandbox -------------------------------------------------------------------------
def test_estimate_is_exact_for_a_known_org_and_the_job_keeps_to_it(connected, admin_api, admin_profile):
    sandbox = connected
    sandbox.reset_stats()
    estimate = estimate_of(admin_api)
    stats = sandbox.stats()
    assert estimate["available"] and estimate["allowed"] and estimate["reason"] == ""
    assert estimate["counts"] == {s: sandbox.org.count(s) for s in FETCHED}
    assert estimate["counts"]["ContentNote"] > 0 and estimate["counts"]["OpportunityLineItem"] > 0
    assert estimate["calls_to_estimate"] == len(FETCHED) + 1 == stats["api_calls"]  # the counts, /limits
    assert stats["calls"]["count"] == len(FETCHED) and stats["calls"]["limits"] == 1
    assert estimate["max"] == 100000 and estimate["reserve"] == 20000 and estimate["reserve_percent"] == 20
    assert estimate["remaining"] == 100000 - stats["api_calls"]
    assert estimate["estimated_calls"] == sum(estimate["per_type"].values())

    sandbox.reset_stats()
    job_id = start(admin_api, TYPES)
    created = job_of(admin_profile, job_id)
    preflight = created.api_calls
    assert preflight == len(FETCHED) + 1 == sandbox.stats()["api_calls"]  # the start's own estimate
    assert {s: e["total"] for s, e in created.progress.items()} == estimate["counts"]  # not counted again
    job = run(admin_profile, job_id)
    assert job.status == JobStatus.COMPLETED, job.failure_reason
    made = job.api_calls - preflight
    assert job.api_calls == sandbox.stats()["api_calls"]  # every call the sandbox saw is on the job
    assert sandbox.stats()["calls"]["count"] == len(FETCHED)  # the job made no COUNT() of its own
    assert made <= estimate["estimated_calls"]
    assert made == estimate["estimated_calls"]  # exact for this org: the table is the engine's

    # A re-import asks only what changed: a few calls per type, no COUNT().
    again = estimate_of(admin_api)
    assert again["counts"] == {} and again["calls_to_estimate"] == 1
    assert again["per_type"]["Account"] == budget.COSTS.delta_per_type
    sandbox.reset_stats()
    reimport = run(admin_profile, start(admin_api, TYPES))
    assert reimport.status == JobStatus.COMPLETED, reimport.failure_reason
    assert reimport.api_calls - 1 <= again["estimated_calls"]
    assert reimport.api_calls == sandbox.stats()["api_calls"]


def test_a_start_that_would_eat_into_the_reserve_is_refused_with_the_figures(
    connected, admin_api, admin_profile
):
    sandbox = connected
    estimated = estimate_of(admin_api)["estimated_calls"]
    used = sandbox.stats()["api_calls"]
    # Remaining after the start's own counts and /limits: 5 more than the import needs, far
    # less than 20% of the day's Max.
    daily = used + len(FETCHED) + 1 + estimated + 5
    sandbox.set_faults(daily_limit=daily)
    response = admin_api.post("/api/salesforce/import/", {"object_types": TYPES}, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    reserve = math.ceil(daily * 0.2)
    assert body["estimated_calls"] == estimated
    assert body["remaining"] == daily - sandbox.stats()["api_calls"] == estimated + 5
    assert body["reserve"] == reserve and body["max"] == daily
    assert f"{estimated:,} Salesforce API calls" in body["detail"] and f"{reserve:,} (20%)" in body["detail"]
    assert body["estimate"]["allowed"] is False
    with org_context(admin_profile.org_id):
        assert not ImportJob.objects.exists()

    # The page's form says the same, and its estimate warns before Start.
    page = Client()
    page.force_login(admin_profile.user)
    refused = page.post("/settings/salesforce/import/start", {"object_types": TYPES}, HTTP_HX_REQUEST="true")
    assert "kept in reserve" in refused.content.decode()
    shown = page.get("/settings/salesforce/import/estimate", {"object_types": TYPES}).content.decode()
    assert "Start would be refused" in shown and f"of the org&#x27;s {daily} daily API requests" in shown

    # A day's requests used up: Salesforce refuses the counts themselves, and so does the start.
    sandbox.set_faults(daily_limit=sandbox.stats()["api_calls"])
    response = admin_api.post("/api/salesforce/import/", {"object_types": TYPES}, format="json")
    assert response.status_code == 400, response.content
    assert "daily API request limit" in response.json()["detail"] and response.json()["remaining"] == 0

    # With the day's limit raised, the same start is accepted.
    sandbox.set_faults({})
    response = admin_api.post("/api/salesforce/import/", {"object_types": TYPES}, format="json")
    assert response.status_code == 202, response.content


@pytest.fixture
def big_connected(sandbox_factory, admin_api, connect, settings):
    settings.SALESFORCE_BATCH_SIZE = 200  # several pages per object
    sandbox = sandbox_factory(records=4000, seed=11)
    assert connect(admin_api)["Location"].endswith("result=connected")
    return sandbox


def test_a_job_that_reaches_the_reserve_stops_failed_and_resumes_once_the_limit_is_raised(
    big_connected, admin_api, admin_profile
):
    sandbox = big_connected
    types = ["Account", "Contact", "Opportunity"]
    needs = estimate_of(admin_api, types)["estimated_calls"]
    assert needs >= 20
    job_id = start(admin_api, types)
    # Other integrations spend the org's requests after the start: the reserve (20% of the
    # day's Max) is now half the job's calls away.
    used = sandbox.stats()["api_calls"]
    daily = math.ceil((used + needs // 2) / 0.8)
    sandbox.set_faults(daily_limit=daily)
    failed = run(admin_profile, job_id)
    assert failed.status == JobStatus.FAILED
    reserve = math.ceil(daily * 0.2)
    assert "API reserve" in failed.failure_reason and "resumes where it stopped" in failed.failure_reason
    assert f"of {daily} daily API requests remain, and {reserve} (20%)" in failed.failure_reason
    stopped_at = sandbox.stats()["api_calls"]
    assert daily - stopped_at <= reserve  # stopped at the reserve...
    assert daily - stopped_at > reserve - 10  # ...within one batch's calls of it
    assert sandbox.stats()["faults_fired"] == {}  # before Salesforce refused anything
    done = failed.imported_count + failed.matched_count + failed.error_count
    assert 0 < done < failed.total_records
    assert failed.progress["Account"]["status"] in ("done", "failed")

    sandbox.set_faults({})  # the limit is raised (100,000)
    again = run(admin_profile, start(admin_api, types))
    assert again.status == JobStatus.COMPLETED, again.failure_reason
    assert again.skipped_count == failed.imported_count + failed.matched_count
    for sobject in ("Account", "Contact", "Opportunity", "OpportunityLineItem"):
        entry = again.progress[sobject]
        assert entry["imported"] + entry["matched"] + entry["skipped"] + entry["errors"] == sandbox.org.count(
            sobject
        )
    assert_no_duplicates(admin_profile)


@pytest.mark.parametrize(
    ("broken", "says"),
    [(1, "refused to list the org's limits (404)"), (2, "no DailyApiRequests"), (3, "Max is not a count")],
    ids=["404", "no-DailyApiRequests", "non-numeric"],
)
def test_odd_limits_never_block_an_import_silently(connected, admin_api, admin_profile, broken, says):
    sandbox = connected
    sandbox.set_faults(limits_broken=broken)
    estimate = estimate_of(admin_api)
    assert estimate["available"] is False and estimate["allowed"] is True
    assert says in estimate["reason"] and "not held back" in estimate["reason"]
    assert estimate["estimated_calls"] > 0 and estimate["remaining"] is None and estimate["reserve"] is None

    page = Client()
    page.force_login(admin_profile.user)
    shown = page.get("/settings/salesforce/import/estimate", {"object_types": TYPES}).content.decode()
    assert "API budget not checked" in shown and says.replace("'", "&#x27;") in shown

    job = run(admin_profile, start(admin_api, TYPES))
    assert job.status == JobStatus.COMPLETED, job.failure_reason
    with org_context(admin_profile.org_id):
        warning = ImportProblem.objects.get(job=job, object_type="Limits")
    assert warning.severity == "warning" and says in warning.message
    assert "The API budget was not checked" in warning.message
    body = admin_api.get(f"/api/salesforce/import/{job.pk}/").json()
    assert any(p["object_type"] == "Limits" for p in body["errors"])


def test_the_import_page_shows_the_estimate_and_the_preview_summary_too(
    connected, admin_api, admin_profile, make_member
):
    page = Client()
    page.force_login(admin_profile.user)
    html = page.get("/settings/salesforce/import").content.decode()
    assert 'hx-get="/settings/salesforce/import/estimate"' in html and 'hx-include="#import-form"' in html
    expected = estimate_of(admin_api, ["Account", "Contact"])["estimated_calls"]
    shown = page.get("/settings/salesforce/import/estimate", {"object_types": ["Account", "Contact"]})
    assert shown.status_code == 200
    text = shown.content.decode()
    assert f'data-estimated-calls="{expected}"' in text and "kept in reserve" in text
    assert "<script" not in text and "style=" not in text  # the strict Content-Security-Policy
    unknown = page.get("/settings/salesforce/import/estimate", {"object_types": ["Bogus"]}).content.decode()
    assert "Unknown object type(s): Bogus" in unknown

    # A finished preview's summary loads the import's estimate with the preview's types.
    preview = admin_api.post(
        "/api/salesforce/import/", {"object_types": ["Account"], "mode": "preview"}, format="json"
    ).json()
    run(admin_profile, preview["id"])
    summary = page.get(f"/settings/salesforce/import/{preview['id']}").content.decode()
    assert 'class="budget-estimate"' in summary and 'hx-include="closest form"' in summary

    member = make_member("Acme", role=Role.USER)
    as_member = Client()
    as_member.force_login(member.user)
    assert as_member.get("/settings/salesforce/import/estimate").status_code == 403


def test_the_estimate_endpoint_refuses_what_start_refuses(connected, admin_api, api_for, make_member):
    assert admin_api.get(ESTIMATE_URL, {"object_types": "Account,Bogus"}).status_code == 400
    member_api = api_for(make_member("Acme", role=Role.USER))
    assert member_api.get(ESTIMATE_URL).status_code == 403
    everything = admin_api.get(ESTIMATE_URL).json()  # no types: every type, as the page preselects
    assert set(everything["per_type"]) >= {"Product2", "PricebookEntry", "Task", "Event", "ContentNote"}
    schema = admin_api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert "/api/salesforce/import/estimate/" in schema["paths"]
    assert "ApiBudget" in schema["components"]["schemas"]
