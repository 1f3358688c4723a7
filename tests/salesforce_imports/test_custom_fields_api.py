"""Custom fields (NOTES 8.4): `GET /api/custom-fields/`, and `"custom_fields": false` on an
import request (API, page and CLI) reaching the job."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from common.models import Role
from common.rls import org_context
from salesforce_imports import budget, services
from salesforce_imports.models import CustomFieldDefinition, ImportJob, SalesforceConnection

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/api/custom-fields/"


def define(org_id, object_type, api_name, field_type="string", **extra):
    with org_context(org_id):
        return CustomFieldDefinition.objects.create(
            org_id=org_id,
            object_type=object_type,
            api_name=api_name,
            label=extra.pop("label", api_name.removesuffix("__c").replace("_", " ")),
            field_type=field_type,
            **extra,
        )


@pytest.fixture
def fields(admin_profile, other_admin_profile):
    org = admin_profile.org_id
    define(org, "Contact", "Birthday_Note__c")
    define(org, "Account", "Tier__c", "picklist", picklist_values=["Gold", "Silver"])
    define(org, "Account", "Regions__c", "multipicklist", picklist_values=["EMEA", "APAC"])
    define(org, "Account", "Partner__c", "reference", reference_to=["Account"])
    define(org, "Account", "Score__c", "double", calculated=True)
    define(org, "Account", "Secret__c", readable=False)  # describe stopped showing it
    define(other_admin_profile.org_id, "Account", "Globex_Only__c")


def test_list_shape_and_order(fields, admin_api):
    response = admin_api.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert isinstance(body, list)  # a plain list, not a page
    assert [(f["object_type"], f["api_name"]) for f in body] == [
        ("Account", "Partner__c"),
        ("Account", "Regions__c"),
        ("Account", "Score__c"),
        ("Account", "Tier__c"),
        ("Contact", "Birthday_Note__c"),
    ]
    tier = next(f for f in body if f["api_name"] == "Tier__c")
    assert tier == {
        "object_type": "Account",
        "api_name": "Tier__c",
        "label": "Tier",
        "type": "picklist",
        "picklist_values": ["Gold", "Silver"],
        "reference_to": [],
        "calculated": False,
    }
    partner = next(f for f in body if f["api_name"] == "Partner__c")
    assert partner["type"] == "reference" and partner["reference_to"] == ["Account"]
    assert next(f for f in body if f["api_name"] == "Score__c")["calculated"] is True


def test_filter_by_object_type(fields, admin_api):
    body = admin_api.get(URL, {"object_type": "Contact"}).json()
    assert [f["api_name"] for f in body] == ["Birthday_Note__c"]
    assert admin_api.get(URL, {"object_type": "Lead"}).json() == []


def test_any_member_reads_only_their_orgs_readable_fields(fields, api_for, make_member, other_admin_profile):
    member = make_member("Acme", email="user@acme.test", role=Role.USER)
    names = {f["api_name"] for f in api_for(member).get(URL).json()}
    assert "Secret__c" not in names and "Globex_Only__c" not in names
    assert len(names) == 5
    assert [f["api_name"] for f in api_for(other_admin_profile).get(URL).json()] == ["Globex_Only__c"]


def test_needs_sign_in(fields, client):
    assert client.get(URL).status_code in (401, 403)


# The import request's custom_fields flag.


@pytest.fixture
def connection(admin_profile, monkeypatch):
    """An active connection (no Salesforce is called: the queued job is never run here)."""
    queued = []
    monkeypatch.setattr(services, "enqueue", lambda job: queued.append(job.pk))
    # Nor for the start's API budget (test_api_budget.py tests it against the sandbox).
    monkeypatch.setattr(budget, "estimate", lambda connection, types: budget.Estimate(object_types=types))
    with org_context(admin_profile.org_id):
        SalesforceConnection.objects.create(
            org_id=admin_profile.org_id, instance_url="https://acme.my.salesforce.com", is_active=True
        )
    return queued


def job(admin_profile, job_id=None):
    with org_context(admin_profile.org_id):
        return ImportJob.objects.get(pk=job_id) if job_id else ImportJob.objects.get()


@pytest.mark.parametrize(
    ("flag", "expected"), [({}, True), ({"custom_fields": True}, True), ({"custom_fields": False}, False)]
)
def test_api_flag_reaches_the_job(connection, admin_api, admin_profile, flag, expected):
    response = admin_api.post("/api/salesforce/import/", {"object_types": ["Account"], **flag}, format="json")
    assert response.status_code == 202, response.content
    assert response.json()["include_custom_fields"] is expected
    assert job(admin_profile, response.json()["id"]).include_custom_fields is expected
    assert connection == [job(admin_profile).pk]
    detail = admin_api.get(f"/api/salesforce/import/{response.json()['id']}/").json()
    assert detail["include_custom_fields"] is expected


@pytest.mark.parametrize("bad", ["false", "no", 0, 1, None, [], {"x": 1}])
def test_api_refuses_a_flag_that_is_not_a_boolean(connection, admin_api, admin_profile, bad):
    response = admin_api.post(
        "/api/salesforce/import/", {"object_types": ["Account"], "custom_fields": bad}, format="json"
    )
    assert response.status_code == 400, response.content
    assert "custom_fields" in response.json()
    with org_context(admin_profile.org_id):
        assert not ImportJob.objects.exists()


@pytest.mark.parametrize(("posted", "expected"), [(None, True), (["0", "1"], True), (["0"], False)])
def test_page_checkbox_reaches_the_job(connection, admin_profile, posted, expected):
    client = Client()
    client.force_login(admin_profile.user)
    page = client.get("/settings/salesforce/import").content.decode()
    assert (
        "Bring custom fields" in page and 'name="custom_fields" value="1" id="custom-fields" checked' in page
    )
    form = {"object_types": ["Account"]} | ({"custom_fields": posted} if posted else {})
    assert client.post("/settings/salesforce/import/start", form).status_code == 302
    assert job(admin_profile).include_custom_fields is expected


@pytest.mark.parametrize(("args", "expected"), [([], True), (["--no-custom-fields"], False)])
def test_cli_flag_reaches_the_job(connection, admin_profile, args, expected):
    out = StringIO()
    call_command(
        "salesforce_import", "--org", str(admin_profile.org_id), "--objects", "Account", *args, stdout=out
    )
    assert job(admin_profile).include_custom_fields is expected
    assert ("without custom fields" in out.getvalue()) is not expected
