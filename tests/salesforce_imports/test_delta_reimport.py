"""Re-imports that bring only what changed since the last completed import of each type."""

import pytest

from accounts.models import Account
from common.rls import org_context
from salesforce_imports.models import ImportPreferences, JobStatus

from .test_import_engine import retryable_errors, run, start
from .test_import_related_data import crm_ids

pytestmark = pytest.mark.django_db(transaction=True)

TYPES = ["Account", "Contact"]


@pytest.fixture
def imported_once(sandbox_factory, admin_api, admin_profile, connect):
    sandbox = sandbox_factory(records=3000, seed=5)
    assert connect(admin_api)["Location"].endswith("result=connected")
    first = run(admin_profile, start(admin_api, TYPES))
    assert first.status == JobStatus.COMPLETED
    return sandbox, first


def fetched(entry):
    return entry["imported"] + entry["matched"] + entry.get("updated", 0) + entry["skipped"] + entry["errors"]


def test_an_unchanged_org_fetches_nothing_but_what_failed_last_time(imported_once, admin_api, admin_profile):
    sandbox, first = imported_once
    with org_context(admin_profile.org_id):
        marks = ImportPreferences.objects.get(org_id=admin_profile.org_id).delta_marks
    assert set(marks) == set(TYPES) and all(m["job"] == str(first.pk) for m in marks.values())
    sandbox.reset_stats()
    again = run(admin_profile, start(admin_api, TYPES))
    assert again.status == JobStatus.COMPLETED
    for sobject in TYPES:
        entry = again.progress[sobject]
        # Only the records that failed because of another record are asked for again.
        expected = retryable_errors(admin_profile, first, sobject)
        assert fetched(entry) == entry["total"] == expected <= first.progress[sobject]["errors"], (
            sobject,
            entry,
        )
        assert entry["imported"] == 0
    calls = sandbox.stats()["calls"]
    assert calls.get("count", 0) == 0  # a delta needs no COUNT()


def test_changed_added_and_deleted_records_after_an_import(imported_once, admin_api, admin_profile):
    sandbox, first = imported_once
    change = sandbox.mutate("Account", change=20, add=7, delete=5, seed=3)
    again = run(admin_profile, start(admin_api, TYPES))
    entry = again.progress["Account"]
    assert again.status == JobStatus.COMPLETED
    assert entry["deleted_in_salesforce"] == len(change["deleted"]) == again.deleted_in_salesforce
    assert entry["imported"] == len(change["added"])  # the new ones
    # Changed ones are known: skipped (update_changed is off); errors of last time retried.
    assert fetched(entry) == entry["total"]
    assert (
        entry["skipped"]
        >= len(set(change["changed"]) - set(change["deleted"])) - first.progress["Account"]["errors"]
    )
    assert fetched(entry) < first.progress["Account"]["total"] / 4  # not the whole object again
    with org_context(admin_profile.org_id):
        ids = crm_ids("Account")
        assert all(sf_id in ids for sf_id in change["added"])
        assert Account.objects.filter(pk__in=[ids[i] for i in change["deleted"] if i in ids]).count() == len(
            [i for i in change["deleted"] if i in ids]
        )  # deletions are counted, never applied


def test_update_changed_updates_what_changed_in_salesforce_and_keeps_what_changed_on_both_sides(
    imported_once, admin_api, admin_profile
):
    from salesforce_imports.models import ImportProblem

    sandbox, first = imported_once
    with org_context(admin_profile.org_id):
        ids = crm_ids("Account")
    targets = sorted(ids)[10:16]
    change = sandbox.mutate(
        "Account", update={sf_id: {"Phone": f"+1 555 01{n:02d}"} for n, sf_id in enumerate(targets)}
    )
    assert sorted(change["changed"]) == targets
    edited_here = targets[0]
    with org_context(admin_profile.org_id):
        account = Account.objects.get(pk=ids[edited_here])
        account.description = "Edited in the CRM after the import"
        account.save()  # updated_at moves past the link's synced_at

    response = admin_api.post(
        "/api/salesforce/import/", {"object_types": TYPES, "update_changed": True}, format="json"
    )
    assert response.status_code == 202
    again = run(admin_profile, response.json()["id"])
    entry = again.progress["Account"]
    assert entry["updated"] == again.updated_count == len(targets) - 1
    assert fetched(entry) == entry["total"]
    with org_context(admin_profile.org_id):
        phones = dict(Account.objects.filter(pk__in=[ids[t] for t in targets]).values_list("pk", "phone"))
        kept = Account.objects.get(pk=ids[edited_here])
        warning = ImportProblem.objects.get(job=again, salesforce_id=edited_here, severity="warning")
    for n, sf_id in enumerate(targets[1:], start=1):
        assert phones[ids[sf_id]] == f"+1 555 01{n:02d}"  # Salesforce's new value
    assert kept.phone != "+1 555 0100" and kept.description == "Edited in the CRM after the import"
    assert "changed on both sides" in warning.message

    # The importer's own update is no CRM edit: undoing or re-importing later sees none.
    third = run(admin_profile, start(admin_api, TYPES))
    assert third.progress["Account"].get("updated", 0) == 0


def test_an_update_the_crm_refuses_leaves_the_old_record_and_is_an_error(
    imported_once, admin_api, admin_profile
):
    from salesforce_imports.models import ImportProblem

    sandbox, _first = imported_once
    with org_context(admin_profile.org_id):
        ids = crm_ids("Account")
        target = sorted(ids)[20]
        before = Account.objects.get(pk=ids[target])
    sandbox.mutate("Account", update={target: {"AnnualRevenue": -5, "Phone": "+1 555 9999"}})
    response = admin_api.post(
        "/api/salesforce/import/", {"object_types": ["Account"], "update_changed": True}, format="json"
    )
    again = run(admin_profile, response.json()["id"])
    with org_context(admin_profile.org_id):
        after = Account.objects.get(pk=ids[target])
        error = ImportProblem.objects.filter(job=again, salesforce_id=target, severity="error").first()
    assert error is not None and "AnnualRevenue" in error.field
    assert (after.phone, after.annual_revenue, after.updated_at) == (
        before.phone,
        before.annual_revenue,
        before.updated_at,
    )
    assert fetched(again.progress["Account"]) == again.progress["Account"]["total"]


def test_a_line_item_waiting_for_its_parent_comes_once_the_parent_is_fixed(
    sandbox_factory, admin_api, admin_profile, connect
):
    import re

    from salesforce_imports.models import ImportedRecord, ImportProblem

    sandbox = sandbox_factory(records=3000, seed=5)
    assert connect(admin_api)["Location"].endswith("result=connected")
    first = run(admin_profile, start(admin_api, ["Account", "Opportunity"]))
    with org_context(admin_profile.org_id):
        refused_deals = dict(
            ImportProblem.objects.filter(
                job=first, object_type="Opportunity", severity="error", field__in=["Amount", "Probability"]
            ).values_list("salesforce_id", "field")
        )
        waiting = [
            (p.salesforce_id, re.search(r"Opportunity (\w+) was not imported", p.message).group(1))
            for p in ImportProblem.objects.filter(
                job=first, object_type="OpportunityLineItem", message__contains="was not imported"
            )
        ]
    line, deal = next((line, deal) for line, deal in waiting if deal in refused_deals)
    sandbox.mutate("Opportunity", update={deal: {"Amount": 1000, "Probability": 50}})
    again = run(admin_profile, start(admin_api, ["Account", "Opportunity"]))
    assert again.status == JobStatus.COMPLETED
    with org_context(admin_profile.org_id):
        assert ImportedRecord.objects.filter(salesforce_id=deal).exists()  # changed: it came
        assert ImportedRecord.objects.filter(salesforce_id=line).exists()  # and the line it held back
