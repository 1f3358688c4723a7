"""Two start requests for one org at the same instant: exactly one 202, one job, one queued task.

Each request runs in its own thread with its own PostgreSQL connection (transactional
test database, real commits), released together by a barrier. A second rendezvous just
before the job row is written holds both requests until each has passed every check, so
the database alone (the one-active-job-per-org constraint) decides who wins.
"""

import contextlib
import threading

import pytest
from django.db import connections

from common.rls import org_context
from salesforce_imports import tasks
from salesforce_imports.models import ImportJob, JobStatus

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 5


@pytest.fixture
def queued(monkeypatch):
    """The tasks the API queues (no worker here: the race is over the start, not the run)."""
    sent, lock = [], threading.Lock()

    def record(*args, **kwargs):
        with lock:
            sent.append(args[0])

    monkeypatch.setattr(tasks.run_import_task, "delay", record)
    return sent


@pytest.fixture
def rendezvous_before_insert(monkeypatch):
    """Both requests reach the job's INSERT together. If start_import ever serialises
    earlier (a lock taken before the insert), the first one waits here only briefly."""
    barrier = threading.Barrier(2, timeout=2)
    real_create = ImportJob.objects.create

    def create(**fields):
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()
        return real_create(**fields)

    monkeypatch.setattr(ImportJob.objects, "create", create)
    return barrier


def _post_at_once(clients, bodies):
    start = threading.Barrier(len(clients))
    responses = [None] * len(clients)

    def post(index):
        try:
            start.wait(timeout=10)
            responses[index] = clients[index].post("/api/salesforce/import/", bodies[index], format="json")
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(r is not None for r in responses), "a request did not finish"
    return responses


@pytest.mark.parametrize("second_mode", ["import", "preview"])
def test_two_starts_at_the_same_instant_make_one_job(
    connected, api_for, admin_profile, queued, rendezvous_before_insert, second_mode
):
    clients = [api_for(admin_profile), api_for(admin_profile)]
    bodies = [{"object_types": ["Account"]}, {"object_types": ["Contact"], "mode": second_mode}]
    winners = []
    for _ in range(ROUNDS):
        responses = _post_at_once(clients, bodies)
        assert sorted(r.status_code for r in responses) == [202, 409], [r.content for r in responses]
        won = next(r for r in responses if r.status_code == 202).json()
        lost = next(r for r in responses if r.status_code == 409).json()
        assert lost["job"] == won["id"]  # the 409 names the job that is running
        assert lost["detail"] == "An import is already running for this org."
        winners.append(won["id"])
        with org_context(admin_profile.org_id):
            active = list(ImportJob.objects.filter(status__in=[JobStatus.PENDING, JobStatus.IN_PROGRESS]))
            assert [str(job.pk) for job in active] == [won["id"]]
            # End it so the next round races again from an idle org.
            ImportJob.objects.filter(pk=won["id"]).update(status=JobStatus.CANCELLED)
    assert queued == winners  # each winner queued once, no loser queued
    with org_context(admin_profile.org_id):
        assert sorted(str(pk) for pk in ImportJob.objects.values_list("pk", flat=True)) == sorted(winners)


def test_another_orgs_start_at_the_same_instant_is_not_refused(
    connected, connect, api_for, admin_profile, other_admin_profile, queued, rendezvous_before_insert
):
    other_api = api_for(other_admin_profile)
    assert connect(other_api)["Location"].endswith("result=connected")
    responses = _post_at_once(
        [api_for(admin_profile), other_api], [{"object_types": ["Account"]}, {"object_types": ["Account"]}]
    )
    assert [r.status_code for r in responses] == [202, 202]
    for profile, response in zip((admin_profile, other_admin_profile), responses, strict=True):
        with org_context(profile.org_id):
            assert [str(pk) for pk in ImportJob.objects.values_list("pk", flat=True)] == [
                response.json()["id"]
            ]
