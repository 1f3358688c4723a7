"""Leads, cases, activities and notes over HTTP, each shape checked against the page it follows."""

import pytest
import requests

from sfsandbox import ids

V = "/services/data/v62.0"
NEW_OBJECTS = {
    "Lead": "00Q",
    "Case": "500",
    "Campaign": "701",
    "Task": "00T",
    "Event": "00U",
    "Note": "002",
    "ContentNote": "069",
    "ContentDocumentLink": "06A",
}


@pytest.fixture
def client(sandbox):
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {sandbox.issue_tokens()['access_token']}"

    def get(path, **kwargs):
        return session.get(sandbox.url + path, timeout=60, **kwargs)

    get.sandbox, get.session = sandbox, session
    return get


def query(client, soql, endpoint="query", **kwargs):
    return client(f"{V}/{endpoint}/", params={"q": soql}, **kwargs)


def fetch_all(client, soql, endpoint="query"):
    body = query(client, soql, endpoint).json()
    records = body["records"]
    while not body["done"]:
        body = client(body["nextRecordsUrl"]).json()
        records += body["records"]
    return records


def test_global_describe_and_describe_name_the_new_objects(client):
    # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_describeGlobal.htm
    listed = {o["name"]: o["keyPrefix"] for o in client(f"{V}/sobjects/").json()["sobjects"]}
    assert {name: listed[name] for name in NEW_OBJECTS} == NEW_OBJECTS
    task = {f["name"]: f for f in client(f"{V}/sobjects/Task/describe/").json()["fields"]}
    # Object Reference, Task: WhoId (Contact, Lead) and WhatId are polymorphic; Subject a combobox.
    assert task["WhoId"]["referenceTo"] == ["Contact", "Lead"] and task["WhoId"]["polymorphicForeignKey"]
    assert "Campaign" in task["WhatId"]["referenceTo"] and task["WhatId"]["relationshipName"] == "What"
    assert task["Subject"]["type"] == "combobox" and task["IsArchived"]["type"] == "boolean"
    assert [v["value"] for v in task["TaskSubtype"]["picklistValues"]] == [
        "Task",
        "Email",
        "ListEmail",
        "Cadence",
        "Call",
    ]
    # https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_objects_contentnote.htm
    note = {f["name"]: f for f in client(f"{V}/sobjects/ContentNote/describe/").json()["fields"]}
    assert note["Content"]["type"] == "base64" and note["Content"]["soapType"] == "xsd:base64Binary"
    assert not note["Content"]["filterable"]
    # https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_objects_note.htm
    classic = {f["name"]: f for f in client(f"{V}/sobjects/Note/describe/").json()["fields"]}
    assert classic["Body"]["type"] == "textarea" and classic["Body"]["length"] == 32000
    assert classic["Title"]["length"] == 80 and not classic["ParentId"]["nillable"]
    lead = {f["name"]: f for f in client(f"{V}/sobjects/Lead/describe/").json()["fields"]}
    assert [v["value"] for v in lead["Status"]["picklistValues"]] == [
        "Open - Not Contacted",
        "Working - Contacted",
        "Closed - Converted",
        "Closed - Not Converted",
    ]
    assert lead["OwnerId"]["referenceTo"] == ["Group", "User"]  # leads can be queue-owned
    assert lead["ConvertedContactId"]["relationshipName"] == "ConvertedContact"


def test_archived_and_deleted_activities_only_through_query_all(client):
    # https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_guidelines_archive.htm
    # "You cannot use query() as it automatically filters out all records where isArchived is
    # set to true"; queryAll returns them (and soft-deleted rows with IsDeleted true).
    org = client.sandbox.org
    for name in ("Task", "Event"):
        count = query(client, f"SELECT COUNT() FROM {name}").json()["totalSize"]
        count_all = query(client, f"SELECT COUNT() FROM {name}", "queryAll").json()["totalSize"]
        assert count == org.count(name) < count_all == org.count(name, include_deleted=True)
        shown = fetch_all(client, f"SELECT Id, IsArchived, IsDeleted FROM {name}")
        assert len(shown) == count and not any(r["IsArchived"] or r["IsDeleted"] for r in shown)
        everything = fetch_all(client, f"SELECT Id, IsArchived, IsDeleted FROM {name}", "queryAll")
        assert {r["Id"] for r in everything if r["IsArchived"]} == set(org.archived_ids(name))
        assert {r["Id"] for r in everything if r["IsDeleted"]} == set(org.deleted_ids(name))
        importable = fetch_all(client, f"SELECT Id FROM {name} WHERE IsDeleted = false", "queryAll")
        assert len(importable) == org.count(name, include_deleted=False, include_archived=True)


def test_bulk_query_and_query_all_treat_archived_tasks_the_same(client):
    # https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/queries.htm
    org = client.sandbox.org
    sizes = {}
    for operation in ("query", "queryAll"):
        job = client.session.post(
            client.sandbox.url + f"{V}/jobs/query",
            json={"operation": operation, "query": "SELECT Id, Subject, IsArchived FROM Task"},
            timeout=30,
        ).json()
        body = client(f"{V}/jobs/query/{job['id']}/results").text
        sizes[operation] = len(body.strip().splitlines()) - 1
    assert sizes == {"query": org.count("Task"), "queryAll": org.count("Task", include_deleted=True)}


def test_content_note_body_is_read_one_note_at_a_time(client):
    # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_blob_retrieve.htm
    # GET /services/data/vXX.X/sobjects/sObject/id/blobField returns binary data.
    org = client.sandbox.org
    notes = query(client, "SELECT Id, Content, ContentSize, FileType, TextPreview FROM ContentNote").json()
    record = next(r for r in notes["records"] if r["Content"])
    assert record["Content"] == f"{V}/sobjects/ContentNote/{record['Id']}/Content"  # the blob's URL
    assert record["FileType"] == "SNOTE"
    client.sandbox.reset_stats()
    response = client(record["Content"])
    assert response.status_code == 200 and not response.headers["Content-Type"].startswith("application/json")
    assert len(response.content) == record["ContentSize"]
    assert response.content == org.factory.content_note_body(ids.index_from_id("ContentNote", record["Id"]))
    assert client.sandbox.stats()["calls"] == {"blob": 1}  # counted as its own kind
    missing = client(f"{V}/sobjects/ContentNote/069Sx000000ZZZZIAA/Content")
    assert missing.status_code == 404
    client.sandbox.set_faults({"error_503_at": client.sandbox.stats()["api_calls"] + 1})
    assert client(record["Content"]).status_code == 503  # faults reach the body endpoint too
    assert client(record["Content"]).status_code == 200


def test_bulk_query_refuses_the_binary_field(client):
    job = client.session.post(
        client.sandbox.url + f"{V}/jobs/query",
        json={"operation": "query", "query": "SELECT Id, Content FROM ContentNote"},
        timeout=30,
    )
    assert job.status_code == 400 and job.json()[0]["errorCode"] == "INVALIDJOB"


def test_content_document_link_needs_a_filter(client):
    # sforce_api_objects_contentdocumentlink.htm: "You can't run a query without filters against
    # ContentDocumentLink"; Salesforce's error is MALFORMED_QUERY "Implementation restriction: ...".
    for soql in (
        "SELECT Id FROM ContentDocumentLink",
        "SELECT COUNT() FROM ContentDocumentLink",
        "SELECT Id FROM ContentDocumentLink WHERE ShareType = 'V'",
    ):
        error = query(client, soql)
        assert error.status_code == 400, soql
        assert error.json()[0]["errorCode"] == "MALFORMED_QUERY"
        assert error.json()[0]["message"].startswith(
            "Implementation restriction: ContentDocumentLink requires a filter by a single Id"
        )
    bulk = client.session.post(
        client.sandbox.url + f"{V}/jobs/query",
        json={"operation": "query", "query": "SELECT Id FROM ContentDocumentLink"},
        timeout=30,
    )
    assert bulk.status_code == 400


def test_content_document_link_by_document_ids_and_linked_entity(client):
    org = client.sandbox.org
    notes = [r["Id"] for r in fetch_all(client, "SELECT Id FROM ContentNote")][:150]
    listed = ",".join(f"'{n}'" for n in notes)
    links = fetch_all(
        client,
        "SELECT Id, ContentDocumentId, LinkedEntityId, LinkedEntity.Type, ShareType, Visibility "
        f"FROM ContentDocumentLink WHERE ContentDocumentId IN ({listed})",
    )
    assert {link["ContentDocumentId"] for link in links} == set(notes)
    expected = [
        org.record_at("ContentDocumentLink", i)["Id"]
        for i in range(org.generated_count("ContentDocumentLink"))
        if org.record_at("ContentDocumentLink", i)["ContentDocumentId"] in set(notes)
        and not org.record_at("ContentDocumentLink", i)["IsDeleted"]
    ]
    assert [link["Id"] for link in links] == expected
    # An owner that no longer exists (generator.DELETED_USER_IDS) resolves to no LinkedEntity.
    kinds = {link["LinkedEntity"]["Type"] for link in links if link["LinkedEntity"]}
    assert {"User", "Account", "Contact"} <= kinds and "Campaign" in kinds
    assert {link["ShareType"] for link in links} <= {"V", "C", "I"}
    one = links[1]["LinkedEntityId"]
    by_entity = fetch_all(
        client, f"SELECT Id, ContentDocumentId FROM ContentDocumentLink WHERE LinkedEntityId = '{one}'"
    )
    assert by_entity and all(link["Id"] for link in by_entity)


def test_polymorphic_who_and_what_relationships(client):
    # SOQL and SOSL Reference, "Understanding Polymorphic Keys and Relationships": Who and What
    # resolve to the Name object, whose Type is the real object.
    records = fetch_all(
        client, "SELECT Id, WhoId, WhatId, Who.Type, What.Type, What.Name FROM Task", "queryAll"
    )
    types = {(r["What"] or {}).get("Type") for r in records} - {None}
    assert {"Account", "Opportunity", "Campaign"} <= types
    for record in records:
        if record["What"]:
            assert record["What"]["attributes"]["type"] == "Name"
            assert record["What"]["attributes"]["url"].endswith(record["WhatId"])
        if record["Who"]:
            assert record["Who"]["Type"] in ("Contact", "Lead")
    case = next(r for r in records if r["What"] and r["What"]["Type"] == "Case")
    assert case["What"]["Name"].isdigit()  # a case's Name is its CaseNumber
