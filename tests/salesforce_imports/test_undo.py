"""Undo of an import (NOTES 8.7): against the sandbox org over HTTP, run in-process, once
through a real worker. What it removes, what it keeps and says so, and that it resumes.
Asking for an undo (refusals, the broker, the job page's button) is test_undo_requests.py's."""

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Account
from activities.models import Event, Note, Task
from cases.models import Case
from common.rls import org_context
from contacts.models import Contact
from invoices.models import Estimate, EstimateLineItem, Product, ProductPrice
from leads.models import Lead
from opportunity.models import Opportunity, OpportunityLineItem
from orders.models import Order, OrderLineItem
from salesforce_imports import services, tasks, undo
from salesforce_imports.engine.heartbeat import Heartbeat
from salesforce_imports.engine.job import types_in_order
from salesforce_imports.mapping import mapping_for
from salesforce_imports.models import (
    ImportedRecord,
    ImportJob,
    ImportPreferences,
    ImportProblem,
    JobStatus,
)

from . import undo_helpers
from .conftest import wait_for
from .test_import_engine import run, start
from .undo_helpers import EVERYTHING, ask_undo, run_undo

# The shared fixtures, bound by assignment: pytest finds them in this module, and the tests'
# parameters of the same name are not taken for redefinitions of an unused import.
imported, no_queue = undo_helpers.imported, undo_helpers.no_queue

pytestmark = pytest.mark.django_db(transaction=True)

MODELS = [
    Account,
    Contact,
    Opportunity,
    OpportunityLineItem,
    Product,
    ProductPrice,
    Order,
    OrderLineItem,
    Estimate,
    EstimateLineItem,
    Lead,
    Case,
    Task,
    Event,
    Note,
]


def counts(profile) -> dict:
    with org_context(profile.org_id):
        return {m.__name__: m.objects.count() for m in MODELS}


def links(profile) -> Counter:
    """Which Salesforce records the CRM holds, and how (imported or matched)."""
    with org_context(profile.org_id):
        return Counter(
            ImportedRecord.objects.values_list("salesforce_object_type", "salesforce_id", "outcome")
        )


def kept_problems(profile, job_id) -> dict:
    """{salesforce id: message} of the job's "kept" warnings."""
    with org_context(profile.org_id):
        rows = ImportProblem.objects.filter(job_id=job_id, message__startswith="kept: ")
        return {p.salesforce_id: p.message for p in rows}


def link_of(profile, pk) -> ImportedRecord:
    with org_context(profile.org_id):
        return ImportedRecord.objects.get(object_id=pk)


def assert_accounted(job):
    """Every record the import brought in was either removed or kept, each kept one listed."""
    assert job.status == JobStatus.UNDONE
    assert job.undone_count + job.kept_count == job.imported_count, (job.undone_count, job.kept_count)
    for sobject, entry in job.progress.items():
        assert entry["undo_status"] == "done", sobject
        assert entry["undone"] + entry["kept"] == entry["imported"], (sobject, entry)
    with org_context(job.org_id):
        kept = ImportProblem.objects.filter(job_id=job.pk, message__startswith="kept: ")
        assert kept.count() == job.kept_count
        # Each "links to it" names a record that is still there (kept, or never imported).
        by_name = {m.__name__: m for m in MODELS}
        for problem in kept:
            words = problem.message.split()
            if problem.message.endswith("links to it"):
                model, pk = by_name[words[1]], words[2]
                assert model.objects.filter(pk=pk).exists(), problem.message


def test_undo_then_import_again_gives_the_same_rows(imported, admin_api, admin_profile, no_queue, settings):
    sandbox, job = imported
    # Small batches: parent accounts and managers land in batches before their children's.
    settings.SALESFORCE_BATCH_SIZE = 7
    first_counts, first_links = counts(admin_profile), links(admin_profile)
    assert all(first_counts.values()), first_counts  # every model has rows to remove
    with org_context(admin_profile.org_id):
        prefs, _ = ImportPreferences.objects.get_or_create(org_id=admin_profile.org_id)
        prefs.delta_marks = {"Account": "2026-12-01T10:00:00+00:00", "Campaign": "2026-12-01T10:00:00+00:00"}
        prefs.save()
    completed_at = job.completed_at

    body = ask_undo(admin_api, job.pk)
    assert no_queue == [(str(job.pk), str(admin_profile.org_id))]
    assert body["undone_count"] == 0 and body["kept_count"] == 0
    undone = run_undo(admin_profile, job.pk)
    assert_accounted(undone)
    assert undone.kept_count == 0 and undone.undone_count == job.imported_count
    assert undone.completed_at == completed_at  # the import's own end stays
    assert set(counts(admin_profile).values()) == {0}
    assert links(admin_profile) == Counter()
    with org_context(admin_profile.org_id):
        # The types it touched forget their delta mark; another type's stays.
        assert ImportPreferences.objects.get().delta_marks == {"Campaign": "2026-12-01T10:00:00+00:00"}
    api_body = admin_api.get(f"/api/salesforce/import/{job.pk}/").json()
    assert api_body["status"] == "UNDONE"
    assert api_body["undone_count"] == job.imported_count and api_body["kept_count"] == 0

    again = run(admin_profile, start(admin_api, EVERYTHING))
    assert again.status == JobStatus.COMPLETED, again.failure_reason
    assert again.imported_count == job.imported_count
    assert again.matched_count == job.matched_count
    assert again.error_count == job.error_count
    assert counts(admin_profile) == first_counts
    assert links(admin_profile) == first_links  # the same Salesforce Ids, imported the same way


def test_matched_records_survive_an_undo(sandbox_factory, admin_api, admin_profile, connect, no_queue):
    sandbox = sandbox_factory(records=300, seed=11)
    assert connect(admin_api)["Location"].endswith("result=connected")
    name = sandbox.org.record_at("Account", 0)["Name"]
    with org_context(admin_profile.org_id):
        mine = Account.objects.create(org_id=admin_profile.org_id, name=name)
    job = run(admin_profile, start(admin_api, ["Account", "Contact"]))
    assert job.status == JobStatus.COMPLETED and job.matched_count >= 1
    with org_context(admin_profile.org_id):
        matched = ImportedRecord.objects.get(object_id=mine.pk)
        assert matched.outcome == ImportedRecord.Outcome.MATCHED

    ask_undo(admin_api, job.pk)
    done = run_undo(admin_profile, job.pk)
    assert_accounted(done)
    assert done.undone_count == job.imported_count  # contacts of a matched account go too
    with org_context(admin_profile.org_id):
        assert Account.objects.get(pk=mine.pk).name == name
        assert ImportedRecord.objects.filter(outcome="imported").count() == 0
        assert set(ImportedRecord.objects.values_list("outcome", flat=True)) == {"matched"}
        assert ImportedRecord.objects.filter(pk=matched.pk).exists()
        assert ImportedRecord.objects.count() == job.matched_count
        assert Account.objects.count() == job.progress["Account"]["matched"]


def test_records_changed_in_the_crm_or_linked_from_outside_are_kept_and_listed(
    imported, admin_api, admin_profile, no_queue, settings
):
    sandbox, job = imported
    settings.SALESFORCE_BATCH_SIZE = 25  # parents and children in different batches
    with org_context(admin_profile.org_id):
        # A contact edited in the CRM after the import; it keeps its account with it.
        edited = Contact.objects.filter(account__isnull=False).order_by("last_name").first()
        edited.title = "Edited in the CRM"
        edited.save()
        # A contact typed in by hand, linked to an imported account the edited one does not use.
        linked_account = Account.objects.exclude(pk=edited.account_id).filter(parent__isnull=True).first()
        by_hand = Contact.objects.create(
            org_id=admin_profile.org_id, last_name="By hand", account=linked_account
        )
        # A child account edited: its parent (imported, in another batch) stays for it.
        child = (
            Account.objects.filter(parent__isnull=False)
            .exclude(pk__in=[edited.account_id, linked_account.pk])
            .first()
        )
        child.description = "Edited too"
        child.save()
        parent_id = child.parent_id
    edited_link, account_link = link_of(admin_profile, edited.pk), link_of(admin_profile, edited.account_id)
    linked_link, child_link = link_of(admin_profile, linked_account.pk), link_of(admin_profile, child.pk)
    parent_link = link_of(admin_profile, parent_id)

    ask_undo(admin_api, job.pk)
    done = run_undo(admin_profile, job.pk)
    assert_accounted(done)
    kept = kept_problems(admin_profile, job.pk)
    assert kept[edited_link.salesforce_id] == "kept: changed in the CRM since the import"
    assert kept[child_link.salesforce_id] == "kept: changed in the CRM since the import"
    assert kept[account_link.salesforce_id] == f"kept: Contact {edited.pk} links to it"
    assert kept[linked_link.salesforce_id] == f"kept: Contact {by_hand.pk} links to it"
    assert kept[parent_link.salesforce_id] == f"kept: Account {child.pk} links to it"
    assert done.kept_count == len(kept) >= 5
    with org_context(admin_profile.org_id):
        assert Contact.objects.get(pk=edited.pk).title == "Edited in the CRM"
        assert Contact.objects.get(pk=by_hand.pk).account_id == linked_account.pk
        assert Account.objects.get(pk=child.pk).parent_id == parent_id
        # Kept records keep their links (a later import skips them); the rest are gone.
        kept_links = ImportedRecord.objects.filter(outcome="imported")
        assert set(kept_links.values_list("salesforce_id", flat=True)) == set(kept)
        assert Contact.objects.count() == 1 + done.progress["Contact"]["kept"]
        assert Task.objects.count() == Event.objects.count() == Note.objects.count() == 0
    problems = admin_api.get(f"/api/salesforce/import/{job.pk}/errors/?format=csv")
    assert edited_link.salesforce_id in b"".join(problems.streaming_content).decode()


def test_a_killed_undo_resumes_and_ends_with_exact_counts(
    imported, admin_api, admin_profile, no_queue, settings, monkeypatch
):
    sandbox, job = imported
    settings.SALESFORCE_BATCH_SIZE = 30
    # The first record the undo meets (its first type, lowest link id) was edited in the CRM:
    # kept in the first batch, before the kill; a resume must not list it again.
    first_type = next(t for t in reversed(types_in_order(EVERYTHING)) if job.progress[t]["imported"])
    with org_context(admin_profile.org_id):
        first = ImportedRecord.objects.filter(salesforce_object_type=first_type).order_by("id").first()
        edited = mapping_for(first_type).model.objects.get(pk=first.object_id)
        edited.save()

    class Killed(BaseException):
        """Not an Exception: nothing in the runner catches it, as with a SIGKILL."""

    saves, real_save = [], undo.UndoRunner._save

    def dying_save(self):
        saves.append(1)
        if len(saves) == 6:  # inside the 5th batch's transaction, after its DELETEs
            raise Killed
        real_save(self)

    monkeypatch.setattr(undo.UndoRunner, "_save", dying_save)
    ask_undo(admin_api, job.pk)
    with pytest.raises(Killed):
        run_undo(admin_profile, job.pk, runner="node-a/1")
    with org_context(admin_profile.org_id):
        half = ImportJob.objects.get(pk=job.pk)
    assert half.status == JobStatus.UNDOING and half.runner == "node-a/1"
    assert 0 < half.undone_count < job.imported_count
    # The killed batch rolled back whole: what the counters say is what is gone.
    assert sum(counts(admin_profile).values()) == job.imported_count + job.matched_count - half.undone_count
    monkeypatch.setattr(undo.UndoRunner, "_save", real_save)

    # The dead runner falls silent: the sweep hands the job to the undo task, taking over.
    with org_context(admin_profile.org_id):
        ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=5))
    requeued = []
    monkeypatch.setattr(tasks.run_undo_task, "delay", lambda *a, **kw: requeued.append((a, kw)))
    assert services.requeue_stalled_jobs() == [str(job.pk)]
    assert requeued == [((str(job.pk), str(admin_profile.org_id)), {"takeover_from": "node-a/1"})]

    done = run_undo(admin_profile, job.pk, runner="node-b/1", takeover_from="node-a/1")
    assert_accounted(done)
    kept = kept_problems(admin_profile, job.pk)
    assert len(kept) == done.kept_count  # no kept record listed twice
    assert kept[first.salesforce_id] == "kept: changed in the CRM since the import"
    with org_context(admin_profile.org_id):
        assert ImportedRecord.objects.filter(outcome="imported").count() == done.kept_count
    assert sum(counts(admin_profile).values()) == done.kept_count + job.matched_count


def test_a_failed_or_cancelled_import_can_be_undone(
    sandbox_factory, admin_api, admin_profile, connect, no_queue
):
    sandbox_factory(records=300, seed=11)
    assert connect(admin_api)["Location"].endswith("result=connected")
    job = run(admin_profile, start(admin_api, ["Account", "Contact"]))
    with org_context(admin_profile.org_id):
        ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, failure_reason="Lost Salesforce")
    ask_undo(admin_api, job.pk)
    assert_accounted(run_undo(admin_profile, job.pk))
    assert counts(admin_profile)["Account"] == 0


def test_an_unexpected_error_puts_the_import_back_and_undo_again_goes_on(
    imported, admin_api, admin_profile, no_queue, monkeypatch
):
    sandbox, job = imported
    real = undo.UndoRunner._apply
    calls = []

    def failing(self, sobject, *args):
        calls.append(sobject)
        if sobject == "Contact":
            raise RuntimeError("disk full")
        return real(self, sobject, *args)

    monkeypatch.setattr(undo.UndoRunner, "_apply", failing)
    ask_undo(admin_api, job.pk)
    stopped = run_undo(admin_profile, job.pk)
    assert stopped.status == JobStatus.COMPLETED  # as the import ended, not stuck UNDOING
    assert 0 < stopped.undone_count < job.imported_count
    with org_context(admin_profile.org_id):
        error = ImportProblem.objects.filter(
            job=job, severity="error", message__startswith="Undo stopped"
        ).get()
    assert "disk full" in error.message
    monkeypatch.setattr(undo.UndoRunner, "_apply", real)
    ask_undo(admin_api, job.pk)
    assert_accounted(run_undo(admin_profile, job.pk))
    assert set(counts(admin_profile).values()) == {0}


def test_links_written_before_synced_at_compare_with_their_creation(
    sandbox_factory, admin_api, admin_profile, connect, no_queue
):
    sandbox_factory(records=300, seed=11)
    assert connect(admin_api)["Location"].endswith("result=connected")
    job = run(admin_profile, start(admin_api, ["Account"]))
    with org_context(admin_profile.org_id):
        links_ = ImportedRecord.objects.filter(import_job_id=job.pk).order_by("id")
        links_.update(synced_at=None)  # as the engine wrote them before synced_at existed
        # Two accounts with no parent and no child: nothing else is kept with them.
        related = set(Account.objects.exclude(parent=None).values_list("parent_id", flat=True))
        related |= set(Account.objects.exclude(parent=None).values_list("pk", flat=True))
        late, soon = [link for link in links_ if link.object_id not in related][:2]
        # Edited ten seconds after the link was written: changed. One second after: the
        # importer's own write (its row and link are written moments apart).
        Account.objects.filter(pk=late.object_id).update(updated_at=late.created_at + timedelta(seconds=10))
        Account.objects.filter(pk=soon.object_id).update(updated_at=soon.created_at + timedelta(seconds=1))
    ask_undo(admin_api, job.pk)
    done = run_undo(admin_profile, job.pk)
    assert_accounted(done)
    assert kept_problems(admin_profile, job.pk) == {
        late.salesforce_id: "kept: changed in the CRM since the import"
    }
    with org_context(admin_profile.org_id):
        assert list(Account.objects.values_list("pk", flat=True)) == [late.object_id]


def test_heartbeat_reports_for_an_undo_runner(admin_profile):
    with org_context(admin_profile.org_id):
        job = ImportJob.objects.create(
            org_id=admin_profile.org_id, status=JobStatus.UNDOING, runner="node/1", object_types=["Account"]
        )
        assert Heartbeat(job.pk, "node/1").report() is True
        assert Heartbeat(job.pk, "node/2").report() is False


# Through a real worker.


@pytest.mark.postgres
@pytest.mark.redis
def test_undo_through_a_worker(sandbox_factory, admin_api, admin_profile, connect, worker_factory):
    sandbox = sandbox_factory(records=300, seed=11)
    assert connect(admin_api)["Location"].endswith("result=connected")
    job = run(admin_profile, start(admin_api, ["Account", "Contact", "Opportunity"]))
    assert job.status == JobStatus.COMPLETED
    worker = worker_factory(sandbox)
    ask_undo(admin_api, job.pk)
    body = wait_for(admin_api, job.pk, lambda b: b["status"] != "UNDOING", timeout=120)
    assert body["status"] == "UNDONE", worker.log()
    assert body["undone_count"] == job.imported_count and body["kept_count"] == 0
    assert set(counts(admin_profile).values()) == {0}
