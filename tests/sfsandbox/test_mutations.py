"""Records changed, added and deleted between two imports, and the queries a delta import sends."""

import csv
import io
import time

import pytest
import requests

from sfsandbox.changes import GENERATED_AT, GENERATED_AT_TEXT, OrgClock
from sfsandbox.data import Org
from sfsandbox.generator import format_datetime
from sfsandbox.query import ResultSet
from sfsandbox.soql import parse
from sfsandbox.testing import running_sandbox

START = "2025-06-01T01:00:00Z"  # a frozen clock: exact stamps
AFTER_FIRST = "2025-06-01T01:01:00.000+0000"


def _ids(org, soql, include_deleted=False):
    result = ResultSet(org, parse(soql, org.objects), include_deleted=include_deleted)
    return [r["Id"] for r in result.page(0, result.total_size)], result.total_size


def test_generated_stamps_are_at_or_before_generation_time():
    """The invariant the changed-since fast path relies on, for every object."""
    org = Org(2000, 3, multi_currency=True)
    for name in org.objects:
        for index in range(org.generated_count(name)):
            record = org.record_at(name, index)
            stamps = [record.get(f) for f in ("CreatedDate", "LastModifiedDate", "SystemModstamp")]
            assert max(s for s in stamps if s) <= GENERATED_AT_TEXT, (name, index, stamps)
    # edits no longer pile up in the last second before the generation time
    recent = sum(
        org.record_at("Contact", i)["SystemModstamp"] >= format_datetime(GENERATED_AT - 300)
        for i in range(org.generated_count("Contact"))
    )
    assert recent < org.generated_count("Contact") * 0.005


def test_mutation_changes_adds_and_deletes_with_the_clock():
    org = Org(400, 1, clock=START)
    fresh = Org(400, 1, clock=START)
    assert org.clock.now_text() == "2025-06-01T01:00:00.000+0000"
    result = org.mutate({"object": "Account", "change": 5, "add": 3, "delete": 2, "seed": 7})
    assert result["now"] == AFTER_FIRST and org.clock.now_text() == AFTER_FIRST
    assert result["before"] == "2025-06-01T01:00:00.000+0000"
    assert result["counts"] == {"changed": 5, "added": 3, "deleted": 2}
    for record_id in result["changed"]:
        record, before = org.get("Account", record_id), fresh.get("Account", record_id)
        assert record["SystemModstamp"] == record["LastModifiedDate"] == AFTER_FIRST
        assert record["LastModifiedById"] == org.user_id and not record["IsDeleted"]
        assert record["CreatedDate"] == before["CreatedDate"]
        changed = {k for k in record if record[k] != before[k]} - {
            "SystemModstamp",
            "LastModifiedDate",
            "LastModifiedById",
        }
        assert changed and changed <= {
            "Name",
            "Phone",
            "Description",
            "Industry",
            "NumberOfEmployees",
            "Website",
        }
    for record_id in result["deleted"]:
        record = org.get("Account", record_id)
        assert record["IsDeleted"] and record["SystemModstamp"] == AFTER_FIRST
        assert record_id in org.deleted_ids("Account")
    last_generated = org.record_at("Account", org.generated_count("Account") - 1)["Id"]
    for record_id in result["added"]:
        record = org.get("Account", record_id)
        assert record_id[:15] > last_generated[:15]
        assert record["CreatedDate"] == record["SystemModstamp"] == AFTER_FIRST
        assert record["Name"] and record["BillingCity"]  # the generator's usual shape
    assert org.count("Account") == fresh.count("Account") + 3 - 2
    assert org.count("Account", include_deleted=True) == fresh.count("Account", include_deleted=True) + 3
    second = org.mutate({"object": "Contact", "change": 0.05, "advance": 300})
    assert second["now"] == "2025-06-01T01:06:00.000+0000"
    assert second["counts"]["changed"] == round(0.05 * org.count("Contact"))


def test_mutations_are_deterministic_in_the_seed():
    spec = {"object": "Opportunity", "change": 0.1, "add": 2, "delete": 3, "seed": 11}

    def run(seed_spec):
        org = Org(600, 2, clock=START)
        result = org.mutate(seed_spec)
        return result, [org.get("Opportunity", i) for i in result["changed"] + result["added"]]

    first, second = run(spec), run(spec)
    assert first == second
    other = run({**spec, "seed": 12})[0]
    assert other["changed"] != first[0]["changed"]


def test_explicit_updates_and_deletes_and_their_errors():
    org = Org(200, 1, clock=START)
    account = org.record_at("Account", 3)["Id"]
    gone = org.record_at("Account", 4)["Id"]
    result = org.mutate(
        {"object": "Account", "update": {account: {"name": "Renamed Ltd"}}, "delete_ids": [gone]}
    )
    assert result["changed"] == [account] and result["deleted"] == [gone]
    assert org.get("Account", account)["Name"] == "Renamed Ltd"
    now = org.clock.now_text()
    from sfsandbox.mutate import MutationError

    bad = [
        ({"object": "Nope"}, "NOT_FOUND"),
        ({"object": "Account", "update": {account: {"Nope__c": 1}}}, "INVALID_FIELD"),
        (
            {"object": "Account", "update": {account: {"SystemModstamp": now}}},
            "INVALID_FIELD_FOR_INSERT_UPDATE",
        ),
        ({"object": "Account", "delete_ids": [gone]}, "ENTITY_IS_DELETED"),
        ({"object": "User", "delete": 1}, "CANNOT_DELETE"),
        ({"object": "Group", "add": 1}, "CANNOT_ADD"),
        ({"object": "Account", "change": 2.5}, "INVALID_MUTATION"),
        ({"object": "Account", "colour": "red"}, "INVALID_MUTATION"),
    ]
    for spec, code in bad:
        with pytest.raises(MutationError) as caught:
            org.mutate(spec)
        assert caught.value.code == code, spec
    assert org.clock.now_text() == now  # a refused mutation writes nothing and keeps the clock


def test_clock_follows_real_time_by_default():
    clock = OrgClock()
    assert clock.follows_real_time and abs(clock.now() - time.time()) < 2
    moved = clock.advance(60)
    assert clock.now() == moved >= time.time() + 58
    frozen = OrgClock(START)
    assert frozen.now() == frozen.now() and frozen.advance(60) == frozen.now()
    with pytest.raises(ValueError):
        OrgClock("2025-05-31T00:00:00Z")


def test_changed_since_query_reads_only_the_changed_records():
    """A 1% change on a large org: the delta query builds about the changed rows, not the object."""
    org = Org(200_000, 1, clock=START)
    since = org.clock.now_text()
    result = org.mutate({"object": "Contact", "change": 0.01, "add": 20, "delete": 10, "seed": 7})
    n = org.generated_count("Contact")
    builds = org.factory.builds
    found, total = _ids(org, f"SELECT Id, Name FROM Contact WHERE SystemModstamp > {since[:19]}Z ORDER BY Id")
    assert sorted(found) == sorted(result["changed"] + result["added"]) and total == len(found)
    assert org.factory.builds - builds <= 2 * total + 10  # predicate + page, never the whole object
    builds = org.factory.builds
    counted = ResultSet(
        org, parse("SELECT COUNT() FROM Contact WHERE IsDeleted = true", org.objects), include_deleted=True
    )
    assert counted.total_size == len(org.deleted_ids("Contact")) and org.factory.builds - builds == 0
    # A "since" before the generation time has to read everything: the counter shows it.
    builds = org.factory.builds
    ResultSet(
        org,
        parse("SELECT Id FROM Contact WHERE SystemModstamp > 2025-05-01T00:00:00Z", org.objects),
        include_deleted=False,
    )
    assert org.factory.builds - builds >= 0.95 * n  # every live contact


def test_changes_since_helper_classifies_ids():
    org = Org(400, 1, clock=START)
    since = org.clock.now_text()
    first = org.mutate({"object": "Case", "change": 4, "add": 2, "delete": 1, "seed": 1})
    middle = org.clock.now_text()
    second = org.mutate({"object": "Case", "delete_ids": [first["added"][0]]})
    from sfsandbox.mutate import changes_since

    seen = changes_since(org, "Case", since)
    assert seen["changed"] == sorted(first["changed"])
    assert seen["added"] == first["added"][1:]
    assert seen["deleted"] == sorted(first["deleted"] + second["deleted"])
    assert changes_since(org, "Case", middle) == {"changed": [], "added": [], "deleted": second["deleted"]}


@pytest.fixture(scope="module")
def mutated():
    with running_sandbox(records=2000, seed=5, clock=START) as sandbox:
        since = sandbox.now()
        response = requests.post(
            sandbox.url + "/_sandbox/mutate",
            json={"object": "Contact", "change": 0.02, "add": 15, "delete": 8, "seed": 7},
            timeout=30,
        )
        yield sandbox, since, response


def test_mutate_endpoint_answers_what_changed(mutated):
    sandbox, since, response = mutated
    assert since == "2025-06-01T01:00:00.000+0000"
    assert response.status_code == 200
    body = response.json()
    assert body["now"] == AFTER_FIRST and body["ids_listed"] is True
    assert body["counts"] == {"changed": len(body["changed"]), "added": 15, "deleted": 8}
    stats = sandbox.stats()
    assert stats["now"] == AFTER_FIRST and stats["generated_at"] == GENERATED_AT_TEXT
    assert "records_built" in stats
    bad = requests.post(sandbox.url + "/_sandbox/mutate", json={"object": "Account", "oops": 1}, timeout=30)
    assert bad.status_code == 400 and bad.json()[0]["errorCode"] == "INVALID_MUTATION"


def test_delta_queries_over_rest_and_simple_salesforce(mutated):
    sandbox, since, response = mutated
    body = response.json()
    sf = sandbox.simple_salesforce()
    live = sorted(body["changed"] + body["added"])
    z_form = since[:19] + "Z"
    rows = sf.query_all(f"SELECT Id, SystemModstamp FROM Contact WHERE SystemModstamp > {z_form} ORDER BY Id")
    assert [r["Id"] for r in rows["records"]] == live
    assert {r["SystemModstamp"] for r in rows["records"]} == {AFTER_FIRST}
    same = sf.query_all(
        f"SELECT Id FROM Contact WHERE LastModifiedDate >= {since.replace('+0000', '+00:00')}"
    )
    assert sorted(r["Id"] for r in same["records"]) == live
    assert sf.query(f"SELECT COUNT() FROM Contact WHERE SystemModstamp > {since}")["totalSize"] == len(live)
    assert sf.query(f"SELECT COUNT() FROM Contact WHERE SystemModstamp > {AFTER_FIRST}")["totalSize"] == 0
    deleted = sf.query_all(
        "SELECT Id, IsDeleted, SystemModstamp FROM Contact "
        f"WHERE IsDeleted = true AND SystemModstamp > {z_form}",
        include_deleted=True,
    )
    assert sorted(r["Id"] for r in deleted["records"]) == sorted(body["deleted"])
    assert all(r["IsDeleted"] and r["SystemModstamp"] == AFTER_FIRST for r in deleted["records"])
    every_deleted = sf.query_all("SELECT Id FROM Contact WHERE IsDeleted = true", include_deleted=True)
    assert {r["Id"] for r in every_deleted["records"]} == set(sandbox.org.deleted_ids("Contact"))
    assert set(body["deleted"]) <= {r["Id"] for r in every_deleted["records"]}
    # changed since, or one of the records that failed last time; keyset paging by Id
    errored = [sandbox.org.record_at("Contact", i)["Id"] for i in (1, 2)]
    in_list = ", ".join(f"'{i}'" for i in errored)
    either = sf.query_all(f"SELECT Id FROM Contact WHERE (SystemModstamp > {z_form} OR Id IN ({in_list}))")
    expected = sorted(set(live) | {i for i in errored if i not in body["deleted"]})
    assert sorted(r["Id"] for r in either["records"]) == expected
    after = sf.query_all(
        f"SELECT Id FROM Contact WHERE SystemModstamp > {z_form} AND Id > '{live[4]}' ORDER BY Id"
    )
    assert [r["Id"] for r in after["records"]] == live[5:]


def test_delta_query_through_bulk_api(mutated):
    sandbox, since, response = mutated
    body = response.json()
    sf = sandbox.simple_salesforce()
    z_form = since[:19] + "Z"
    pages = list(
        sf.bulk2.Contact.query(f"SELECT Id, Email FROM Contact WHERE SystemModstamp > {z_form}", wait=0)
    )
    rows = [row for page in pages for row in csv.DictReader(io.StringIO(page))]
    assert sorted(r["Id"] for r in rows) == sorted(body["changed"] + body["added"])
    everything = list(
        sf.bulk2.Contact.query_all(
            f"SELECT Id FROM Contact WHERE IsDeleted = true AND SystemModstamp > {z_form}", wait=0
        )
    )
    rows = [row for page in everything for row in csv.DictReader(io.StringIO(page))]
    assert sorted(r["Id"] for r in rows) == sorted(body["deleted"])


def test_date_literals_on_date_fields(mutated):
    sandbox, _, _ = mutated
    sf = sandbox.simple_salesforce()
    org = sandbox.org
    expected = sorted(
        r["Id"]
        for r in (org.record_at("Opportunity", i) for i in range(org.generated_count("Opportunity")))
        if not r["IsDeleted"] and r["CloseDate"] and r["CloseDate"] >= "2024-01-01"
    )
    rows = sf.query_all("SELECT Id FROM Opportunity WHERE CloseDate >= 2024-01-01 ORDER BY Id")
    assert [r["Id"] for r in rows["records"]] == expected
    with pytest.raises(Exception, match="INVALID_QUERY_FILTER_OPERATOR"):
        sf.query("SELECT Id FROM Opportunity WHERE CloseDate >= 2024-01-01T00:00:00Z")


def test_every_object_at_once_shares_one_stamp():
    with running_sandbox(records=400, seed=1, clock=START) as sandbox:
        result = sandbox.mutate("*", change=0.05, add=1, delete=1, seed=3)
        assert result["now"] == AFTER_FIRST
        assert set(result["objects"]) >= {"Account", "Contact", "Task", "ContentNote"}
        assert result["objects"]["User"]["deleted"] == 0 and result["objects"]["Group"]["added"] == 0
        assert result["counts"]["changed"] == sum(o["changed"] for o in result["objects"].values())
        seen = sandbox.changes_since("Task", "2025-06-01T01:00:00.000+0000")
        assert sum(len(v) for v in seen.values()) == sum(result["objects"]["Task"].values())
