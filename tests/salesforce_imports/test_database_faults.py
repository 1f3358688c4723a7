"""The database failing under a running import, with a real worker process.

The writer's connection killed by the server in the middle of a batch (`pg_terminate_backend`,
as an administrator or a failover does); PostgreSQL gone for a few seconds (every connection
dropped, new ones refused) or silent (connections taken, never answered), through a relay
the test cuts (tests/pgproxy.py), since the shared server cannot be stopped. Each time the
batch in flight is rolled back with its counters and cursor, the task runs the job again
from its cursor once the database answers (tasks.retry_when_the_database_is_back), and the
job ends with every record in one bucket, once. Out of retries, it fails saying why and a
re-run brings exactly what it had not committed."""

import time

import psycopg
import pytest
from django.db import connection

from common.rls import org_context
from salesforce_imports.models import ImportJob, JobStatus

from ..pgproxy import TcpRelay
from ..worker import WorkerProcess, same_leases_as_workers, use_redis_broker, worker_env
from .conftest import wait_for
from .test_import_engine import ALL, start
from .test_import_faults import assert_accounted, assert_no_duplicates

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

SUPERUSER_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
APP_NAME = "crm-faults-worker"  # how the test tells the worker's backends from its own
# Seconds from the fault's end to the import going on: a retry pause, a sweep, a 2 s connect
# timeout fit many times over; psycopg's own connect timeout (130 s) or a hang do not.
RECOVERY_BOUND = 30


def job_row(profile, job_id) -> ImportJob:
    with org_context(profile.org_id):
        return ImportJob.objects.get(pk=job_id)


def worker_database_url(port: int) -> str:
    db = connection.settings_dict
    return (
        f"postgres://{db['USER']}:{db['PASSWORD']}@127.0.0.1:{port}/{db['NAME']}?application_name={APP_NAME}"
    )


@pytest.fixture
def slow_org(sandbox_factory, admin_api, connect, settings):
    same_leases_as_workers(settings)
    settings.SALESFORCE_BATCH_SIZE = 200  # many batches: the fault lands mid-job
    sandbox = sandbox_factory(records=2000, seed=17)
    sandbox.set_faults(latency_ms=40)
    assert connect(admin_api)["Location"].endswith("result=connected")
    return sandbox


@pytest.fixture
def start_worker(tmp_path):
    workers = []

    def start_one(sandbox, database_port: int = 5432, **settings) -> WorkerProcess:
        env = worker_env(sandbox) | {"DATABASE_URL": worker_database_url(database_port)}
        env |= {name: str(value) for name, value in settings.items()}
        worker = WorkerProcess(env, tmp_path / f"worker-{len(workers)}.log", "dbfaults")
        workers.append(worker)
        return worker.start()

    with use_redis_broker():
        yield start_one
    for worker in workers:
        worker.stop()


def terminate_the_writer_while_it_writes(timeout=30) -> dict:
    """Poll the worker's backends until one is inside a batch's write, and kill it there."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(SUPERUSER_DSN, autocommit=True) as admin:
        while time.monotonic() < deadline:
            row = admin.execute(
                """
                SELECT pid, state, left(query, 60), pg_terminate_backend(pid)
                FROM pg_stat_activity
                WHERE datname = %s AND application_name = %s AND usename = 'crm_app'
                  AND state IN ('active', 'idle in transaction')
                  AND (query LIKE 'COPY %%' OR query LIKE 'INSERT INTO %%'
                       OR query LIKE 'CREATE TEMP TABLE%%')
                LIMIT 1
                """,
                [connection.settings_dict["NAME"], APP_NAME],
            ).fetchone()
            if row:
                pid, state, query, terminated = row
                return {"pid": pid, "state": state, "query": query, "terminated": terminated}
            time.sleep(0.005)
    raise AssertionError("the worker never wrote a batch")


def moved_past(before: ImportJob):
    """The job's committed counters went past `before` (or it ended): it runs again."""
    committed = before.imported_count + before.error_count
    return lambda b: b["imported_count"] + b["error_count"] > committed or b["status"] != "IN_PROGRESS"


def finished(admin_api, job_id, worker):
    body = wait_for(admin_api, job_id, lambda b: b["status"] not in ("PENDING", "IN_PROGRESS"), timeout=90)
    assert body["status"] == "COMPLETED", (body["failure_reason"], worker.log())
    return body


def test_the_writers_connection_killed_mid_batch(slow_org, admin_api, admin_profile, start_worker, capsys):
    worker = start_worker(slow_org)
    job_id = start(admin_api, ALL)
    wait_for(admin_api, job_id, lambda b: b["imported_count"] > 200)
    killed = terminate_the_writer_while_it_writes()
    assert killed["terminated"], killed
    killed_at = time.monotonic()
    before = job_row(admin_profile, job_id)
    # The job goes on from its cursor: counters move again past what was committed.
    wait_for(admin_api, job_id, moved_past(before), timeout=RECOVERY_BOUND)
    resumed_after = time.monotonic() - killed_at
    slow_org.set_faults(latency_ms=0)
    finished(admin_api, job_id, worker)
    job = job_row(admin_profile, job_id)
    assert_accounted(job, slow_org)
    assert_no_duplicates(admin_profile)
    log = worker.log_path.read_text()
    assert "lost the database" in log and "retry 1 of" in log, log
    assert "Unexpected error" not in log
    with capsys.disabled():
        print(
            f"\n  writer killed in {killed['query'][:12]!r}: the import went on {resumed_after:.1f} s later"
        )


def test_postgres_gone_for_seconds(slow_org, admin_api, admin_profile, start_worker, capsys):
    relay = TcpRelay().start()
    try:
        worker = start_worker(slow_org, database_port=relay.port)
        job_id = start(admin_api, ALL)
        wait_for(admin_api, job_id, lambda b: b["imported_count"] > 200)
        dropped = relay.outage(seconds=4)
        assert dropped >= 1  # the worker's connections were cut, not just idle
        restored_at = time.monotonic()
        before = job_row(admin_profile, job_id)
        assert before.status == JobStatus.IN_PROGRESS  # not failed: it waits for the database
        wait_for(admin_api, job_id, moved_past(before), timeout=RECOVERY_BOUND)
        recovered_after = time.monotonic() - restored_at
        slow_org.set_faults(latency_ms=0)
        finished(admin_api, job_id, worker)
    finally:
        relay.close()
    job = job_row(admin_profile, job_id)
    assert_accounted(job, slow_org)
    assert_no_duplicates(admin_profile)
    log = worker.log_path.read_text()
    assert "lost the database" in log, log
    assert "Unexpected error" not in log
    with capsys.disabled():
        print(
            f"\n  PostgreSQL gone 4 s ({dropped} connections cut): import going again "
            f"{recovered_after:.1f} s after it came back"
        )


def test_out_of_retries_the_job_fails_clearly_and_a_rerun_completes(
    slow_org, admin_api, admin_profile, start_worker
):
    worker = start_worker(slow_org, IMPORT_DATABASE_RETRIES=0)  # the first loss is the last
    job_id = start(admin_api, ALL)
    wait_for(admin_api, job_id, lambda b: b["imported_count"] > 200)
    assert terminate_the_writer_while_it_writes()["terminated"]
    body = wait_for(admin_api, job_id, lambda b: b["status"] not in ("PENDING", "IN_PROGRESS"))
    assert body["status"] == "FAILED", worker.log()
    reason = body["failure_reason"]
    assert reason.startswith("The database connection was lost (") and "each of 1 attempt(s)" in reason, (
        reason
    )
    failed = job_row(admin_profile, job_id)
    assert 0 < failed.imported_count < failed.total_records  # it stopped part way
    assert_no_duplicates(admin_profile)  # what it committed, whole batches, and nothing else

    slow_org.set_faults(latency_ms=0)
    rerun_id = start(admin_api, ALL)
    finished(admin_api, rerun_id, worker)
    rerun = job_row(admin_profile, rerun_id)
    assert_accounted(rerun, slow_org)
    assert_no_duplicates(admin_profile)
    # Every record the failed job committed is known now; nothing it did not commit is.
    assert rerun.skipped_count == failed.imported_count + failed.matched_count


def test_postgres_silent_for_seconds(slow_org, admin_api, admin_profile, start_worker, capsys):
    """No refusal, no answer: without a connect timeout the worker would wait for ever."""
    relay = TcpRelay().start()
    try:
        worker = start_worker(slow_org, database_port=relay.port, DATABASE_CONNECT_TIMEOUT=2)
        job_id = start(admin_api, ALL)
        wait_for(admin_api, job_id, lambda b: b["imported_count"] > 200)
        dropped = relay.outage(seconds=4, silent=True)
        assert dropped >= 1
        unanswered = relay.held
        assert unanswered >= 1  # the worker did try to connect into the silence
        restored_at = time.monotonic()
        before = job_row(admin_profile, job_id)
        wait_for(admin_api, job_id, moved_past(before), timeout=RECOVERY_BOUND)
        recovered_after = time.monotonic() - restored_at
        slow_org.set_faults(latency_ms=0)
        finished(admin_api, job_id, worker)
    finally:
        relay.close()
    job = job_row(admin_profile, job_id)
    assert_accounted(job, slow_org)
    assert_no_duplicates(admin_profile)
    assert "timeout expired" in worker.log_path.read_text()  # the connect timeout ended the wait
    with capsys.disabled():
        print(
            f"\n  PostgreSQL silent 4 s ({unanswered} connection attempts unanswered): import going again "
            f"{recovered_after:.1f} s after it answered again"
        )
