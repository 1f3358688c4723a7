"""Leads, cases, activities and notes as the org generates them (no HTTP)."""

from pathlib import Path

import pytest

from sfsandbox import ids
from sfsandbox.data import Org
from sfsandbox.generator import NOW, format_date, format_datetime
from sfsandbox.generator.shape import HISTORY_OBJECTS, link_note, note_links
from sfsandbox.query import ResultSet
from sfsandbox.sample_data import load_sample_data
from sfsandbox.schema.activities import WHAT_TARGETS, WHO_TARGETS
from sfsandbox.schema.service import LEAD_STATUSES

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "sample-data" / "salesforce"
YEAR_AGO = format_datetime(NOW - 365 * 86400)


@pytest.fixture(scope="module")
def org():
    return Org(2000, seed=7)


def rows(org, name):
    return [org.record_at(name, i) for i in range(org.generated_count(name))]


def query(org, soql, *, all_rows=False):
    from sfsandbox.soql import parse

    result = ResultSet(org, parse(soql, org.objects), include_deleted=all_rows)
    return result.total_size, result.page(0, 100_000)


def test_counts_of_the_test_orgs():
    # README "Objects and generated data" gives these for the 200- and 400-record orgs.
    small, medium = Org(200, seed=1), Org(400, seed=1)
    assert {n: small.generated_count(n) for n in HISTORY_OBJECTS} == {
        "Lead": 16,
        "Case": 10,
        "Campaign": 1,
        "Task": 40,
        "Event": 16,
        "Note": 4,
        "ContentNote": 4,
        "ContentDocumentLink": 10,
    }
    assert {n: medium.generated_count(n) for n in HISTORY_OBJECTS}["Task"] == 80
    assert small.generated_count("Account") == 20  # the older objects keep their counts


def test_every_record_has_exactly_the_described_fields(org):
    for name in HISTORY_OBJECTS:
        described = {f.name for f in org.objects[name].fields}
        for record in rows(org, name)[:50]:
            assert set(record) == described, name
            assert record["Id"].startswith(ids.KEY_PREFIXES[name])


def test_generation_is_deterministic():
    one, again, other = Org(500, seed=3), Org(500, seed=3), Org(500, seed=4)
    for name in HISTORY_OBJECTS:
        assert rows(one, name) == rows(again, name)
        assert one.messy(name) == again.messy(name)
    assert rows(one, "Task") != rows(other, "Task")


def test_converted_leads_point_at_existing_records(org):
    leads = rows(org, "Lead")
    converted = [r for r in leads if r["IsConverted"]]
    assert len(converted) >= len(leads) // 5
    messy = org.messy("Lead")
    with_opportunity = without = 0
    for lead in converted:
        kinds = messy.get(lead["Id"], [])
        # An unknown status on a converted lead is one of the messy cases (IsConverted wins).
        assert lead["Status"] == "Closed - Converted" or "unknown_status" in kinds
        assert lead["ConvertedDate"]
        account = org.get("Account", lead["ConvertedAccountId"])
        contact = org.get("Contact", lead["ConvertedContactId"])
        assert account is not None and not account["IsDeleted"]
        if "converted_deleted_contact" in kinds:
            assert contact is not None and contact["IsDeleted"]  # the contact it became was deleted
            continue
        assert contact is not None and not contact["IsDeleted"]
        assert contact["AccountId"] == lead["ConvertedAccountId"]
        assert lead["ConvertedDate"] >= lead["CreatedDate"][:10]
        if lead["ConvertedOpportunityId"]:
            with_opportunity += 1
            opportunity = org.get("Opportunity", lead["ConvertedOpportunityId"])
            assert opportunity["AccountId"] == lead["ConvertedAccountId"] and not opportunity["IsDeleted"]
        else:
            without += 1
    assert with_opportunity and without  # some conversions made no opportunity
    for lead in leads:
        if not lead["IsConverted"]:
            assert lead["ConvertedContactId"] is None
            assert lead["Status"] in LEAD_STATUSES or "unknown_status" in messy.get(lead["Id"], [])


def test_every_messy_kind_shows_and_is_findable(org):
    from sfsandbox.generator import MESSY_KINDS

    for name in ("Lead", "Case", "Task", "Event", "Note", "ContentNote"):
        found = {kind for kinds in org.messy(name).values() for kind in kinds}
        assert found == set(MESSY_KINDS[name]), name
    leads = {r["Id"]: r for r in rows(org, "Lead")}
    for record_id, kinds in org.messy("Lead").items():
        if "missing_last_name" in kinds:
            assert leads[record_id]["LastName"] is None
        if "unknown_status" in kinds:
            assert leads[record_id]["Status"] not in LEAD_STATUSES
    cases = {r["Id"]: r for r in rows(org, "Case")}
    for record_id, kinds in org.messy("Case").items():
        if "empty_subject" in kinds:
            assert cases[record_id]["Subject"] is None
    events = {r["Id"]: r for r in rows(org, "Event")}
    for record_id, kinds in org.messy("Event").items():
        if "end_before_start" in kinds:
            assert events[record_id]["EndDateTime"] < events[record_id]["StartDateTime"]
    notes = {r["Id"]: r for r in rows(org, "Note")}
    for record_id, kinds in org.messy("Note").items():
        if "near_cap_body" in kinds:
            assert len(notes[record_id]["Body"]) == 32000
        if "multibyte_at_cap" in kinds:
            body = notes[record_id]["Body"]
            assert len(body) == 32000 and len(body.encode()) == 96000


def test_who_and_what_targets_by_key_prefix_and_derived_account(org):
    who_prefixes = {ids.KEY_PREFIXES[n] for n in WHO_TARGETS}
    what_prefixes = {ids.KEY_PREFIXES[n] for n in WHAT_TARGETS}
    seen_what = set()
    for name in ("Task", "Event"):
        for record in rows(org, name):
            who, what = record["WhoId"], record["WhatId"]
            if who:
                assert who[:3] in who_prefixes
            if what:
                assert what[:3] in what_prefixes
                seen_what.add(ids.OBJECT_BY_PREFIX[what[:3]])
            if who and who.startswith("00Q"):
                assert what is None  # "If the WhoId refers to a lead, then the WhatId field must be empty"
            # AccountId: the What's account for an Account or Opportunity, else the Who contact's.
            if what and what.startswith("001"):
                assert record["AccountId"] == what
            elif what and what.startswith("006"):
                assert record["AccountId"] == org.get("Opportunity", what)["AccountId"]
            elif who and who.startswith("003"):
                assert record["AccountId"] == org.get("Contact", who)["AccountId"]
            else:
                assert record["AccountId"] is None
    assert seen_what == set(WHAT_TARGETS)  # Campaign (701) included: a kind the CRM lacks


def test_archived_rule_as_documented(org):
    cutoff_day = format_date(NOW - 365 * 86400)
    for task in rows(org, "Task"):
        old = task["ActivityDate"] <= cutoff_day if task["ActivityDate"] else task["CreatedDate"] <= YEAR_AGO
        assert task["IsArchived"] == (task["IsClosed"] and old), task["Id"]
    for event in rows(org, "Event"):
        moment = event["ActivityDateTime"] or event["ActivityDate"]
        old = moment <= YEAR_AGO if event["ActivityDateTime"] else moment <= cutoff_day
        assert event["IsArchived"] == old
        if event["IsAllDayEvent"]:
            assert event["StartDateTime"].endswith("T00:00:00.000+0000")
            assert event["DurationInMinutes"] % 1440 == 0
    archived = set(org.archived_ids("Task"))
    assert archived and archived == {r["Id"] for r in rows(org, "Task") if r["IsArchived"]}


def test_query_hides_archived_and_deleted_query_all_returns_them(org):
    for name in ("Task", "Event"):
        total, records = query(org, f"SELECT Id, IsArchived, IsDeleted FROM {name}")
        assert total == len(records) == org.count(name)
        assert not any(r["IsArchived"] or r["IsDeleted"] for r in records)
        total_all, everything = query(org, f"SELECT Id, IsArchived, IsDeleted FROM {name}", all_rows=True)
        assert total_all == org.generated_count(name) == org.count(name, include_deleted=True)
        assert {r["Id"] for r in everything if r["IsDeleted"]} == set(org.deleted_ids(name))
        assert {r["Id"] for r in everything if r["IsArchived"]} == set(org.archived_ids(name))
        assert query(org, f"SELECT COUNT() FROM {name} WHERE IsArchived = true")[0] == 0
        live, _ = query(org, f"SELECT Id FROM {name} WHERE IsDeleted = false", all_rows=True)
        assert live == org.count(name, include_deleted=False, include_archived=True)


def test_content_note_links(org):
    notes = org.generated_count("ContentNote")
    assert org.generated_count("ContentDocumentLink") == sum(len(note_links(n)) for n in range(notes))
    shared = 0
    for note in range(notes):
        links = [org.record_at("ContentDocumentLink", i) for i in note_links(note)]
        assert {link_note(i)[0] for i in note_links(note)} == {note}
        owner = org.record_at("ContentNote", note)["OwnerId"]
        assert links[0]["LinkedEntityId"] == owner and links[0]["ShareType"] == "I"
        records = [link["LinkedEntityId"] for link in links[1:]]
        assert len(records) == len(set(records))
        shared += len(records) >= 2
        deleted = org.record_at("ContentNote", note)["IsDeleted"]
        assert all(link["IsDeleted"] == deleted for link in links)
    assert shared  # notes shared with several records


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared sample data absent")
def test_ecars_sample_data_loads_with_references_kept():
    org = Org(0, seed=1)
    report = load_sample_data(org, SAMPLES / "ecars")
    assert report.inserted == {"Contact": 2, "Case": 1, "Lead": 1}
    (case,) = [org.get("Case", key) for key in org._inserted_order["Case"]]
    contact = org.get("Contact", case["ContactId"])
    assert contact["LastName"] and case["Subject"] == "Battery doesn't hold charge"
    assert case["Status"] == "New" and case["Priority"] == "Medium"  # defaults on insert
    (lead,) = [org.get("Lead", key) for key in org._inserted_order["Lead"]]
    assert lead["MobilePhone"] and lead["Company"] == "Private" and lead["Status"] == "Open - Not Contacted"
    assert lead["Name"] == f"{lead['FirstName']} {lead['LastName']}"
