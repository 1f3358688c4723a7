"""Golden bytes: what the sandbox serves for a seed and flags never changes by accident.

The sandbox is tuned for speed (it shares the bench machine with the importer), and every
such change must keep each REST query page, Bulk CSV page, record retrieve and note body
byte for byte the same. These hashes were recorded from the code before that tuning; a
change that means to alter the generated data (a new field, another distribution) updates
them on purpose, with a note in its commit. Set SFSANDBOX_PRINT_GOLDEN=1 to print the
current hashes in the form below.
"""

from __future__ import annotations

import hashlib
import os

from sfsandbox.data import Org
from sfsandbox.query import ResultSet
from sfsandbox.refusals import COMPOUND_FIELDS
from sfsandbox.soql import parse
from sfsandbox.testing import running_sandbox

# The objects the importer reads (salesforce_imports.mapping.IMPORT_ORDER), plus the
# owners it resolves and the note links it follows.
OBJECTS = (
    "Product2",
    "PricebookEntry",
    "Account",
    "Contact",
    "Opportunity",
    "OpportunityLineItem",
    "Lead",
    "Case",
    "Order",
    "OrderItem",
    "Quote",
    "QuoteLineItem",
    "Task",
    "Event",
    "Note",
    "ContentNote",
    "User",
    "Group",
    "CurrencyType",
)
API = "/services/data/v62.0"
MUTATION = {"object": "*", "change": 0.05, "add": 0.01, "delete": 0.01, "seed": 3}
FROZEN_CLOCK = 1767225600  # 2026-01-01T00:00:00Z: mutation stamps are the same every run


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
        if f.type not in ("address", "location", "base64") and f.name not in COMPOUND_FIELDS
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
        print("{\n" + "".join(f"    {k!r}: {v!r},\n" for k, v in hashes.items()) + "}")
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


# Recorded from the sandbox of commit 36d96f8 (before the speed work), like the others.
GOLDEN_ODD_VALUES = {
    "rest": "8e663bf77b9caf17",
    "bulk COMMA LF": "dde35f1b28234e64",
    "bulk TAB CRLF": "e2fb4449403587d4",
    "bulk PIPE LF": "56fb7f858ceb6c3d",
    "bulk SEMICOLON CRLF": "d784709a1c01005d",
    "bulk CARET LF": "9b36ca90dbe53186",
    "bulk BACKQUOTE CRLF": "415ed2bbb965cdee",
}

GOLDEN_SINGLE_CURRENCY = {
    "rest Product2": "3a105390910340ba",
    "rest small pages Product2": "3a105390910340ba",
    "queryAll Product2": "074b9033348769d8",
    "bulk Product2": "757d5f423e396b0a",
    "bulk relations Product2": "195113f0b672ac2f",
    "retrieve Product2": "ebcb8e5fad1fe0c6",
    "rest PricebookEntry": "eccc9f634ac504fa",
    "rest small pages PricebookEntry": "eccc9f634ac504fa",
    "queryAll PricebookEntry": "d979b3f669124869",
    "bulk PricebookEntry": "239230a571250d0a",
    "bulk relations PricebookEntry": "52a8e4c7e185ac5e",
    "retrieve PricebookEntry": "7d2da6348621ce9e",
    "rest Account": "40c628a4223672d0",
    "rest small pages Account": "bca589de00f944c2",
    "queryAll Account": "890c379eaaa009b3",
    "bulk Account": "28279ea92b6cf2c9",
    "bulk relations Account": "c243e57cc3e6d242",
    "retrieve Account": "01b0ac8a455b1023",
    "rest Contact": "dd1ecbb1cc0940c0",
    "rest small pages Contact": "728315c31a0951c4",
    "queryAll Contact": "5a87739cb43e957a",
    "bulk Contact": "938fe33c9fd2db5e",
    "bulk relations Contact": "9f31caac834d39fd",
    "retrieve Contact": "869f9c822fe718eb",
    "rest Opportunity": "38d7abc38249fdbd",
    "rest small pages Opportunity": "6a09b8b971df5c30",
    "queryAll Opportunity": "5f2182c8ebd19330",
    "bulk Opportunity": "b5d5c986e3a1d904",
    "bulk relations Opportunity": "a807d6fbed9caa61",
    "retrieve Opportunity": "5eb92d2b8620bc75",
    "rest OpportunityLineItem": "7d0112bb897d5c15",
    "rest small pages OpportunityLineItem": "a21c11dde0c91bb2",
    "queryAll OpportunityLineItem": "58e75d24b9617afb",
    "bulk OpportunityLineItem": "ff601c465d225606",
    "bulk relations OpportunityLineItem": "c282da67868f48eb",
    "retrieve OpportunityLineItem": "2d46aa183d97613f",
    "rest Lead": "fa51ea81ee81d6b8",
    "rest small pages Lead": "8ff7edd8220e715d",
    "queryAll Lead": "3a47a89201ff4442",
    "bulk Lead": "19d45c03a5aece2b",
    "bulk relations Lead": "a74c09ec5f24a896",
    "retrieve Lead": "b7c4937636b9e1c1",
    "rest Case": "645481524df77916",
    "rest small pages Case": "645481524df77916",
    "queryAll Case": "dd5e420dbd01eab2",
    "bulk Case": "22bc71872f42a683",
    "bulk relations Case": "c9f79311f1a69b12",
    "retrieve Case": "09347ad9fbc0752b",
    "rest Order": "23d5b4af67b23ad7",
    "rest small pages Order": "eb3658acf1a60898",
    "queryAll Order": "60341823f5cdb4e7",
    "bulk Order": "e9081963f7774f87",
    "bulk relations Order": "7b763e8e9e739960",
    "retrieve Order": "a05cd9bbd9608dac",
    "rest OrderItem": "c279844b81de9903",
    "rest small pages OrderItem": "361e8031c3a4ab10",
    "queryAll OrderItem": "e9d155e4f772c706",
    "bulk OrderItem": "c91d4bbc21b38164",
    "bulk relations OrderItem": "d1a74a88b2a95c24",
    "retrieve OrderItem": "1a2d617da25422a3",
    "rest Quote": "b4c1fa4de70577bf",
    "rest small pages Quote": "b4c1fa4de70577bf",
    "queryAll Quote": "510c40e10e0f9a1a",
    "bulk Quote": "4695ef719c9b73ff",
    "bulk relations Quote": "6d6b409a3047d9c2",
    "retrieve Quote": "e8cf7d55770f9bd4",
    "rest QuoteLineItem": "bdb25879f26ec555",
    "rest small pages QuoteLineItem": "4fc740f890848be6",
    "queryAll QuoteLineItem": "3852f14ab925144c",
    "bulk QuoteLineItem": "99ea3121bcf365ed",
    "bulk relations QuoteLineItem": "6d3044439fd7a9c5",
    "retrieve QuoteLineItem": "5d338d6c6106a563",
    "rest Task": "f2a1e6c8f49a270d",
    "rest small pages Task": "b847290603d380a4",
    "queryAll Task": "bec1da3281a4a14d",
    "bulk Task": "f3b08177ad7640c4",
    "bulk relations Task": "933e411c39af139b",
    "retrieve Task": "d673f78aecb77da7",
    "rest Event": "b5d7ddbd56bbd298",
    "rest small pages Event": "b5d7ddbd56bbd298",
    "queryAll Event": "e2c9e7b79ebb491d",
    "bulk Event": "a2f836f1037e1aaa",
    "bulk relations Event": "f13b6368b09754e5",
    "retrieve Event": "cd63096e97347d21",
    "rest Note": "262d146b371ac3e5",
    "rest small pages Note": "262d146b371ac3e5",
    "queryAll Note": "d8c0cf25eefade2e",
    "bulk Note": "797119c032e4a9bf",
    "bulk relations Note": "fc9fd75c684fb02b",
    "retrieve Note": "affff1d31d59dab5",
    "rest ContentNote": "f7e61acf5bd2d5d5",
    "rest small pages ContentNote": "f7e61acf5bd2d5d5",
    "queryAll ContentNote": "a5e561cd30452181",
    "bulk ContentNote": "97187c94b1da92dc",
    "bulk relations ContentNote": "b03dc98dbc8b23f9",
    "retrieve ContentNote": "1432f08727a06817",
    "rest User": "1be2bc435832f16e",
    "rest small pages User": "1be2bc435832f16e",
    "queryAll User": "1be2bc435832f16e",
    "bulk User": "4f009bb0fec0fe38",
    "bulk relations User": "7a79046e9cdcf3b2",
    "retrieve User": "276a1379b9eb5140",
    "rest Group": "4caafb101808ac03",
    "rest small pages Group": "4caafb101808ac03",
    "queryAll Group": "4caafb101808ac03",
    "bulk Group": "8aff83138ceed4fe",
    "bulk relations Group": "4aa14ce044f436a3",
    "retrieve Group": "4aa9bc55145ff10a",
    "ContentNote bodies": "5a6330d009cb3a9d",
    "rest ContentDocumentLink": "a8bb94eb2cd13e28",
}
GOLDEN_MULTI_CURRENCY_MUTATED = {
    "rest Product2": "f674fc516f0c36ae",
    "rest small pages Product2": "f674fc516f0c36ae",
    "queryAll Product2": "a23923d0fb36557c",
    "bulk Product2": "d63dc4e04ae2dc12",
    "bulk relations Product2": "453fbebf8ad3e3ba",
    "retrieve Product2": "a75e108e44d0ea62",
    "rest PricebookEntry": "e7395587ea8c4c3d",
    "rest small pages PricebookEntry": "e7395587ea8c4c3d",
    "queryAll PricebookEntry": "89869863bc737bf3",
    "bulk PricebookEntry": "50b600cfa71e1a5d",
    "bulk relations PricebookEntry": "b3cfb7438ebccd05",
    "retrieve PricebookEntry": "6e6f66522935a465",
    "rest Account": "ee67be1a2289891e",
    "rest small pages Account": "b0faf429f446cc52",
    "queryAll Account": "4ac3da370d95a880",
    "bulk Account": "9922fd26724ebf70",
    "bulk relations Account": "eab9eed09497e1a3",
    "retrieve Account": "e83c3b545b753f4e",
    "rest Contact": "3422b5ac9e992aee",
    "rest small pages Contact": "8c73812dfdbfdf46",
    "queryAll Contact": "2397f250a353f426",
    "bulk Contact": "b4562c428c1ddcbb",
    "bulk relations Contact": "5a028c6332ef0b79",
    "retrieve Contact": "ab4c758a2dfec516",
    "rest Opportunity": "2b587a0a9a673d9f",
    "rest small pages Opportunity": "68881f8d593155c2",
    "queryAll Opportunity": "5565ca1c8ba043dc",
    "bulk Opportunity": "0ec55dc116191a67",
    "bulk relations Opportunity": "7886a25a45521723",
    "retrieve Opportunity": "0d8269e5be2b7195",
    "rest OpportunityLineItem": "3d11e52f1f4227fa",
    "rest small pages OpportunityLineItem": "4240f5abc3778e6a",
    "queryAll OpportunityLineItem": "39b10f8e69dbed86",
    "bulk OpportunityLineItem": "b6ac910e6f3dfb5b",
    "bulk relations OpportunityLineItem": "e5bb59280ec86ab1",
    "retrieve OpportunityLineItem": "bc89cf79b0529d3e",
    "rest Lead": "09e9a4f0bb6fb834",
    "rest small pages Lead": "989c32bec8b5136c",
    "queryAll Lead": "d6a04222796036ac",
    "bulk Lead": "e8b11970bbb80bd9",
    "bulk relations Lead": "fe2baeba9071f0cf",
    "retrieve Lead": "6927c0551ae7efa4",
    "rest Case": "ae934632d24e2901",
    "rest small pages Case": "ae934632d24e2901",
    "queryAll Case": "465fe00b9f3ec003",
    "bulk Case": "d4b5a8905a34800e",
    "bulk relations Case": "582d15ffd370694a",
    "retrieve Case": "e9400cba6faad7b2",
    "rest Order": "e637bac34658c91a",
    "rest small pages Order": "17156f79fdd17fd0",
    "queryAll Order": "8c39896b65e3cfe5",
    "bulk Order": "2809fc59959695f2",
    "bulk relations Order": "1160cb5b2fe26684",
    "retrieve Order": "a349506637224d01",
    "rest OrderItem": "7b0deeaf0a54a75e",
    "rest small pages OrderItem": "2d4d8ecd3e2027d2",
    "queryAll OrderItem": "fba13af9c2a40a40",
    "bulk OrderItem": "cbd9299811485e7b",
    "bulk relations OrderItem": "7bb51d30ded1520f",
    "retrieve OrderItem": "fa87d088bbe12473",
    "rest Quote": "c0a213e6422aba65",
    "rest small pages Quote": "c0a213e6422aba65",
    "queryAll Quote": "d353502e73d9b163",
    "bulk Quote": "83a1eeeca07dffe3",
    "bulk relations Quote": "e0df3edd86a8ecf5",
    "retrieve Quote": "51256d343a78405d",
    "rest QuoteLineItem": "2b1cf0d2ecd728f3",
    "rest small pages QuoteLineItem": "21f35a11c75b3d70",
    "queryAll QuoteLineItem": "844bbc7444eeb1ff",
    "bulk QuoteLineItem": "5cd630a4c59e2f29",
    "bulk relations QuoteLineItem": "565b1ccd6c7fbc74",
    "retrieve QuoteLineItem": "d465eebc08d88e07",
    "rest Task": "66c12ab4a7052b12",
    "rest small pages Task": "6b53b059f1eda3c7",
    "queryAll Task": "0c4ac9e3caec5ad6",
    "bulk Task": "43bac0cf537992de",
    "bulk relations Task": "2dcf10a5bf61c181",
    "retrieve Task": "ff142c2922be291e",
    "rest Event": "bcfc7d31b4a998e5",
    "rest small pages Event": "bcfc7d31b4a998e5",
    "queryAll Event": "395b47dfce11f6cd",
    "bulk Event": "ca0cc5d80e8f12e3",
    "bulk relations Event": "5428cd23535787c0",
    "retrieve Event": "cb11d35596218173",
    "rest Note": "2378d141bd86d2a5",
    "rest small pages Note": "2378d141bd86d2a5",
    "queryAll Note": "73c734f9f5011305",
    "bulk Note": "3180d24d4b2769ff",
    "bulk relations Note": "2a6fd0dc3ec58b30",
    "retrieve Note": "6e001a1fa26bc10b",
    "rest ContentNote": "8fc318f66339b2dd",
    "rest small pages ContentNote": "8fc318f66339b2dd",
    "queryAll ContentNote": "3f20c19b98a76293",
    "bulk ContentNote": "494f3aba3994ba58",
    "bulk relations ContentNote": "82e3afb99480660f",
    "retrieve ContentNote": "e37f765a2d364da0",
    "rest User": "aece1791e63644ea",
    "rest small pages User": "aece1791e63644ea",
    "queryAll User": "aece1791e63644ea",
    "bulk User": "16ff49fb753e0d94",
    "bulk relations User": "d301407d5ce0822f",
    "retrieve User": "9849733db7a1b413",
    "rest Group": "4caafb101808ac03",
    "rest small pages Group": "4caafb101808ac03",
    "queryAll Group": "4caafb101808ac03",
    "bulk Group": "8aff83138ceed4fe",
    "bulk relations Group": "4aa14ce044f436a3",
    "retrieve Group": "4aa9bc55145ff10a",
    "rest CurrencyType": "2cb5de57d0a9f1e7",
    "rest small pages CurrencyType": "2cb5de57d0a9f1e7",
    "queryAll CurrencyType": "2cb5de57d0a9f1e7",
    "bulk CurrencyType": "d720d54cd231132a",
    "bulk relations CurrencyType": "786bfc0f7864b0d9",
    "retrieve CurrencyType": "6c2035e06bdd3a9e",
    "ContentNote bodies": "a3465a4d5cffec0c",
    "rest ContentDocumentLink": "01bf1da76010dd3a",
    "delta Account": "3958b3a4057d0b0f",
    "delta Contact": "411186c690ca62b3",
    "delta OpportunityLineItem": "4827597d3a75d928",
    "delta Task": "34439d664c3553b8",
}
