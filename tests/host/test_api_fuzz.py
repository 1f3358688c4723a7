"""schemathesis against the app's own /api/schema/: every operation, as an org admin and as a
plain member, with generated valid and invalid requests. No 5xx, and every answer (status,
content type, headers, body) is one the schema documents.

The app runs in-process over WSGI on the test database (PostgreSQL with RLS, as the app
role). The operations whose answers depend on a Salesforce connection run with the org
connected to the sandbox org (over HTTP, through the real Connect flow); the others without
one, so nothing else reaches Salesforce (Connect only builds an authorization URL). A
started import stays PENDING: the test's transaction never commits, so nothing is queued.
Generated ids are almost never the org's, so each operation with a path id is also called
with the id of a real record (an account, a contact, an ended import with a problem): the
CSV download, a cancel refused, an undo accepted and then refused."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from rest_framework.test import APIClient
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from accounts.models import Account
from common.api import tokens_for
from common.models import Role
from common.rls import org_context
from contacts.models import Contact
from salesforce_imports.models import ImportJob, ImportProblem, JobStatus, Severity

from ..salesforce_imports.conftest import approve_at_salesforce

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

# Answers that depend on a Salesforce connection: fuzzed with the org connected.
NEEDS_CONNECTION = {
    ("POST", "/api/salesforce/import/"),
    ("GET", "/api/salesforce/status/"),
    ("DELETE", "/api/salesforce/disconnect/"),
    ("GET", "/api/salesforce/import/estimate/"),
}
# Bodies valid by the schema that the service still refuses (a documented 400), for a
# reason JSON Schema (OpenAPI 3.0) cannot state: there "valid means accepted" does not hold.
STATEFUL_VALIDITY = {
    # The member ids must be members of this org and the Salesforce Ids users the last
    # import read: stored state.
    ("PUT", "/api/salesforce/owner-mapping/"),
    # An empty Salesforce value, or two spellings of one value mapped differently, are
    # refused: rules across an object's keys.
    ("PUT", "/api/salesforce/value-mappings/"),
}

# Enough to meet each operation's parameters and bodies with valid and invalid values while
# keeping ~40 operations x 2 roles to a couple of minutes on two shared cores.
FUZZ_SETTINGS = settings(
    max_examples=15,
    deadline=None,  # a first request compiles templates and warms caches
    # The org, its members and records are made once per operation and shared by its
    # examples on purpose: they are the world the requests are made in, not their input.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def keep_test_connection():
    # Django's test client connects these again after each of its own requests.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)


@pytest.fixture
def in_process_app():
    """The WSGI app inside the test's transaction.

    Django's test client keeps a request's start and end from closing the connection
    (which, inside the test's transaction, would doom it); a WSGI call made by schemathesis
    needs the same."""
    keep_test_connection()
    try:
        yield get_wsgi_application()
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


@pytest.fixture
def org_world(make_member):
    """An org with an admin, a member, a few records and an ended import with problems."""
    admin = make_member("Fuzz Co", role=Role.ADMIN)
    member = make_member("Fuzz Co", role=Role.USER)
    org = admin.org
    with org_context(org.pk):
        account = Account.objects.create(org=org, name="Fuzzed Account", owner=admin)
        contact = Contact.objects.create(org=org, last_name="Fuzzed", account=account, email="f@fuzz.test")
        job = ImportJob.objects.create(
            org=org,
            status=JobStatus.COMPLETED,
            object_types=["Account"],
            started_by=admin,
            started_at=timezone.now(),
            completed_at=timezone.now(),
            progress={"Account": {"status": "COMPLETED", "total": 2, "imported": 1, "errors": 1}},
        )
        ImportProblem.objects.create(
            org=org,
            job=job,
            object_type="Account",
            salesforce_id="001000000000001AAA",
            message="=cmd|' /C calc'!A0 is not a name",
            severity=Severity.ERROR,
        )
    return {
        "admin": admin,
        "member": member,
        "ids": {
            "/api/accounts/{id}/": {"id": str(account.pk)},
            "/api/contacts/{id}/": {"id": str(contact.pk)},
            "job_id": {"job_id": str(job.pk)},
        },
    }


def real_ids(path, world) -> dict | None:
    """Path parameters naming a record of the org, for the operations that take one."""
    if "{job_id}" in path:
        return world["ids"]["job_id"]
    return world["ids"].get(path)


def documented_operations():
    """(method, path) of every operation, for test ids; the test itself fuzzes what the
    running app serves at /api/schema/ (test_api_schema checks the two agree)."""
    from drf_spectacular.generators import SchemaGenerator

    generated = SchemaGenerator().get_schema(request=None, public=True)
    return [(method.upper(), path) for path, item in generated["paths"].items() for method in item]


OPERATIONS = documented_operations()
_served = {}


@pytest.fixture
def api_schema(in_process_app):
    """The schema as the app serves it (loaded once: it does not change within a run)."""
    if "schema" not in _served:
        _served["schema"] = schemathesis.openapi.from_wsgi("/api/schema/", in_process_app)
    return _served["schema"]


def bearer(profile):
    return {"Authorization": f"Bearer {tokens_for(profile)['access']}"}


def connect_to_sandbox(admin, sandbox_factory):
    sandbox_factory(records=0)
    browser = APIClient()
    browser.credentials(**{"HTTP_AUTHORIZATION": bearer(admin)["Authorization"]})
    auth_url = browser.post("/api/salesforce/connect/").json()["auth_url"]
    response = browser.get("/api/salesforce/callback/", approve_at_salesforce(auth_url))
    assert response["Location"] == "/settings/salesforce?result=connected"
    keep_test_connection()


def fuzz(operation, headers, excluded_checks=(), path_parameters=None):
    """Valid requests, then invalid ones (which must be refused with a documented 4xx), then
    valid ones about a real record when the operation takes an id."""
    passes = [(GenerationMode.POSITIVE, {}), (GenerationMode.NEGATIVE, {})]
    if path_parameters:
        passes.append((GenerationMode.POSITIVE, {"path_parameters": path_parameters}))
    for mode, fixed in passes:

        @FUZZ_SETTINGS
        @given(case=operation.as_strategy(generation_mode=mode, **fixed))
        def run(case):
            case.call_and_validate(headers=headers, excluded_checks=list(excluded_checks))

        run()


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
@pytest.mark.parametrize("role", ["admin", "member"])
def test_api_conforms_to_its_schema(api_schema, org_world, sandbox_factory, role, method, path):
    if (method, path) in NEEDS_CONNECTION:
        connect_to_sandbox(org_world["admin"], sandbox_factory)
    excluded = [positive_data_acceptance] if (method, path) in STATEFUL_VALIDITY else []
    fuzz(api_schema[path][method], bearer(org_world[role]), excluded, real_ids(path, org_world))
