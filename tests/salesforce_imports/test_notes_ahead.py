"""Lightning notes read ahead from the job's start (engine/notes_ahead.py), against the
sandbox org over HTTP: what lands is what the turn alone would land, at the same API calls;
a re-import makes no body call; a cancel stops the read; a body that failed ahead is
fetched at its turn; the API reserve stops the read before it is spent."""

import threading
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from activities.models import Note
from common.rls import org_context
from salesforce_imports.client import SalesforceClient
from salesforce_imports.engine import notes, notes_ahead
from salesforce_imports.engine.notes import ContentNoteFetcher
from salesforce_imports.engine.notes_ahead import NotesAhead
from salesforce_imports.engine.sources import RecordSource
from salesforce_imports.mapping.notes import BODY, BODY_ERROR, LINKS
from salesforce_imports.models import (
    ImportedRecord,
    ImportJob,
    ImportProblem,
    JobStatus,
    SalesforceConnection,
)
from sfsandbox.app import rest as sandbox_rest
from sfsandbox.app.http import rest_error
from sfsandbox.ids import index_from_id

from .test_import_engine import run, start
from .test_import_faults import kill_runner_at_batch, run_in_background

pytestmark = pytest.mark.django_db(transaction=True)

TYPES = ["Note"]  # classic notes, then Lightning notes
THREADS = ("notes-ahead", "note-body")  # the read ahead, its body pool, the turn's body pool


@pytest.fixture
def notes_org(sandbox_factory, admin_api, connect, settings):
    # Pages of 200 rows (Salesforce's smallest), batches of 20: several batches of notes.
    settings.SALESFORCE_BATCH_SIZE = 20
    settings.SALESFORCE_NOTES_AHEAD_MIN_SECONDS = 0  # read ahead though the sandbox answers at once
    sandbox = sandbox_factory(records=3000, seed=5)
    assert connect(admin_api)["Location"].endswith("result=connected")
    yield sandbox
    assert not note_threads(), "a thread of the notes read outlived its job"


def note_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.is_alive() and t.name.startswith(THREADS)]


def note_ids(sandbox) -> list[str]:
    org = sandbox.org
    count = org.generated_count("ContentNote")
    return [
        org.record_at("ContentNote", i)["Id"] for i in range(count) if not org.is_deleted("ContentNote", i)
    ]


def body_calls(sandbox) -> int:
    return sandbox.stats()["calls"].get("blob", 0)


@pytest.fixture
def body_spy(monkeypatch):
    """(thread name, note Id) of every body call the importer makes, ahead or at the turn."""
    made = []

    def spying(real):
        def body_of(client, note_id):
            made.append((threading.current_thread().name, note_id))
            return real(client, note_id)

        return body_of

    monkeypatch.setattr(notes, "body_of", spying(notes.body_of))
    monkeypatch.setattr(notes_ahead, "body_of", spying(notes_ahead.body_of))
    return made


def serve_bodies(monkeypatch, plan: dict[str, list[int]]):
    """The sandbox answers a note's body calls with the statuses planned for it, in turn
    (then its body). Returns the body requests seen per note Id."""
    real, seen = sandbox_rest.RestHandlers.blob, {}

    def blob(self, obj, record_id, field_name):
        seen[record_id] = seen.get(record_id, 0) + 1
        statuses = plan.get(record_id, [])
        if seen[record_id] <= len(statuses):
            status = statuses[seen[record_id] - 1]
            code = {404: "NOT_FOUND", 503: "SERVER_UNAVAILABLE"}[status]
            return rest_error(status, code, "planned by the test")
        return real(self, obj, record_id, field_name)

    monkeypatch.setattr(sandbox_rest.RestHandlers, "blob", blob)
    return seen


def landed(profile, job) -> tuple[dict, list]:
    """{Salesforce Id: (title, body)} of the Lightning notes in the CRM, and the job's problems."""
    with org_context(profile.org_id):
        links = dict(
            ImportedRecord.objects.filter(salesforce_object_type="ContentNote").values_list(
                "object_id", "salesforce_id"
            )
        )
        rows = {links[n.pk]: (n.title, n.body) for n in Note.objects.filter(pk__in=links)}
        problems = sorted(
            ImportProblem.objects.filter(job=job).values_list(
                "object_type", "salesforce_id", "field", "message", "severity"
            )
        )
    return rows, problems


def test_notes_read_ahead_land_as_the_turn_alone_lands_them_at_the_same_calls(
    notes_org, admin_api, admin_profile, other_admin_profile, api_for, connect, monkeypatch, body_spy
):
    sandbox = notes_org
    gone = note_ids(sandbox)[7]
    serve_bodies(monkeypatch, {gone: [404] * 100})  # deleted since the query, say

    # The turn alone (the read ahead off), in one org...
    with monkeypatch.context() as off:
        off.setattr(RecordSource, "_read_notes_ahead", lambda self, sobjects: None)
        sandbox.reset_stats()
        alone = run(admin_profile, start(admin_api, TYPES))
    assert alone.status == JobStatus.COMPLETED, alone.failure_reason
    alone_calls = sandbox.stats()["api_calls"]
    assert body_spy and all(thread.startswith("note-body") for thread, _ in body_spy)
    body_spy.clear()

    # ...and read ahead, in another org connected to the same Salesforce org.
    other_api = api_for(other_admin_profile)
    assert connect(other_api)["Location"].endswith("result=connected")
    sandbox.reset_stats()
    ahead = run(other_admin_profile, start(other_api, TYPES))
    assert ahead.status == JobStatus.COMPLETED, ahead.failure_reason

    assert body_spy and all(thread.startswith("notes-ahead-body") for thread, _ in body_spy)
    assert sorted(i for _, i in body_spy) == sorted(note_ids(sandbox))  # each body once, all ahead
    assert sandbox.stats()["api_calls"] == alone_calls  # the same calls, link queries included
    assert ahead.api_calls == alone.api_calls
    counted = ("total", "imported", "matched", "skipped", "errors", "warnings", "last_id", "status")
    for sobject in ("Note", "ContentNote"):
        assert [ahead.progress[sobject][k] for k in counted] == [alone.progress[sobject][k] for k in counted]

    rows_alone, problems_alone = landed(admin_profile, alone)
    rows_ahead, problems_ahead = landed(other_admin_profile, ahead)
    assert rows_ahead == rows_alone and len(rows_ahead) == ahead.progress["ContentNote"]["imported"]
    assert problems_ahead == problems_alone
    assert any(sf_id == gone and "could not be read" in message for _, sf_id, _, message, _ in problems_ahead)
    for sf_id, (_title, body) in rows_ahead.items():
        assert body == sandbox.org.factory.content_note_body(index_from_id("ContentNote", sf_id)).decode()


def test_a_reimport_of_notes_imported_before_makes_no_body_call(
    notes_org, admin_api, admin_profile, monkeypatch
):
    sandbox = notes_org
    job_id = start(admin_api, TYPES)
    # The worker dies at the second batch of notes: the first one is in.
    dead = kill_runner_at_batch(monkeypatch, admin_profile, job_id, 2, "dead-host/1", sobject="ContentNote")
    assert dead.status == JobStatus.IN_PROGRESS
    with org_context(admin_profile.org_id):
        ImportJob.objects.filter(pk=job_id).update(heartbeat_at=timezone.now() - timedelta(hours=1))
        before = set(
            ImportedRecord.objects.filter(salesforce_object_type="ContentNote").values_list(
                "salesforce_id", flat=True
            )
        )
    assert admin_api.post(f"/api/salesforce/import/{job_id}/cancel/").json()["status"] == "CANCELLED"
    assert before, "the first batch of notes was committed"

    # No completed import: the next one is whole, and the notes in already cost no body call.
    sandbox.reset_stats()
    again = run(admin_profile, start(admin_api, TYPES))
    assert again.status == JobStatus.COMPLETED, again.failure_reason
    assert again.progress["ContentNote"]["skipped"] == len(before)
    assert body_calls(sandbox) == len(note_ids(sandbox)) - len(before)


def test_a_cancel_while_reading_ahead_stops_every_thread_of_the_read(
    notes_org, admin_api, admin_profile, settings
):
    sandbox = notes_org
    settings.SALESFORCE_NOTE_BODY_CONCURRENCY = 2
    sandbox.set_faults(latency_ms=100)  # a body every 50 ms: several seconds of reading
    job_id = start(admin_api, TYPES)
    worker, failures = run_in_background(admin_profile, job_id)
    deadline = time.time() + 60
    while body_calls(sandbox) < 5 and time.time() < deadline:
        time.sleep(0.05)
    assert note_threads(), "the read ahead is running"
    assert admin_api.post(f"/api/salesforce/import/{job_id}/cancel/").status_code == 202
    worker.join(timeout=60)
    assert not worker.is_alive() and not failures
    with org_context(admin_profile.org_id):
        assert ImportJob.objects.get(pk=job_id).status == JobStatus.CANCELLED
    assert not note_threads()
    stopped_at = body_calls(sandbox)
    time.sleep(0.5)
    assert body_calls(sandbox) == stopped_at < len(note_ids(sandbox))  # no call after the job's end


def test_a_body_that_failed_ahead_is_fetched_at_its_turn_and_a_refused_one_is_the_notes_problem(
    notes_org, admin_api, admin_profile, settings, monkeypatch, body_spy
):
    sandbox = notes_org
    settings.SALESFORCE_MAX_ATTEMPTS = 2
    settings.SALESFORCE_RETRY_BASE_SECONDS = settings.SALESFORCE_RETRY_MAX_SECONDS = 0.01
    flaky, gone = note_ids(sandbox)[3], note_ids(sandbox)[30]
    seen = serve_bodies(monkeypatch, {flaky: [503, 503], gone: [404] * 100})
    job = run(admin_profile, start(admin_api, TYPES))
    assert job.status == JobStatus.COMPLETED, job.failure_reason

    rows, problems = landed(admin_profile, job)
    # Both attempts ahead failed: the turn fetched it again, and it landed.
    assert seen[flaky] == 3 and [t for t, i in body_spy if i == flaky][-1].startswith("note-body")
    served = sandbox.org.factory.content_note_body(index_from_id("ContentNote", flaky))
    assert rows[flaky][1] == served.decode()
    # Salesforce refused it ahead: that is the answer (no second call), the note's own problem.
    assert seen[gone] == 1 and gone not in rows
    (message,) = [m for _, sf_id, _, m, severity in problems if sf_id == gone and severity == "error"]
    assert message.startswith('its text could not be read from Salesforce ("SalesforceResourceNotFound: ')
    other_calls = sum(1 for _, i in body_spy if i not in (flaky, gone))
    assert other_calls == len(note_ids(sandbox)) - 2  # every other body once


def read_ahead(profile) -> tuple[NotesAhead, list[dict]]:
    """A read of every Lightning note, run to its end, and the batches it handed out."""
    with org_context(profile.org_id):
        client = SalesforceClient(SalesforceConnection.objects.get())
        soql = "SELECT Id, Title FROM ContentNote WHERE IsDeleted = false ORDER BY Id"
        reading = NotesAhead(client, soql, query_all=False, batch_size=20, concurrency=4)
        reading.start()
        batches = list(reading.batches())
    return reading, batches


def test_the_api_reserve_stops_the_read_ahead_before_it_is_spent(notes_org, admin_profile):
    sandbox = notes_org
    # The whole read is 63 calls (the query; per batch of 20, a link query and 20 bodies);
    # the reserve (20% of the day's 60) is 12: the read must stop by 48 calls made, its
    # calls in flight included.
    daily, reserve = 60, 12
    sandbox.reset_stats()
    sandbox.set_faults(daily_limit=daily)
    reading, batches = read_ahead(admin_profile)
    try:
        made = sandbox.stats()["api_calls"]
        assert 0 < body_calls(sandbox) < len(note_ids(sandbox))
        assert daily - made >= reserve  # stopped before it, not by Salesforce
        assert sandbox.stats()["faults_fired"] == {}
    finally:
        reading.close()


def test_the_fetcher_takes_the_bodies_read_ahead_and_fetches_only_the_rest(notes_org, admin_profile):
    sandbox = notes_org
    sandbox.reset_stats()
    reading, batches = read_ahead(admin_profile)
    try:
        records = [r for batch in batches for r in batch]
        assert reading.complete and sorted(r["Id"] for r in records) == sorted(note_ids(sandbox))
        assert all(LINKS in r for r in records)  # the links came with them
        made = body_calls(sandbox)
        assert made == len(records)
        late = {"attributes": {"type": "ContentNote"}, "Id": records[0]["Id"], "Title": "again"}
        with org_context(admin_profile.org_id):
            ContentNoteFetcher(reading.client, ahead=reading)([*records, late])
        # Each body read ahead taken once; the note asked for a second time fetched directly.
        assert body_calls(sandbox) == made + 1
        for record in [*records, late]:
            index = index_from_id("ContentNote", record["Id"])
            assert record[BODY] == sandbox.org.factory.content_note_body(index).decode()
            assert record[BODY_ERROR] is None
    finally:
        reading.close()


@pytest.mark.parametrize("latency_ms, ahead", [(0, False), (60, True)], ids=["at-once", "far-away"])
def test_bodies_are_read_ahead_only_when_salesforce_is_far_away(
    notes_org, admin_api, admin_profile, settings, body_spy, latency_ms, ahead
):
    """Against an org that answers at once the body calls are made at their turn (side by side
    with the import they would only take its CPU); 50 ms and more away, from the start."""
    settings.SALESFORCE_NOTES_AHEAD_MIN_SECONDS = 0.05
    notes_org.set_faults(latency_ms=latency_ms)
    job = run(admin_profile, start(admin_api, TYPES))
    assert job.status == JobStatus.COMPLETED, job.failure_reason
    threads = {name.rsplit("_", 1)[0] for name, _note in body_spy}
    assert threads == ({"notes-ahead-body"} if ahead else {"note-body"})
    assert len(body_spy) == len(note_ids(notes_org))  # every body once, either way


@pytest.mark.parametrize(
    "latency_ms, threads", [(0, notes.QUICK_ORG_THREADS), (60, 8)], ids=["at-once", "far-away"]
)
def test_the_turn_makes_its_body_calls_side_by_side_fewer_when_salesforce_answers_at_once(
    notes_org, admin_profile, settings, monkeypatch, latency_ms, threads
):
    """Far away, SALESFORCE_NOTE_BODY_CONCURRENCY calls wait on the network together; against
    an org that answers at once the calls are the worker's CPU, and a few threads do."""
    settings.SALESFORCE_NOTES_AHEAD_MIN_SECONDS = 0.05
    settings.SALESFORCE_NOTE_BODY_CONCURRENCY = 8
    notes_org.set_faults(latency_ms=latency_ms)
    lock, in_flight, peak = threading.Lock(), [0], [0]
    real = notes.body_of

    def counting(client, note_id):
        with lock:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
        try:
            time.sleep(0.02)  # long enough for every thread of the pool to be in a call
            return real(client, note_id)
        finally:
            with lock:
                in_flight[0] -= 1

    monkeypatch.setattr(notes, "body_of", counting)
    with org_context(admin_profile.org_id):
        client = SalesforceClient(SalesforceConnection.objects.get())
        soql = "SELECT Id, Title FROM ContentNote WHERE IsDeleted = false ORDER BY Id"
        records = [r for page in client.query_pages(soql) for r in page][:40]
        assert len(records) > 8
        ContentNoteFetcher(client)(records)
    assert peak[0] == threads
    for record in records:  # every body, whatever the threads
        index = index_from_id("ContentNote", record["Id"])
        assert record[BODY] == notes_org.org.factory.content_note_body(index).decode()
