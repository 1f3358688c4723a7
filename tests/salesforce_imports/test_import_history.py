"""Leads, cases, tasks, events and notes from the sandbox org, linked to what they are about."""

import pytest

from activities.models import Event, Note, Task
from common.rls import org_context
from leads.models import Lead
from salesforce_imports.models import ImportedRecord, ImportProblem, JobStatus

from .test_import_engine import run, start
from .test_import_related_data import crm_ids

pytestmark = pytest.mark.django_db(transaction=True)

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
HISTORY_TYPES = ["Lead", "Case", "Task", "Event", "Note", "ContentNote"]


@pytest.fixture
def history(sandbox_factory, admin_api, admin_profile, connect):
    sandbox = sandbox_factory(records=400, seed=21)
    assert connect(admin_api)["Location"].endswith("result=connected")
    job = run(admin_profile, start(admin_api, EVERYTHING))
    assert job.status == JobStatus.COMPLETED, job.failure_reason
    return sandbox, job


def test_every_history_record_lands_in_one_bucket(history):
    sandbox, job = history
    for sobject in HISTORY_TYPES:
        entry = job.progress[sobject]
        fetched = entry["imported"] + entry["matched"] + entry["skipped"] + entry["errors"]
        expected = sandbox.org.count(sobject, include_deleted=False)
        assert entry["total"] == fetched, (sobject, entry)
        assert fetched > 0, sobject
        print(sobject, entry, expected)


def sf_rows(sandbox, sobject, query_all=False):
    """Non-deleted records as the importer should see them (queryAll: archived ones too)."""
    org = sandbox.org
    archived = set(org.archived_ids(sobject)) if sobject in ("Task", "Event") else set()
    rows = [
        org.record_at(sobject, i)
        for i in range(org.generated_count(sobject))
        if not org.is_deleted(sobject, i)
    ]
    return rows if query_all else [r for r in rows if r["Id"] not in archived]


def test_converted_leads_are_linked_to_what_they_became_never_a_second_contact(history, admin_profile):
    sandbox, job = history
    with org_context(admin_profile.org_id):
        leads = {lead.pk: lead for lead in Lead.objects.all()}
        lead_ids, account_ids, contact_ids, deal_ids = (
            crm_ids("Lead"),
            crm_ids("Account"),
            crm_ids("Contact"),
            crm_ids("Opportunity"),
        )
        from contacts.models import Contact

        assert Contact.objects.count() == len(contact_ids)  # every CRM contact is an imported Contact
    converted = 0
    for record in sf_rows(sandbox, "Lead"):
        lead = leads.get(lead_ids.get(record["Id"]))
        if lead is None:
            continue
        assert lead.is_converted is bool(record["IsConverted"])
        if record["IsConverted"]:
            converted += 1
            assert lead.status == "CONVERTED"
            assert lead.converted_account_id == account_ids.get(record["ConvertedAccountId"])
            assert lead.converted_contact_id == contact_ids.get(record["ConvertedContactId"])
            assert lead.converted_opportunity_id == deal_ids.get(record.get("ConvertedOpportunityId"))
    assert converted > 0


def test_activities_link_by_key_prefix_and_archived_ones_come_too(history, admin_profile):
    sandbox, job = history
    targets = {"003": "contact", "00Q": "lead", "001": "account", "006": "opportunity", "500": "case"}
    targets |= {"801": "order", "0Q0": "estimate"}
    with org_context(admin_profile.org_id):
        ids = {t: crm_ids(t) for t in ("Contact", "Lead", "Account", "Opportunity", "Case", "Order", "Quote")}
        every_id = {sf: pk for by_type in ids.values() for sf, pk in by_type.items()}
        for sobject, model in (("Task", Task), ("Event", Event)):
            activity_ids = crm_ids(sobject)
            rows = {a.pk: a for a in model.objects.all()}
            archived = set(sandbox.org.archived_ids(sobject))
            seen_archived = seen_other_kind = 0
            for record in sf_rows(sandbox, sobject, query_all=True):
                activity = rows.get(activity_ids.get(record["Id"]))
                if activity is None:
                    continue
                seen_archived += record["Id"] in archived
                for field in ("WhoId", "WhatId"):
                    target = record.get(field)
                    if not target:
                        continue
                    fk = targets.get(target[:3])
                    if fk is None:  # a Campaign, say: kept with the record
                        assert activity.custom_fields[field]["salesforce_id"] == target
                        seen_other_kind += 1
                    else:
                        assert getattr(activity, f"{fk}_id") == every_id.get(target), (
                            sobject,
                            record["Id"],
                            field,
                        )
            assert seen_archived > 0, f"archived {sobject}s come only from queryAll and must be imported"
            assert sobject != "Task" or seen_other_kind > 0
        deleted = ImportedRecord.objects.filter(salesforce_id__in=sandbox.org.deleted_ids("Task")).count()
    assert deleted == 0  # a deleted activity never comes


def test_bad_activities_and_notes_are_errors_with_reasons_the_rest_lands(history, admin_profile):
    sandbox, job = history
    with org_context(admin_profile.org_id):
        errors = {
            (p.object_type, p.salesforce_id): p.message
            for p in ImportProblem.objects.filter(job=job, severity="error")
        }
    kinds_seen = set()
    for sobject in ("Event", "ContentNote", "Note", "Task", "Case", "Lead"):
        messy = sandbox.org.messy(sobject)
        kinds_seen |= {kind for kinds in messy.values() for kind in kinds}
        entry = job.progress[sobject]
        assert entry["imported"] > 0
        for sf_id, kinds in messy.items():
            if "end_before_start" in kinds:
                assert "before it starts" in errors[(sobject, sf_id)]
            if "large_body" in kinds:  # 200,000 bytes: over the CRM's 131,072 characters
                assert "more than the CRM's" in errors[(sobject, sf_id)]
    assert {"end_before_start", "large_body"} <= kinds_seen  # both checks above really ran


def test_lightning_notes_bring_their_text_and_every_record_they_are_shared_with(history, admin_profile):
    sandbox, job = history
    stats = sandbox.stats()
    with org_context(admin_profile.org_id):
        note_ids = crm_ids("ContentNote")
        notes = {n.pk: n for n in Note.objects.all()}
    imported = [r for r in sf_rows(sandbox, "ContentNote") if r["Id"] in note_ids]
    assert imported
    from sfsandbox.ids import index_from_id

    for record in imported:
        note = notes[note_ids[record["Id"]]]
        assert note.title == record["Title"]
        body = sandbox.org.factory.content_note_body(index_from_id("ContentNote", record["Id"]))
        assert note.body == body.decode()  # exactly the text Salesforce serves
    body_calls = sum(
        count for kind, count in stats["calls"].items() if "blob" in kind or "content" in kind.lower()
    )
    assert body_calls >= len(imported), stats["calls"]  # one call per note, counted like any other
    assert any(sum(bool(getattr(n, f"{f}_id")) for f in Note.LINKS) >= 2 for n in notes.values())  # shared
