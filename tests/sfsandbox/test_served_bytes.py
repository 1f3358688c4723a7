"""Golden bytes: what the sandbox serves for a seed and flags never changes by accident.

The sandbox is tuned for speed (it shares the bench machine with the importer), and every
such change must keep each REST query page, Bulk CSV page, record retrieve and note body
byte for byte the same. These hashes were recorded from the code before that tuning; a
change that means to alter the generated data (a new field, another distribution) updates
them on purpose (served_bytes_golden.json), with a note in its commit. Set
SFSANDBOX_PRINT_GOLDEN=1 to print the current hashes.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from sfsandbox.bench_cpu import IMPORTED
from sfsandbox.data import Org
from sfsandbox.query import ResultSet
from sfsandbox.refusals import COMPOUND_FIELDS
from sfsandbox.soql import parse
from sfsandbox.testing import running_sandbox

# The objects the importer reads (bench_cpu.IMPORTED, after salesforce_imports' IMPORT_ORDER),
# plus the owners it resolves and the note links it follows.
OBJECTS = (*IMPORTED, "ContentNote", "User", "Group", "CurrencyType")
API = "/services/data/v62.0"
MUTATION = {"object": "*", "change": 0.05, "add": 0.01, "delete": 0.01, "seed": 3}
FROZEN_CLOCK = 1767225600  # 2026-01-01T00:00:00Z: mutation stamps are the same every run
# sha256 (first 16 hex digits) of what each of the three orgs serves, per query, recorded
# from the sandbox of commit 36d96f8 (before the speed work).
GOLDEN = json.loads((Path(__file__).parent / "served_bytes_golden.json").read_text())
GOLDEN_SINGLE_CURRENCY = GOLDEN["single_currency"]
GOLDEN_MULTI_CURRENCY_MUTATED = GOLDEN["multi_currency_mutated"]
GOLDEN_ODD_VALUES = GOLDEN["odd_values"]


def _parent_field(org, target: str | None) -> list[str]:
    if target is None:  # polymorphic: the "Name" object has Name and Type
        return ["Name", "Type"]
    obj = org.objects.get(target)
    if obj is None:
        return []
    names = [f.name for f in obj.fields if f.name_field][:1] or ["Id"]
    if target == "Pricebook2":
        names.append("IsStandard")  # prices.py reads it
    return names


def select_list(org, object_name: str) -> str:
    """Every field describe lists, then each parent's name (as Product2.Name, Owner.Name, Who.Type)."""
    obj = org.objects[object_name]
    columns = [f.name for f in obj.fields]
    for field_def in obj.fields:
        if not field_def.relationship_name or field_def.name in ("CreatedById", "LastModifiedById"):
            continue
        target = None if field_def.polymorphic else field_def.reference_to[0]
        columns += [f"{field_def.relationship_name}.{name}" for name in _parent_field(org, target)]
    if obj.get("CreatedById"):
        columns.append("CreatedBy.Name")
    return ", ".join(dict.fromkeys(columns))


def _bulk_columns(org, object_name: str) -> list[str]:
    """The fields a query job accepts: no compound (address, location) or base64 fields."""
    return [
        f.name
        for f in org.objects[object_name].fields
        # Event.Location left out as when the hashes were recorded (it was then refused as
        # compound by mistake; the pages hashed are the same either way).
        if f.type not in ("address", "location", "base64") and f.name not in {*COMPOUND_FIELDS, "Location"}
    ]


def _digest(chunks: list[bytes]) -> str:
    hasher = hashlib.sha256()
    for chunk in chunks:
        hasher.update(len(chunk).to_bytes(8, "big"))
        hasher.update(chunk)
    return hasher.hexdigest()[:16]


def _rest_pages(session, url: str, soql: str, endpoint: str = "query", batch: int | None = None) -> str:
    headers = {"Sforce-Query-Options": f"batchSize={batch}"} if batch else {}
    response = session.get(f"{url}{API}/{endpoint}/", params={"q": soql}, headers=headers, timeout=60)
    pages = []
    while True:
        assert response.status_code == 200, response.text[:300]
        pages.append(response.content)
        next_url = response.json().get("nextRecordsUrl")
        if not next_url:
            return _digest(pages)
        response = session.get(url + next_url, headers=headers, timeout=60)


def _bulk_pages(session, url: str, soql: str, max_records: int, **options) -> str:
    spec = {"operation": "query", "query": soql, **options}
    job = session.post(f"{url}{API}/jobs/query", json=spec, timeout=60)
    assert job.status_code == 200, job.text[:300]
    job_id = job.json()["id"]
    pages, locator = [], None
    while locator != "null":
        params = {"maxRecords": max_records, **({"locator": locator} if locator else {})}
        result = session.get(f"{url}{API}/jobs/query/{job_id}/results", params=params, timeout=60)
        assert result.status_code == 200, result.text[:300]
        locator = result.headers["Sforce-Locator"]
        count = result.headers["Sforce-NumberOfRecords"]
        pages.append(f"{count}|{locator}".encode() + b"\n" + result.content)
    return _digest(pages)


def served_hashes(sandbox) -> dict[str, str]:
    org, url = sandbox.org, sandbox.url
    session = sandbox.session()
    session.headers["Authorization"] = f"Bearer {sandbox.issue_tokens()['access_token']}"
    hashes = {}
    for name in (n for n in OBJECTS if n in org.objects):  # CurrencyType: multi-currency orgs only
        soql = f"SELECT {select_list(org, name)} FROM {name}"
        live = " WHERE IsDeleted = false" if org.objects[name].get("IsDeleted") else ""
        hashes[f"rest {name}"] = _rest_pages(session, url, soql + live + " ORDER BY Id")
        hashes[f"rest small pages {name}"] = _rest_pages(session, url, soql + " ORDER BY Id", batch=200)
        hashes[f"queryAll {name}"] = _rest_pages(session, url, soql, endpoint="queryAll", batch=500)
        bulk_fields = ", ".join(_bulk_columns(org, name))
        hashes[f"bulk {name}"] = _bulk_pages(session, url, f"SELECT {bulk_fields} FROM {name}", 250)
        relations = ", ".join(c for c in select_list(org, name).split(", ") if "." in c)
        bulk_soql = f"SELECT {bulk_fields}, {relations} FROM {name}"
        hashes[f"bulk relations {name}"] = _bulk_pages(session, url, bulk_soql, 400)
        retrieved = []
        for index in range(0, org.generated_count(name), max(1, org.generated_count(name) // 7)):
            record_id = org.record_at(name, index)["Id"]
            retrieved.append(session.get(f"{url}{API}/sobjects/{name}/{record_id}", timeout=60).content)
        hashes[f"retrieve {name}"] = _digest(retrieved)
    notes = [org.record_at("ContentNote", i)["Id"] for i in range(0, org.generated_count("ContentNote"), 3)]
    bodies = [session.get(f"{url}{API}/sobjects/ContentNote/{n}/Content", timeout=60).content for n in notes]
    hashes["ContentNote bodies"] = _digest(bodies)
    quoted = ",".join(f"'{n}'" for n in notes)
    links = f"SELECT {select_list(org, 'ContentDocumentLink')} FROM ContentDocumentLink"
    hashes["rest ContentDocumentLink"] = _rest_pages(
        session, url, f"{links} WHERE ContentDocumentId IN ({quoted})"
    )
    return hashes


def _check(hashes: dict[str, str], golden: dict[str, str]) -> None:
    if os.environ.get("SFSANDBOX_PRINT_GOLDEN"):
        print(json.dumps(hashes, indent=1))
    changed = sorted(key for key in golden.keys() | hashes.keys() if golden.get(key) != hashes.get(key))
    assert not changed, f"served bytes changed for: {changed}"


def test_the_select_list_names_every_field_and_the_parents_the_importer_reads():
    with running_sandbox(records=300, seed=5) as sandbox:
        columns = select_list(sandbox.org, "OpportunityLineItem").split(", ")
        assert "Product2.Name" in columns and "Description" in columns
        assert "Pricebook2.Name" in select_list(sandbox.org, "PricebookEntry").split(", ")
        task = select_list(sandbox.org, "Task").split(", ")
        assert {"Who.Type", "Who.Name", "What.Name", "Owner.Name"} <= set(task)
        assert {f.name for f in sandbox.org.objects["Task"].fields} <= set(task)


def test_single_currency_org_serves_the_recorded_bytes():
    with running_sandbox(records=3000, seed=5) as sandbox:
        _check(served_hashes(sandbox), GOLDEN_SINGLE_CURRENCY)


def test_read_ahead_serves_the_same_bytes():
    # The server runs with read-ahead (a thread building the next pages' records early).
    with running_sandbox(records=3000, seed=5, read_ahead=True) as sandbox:
        _check(served_hashes(sandbox), GOLDEN_SINGLE_CURRENCY)


def test_read_ahead_builds_each_record_of_a_paged_query_once():
    org = Org(20000, seed=5, read_ahead=True)
    result = ResultSet(
        org, parse("SELECT Id, Name FROM Contact ORDER BY Id", org.objects), include_deleted=False
    )
    built_before, served = org.factory.builds, []
    while len(served) < result.total_size:  # page after page with no pause: reads catch up with the thread
        served += [record["Id"] for record in result.page(len(served), 2000)]
    assert len(set(served)) == result.total_size == org.count("Contact")
    # Each generated Contact once, give or take the block the first page ended in.
    assert org.factory.builds - built_before <= org.generated_count("Contact") + 1024


def test_multi_currency_org_after_a_mutation_serves_the_recorded_bytes():
    with running_sandbox(records=3000, seed=5, multi_currency=True, clock=FROZEN_CLOCK) as sandbox:
        since = sandbox.now()
        changed = sandbox.mutate(**MUTATION)
        assert all(changed["objects"][name]["changed"] for name in ("Account", "Task"))
        hashes = served_hashes(sandbox)
        session = sandbox.session()
        session.headers["Authorization"] = f"Bearer {sandbox.issue_tokens()['access_token']}"
        for name in ("Account", "Contact", "OpportunityLineItem", "Task"):
            where = f"WHERE SystemModstamp > {since} ORDER BY Id"
            soql = f"SELECT {select_list(sandbox.org, name)} FROM {name} {where}"
            hashes[f"delta {name}"] = _rest_pages(session, sandbox.url, soql, endpoint="queryAll")
        _check(hashes, GOLDEN_MULTI_CURRENCY_MUTATED)


# Values a CSV or JSON writer must escape: quotes, separators, line breaks, control
# characters, text beyond Latin-1.
ODD_ACCOUNTS = [
    {"Name": 'He said "hi", then\nleft;|^`\t', "Description": '""', "Website": "\x01 \x7f x"},
    {"Name": '"', "Description": "a\r\nb\\n", "Phone": "\u00fc\u2014\U0001f600"},
    {"Name": "", "Description": " leading and trailing ", "NumberOfEmployees": 0, "AnnualRevenue": 1e21},
]
DELIMITERS = ("COMMA", "TAB", "PIPE", "SEMICOLON", "CARET", "BACKQUOTE")


def test_values_that_need_escaping_are_served_as_recorded():
    with running_sandbox(records=300, seed=5, clock=FROZEN_CLOCK) as sandbox:
        sandbox.insert_records("Account", ODD_ACCOUNTS)
        session = sandbox.session()
        session.headers["Authorization"] = f"Bearer {sandbox.issue_tokens()['access_token']}"
        columns = ", ".join(_bulk_columns(sandbox.org, "Account"))
        soql = f"SELECT {columns}, Owner.Name, Parent.Name FROM Account WHERE Id > '001Sx0000000100'"
        hashes = {"rest": _rest_pages(session, sandbox.url, soql)}
        for n, delimiter in enumerate(DELIMITERS):
            line_ending = "CRLF" if n % 2 else "LF"
            hashes[f"bulk {delimiter} {line_ending}"] = _bulk_pages(
                session, sandbox.url, soql, 100, columnDelimiter=delimiter, lineEnding=line_ending
            )
        _check(hashes, GOLDEN_ODD_VALUES)
