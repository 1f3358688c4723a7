"""The broker restarting under imports: a Redis server of the test's own, restarted.

Redis here keeps nothing on disk (`--save '' --appendonly no`), so a restart loses every
message it held, as a Redis without persistence, or a failover to an empty replica, does.
The job row, not the message, says what is to be done: the sweep that every worker runs
(leases.requeue_stalled_jobs) queues again a job nobody picked up, and a running import
acknowledged its message when it started, so it needs nothing from the broker to end.
"""

import os
import shutil
import socket
import subprocess
import time

import pytest
import redis

from common.rls import org_context
from salesforce_imports.models import ImportJob

from ..worker import LEASES, WorkerProcess, same_leases_as_workers, use_broker, worker_env
from .conftest import wait_for
from .test_import_engine import ALL, crm_counts, start
from .test_import_faults import assert_accounted, assert_no_duplicates

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

REDIS_SERVER = shutil.which("redis-server")  # Debian's package, which the Redis the suite needs comes with


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A throwaway redis-server on its own port, stopped and started again at will."""

    def __init__(self, port: int, log_path):
        self.port, self.log_path = port, log_path
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process = None

    def start(self) -> "RedisServer":
        log = open(self.log_path, "ab")  # noqa: SIM115 - the server writes to it until stopped
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if redis.Redis.from_url(self.url, socket_timeout=1).ping():
                    return self
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def restart(self, down_seconds: float = 1.0) -> None:
        self.stop()
        time.sleep(down_seconds)
        self.start()

    def queued(self) -> int:
        """Messages waiting in Celery's default queue."""
        return redis.Redis.from_url(self.url).llen("celery")


@pytest.fixture
def broker(tmp_path):
    if REDIS_SERVER is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but redis-server is not installed")
        pytest.skip("redis-server is not installed")
    server = RedisServer(free_port(), tmp_path / "redis.log").start()
    with use_broker(server.url):  # the web side (this process) publishes to it
        yield server
    server.stop()


@pytest.fixture
def start_worker(tmp_path, broker):
    workers = []

    def start_one(sandbox, name="brokerfaults") -> WorkerProcess:
        env = worker_env(sandbox) | {"CELERY_BROKER_URL": broker.url}
        worker = WorkerProcess(env, tmp_path / f"{name}-{len(workers)}.log", name)
        workers.append(worker)
        return worker.start()

    yield start_one
    for worker in workers:
        worker.stop()


@pytest.fixture
def org(sandbox_factory, admin_api, connect, settings):
    same_leases_as_workers(settings)
    settings.SALESFORCE_BATCH_SIZE = 200
    sandbox = sandbox_factory(records=2000, seed=23)
    assert connect(admin_api)["Location"].endswith("result=connected")
    return sandbox


def job_row(profile, job_id) -> ImportJob:
    with org_context(profile.org_id):
        return ImportJob.objects.get(pk=job_id)


def ended(admin_api, job_id, worker, timeout=90):
    body = wait_for(admin_api, job_id, lambda b: b["status"] not in ("PENDING", "IN_PROGRESS"), timeout)
    assert body["status"] == "COMPLETED", (body["failure_reason"], worker.log())
    return body


def test_a_queued_job_whose_message_a_restart_lost_still_runs(
    org, admin_api, admin_profile, broker, start_worker, capsys
):
    job_id = start(admin_api, ALL)
    assert broker.queued() == 1  # the message is in Redis, and nobody reads it yet
    broker.restart()
    assert broker.queued() == 0  # gone with the restart
    started = time.monotonic()
    worker = start_worker(org)
    ended(admin_api, job_id, worker)
    seconds = time.monotonic() - started
    job = job_row(admin_profile, job_id)
    assert_accounted(job, org)
    assert_no_duplicates(admin_profile)
    log = worker.log_path.read_text()
    assert "Requeued 1 import job" in log or "Resuming 1 import job" in log, log
    assert log.count("] received") == 1  # queued again once, run once
    # Queued again once: the requeue stamp keeps sweeps from doubling it.
    assert job.requeued_at is not None
    with capsys.disabled():
        print(
            f"\n  message lost in a broker restart: worker start -> job completed in {seconds:.1f} s "
            f"(the sweep queues a job left PENDING {LEASES['IMPORT_JOB_LEASE_SECONDS']} s)"
        )


def test_a_broker_restart_while_a_job_runs(org, admin_api, admin_profile, broker, start_worker, capsys):
    org.set_faults(latency_ms=100)  # long enough to stop Redis under it
    worker = start_worker(org)
    job_id = start(admin_api, ALL)
    wait_for(admin_api, job_id, lambda b: b["imported_count"] > 200)
    runner = job_row(admin_profile, job_id).runner
    broker.stop()
    assert job_row(admin_profile, job_id).status == "IN_PROGRESS"  # the broker went mid-job
    time.sleep(2)
    broker.start()
    org.set_faults(latency_ms=0)
    ended(admin_api, job_id, worker)
    job = job_row(admin_profile, job_id)
    assert job.runner == runner  # one run from start to end: nothing redelivered or doubled
    assert_accounted(job, org)
    assert_no_duplicates(admin_profile)
    before = crm_counts(admin_profile)

    # The worker found the restarted broker again: it runs the next import from it.
    reconnect_started = time.monotonic()
    again = start(admin_api, ALL)
    body = ended(admin_api, again, worker, timeout=60)
    seconds = time.monotonic() - reconnect_started
    assert body["imported_count"] == 0
    assert crm_counts(admin_profile) == before
    log = worker.log_path.read_text()
    assert "Requeued" not in log  # the next import came by its own message, not the sweep
    with capsys.disabled():
        print(
            f"\n  broker restarted mid-job: it completed; the next import ran {seconds:.1f} s after its start"
        )


def test_an_import_started_while_the_broker_is_down_fails_clearly_then_runs(
    org, admin_api, admin_profile, broker, start_worker, capsys
):
    broker.stop()
    began = time.monotonic()
    response = admin_api.post("/api/salesforce/import/", {"object_types": ["Account"]}, format="json")
    refused_in = time.monotonic() - began
    assert response.status_code == 202, response.content
    failed = job_row(admin_profile, response.json()["id"])
    # Nobody could ever run it: it ends at once rather than block the org's next import (409).
    assert failed.status == "FAILED" and "broker is unreachable" in failed.failure_reason
    assert failed.imported_count == 0
    assert refused_in < 10  # the web request does not hang on the missing broker
    broker.start()
    worker = start_worker(org)
    again = start(admin_api, ["Account"])
    ended(admin_api, again, worker)
    with capsys.disabled():
        print(
            f"\n  broker down at start: job failed clearly in {refused_in:.1f} s; once back, the next one ran"
        )
