"""Asking for an undo (NOTES 8.7): who may, which imports can be undone and when not (409s),
the race with a start, a broker that cannot be reached (503), and the job page's Undo button."""

import pytest
from django.db import OperationalError
from django.test import Client

from common.models import Role
from common.rls import org_context
from salesforce_imports import tasks, undo
from salesforce_imports.models import ImportJob, JobMode, JobStatus

from . import undo_helpers
from .test_import_engine import start
from .undo_helpers import ask_undo, run_undo

# The shared fixtures, bound by assignment: pytest finds them in this module, and the tests'
# parameters of the same name are not taken for redefinitions of an unused import.
imported, no_queue = undo_helpers.imported, undo_helpers.no_queue

pytestmark = pytest.mark.django_db(transaction=True)


def test_undo_refusals(imported, admin_api, admin_profile, api_for, make_member, no_queue):
    sandbox, job = imported
    url = f"/api/salesforce/import/{job.pk}/undo/"
    member = make_member("Acme", email="user@acme.test", role=Role.USER)
    assert api_for(member).post(url).status_code == 403
    other = make_member("Globex", role=Role.ADMIN)
    assert api_for(other).post(url).status_code == 404
    with org_context(admin_profile.org_id):
        preview = ImportJob.objects.create(
            org_id=admin_profile.org_id,
            status=JobStatus.COMPLETED,
            mode=JobMode.PREVIEW,
            object_types=["Account"],
        )
    response = admin_api.post(f"/api/salesforce/import/{preview.pk}/undo/")
    assert response.status_code == 409 and "preview" in response.json()["detail"]

    # While another job of the org is active, nothing can be undone.
    running = start(admin_api, ["Account"])
    response = admin_api.post(url)
    assert response.status_code == 409 and "running" in response.json()["detail"]
    response = admin_api.post(f"/api/salesforce/import/{running}/undo/")
    assert response.status_code == 409 and "PENDING" in response.json()["detail"]
    with org_context(admin_profile.org_id):
        ImportJob.objects.filter(pk=running).update(status=JobStatus.CANCELLED)

    ask_undo(admin_api, job.pk)
    response = admin_api.post(url)
    assert response.status_code == 409 and "being undone" in response.json()["detail"]
    # A start while the undo runs is refused by the one-active-job rule.
    assert (
        admin_api.post("/api/salesforce/import/", {"object_types": ["Account"]}, format="json").status_code
        == 409
    )
    run_undo(admin_profile, job.pk)
    response = admin_api.post(url)
    assert response.status_code == 409 and "already undone" in response.json()["detail"]
    assert no_queue == [(str(job.pk), str(admin_profile.org_id))]


def test_a_start_that_wins_the_race_makes_the_undo_a_409(
    imported, admin_api, admin_profile, no_queue, monkeypatch
):
    sandbox, job = imported
    # The check passed, then an import started before the conditional update: the
    # database's one-active-job constraint refuses the UNDOING row.
    monkeypatch.setattr(undo.service, "refusal", lambda job: None)  # what request_undo calls
    running = start(admin_api, ["Account"])
    response = admin_api.post(f"/api/salesforce/import/{job.pk}/undo/")
    assert response.status_code == 409, response.content
    with org_context(admin_profile.org_id):
        assert ImportJob.objects.get(pk=job.pk).status == JobStatus.COMPLETED
        assert ImportJob.objects.get(pk=running).status == JobStatus.PENDING
    assert no_queue == []


def test_undo_says_so_when_the_broker_is_down(imported, admin_api, admin_profile, monkeypatch):
    sandbox, job = imported

    def unreachable(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.run_undo_task, "delay", unreachable)
    response = admin_api.post(f"/api/salesforce/import/{job.pk}/undo/")
    assert response.status_code == 503
    assert "broker" in response.json()["detail"]
    with org_context(admin_profile.org_id):
        assert ImportJob.objects.get(pk=job.pk).status == JobStatus.COMPLETED  # as it was


# The job page.


def page_client(profile):
    client = Client()
    client.force_login(profile.user)
    return client


def test_job_page_undo_button_confirmation_progress_and_counts(
    imported, admin_profile, make_member, no_queue
):
    sandbox, job = imported
    url = f"/settings/salesforce/import/{job.pk}"
    admin = page_client(admin_profile)
    page = admin.get(url).content.decode()
    assert "Undo this import" in page and "<details" in page and 'name="action" value="undo"' in page
    member = page_client(make_member("Acme", email="user@acme.test", role=Role.USER))
    assert "Undo this import" not in member.get(url).content.decode()
    assert member.post(url, {"action": "undo"}).status_code == 403

    response = admin.post(url, {"action": "undo"})
    assert response.status_code == 302 and response["Location"] == url
    with org_context(admin_profile.org_id):
        assert ImportJob.objects.get(pk=job.pk).status == JobStatus.UNDOING
    page = admin.get(url).content.decode()
    assert "Undo this import" not in page
    assert "Undoing" in page and "hx-trigger" in page  # polls while it runs
    assert "Cancel import" not in page

    run_undo(admin_profile, job.pk)
    progress = admin.get(f"{url}/progress").content.decode()
    assert "hx-trigger" not in progress
    assert f"{job.imported_count} removed, 0 kept" in progress
    page = admin.get(url).content.decode()
    assert "Undone" in page and "Undo this import" not in page
    again = admin.post(url, {"action": "undo"}, follow=True).content.decode()
    assert "already undone" in again
