"""The import against the sandbox org's generated (and messy) data, run in-process."""

import pytest
from django.test import Client

from accounts.models import Account
from common.rls import org_context
from contacts.models import Contact
from invoices.models import Estimate, EstimateLineItem, Product, ProductPrice
from opportunity.models import Opportunity, OpportunityLineItem
from orders.models import Order, OrderLineItem
from salesforce_imports import services
from salesforce_imports.models import ImportedRecord, ImportJob, ImportProblem, JobStatus

pytestmark = pytest.mark.django_db(transaction=True)

ALL = ["Account", "Contact", "Opportunity", "Product2", "Order", "Quote"]
FETCHED_TYPES = [
    "Product2",
    "PricebookEntry",
    "Account",
    "Contact",
    "Opportunity",
    "OpportunityLineItem",
    "Order",
    "OrderItem",
    "Quote",
    "QuoteLineItem",
]
MODELS = [
    Account,
    Contact,
    Opportunity,
    OpportunityLineItem,
    Product,
    ProductPrice,
    Order,
    OrderLineItem,
    Estimate,
    EstimateLineItem,
]


def start(api, types=ALL):
    response = api.post("/api/salesforce/import/", {"object_types": types}, format="json")
    assert response.status_code == 202, response.content
    return response.json()["id"]


def run(profile, job_id):
    with org_context(profile.org_id):
        services.run_import(job_id, runner="test/1")
        return ImportJob.objects.get(pk=job_id)


def retryable_errors(profile, job, object_type=None) -> int:
    """Records of `job` a re-import asks for again (engine/delta.py, the same rule)."""
    from salesforce_imports.engine.delta import retry_ids

    with org_context(profile.org_id):
        types = [object_type] if object_type else list(job.progress)
        return sum(len(retry_ids(job.pk, sobject)) for sobject in types)


def crm_counts(profile):
    with org_context(profile.org_id):
        return {m.__name__: m.objects.count() for m in MODELS}


def test_import_everything_then_reimport_skips_all(connected, admin_api, admin_profile):
    sandbox = connected
    job = run(admin_profile, start(admin_api))
    assert job.status == JobStatus.COMPLETED, job.failure_reason
    assert job.started_at and job.completed_at
    for sobject in FETCHED_TYPES:
        entry = job.progress[sobject]
        expected = sandbox.org.count(sobject)
        buckets = entry["imported"] + entry["matched"] + entry["skipped"] + entry["errors"]
        assert entry["total"] == expected, sobject
        assert buckets == expected, (sobject, entry)
        assert entry["status"] == "done"
    assert job.imported_count + job.matched_count + job.skipped_count + job.error_count == job.total_records
    with org_context(admin_profile.org_id):
        assert ImportedRecord.objects.count() == job.imported_count + job.matched_count
        assert ImportProblem.objects.filter(job=job, severity="error").values(
            "salesforce_id"
        ).distinct().count() == (job.error_count)
    # Messy data was met, counted and explained.
    assert job.error_count > 0 and job.warning_count > 0
    before = crm_counts(admin_profile)
    assert before["Account"] == job.progress["Account"]["imported"]

    again = run(admin_profile, start(admin_api))
    assert again.status == JobStatus.COMPLETED
    assert again.imported_count == again.matched_count == 0
    # Only what changed since (nothing) and what failed for a reason besides its own values
    # (a parent that had not come) is asked for again: those fail again; nothing else comes.
    assert again.skipped_count == 0
    assert again.error_count == again.total_records == retryable_errors(admin_profile, job)
    assert crm_counts(admin_profile) == before


def test_job_api_shape_and_problems(connected, admin_api, admin_profile):
    job_id = start(admin_api, ["Account", "Contact"])
    run(admin_profile, job_id)
    body = admin_api.get(f"/api/salesforce/import/{job_id}/").json()
    for key in [
        "id",
        "status",
        "object_types",
        "started_at",
        "completed_at",
        "total_records",
        "imported_count",
        "skipped_count",
        "error_count",
        "matched_count",
        "warning_count",
        "progress",
        "errors",
    ]:
        assert key in body
    assert set(body["progress"]) == {"Account", "Contact"}
    assert set(body["progress"]["Account"]) == {
        "status",
        "total",
        "imported",
        "matched",
        "skipped",
        "errors",
        "warnings",
        "seconds",  # how long the type took: its records/s
    }
    assert body["progress"]["Account"]["seconds"] > 0
    assert len(body["errors"]) <= 50
    assert set(body["errors"][0]) == {"object_type", "salesforce_id", "field", "message", "severity"}
    problems = admin_api.get(f"/api/salesforce/import/{job_id}/errors/").json()
    assert (
        problems["count"]
        == body["warning_count"] + ImportProblem.unscoped.filter(job_id=job_id, severity="error").count()
    )
    csv_response = admin_api.get(f"/api/salesforce/import/{job_id}/errors/?format=csv")
    assert csv_response["Content-Type"].startswith("text/csv")
    lines = b"".join(csv_response.streaming_content).decode().splitlines()
    assert lines[0] == "object_type,salesforce_id,field,severity,message"
    assert len(lines) >= problems["count"] + 1
    history = admin_api.get("/api/salesforce/import/history/").json()
    assert history["results"][0]["id"] == job_id


def test_one_active_job_per_org(connected, admin_api):
    first = start(admin_api, ["Account"])
    response = admin_api.post("/api/salesforce/import/", {"object_types": ["Account"]}, format="json")
    assert response.status_code == 409
    assert response.json()["job"] == first


@pytest.mark.parametrize(
    "body", [{"object_types": ["Campaign"]}, {"object_types": []}, {"object_types": "Account"}, {}]
)
def test_bad_import_requests_are_400(connected, admin_api, body):
    assert admin_api.post("/api/salesforce/import/", body, format="json").status_code == 400


def test_import_without_connection_is_400(admin_api):
    response = admin_api.post("/api/salesforce/import/", {"object_types": ["Account"]}, format="json")
    assert response.status_code == 400
    assert "not connected" in response.json()["detail"]


def test_other_orgs_job_is_404(connected, admin_api, api_for, other_admin_profile):
    job_id = start(admin_api, ["Account"])
    other = api_for(other_admin_profile)
    for path in ["", "errors/"]:
        assert other.get(f"/api/salesforce/import/{job_id}/{path}").status_code == 404
    assert other.post(f"/api/salesforce/import/{job_id}/cancel/").status_code == 404


def test_cancel_a_queued_job(connected, admin_api, admin_profile):
    job_id = start(admin_api, ["Account"])
    response = admin_api.post(f"/api/salesforce/import/{job_id}/cancel/")
    assert response.status_code == 202
    assert response.json()["status"] == "CANCELLED"
    assert run(admin_profile, job_id).status == JobStatus.CANCELLED  # the worker leaves it alone
    assert admin_api.post(f"/api/salesforce/import/{job_id}/cancel/").status_code == 409  # already ended


def test_existing_crm_data_is_matched_not_overwritten(connected, admin_api, admin_profile):
    sandbox = connected
    first_account = sandbox.org.record_at("Account", 0)
    with org_context(admin_profile.org_id):
        mine = Account.objects.create(
            org=admin_profile.org, name=first_account["Name"].upper(), phone="my phone"
        )
    job = run(admin_profile, start(admin_api, ["Account"]))
    with org_context(admin_profile.org_id):
        mine.refresh_from_db()
        assert mine.phone == "my phone"
        link = ImportedRecord.objects.get(salesforce_id=first_account["Id"])
        assert (link.object_id, link.outcome) == (mine.pk, "matched")
    assert job.matched_count >= 1


def test_pages_show_the_job(connected, admin_api, admin_profile):
    job_id = start(admin_api, ["Account"])
    run(admin_profile, job_id)
    client = Client()
    client.force_login(admin_profile.user)
    page = client.get("/settings/salesforce/import").content.decode()
    assert "Completed" in page and "Accounts" in page and "Start Import" in page
    assert job_id in client.get("/settings/salesforce/import/history").content.decode()
    detail = client.get(f"/settings/salesforce/import/{job_id}").content.decode()
    assert "Problems" in detail


def test_unreachable_broker_fails_the_job_instead_of_blocking_the_org(connected, admin_api, settings):
    from ..worker import use_broker

    with use_broker("redis://127.0.0.1:1/0") as app:
        app.conf.task_publish_retry = False
        try:
            job_id = start(admin_api, ["Account"])
        finally:
            app.conf.task_publish_retry = True
    body = admin_api.get(f"/api/salesforce/import/{job_id}/").json()
    assert body["status"] == "FAILED"
    assert "could not be queued" in body["failure_reason"]
    assert (
        admin_api.post("/api/salesforce/import/", {"object_types": ["Account"]}, format="json").status_code
        == 202
    )


def test_a_row_the_database_refuses_costs_only_that_record(connected, admin_api, admin_profile, monkeypatch):
    """If a value slips past conversion and hits a database constraint, the batch is
    retried row by row: that record is an error, every other one still lands."""
    from salesforce_imports.mapping.base import ObjectMapping

    victim = connected.org.record_at("Opportunity", 1)["Id"]
    real_convert = ObjectMapping.convert

    def convert_with_a_bad_value(self, record, custom_fields=(), overrides=None):
        converted = real_convert(self, record, custom_fields, overrides)
        if record.get("Id") == victim:
            converted.values["probability"] = 150  # the CHECK constraint refuses it
        return converted

    monkeypatch.setattr(ObjectMapping, "convert", convert_with_a_bad_value)
    job = run(admin_profile, start(admin_api, ["Account", "Opportunity"]))
    assert job.status == JobStatus.COMPLETED
    entry = job.progress["Opportunity"]
    assert entry["imported"] + entry["errors"] == connected.org.count("Opportunity")
    with org_context(admin_profile.org_id):
        problem = ImportProblem.objects.get(salesforce_id=victim, severity="error")
        assert "refused" in problem.message
        assert not ImportedRecord.objects.filter(salesforce_id=victim).exists()
        assert Opportunity.objects.count() == entry["imported"]


def test_web_cancel_and_member_permissions(connected, admin_api, admin_profile, make_member):
    from common.models import Role

    job_id = start(admin_api, ["Account"])
    admin = Client()
    admin.force_login(admin_profile.user)
    response = admin.post(f"/settings/salesforce/import/{job_id}/cancel", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Cancelled" in response.content.decode()

    member = make_member("Acme", email="user@acme.test", role=Role.USER)
    client = Client()
    client.force_login(member.user)
    page = client.get("/settings/salesforce/import").content.decode()
    assert "Start Import" not in page and "Cancelled" in page  # members watch, admins act
    assert client.post("/settings/salesforce/import/start", {"object_types": ["Account"]}).status_code == 403
    assert client.post(f"/settings/salesforce/import/{job_id}/cancel").status_code == 403
    assert client.get(f"/settings/salesforce/import/{job_id}").status_code == 200
