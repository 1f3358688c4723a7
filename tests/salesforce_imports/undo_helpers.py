"""What the undo tests share: the import they undo (`imported`), the API call that asks for the
undo, the in-process run, and `no_queue`, which keeps the API from queueing the task."""

import pytest

from common.rls import org_context
from salesforce_imports import tasks, undo
from salesforce_imports.models import ImportJob, JobStatus

from .test_import_engine import run, start

EVERYTHING = [
    "Product2",
    "Account",
    "Contact",
    "Opportunity",
    "Lead",
    "Case",
    "Order",
    "Quote",
    "Task",
    "Event",
    "Note",
]


def ask_undo(api, job_id):
    response = api.post(f"/api/salesforce/import/{job_id}/undo/")
    assert response.status_code == 202, response.content
    assert response.json()["status"] == JobStatus.UNDOING
    return response.json()


def run_undo(profile, job_id, runner="test/undo", takeover_from=None):
    with org_context(profile.org_id):
        undo.run_undo(job_id, runner=runner, takeover_from=takeover_from)
        return ImportJob.objects.get(pk=job_id)


@pytest.fixture
def no_queue(monkeypatch):
    """The API's undo queues nothing; the test runs the undo in-process."""
    sent = []
    monkeypatch.setattr(tasks.run_undo_task, "delay", lambda *args, **kwargs: sent.append(args))
    return sent


@pytest.fixture
def imported(sandbox_factory, admin_api, admin_profile, connect):
    sandbox = sandbox_factory(records=300, seed=11)
    assert connect(admin_api)["Location"].endswith("result=connected")
    job = run(admin_profile, start(admin_api, EVERYTHING))
    assert job.status == JobStatus.COMPLETED, job.failure_reason
    assert job.imported_count > 0
    return sandbox, job
