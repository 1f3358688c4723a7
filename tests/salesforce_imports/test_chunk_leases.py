"""A scaled-out import's chunks (engine/chunks.py, engine/chunk_runner.py) in the database:
the chunk's lease, the chord body's check of the chunk rows, and counts that several
chunks add to one job at the same instant (PostgreSQL with row-level security, as crm_app)."""

import threading
from collections import Counter
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connections, transaction
from django.utils import timezone

from accounts.models import Account
from common.rls import org_context
from salesforce_imports.engine.chunk_runner import ChunkRunner, add_to_job, claim_chunk
from salesforce_imports.engine.chunks import may_continue, should_split
from salesforce_imports.engine.job import empty_progress
from salesforce_imports.engine.tally import Tally
from salesforce_imports.models import ImportChunk, ImportedRecord, ImportJob, JobStatus
from sfsandbox.ids import make_id

MARKER = "chunks:Account:test"


@pytest.fixture
def waiting_job(admin_profile):
    """A job handed to its Account chunks (the runner is the fan-out's marker), with three."""
    with org_context(admin_profile.org_id):
        job = ImportJob.objects.create(
            org_id=admin_profile.org_id,
            object_types=["Account"],
            status=JobStatus.IN_PROGRESS,
            runner=MARKER,
            heartbeat_at=timezone.now(),
            progress={"Account": empty_progress(300)},
        )
        for number in (1, 2, 3):
            ImportChunk.objects.create(org_id=job.org_id, job=job, sobject="Account", number=number)
    with org_context(admin_profile.org_id):
        yield job


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_chunk_is_claimed_by_one_runner_until_its_heartbeat_is_older_than_the_lease(waiting_job, settings):
    chunk = ImportChunk.objects.filter(job=waiting_job).first()
    assert claim_chunk(chunk.pk, "alpha@h/1") is not None
    assert claim_chunk(chunk.pk, "beta@h/2") is None  # held: its heartbeat is fresh
    stale = timezone.now() - timedelta(seconds=settings.IMPORT_JOB_LEASE_SECONDS + 1)
    ImportChunk.objects.filter(pk=chunk.pk).update(heartbeat_at=stale)
    assert claim_chunk(chunk.pk, "beta@h/2").runner == "beta@h/2"  # the dead one's, taken over
    ImportChunk.objects.filter(pk=chunk.pk).update(status="done", heartbeat_at=stale)
    assert claim_chunk(chunk.pk, "gamma@h/3") is None  # a done chunk is never run again


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_chords_body_goes_on_only_when_every_chunk_has_ended(waiting_job):
    chunks = ImportChunk.objects.filter(job=waiting_job)
    assert not may_continue(waiting_job.pk, "Account", MARKER)
    chunks.exclude(number=3).update(status="done")
    assert not may_continue(waiting_job.pk, "Account", MARKER)  # one still to do: a member that died
    chunks.filter(number=3).update(status="failed")
    assert may_continue(waiting_job.pk, "Account", MARKER)  # ended: the runner fails the job with it
    assert not may_continue(waiting_job.pk, "Account", "chunks:Account:an-older-fan-out")
    chunks.update(status="in_progress")
    ImportJob.objects.filter(pk=waiting_job.pk).update(cancel_requested=True)
    assert may_continue(waiting_job.pk, "Account", MARKER)  # cancelled: go on, to end it


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_batches_of_chunks_committing_at_once_add_up_exactly(waiting_job, admin_profile):
    batches_each, runners = 25, 4

    def commit_batches(worker: int):
        with org_context(admin_profile.org_id):
            for _ in range(batches_each):
                tally = Tally(imported=3, skipped=1, errors=worker % 2, unmatched_owners=Counter({"005A": 1}))
                with transaction.atomic():
                    assert add_to_job(waiting_job.pk, MARKER, "Account", tally, calls=1)
        connections.close_all()

    threads = [threading.Thread(target=commit_batches, args=(n,)) for n in range(runners)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    job = ImportJob.objects.get(pk=waiting_job.pk)
    batches = batches_each * runners
    assert (job.imported_count, job.skipped_count, job.error_count) == (3 * batches, batches, batches // 2)
    entry = job.progress["Account"]
    assert (entry["imported"], entry["skipped"], entry["errors"]) == (3 * batches, batches, batches // 2)
    assert entry["total"] == 300 and "updated" not in entry  # the rest of the entry untouched
    assert job.unmatched_owners == {"005A": batches} and job.api_calls == batches
    # Once the job is no longer this fan-out's, a batch adds nothing (and must roll back).
    ImportJob.objects.filter(pk=job.pk).update(runner="someone-else")
    assert not add_to_job(job.pk, MARKER, "Account", Tally(imported=1), calls=0)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_only_a_big_type_of_a_real_first_import_is_split(waiting_job, settings):
    settings.IMPORT_PARALLELISM, settings.IMPORT_CHUNK_MIN_RECORDS = 4, 100
    waiting_job.progress["Contact"] = empty_progress(101)

    def runner(preview=False, deltas=()):
        return SimpleNamespace(job=waiting_job, preview=preview, deltas=dict.fromkeys(deltas))

    assert should_split(runner(), "Contact")
    assert not should_split(runner(preview=True), "Contact")  # a preview runs in one transaction
    assert not should_split(runner(deltas=["Contact"]), "Contact")  # a re-import asks for changes only
    waiting_job.progress["Contact"]["last_id"] = "003Sx0000000001AAA"
    assert not should_split(runner(), "Contact")  # begun by a single runner: it carries on
    waiting_job.progress["Contact"] = empty_progress(100)
    assert not should_split(runner(), "Contact")  # not more than IMPORT_CHUNK_MIN_RECORDS
    settings.IMPORT_PARALLELISM = 1
    assert not should_split(runner(), "Contact")
    assert should_split(runner(), "Account")  # split before: stays in chunks whatever the settings


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_name_another_chunk_took_meanwhile_is_told_apart_as_one_runner_would(waiting_job):
    """Two chunks prepare accounts of the same name before either writes (their batches run
    side by side): the second to commit is prepared again and gets a told-apart name, as the
    later record of one runner does, instead of the CRM refusing it."""
    first, second = ImportChunk.objects.filter(job=waiting_job).order_by("number")[:2]
    ImportChunk.objects.filter(pk__in=[first.pk, second.pk]).update(status="in_progress", runner="r/1")
    client = SimpleNamespace(api_calls=0)  # writing makes no Salesforce call
    runners = [
        ChunkRunner(waiting_job, chunk, client, "r/1", MARKER, [], (), heartbeat=None)
        for chunk in (first, second)
    ]
    records = [
        [{"attributes": {"type": "Account"}, "Id": make_id("Account", n), "Name": "Acme Rockets"}]
        for n in (1, 900)
    ]
    plans = [runner.importer.prepare(batch) for runner, batch in zip(runners, records, strict=True)]
    for runner, batch, plan in zip(runners, records, plans, strict=True):
        with transaction.atomic():
            runner._write_batch(batch, plan)
    names = sorted(Account.objects.values_list("name", flat=True))
    assert names == ["Acme Rockets", f"Acme Rockets ({make_id('Account', 900)})"]
    job = ImportJob.objects.get(pk=waiting_job.pk)
    assert (job.imported_count, job.error_count, job.warning_count) == (2, 0, 1)
    assert ImportedRecord.objects.filter(import_job_id=job.pk).count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_chunk_started_again_and_again_ends_failed_instead_of_for_ever(waiting_job, settings):
    settings.IMPORT_DATABASE_RETRIES = 2
    chunk = ImportChunk.objects.filter(job=waiting_job).first()
    stale = timezone.now() - timedelta(seconds=settings.IMPORT_JOB_LEASE_SECONDS + 1)
    for attempt in range(1, 4):  # the first run and two more after it lost its database
        assert claim_chunk(chunk.pk, f"worker@h/{attempt}") is not None, attempt
        ImportChunk.objects.filter(pk=chunk.pk).update(heartbeat_at=stale)
    assert claim_chunk(chunk.pk, "worker@h/4") is None
    chunk.refresh_from_db()
    assert chunk.status == "failed" and chunk.claims == 4
    assert "started 4 times" in chunk.failure_reason
    assert claim_chunk(chunk.pk, "worker@h/5") is None  # ended: never run again (it fails the job)
