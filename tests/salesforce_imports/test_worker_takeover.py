"""A dead runner's import is taken over by any live worker: real worker processes, SIGKILL.

The workers run with a 0.5 s heartbeat, a 3 s lease and a 1 s sweep (tests/worker.py),
so a takeover is expected within about 4 s of the kill; production defaults give 90 s.
"""

import time

import pytest

from common.rls import org_context
from salesforce_imports.models import ImportJob, JobStatus

from ..worker import LEASES, same_leases_as_workers
from .conftest import wait_for
from .test_import_engine import ALL, start
from .test_import_faults import assert_accounted, assert_no_duplicates

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

TAKEOVER_BOUND = 30  # seconds: lease + sweep is ~4 s here; far past it means no takeover


def job_row(profile, job_id) -> ImportJob:
    with org_context(profile.org_id):
        return ImportJob.objects.get(pk=job_id)


def running_on(workers, job):
    """The worker process whose runner name the job carries."""
    return next(w for w in workers if job.runner.startswith(f"{w.name}@"))


def wait_for_runner_change(profile, job_id, old_runner, timeout=TAKEOVER_BOUND) -> tuple[float, str]:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        job = job_row(profile, job_id)
        if job.runner != old_runner or not job.is_active:
            return time.monotonic() - started, job.runner
        time.sleep(0.1)
    raise AssertionError(f"nobody took the job over in {timeout}s (runner still {old_runner})")


@pytest.fixture
def slow_org(sandbox_factory, admin_api, connect, settings):
    same_leases_as_workers(settings)  # the API's cancel judges leases as the workers do
    settings.SALESFORCE_BATCH_SIZE = 200
    sandbox = sandbox_factory(records=3000, seed=5)
    sandbox.set_faults(latency_ms=60)  # slow enough to kill the runner mid-job
    assert connect(admin_api)["Location"].endswith("result=connected")
    return sandbox


def assert_finished_exactly(admin_api, admin_profile, job_id, sandbox, workers):
    body = wait_for(admin_api, job_id, lambda b: b["status"] not in ("PENDING", "IN_PROGRESS"))
    assert body["status"] == "COMPLETED", (body["failure_reason"], [w.log() for w in workers])
    assert_accounted(job_row(admin_profile, job_id), sandbox)
    assert_no_duplicates(admin_profile)


def test_survivor_of_two_workers_takes_over_a_killed_runner(
    slow_org, admin_api, admin_profile, worker_factory, capsys
):
    workers = [worker_factory(slow_org, name="alpha"), worker_factory(slow_org, name="beta")]
    job_id = start(admin_api, ALL)
    wait_for(admin_api, job_id, lambda b: b["imported_count"] > 300)
    job = job_row(admin_profile, job_id)
    victim = running_on(workers, job)
    survivor = next(w for w in workers if w is not victim)
    victim.kill()
    seconds, runner = wait_for_runner_change(admin_profile, job_id, job.runner)
    assert runner.startswith(f"{survivor.name}@"), runner
    slow_org.set_faults(latency_ms=0)
    assert_finished_exactly(admin_api, admin_profile, job_id, slow_org, workers)
    assert "Requeued 1 import job" in survivor.log()
    with capsys.disabled():
        print(f"\n  kill -> takeover by the other worker: {seconds:.1f} s")


def test_a_new_worker_of_another_name_takes_over_when_the_only_one_died(
    slow_org, admin_api, admin_profile, worker_factory, capsys
):
    only = worker_factory(slow_org, name="lonely")
    job_id = start(admin_api, ALL)
    wait_for(admin_api, job_id, lambda b: b["imported_count"] > 300)
    job = job_row(admin_profile, job_id)
    only.kill()
    killed_at = time.monotonic()
    time.sleep(1)
    assert job_row(admin_profile, job_id).status == JobStatus.IN_PROGRESS  # nobody alive to notice
    slow_org.set_faults(latency_ms=0)
    newcomer = worker_factory(slow_org, name="newcomer")  # a rescheduled pod: a new name
    _, runner = wait_for_runner_change(admin_profile, job_id, job.runner)
    seconds = time.monotonic() - killed_at
    assert runner.startswith("newcomer@"), runner
    assert_finished_exactly(admin_api, admin_profile, job_id, slow_org, [only, newcomer])
    with capsys.disabled():
        print(f"\n  kill -> takeover by a new worker started 1 s later: {seconds:.1f} s")


def test_a_runner_alive_in_a_slow_salesforce_call_is_not_taken_over(
    slow_org, admin_api, admin_profile, worker_factory
):
    workers = [worker_factory(slow_org, name="patient"), worker_factory(slow_org, name="eager")]
    job_id = start(admin_api, ALL)
    wait_for(admin_api, job_id, lambda b: b["imported_count"] > 0)
    runner = job_row(admin_profile, job_id).runner
    slow_org.set_faults(latency_ms=4000)  # every call outlasts the 3 s lease
    time.sleep(10)  # three leases of silence from the import itself, none from its heartbeat
    assert job_row(admin_profile, job_id).runner == runner
    slow_org.set_faults(latency_ms=0)
    assert_finished_exactly(admin_api, admin_profile, job_id, slow_org, workers)
    assert job_row(admin_profile, job_id).runner == runner  # one runner from start to end
    for worker in workers:
        assert "Requeued" not in worker.log() and "taken over" not in worker.log()


def test_cancel_ends_a_job_whose_runner_is_gone_at_once(slow_org, admin_api, admin_profile, worker_factory):
    only = worker_factory(slow_org, name="doomed")
    job_id = start(admin_api, ALL)
    wait_for(admin_api, job_id, lambda b: b["imported_count"] > 300)
    only.kill()
    time.sleep(LEASES["IMPORT_JOB_LEASE_SECONDS"] + 0.5)  # past the lease: known to have no runner
    body = admin_api.post(f"/api/salesforce/import/{job_id}/cancel/").json()
    assert body["status"] == "CANCELLED"
    counts = job_row(admin_profile, job_id)
    # A worker that starts afterwards leaves the ended job alone.
    later = worker_factory(slow_org, name="later")
    time.sleep(2.5)  # a couple of sweeps
    after = job_row(admin_profile, job_id)
    assert after.status == JobStatus.CANCELLED
    assert after.imported_count == counts.imported_count
    assert "Requeued" not in later.log()
