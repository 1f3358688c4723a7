"""One import spread over several Celery workers (IMPORT_PARALLELISM, engine/chunks.py).

Two real worker processes on Redis import the sandbox org in Id-range chunks; the same
sandbox imported by one runner into a second CRM org is the yardstick: the same Salesforce
Ids, the same host rows, the same buckets and problems, no duplicate. The Id-range split
is tested on its own against Salesforce's documented PK-chunking boundaries.
"""

import time
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common.rls import org_context
from salesforce_imports import services
from salesforce_imports.engine.chunks import BASE62, id_ranges, in_range
from salesforce_imports.models import ImportChunk, ImportedRecord, ImportJob, ImportProblem, JobStatus

from ..worker import same_leases_as_workers
from .conftest import wait_for
from .test_import_engine import ALL, FETCHED_TYPES, crm_counts, start
from .test_import_faults import assert_accounted, assert_no_duplicates

CHUNK_MIN_RECORDS = 100
BUCKETS = ("total", "imported", "matched", "skipped", "errors", "warnings")
JOB_COUNTERS = (
    "total_records",
    "imported_count",
    "matched_count",
    "skipped_count",
    "error_count",
    "warning_count",
    "updated_count",
)


# -- the split (no database) --------------------------------------------------------------------
def test_boundaries_are_salesforces_pk_chunking_ones():
    # The PK-chunking example of Salesforce's Bulk API guide: 250,000 records per chunk from
    # 001300000000000 gives 00130000000132G, 00130000000264W, 00130000000396m.
    first = "001300000000000"
    last = first[:-4] + base62(999_999, width=4)  # a million records: four chunks of 250,000
    assert id_ranges(first, last, 4) == [
        ("", "00130000000132G"),
        ("00130000000132G", "00130000000264W"),
        ("00130000000264W", "00130000000396m"),
        ("00130000000396m", ""),
    ]


def base62(value: int, width: int) -> str:
    digits = ""
    for _ in range(width):
        value, digit = divmod(value, 62)
        digits = BASE62[digit] + digits
    return digits


def test_eighteen_character_ids_split_like_their_fifteen_character_form():
    assert id_ranges("001Sx0000000001AAA", "001Sx0000000ZZZAAA", 3) == id_ranges(
        "001Sx0000000001", "001Sx0000000ZZZ", 3
    )


@pytest.mark.parametrize(
    ("first", "last", "parts"),
    [
        ("001Sx0000000001", "001Sx0000000001", 4),  # one record
        ("001Sx0000000001", "001Sx0000000002", 4),  # fewer Ids than parts
        ("001Sx0000000001", "003Sx0000000009", 4),  # not one object: no split
        ("001Sx0000000001", "001Sx000000zzzz", 1),
    ],
)
def test_degenerate_spans_give_fewer_ranges_still_covering_everything(first, last, parts):
    ranges = id_ranges(first, last, parts)
    assert 1 <= len(ranges) <= max(parts, 1)
    assert ranges[0][0] == "" and ranges[-1][1] == ""
    for record_id in (first, last):
        assert sum(in_range(record_id, lo, hi) for lo, hi in ranges) == 1


ids = st.text(alphabet=BASE62, min_size=12, max_size=12).map(lambda digits: "001" + digits)


@given(st.lists(ids, min_size=1, max_size=60, unique=True), st.integers(min_value=1, max_value=16))
def test_every_id_falls_in_exactly_one_range_in_id_order(record_ids, parts):
    record_ids.sort()  # SOQL's ORDER BY Id: base-62 digits in ASCII order
    ranges = id_ranges(record_ids[0], record_ids[-1], parts)
    assert len(ranges) <= parts
    bounds = [hi for _, hi in ranges[:-1]]
    assert bounds == sorted(set(bounds)) and all(len(b) == 15 and b[:3] == "001" for b in bounds)
    assert all(ranges[i][1] == ranges[i + 1][0] for i in range(len(ranges) - 1))  # contiguous
    homes = [[n for n, (lo, hi) in enumerate(ranges) if in_range(i, lo, hi)] for i in record_ids]
    assert all(len(home) == 1 for home in homes)
    assert [h[0] for h in homes] == sorted(h[0] for h in homes)  # ranges follow Id order
    if parts > 1 and len(record_ids) > parts * 4:
        assert len(ranges) > 1  # a spread-out object is really split


# -- two real workers ----------------------------------------------------------------------------
def with_workers(test):
    for mark in (pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)):
        test = mark(test)
    return test


@pytest.fixture
def chunked_org(sandbox_factory, admin_api, api_for, other_admin_profile, connect, settings, monkeypatch):
    """A sandbox org connected to two CRM orgs: Acme (imported by the workers, in chunks)
    and Globex (the yardstick, imported by one runner in this process)."""

    def make(records=3000, parallelism=4):
        same_leases_as_workers(settings)
        settings.SALESFORCE_BATCH_SIZE = 200
        settings.IMPORT_PARALLELISM = 1  # this process's own (yardstick) import: one runner
        sandbox = sandbox_factory(records=records, seed=5)
        assert connect(admin_api)["Location"].endswith("result=connected")
        assert connect(api_for(other_admin_profile))["Location"].endswith("result=connected")
        # The workers' environment (worker_env copies ours).
        monkeypatch.setenv("IMPORT_PARALLELISM", str(parallelism))
        monkeypatch.setenv("IMPORT_CHUNK_MIN_RECORDS", str(CHUNK_MIN_RECORDS))
        return sandbox

    return make


def one_runner_import(profile) -> ImportJob:
    with org_context(profile.org_id):
        job = services.start_import(profile.org_id, ALL, started_by=profile, dispatch=False)
        services.run_import(job.pk, runner="yardstick/1")
        job.refresh_from_db()
    assert job.status == JobStatus.COMPLETED, job.failure_reason
    assert not ImportChunk.unscoped.filter(job=job).exists()
    return job


def job_row(profile, job_id) -> ImportJob:
    with org_context(profile.org_id):
        return ImportJob.objects.get(pk=job_id)


def chunks_of(profile, job_id) -> list[ImportChunk]:
    with org_context(profile.org_id):
        return list(ImportChunk.objects.filter(job_id=job_id))


def what_was_imported(profile, job) -> dict:
    with org_context(profile.org_id):
        salesforce_ids = {
            sobject: set(
                ImportedRecord.objects.filter(salesforce_object_type=sobject).values_list(
                    "salesforce_id", flat=True
                )
            )
            for sobject in FETCHED_TYPES
        }
        problems = Counter(
            ImportProblem.objects.filter(job=job).values_list("object_type", "severity").iterator()
        )
    return {
        "salesforce_ids": salesforce_ids,
        "crm_rows": crm_counts(profile),
        "problems": problems,
        "buckets": {s: {k: job.progress[s][k] for k in BUCKETS} for s in FETCHED_TYPES},
        "counters": {name: getattr(job, name) for name in JOB_COUNTERS},
        "unknown_values": sorted(
            (u["object_type"], u["field"], u["value"], u["count"]) for u in job.unknown_values
        ),
        "unmatched_owners": job.unmatched_owners,
    }


def assert_same_as_one_runner(profile, job, sandbox, yardstick_profile, yardstick):
    assert job.status == JobStatus.COMPLETED, job.failure_reason
    assert_accounted(job, sandbox)
    assert_no_duplicates(profile)
    ours, theirs = what_was_imported(profile, job), what_was_imported(yardstick_profile, yardstick)
    for key in ours:
        assert ours[key] == theirs[key], key
    assert sum(len(ids) for ids in ours["salesforce_ids"].values()) == job.imported_count + job.matched_count


def assert_chunks_add_up(profile, job, parallelism):
    chunks = chunks_of(profile, job.pk)
    chunked = {c.sobject for c in chunks}
    # Every type above IMPORT_CHUNK_MIN_RECORDS went in chunks, the small ones in the runner.
    assert chunked == {s for s in FETCHED_TYPES if job.progress[s]["total"] > CHUNK_MIN_RECORDS}
    for sobject in chunked:
        mine = [c for c in chunks if c.sobject == sobject]
        assert all(c.status == "done" for c in mine), [(c.number, c.status) for c in mine]
        assert 2 <= len(mine) <= parallelism
        for key in ("imported", "matched", "skipped", "errors"):
            assert sum(getattr(c, key) for c in mine) == job.progress[sobject][key], (sobject, key)
        # Links settled at the job's end add their warnings to the type's count afterwards.
        assert sum(c.warnings for c in mine) <= job.progress[sobject]["warnings"]
    return chunks


@with_workers
def test_two_workers_import_the_same_rows_as_one_runner(
    chunked_org, admin_api, admin_profile, other_admin_profile, worker_factory, capsys
):
    sandbox = chunked_org(records=3000, parallelism=4)
    yardstick = one_runner_import(other_admin_profile)
    workers = [worker_factory(sandbox, name="alpha"), worker_factory(sandbox, name="beta")]
    started = time.monotonic()
    job_id = start(admin_api, ALL)
    body = wait_for(admin_api, job_id, ended, timeout=300)
    seconds = time.monotonic() - started
    assert body["status"] == "COMPLETED", (body["failure_reason"], [w.log() for w in workers])
    job = job_row(admin_profile, job_id)
    assert_same_as_one_runner(admin_profile, job, sandbox, other_admin_profile, yardstick)
    chunks = assert_chunks_add_up(admin_profile, job, parallelism=4)
    assert {"Product2", "PricebookEntry"}.isdisjoint({c.sobject for c in chunks})  # small: one runner
    # Both workers imported chunks: the import really was spread over them.
    assert {c.runner.split("@")[0] for c in chunks} == {"alpha", "beta"}
    for worker in workers:
        assert "Traceback" not in worker.log(), worker.log()
    with capsys.disabled():
        print(f"\n  {len(chunks)} chunks on two workers: {job.total_records} records in {seconds:.1f} s")


@with_workers
def test_a_worker_killed_while_its_chunk_runs_loses_nothing(
    chunked_org, admin_api, admin_profile, other_admin_profile, worker_factory, capsys
):
    # Two chunks per type of a bigger org: several batches each, so a kill lands inside one.
    sandbox = chunked_org(records=6000, parallelism=2)
    yardstick = one_runner_import(other_admin_profile)
    workers = [worker_factory(sandbox, name="alpha"), worker_factory(sandbox, name="beta")]
    sandbox.set_faults(latency_ms=300)  # each next page takes a while: the kill lands mid-chunk
    job_id = start(admin_api, ALL)
    victim_chunk = wait_for_chunk_in_flight(admin_profile, job_id)
    victim = next(w for w in workers if victim_chunk.runner.startswith(f"{w.name}@"))
    survivor = next(w for w in workers if w is not victim)
    victim.kill()
    killed_at = time.monotonic()
    sandbox.set_faults(latency_ms=0)
    body = wait_for(admin_api, job_id, ended, timeout=300)
    assert body["status"] == "COMPLETED", (body["failure_reason"], survivor.log())
    job = job_row(admin_profile, job_id)
    assert_same_as_one_runner(admin_profile, job, sandbox, other_admin_profile, yardstick)
    assert_chunks_add_up(admin_profile, job, parallelism=2)
    # The killed runner's chunk was finished by the survivor, from after its last committed
    # batch (the counts above are exact, so nothing was imported twice or skipped).
    resumed = next(c for c in chunks_of(admin_profile, job_id) if c.pk == victim_chunk.pk)
    assert resumed.runner.startswith(f"{survivor.name}@"), resumed.runner
    assert resumed.last_id > victim_chunk.last_id
    # The chord with the dead member never fired: the sweep brought the job back.
    assert "Requeued 1 import job" in survivor.log_path.read_text()
    with capsys.disabled():
        print(f"\n  kill inside a chunk -> import completed {time.monotonic() - killed_at:.1f} s later")


def wait_for_chunk_in_flight(profile, job_id, timeout=120) -> ImportChunk:
    """A chunk being imported by a live worker: a batch or two committed, more pages to come
    (Contact's chunks hold about 700 records here, pages 200)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for chunk in chunks_of(profile, job_id):
            done = chunk.imported + chunk.matched + chunk.skipped + chunk.errors
            if chunk.sobject == "Contact" and chunk.status == "in_progress" and 0 < done <= 400:
                return chunk
        time.sleep(0.05)
    raise AssertionError("no chunk was ever in flight")


def ended(body) -> bool:
    return body["status"] not in ("PENDING", "IN_PROGRESS")


@with_workers
def test_cancel_stops_every_chunk(chunked_org, admin_api, admin_profile, worker_factory):
    sandbox = chunked_org(records=6000, parallelism=2)
    workers = [worker_factory(sandbox, name="alpha"), worker_factory(sandbox, name="beta")]
    sandbox.set_faults(latency_ms=300)
    job_id = start(admin_api, ALL)
    wait_for_chunk_in_flight(admin_profile, job_id)
    assert admin_api.post(f"/api/salesforce/import/{job_id}/cancel/").status_code == 202
    body = wait_for(admin_api, job_id, ended, timeout=60)
    assert body["status"] == "CANCELLED", [w.log() for w in workers]
    stopped = chunks_of(admin_profile, job_id)
    assert any(c.status != "done" for c in stopped)  # it stopped inside the chunked types
    time.sleep(2)  # two sweeps of the workers: no chunk goes on, nothing more is written
    assert [(c.pk, c.last_id, c.imported) for c in chunks_of(admin_profile, job_id)] == [
        (c.pk, c.last_id, c.imported) for c in stopped
    ]
    job = job_row(admin_profile, job_id)
    assert job.status == JobStatus.CANCELLED
    # The counts are what was committed, chunks and runner alike.
    with org_context(admin_profile.org_id):
        imported = ImportedRecord.objects.filter(import_job_id=job_id, outcome="imported").count()
    assert job.imported_count == imported
    assert_no_duplicates(admin_profile)


@with_workers
def test_a_chunk_that_fails_fails_the_job_clearly_and_a_rerun_completes(
    chunked_org, admin_api, admin_profile, other_admin_profile, worker_factory
):
    sandbox = chunked_org(records=6000, parallelism=2)
    yardstick = one_runner_import(other_admin_profile)
    workers = [worker_factory(sandbox, name="alpha"), worker_factory(sandbox, name="beta")]
    sandbox.set_faults(latency_ms=300)
    job_id = start(admin_api, ALL)
    wait_for_chunk_in_flight(admin_profile, job_id)
    # The next query page anyone reads points off Salesforce: refused at once, never followed.
    sandbox.set_faults(latency_ms=0, foreign_next_url_at=sandbox.stats()["api_calls"] + 1)
    body = wait_for(admin_api, job_id, ended, timeout=120)
    assert body["status"] == "FAILED", [w.log() for w in workers]
    assert "Refused Salesforce's next-page URL" in body["failure_reason"], body["failure_reason"]
    assert "Unexpected error" not in body["failure_reason"]
    failed = job_row(admin_profile, job_id)
    assert any(
        c.status == "failed" and c.failure_reason == failed.failure_reason
        for c in chunks_of(admin_profile, job_id)
    )
    with org_context(admin_profile.org_id):
        committed = ImportedRecord.objects.filter(import_job_id=job_id).count()
    assert 0 < committed == failed.imported_count + failed.matched_count
    assert_no_duplicates(admin_profile)

    again = start(admin_api, ALL)  # not a re-import of anything: the failed job left no marks
    body = wait_for(admin_api, again, ended, timeout=300)
    assert body["status"] == "COMPLETED", (body["failure_reason"], [w.log() for w in workers])
    rerun = job_row(admin_profile, again)
    assert_accounted(rerun, sandbox)
    assert rerun.skipped_count == committed  # what the failed job committed is skipped, once
    assert_no_duplicates(admin_profile)
    assert (
        crm_counts(admin_profile)
        == crm_counts(other_admin_profile)
        == what_was_imported(other_admin_profile, yardstick)["crm_rows"]
    )
