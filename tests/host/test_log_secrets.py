"""No secret in any log line at INFO: Connect, an import with a token refresh in the middle,
a refused refresh and Disconnect, with every logger captured (ours, Django's, requests',
urllib3's, simple-salesforce's, Celery's), tracebacks and arguments included."""

import logging

import pytest
from django.conf import settings

from common.rls import org_context
from salesforce_imports import services
from salesforce_imports.client import SalesforceClient
from salesforce_imports.models import ImportJob, JobStatus, OAuthState, SalesforceConnection

from ..salesforce_imports.conftest import approve_at_salesforce, callback

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

LOGGERS = ("", "django", "requests", "urllib3", "simple_salesforce", "celery", "kombu", "salesforce_imports")
PASSWORD = "pass-12345"  # conftest's make_member


def every_line(caplog) -> str:
    """What a log handler could write: messages, their arguments, tracebacks and extras.

    The sandbox org runs in this process (a thread); its own records are Salesforce's side
    of the wire, not our logs, and are left out."""
    ours = [r for r in caplog.records if not r.name.startswith("sfsandbox")]
    parts = []
    for record in ours:
        parts += [record.getMessage(), repr(record.args), record.exc_text or "", repr(record.__dict__)]
        if record.exc_info:
            parts.append(logging.Formatter().formatException(record.exc_info))
    return "\n".join(parts)


def test_no_secret_reaches_a_log_line(sandbox_factory, admin_profile, admin_api, caplog):
    for name in LOGGERS:
        caplog.set_level(logging.INFO, logger=name)
    sandbox = sandbox_factory(records=150, seed=5)

    auth_url = admin_api.post("/api/salesforce/connect/").json()["auth_url"]
    with org_context(admin_profile.org_id):
        code_verifier = OAuthState.objects.get().code_verifier
    query = approve_at_salesforce(auth_url)
    assert callback(admin_api, query)["Location"] == "/settings/salesforce?result=connected"
    with org_context(admin_profile.org_id):
        first = SalesforceConnection.objects.get()
        first_tokens = (first.access_token, first.refresh_token)

    # An import whose session expires first: it refreshes, then reads every page.
    sandbox.expire_sessions()
    response = admin_api.post(
        "/api/salesforce/import/", {"object_types": ["Account", "Contact", "Note"]}, format="json"
    )
    assert response.status_code == 202, response.content
    with org_context(admin_profile.org_id):
        services.run_import(response.json()["id"], runner="test/1")
        job = ImportJob.objects.get(pk=response.json()["id"])
        refreshed = SalesforceConnection.objects.get().access_token
    assert job.status == JobStatus.COMPLETED, job.failure_reason
    assert refreshed != first_tokens[0]

    # A refresh Salesforce refuses (revoked): the connection goes inactive, with a reason.
    sandbox.revoke_refresh_tokens()
    sandbox.expire_sessions()
    with org_context(admin_profile.org_id), pytest.raises(Exception):  # noqa: B017 - whichever it is
        SalesforceClient(SalesforceConnection.objects.get()).count("FROM Account")
    assert admin_api.delete("/api/salesforce/disconnect/").status_code == 204

    logged = every_line(caplog)
    assert "Salesforce" in logged or caplog.records, "nothing was logged: the test would prove nothing"
    secrets = {
        "access token": first_tokens[0],
        "refreshed access token": refreshed,
        "refresh token": first_tokens[1],
        "client secret": sandbox.client_secret,
        "authorization code": query["code"],
        "code_verifier": code_verifier,
        "state": query["state"],
        "password": PASSWORD,
        "SECRET_KEY": settings.SECRET_KEY,
        **{f"Fernet key {i}": key for i, key in enumerate(settings.TOKEN_ENCRYPTION_KEYS)},
    }
    for what, value in secrets.items():
        assert value and len(value) >= 8, what
        assert value not in logged, f"the {what} appears in a log record"
