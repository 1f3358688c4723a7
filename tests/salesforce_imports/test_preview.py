"""A preview runs the whole import and writes nothing to the CRM or ImportedRecord, yet its
buckets and problems are exactly those of the import that follows."""

import pytest
from django.apps import apps
from django.db import connection

from common.rls import org_context
from salesforce_imports.models import ImportedRecord, ImportJob, ImportProblem, JobStatus

from .test_import_engine import ALL, run

pytestmark = pytest.mark.django_db(transaction=True)

CRM_APPS = ("accounts", "contacts", "opportunity", "invoices", "orders", "leads", "cases", "activities")


def row_counts(profile) -> dict:
    with org_context(profile.org_id):
        counts = {
            m._meta.label: m.objects.count()
            for app in CRM_APPS
            for m in apps.get_app_config(app).get_models()
        }
        counts["ImportedRecord"] = ImportedRecord.objects.count()
        return counts


def start(api, mode, types=ALL):
    response = api.post("/api/salesforce/import/", {"object_types": types, "mode": mode}, format="json")
    assert response.status_code == 202, response.content
    return response.json()["id"]


def problems_of(profile, job_id):
    with org_context(profile.org_id):
        return sorted(
            ImportProblem.objects.filter(job_id=job_id).values_list(
                "object_type", "salesforce_id", "field", "severity", "message"
            )
        )


BUCKETS = ("imported", "matched", "skipped", "errors", "warnings")


def test_preview_writes_nothing_and_predicts_the_import_exactly(
    sandbox_factory, admin_api, admin_profile, connect
):
    sandbox = sandbox_factory(records=1500, seed=11)  # messy: duplicates, bad values, links in any order
    assert connect(admin_api)["Location"].endswith("result=connected")
    before = row_counts(admin_profile)
    sandbox.reset_stats()
    preview = run(admin_profile, start(admin_api, "preview"))
    assert preview.status == JobStatus.COMPLETED, preview.failure_reason
    assert row_counts(admin_profile) == before  # to the row
    assert preview.imported_count > 0 and preview.api_calls_estimate == sandbox.stats()["api_calls"]

    sandbox.reset_stats()
    real = run(admin_profile, start(admin_api, "import"))
    assert real.status == JobStatus.COMPLETED
    for sobject, entry in real.progress.items():
        assert {k: preview.progress[sobject][k] for k in BUCKETS} == {k: entry[k] for k in BUCKETS}, sobject
    assert (preview.imported_count, preview.matched_count, preview.error_count, preview.warning_count) == (
        real.imported_count,
        real.matched_count,
        real.error_count,
        real.warning_count,
    )
    assert [p[:4] for p in problems_of(admin_profile, preview.pk)] == [
        p[:4] for p in problems_of(admin_profile, real.pk)
    ]
    assert preview.api_calls_estimate == sandbox.stats()["api_calls"]  # what the import really spent
    body = admin_api.get(f"/api/salesforce/import/{preview.pk}/").json()
    assert body["mode"] == "preview" and body["api_calls_estimate"] == preview.api_calls_estimate


def test_a_preview_counts_against_the_one_job_at_a_time_rule_and_bad_modes_are_400(connected, admin_api):
    start(admin_api, "preview", ["Account"])
    assert (
        admin_api.post("/api/salesforce/import/", {"object_types": ["Account"]}, format="json").status_code
        == 409
    )
    bad = admin_api.post(
        "/api/salesforce/import/", {"object_types": ["Account"], "mode": "dry"}, format="json"
    )
    assert bad.status_code == 400


@pytest.mark.postgres
def test_preview_progress_is_visible_while_it_runs(
    sandbox_factory, admin_api, admin_profile, connect, settings
):
    """Its books go around the transaction that is rolled back: another connection sees them."""
    import threading
    import time

    from salesforce_imports import services

    settings.SALESFORCE_BATCH_SIZE = 200
    sandbox = sandbox_factory(records=1500, seed=11)
    sandbox.set_faults(latency_ms=40)
    assert connect(admin_api)["Location"].endswith("result=connected")
    job_id = start(admin_api, "preview")
    seen = []

    def work():
        with org_context(admin_profile.org_id):
            services.run_import(job_id, runner="test/1")
        connection.close()

    thread = threading.Thread(target=work)
    thread.start()
    deadline = time.time() + 60
    while thread.is_alive() and time.time() < deadline:
        body = admin_api.get(f"/api/salesforce/import/{job_id}/").json()
        seen.append(body["imported_count"])
        time.sleep(0.1)
    thread.join(timeout=60)
    assert any(count > 0 for count in seen[:-1]), seen  # counters moved before the end
    with org_context(admin_profile.org_id):
        assert ImportJob.objects.get(pk=job_id).status == JobStatus.COMPLETED
