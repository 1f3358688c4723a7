"""Every response shape the importer uses, checked against what Salesforce documents.

Each check names the page it follows. Types are JSON types as the documentation shows them.
"""

import requests

from sfsandbox.testing import DEFAULT_REDIRECT_URI

V = "/services/data/v62.0"


def has_types(payload: dict, expected: dict) -> None:
    for key, kind in expected.items():
        assert key in payload, key
        assert isinstance(payload[key], kind), (key, payload[key])


def test_token_response(sandbox):
    # https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_web_server_flow.htm
    # (web server flow: access_token, refresh_token, instance_url, id, issued_at, signature,
    # token_type, scope; no expires_in).
    tokens = sandbox.issue_tokens()
    has_types(
        tokens,
        {
            "access_token": str,
            "refresh_token": str,
            "instance_url": str,
            "id": str,
            "issued_at": str,
            "signature": str,
            "token_type": str,
            "scope": str,
        },
    )
    assert tokens["issued_at"].isdigit() and len(tokens["issued_at"]) == 13  # ms epoch
    assert tokens["id"] == f"{sandbox.url}/id/{sandbox.org.org_id}/{sandbox.org.user_id}"
    assert set(tokens["scope"].split()) == {"api", "id", "refresh_token"}
    import base64
    import hashlib
    import hmac

    # "signature: Base64-encoded HMAC-SHA256 signature signed with the client_secret ...
    # concatenated ID and issued_at value" (same page).
    expected = base64.b64encode(
        hmac.new(
            sandbox.client_secret.encode(), (tokens["id"] + tokens["issued_at"]).encode(), hashlib.sha256
        ).digest()
    ).decode()
    assert tokens["signature"] == expected


def test_oauth_error_shape(sandbox):
    # https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_flow_errors.htm
    response = requests.post(
        sandbox.url + "/services/oauth2/token",
        data={
            "grant_type": "authorization_code",
            "code": "bogus",
            "client_id": sandbox.client_id,
            "client_secret": sandbox.client_secret,
            "redirect_uri": DEFAULT_REDIRECT_URI,
        },
        timeout=10,
    )
    assert response.status_code == 400
    assert set(response.json()) == {"error", "error_description"}


def test_identity_response(sandbox):
    # https://help.salesforce.com/s/articleView?id=sf.remoteaccess_using_openid.htm
    # (Identity URL response: id, user_id, organization_id, username, display_name, email,
    # urls, active, user_type ...).
    tokens = sandbox.issue_tokens()
    identity = requests.get(
        tokens["id"], timeout=10, headers={"Authorization": f"Bearer {tokens['access_token']}"}
    ).json()
    has_types(
        identity,
        {
            "id": str,
            "user_id": str,
            "organization_id": str,
            "username": str,
            "display_name": str,
            "email": str,
            "urls": dict,
            "active": bool,
            "user_type": str,
            "language": str,
            "locale": str,
            "utcOffset": int,
        },
    )
    assert "{version}" in identity["urls"]["rest"]


def authed(sandbox):
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {sandbox.issue_tokens()['access_token']}"
    return session


def test_versions_and_limits(sandbox):
    # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_versions.htm
    versions = requests.get(sandbox.url + "/services/data/", timeout=10).json()
    assert isinstance(versions, list)
    for item in versions:
        assert set(item) == {"label", "url", "version"}
    # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_limits.htm
    limits = authed(sandbox).get(sandbox.url + f"{V}/limits/", timeout=10)
    body = limits.json()
    for name in ("DailyApiRequests", "DailyBulkV2QueryJobs", "DataStorageMB"):
        has_types(body[name], {"Max": int, "Remaining": int})
    # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_api_usage.htm
    # "Sforce-Limit-Info: api-usage=10018/100000"
    used, maximum = limits.headers["Sforce-Limit-Info"].removeprefix("api-usage=").split("/")
    assert used.isdigit() and int(maximum) == body["DailyApiRequests"]["Max"]


def test_query_and_query_more(sandbox):
    # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_query.htm
    # {"totalSize", "done", "nextRecordsUrl" (only when not done), "records": [{"attributes":
    # {"type", "url"}, fields...}]}; nextRecordsUrl is /services/data/vXX.X/query/01g...-2000.
    session = authed(sandbox)
    first = session.get(
        sandbox.url + f"{V}/query/",
        timeout=10,
        params={"q": "SELECT Id, Name FROM Contact"},
        headers={"Sforce-Query-Options": "batchSize=200"},
    ).json()
    has_types(first, {"totalSize": int, "done": bool, "nextRecordsUrl": str, "records": list})
    assert first["nextRecordsUrl"].startswith(f"{V}/query/01g")
    assert first["nextRecordsUrl"].endswith("-200")
    record = first["records"][0]
    assert list(record) == ["attributes", "Id", "Name"]
    assert set(record["attributes"]) == {"type", "url"}
    last = session.get(
        sandbox.url + f"{V}/query/", timeout=10, params={"q": "SELECT Id FROM Contact LIMIT 3"}
    ).json()
    assert last["done"] is True and "nextRecordsUrl" not in last
    # Count queries: "totalSize" with an empty records list (SOQL COUNT() doc).
    count = session.get(
        sandbox.url + f"{V}/query/", timeout=10, params={"q": "SELECT COUNT() FROM Account"}
    ).json()
    assert count["records"] == [] and count["done"] is True


def test_error_shape(sandbox):
    # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm
    # [{"message": ..., "errorCode": ...}]
    response = authed(sandbox).get(
        sandbox.url + f"{V}/query/", timeout=10, params={"q": "SELECT Id FROM Nope"}
    )
    assert response.status_code == 400
    [error] = response.json()
    assert set(error) == {"message", "errorCode"}


def test_describe(sandbox):
    # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_describe.htm
    # and the Field type of DescribeSObjectResult (SOAP API guide, sforce_api_calls_describesobjects).
    describe = authed(sandbox).get(sandbox.url + f"{V}/sobjects/Account/describe/", timeout=10).json()
    has_types(
        describe,
        {
            "name": str,
            "label": str,
            "keyPrefix": str,
            "fields": list,
            "queryable": bool,
            "urls": dict,
            "childRelationships": list,
        },
    )
    assert describe["keyPrefix"] == "001"
    for field in describe["fields"]:
        has_types(
            field,
            {
                "name": str,
                "type": str,
                "label": str,
                "length": int,
                "nillable": bool,
                "createable": bool,
                "updateable": bool,
                "referenceTo": list,
                "picklistValues": list,
                "precision": int,
                "scale": int,
                "soapType": str,
            },
        )
    industry = next(f for f in describe["fields"] if f["name"] == "Industry")
    has_types(
        industry["picklistValues"][0], {"active": bool, "defaultValue": bool, "label": str, "value": str}
    )


def test_bulk_query_job(sandbox):
    # https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/query_create_job.htm
    session = authed(sandbox)
    created = session.post(
        sandbox.url + f"{V}/jobs/query",
        timeout=10,
        json={"operation": "query", "query": "SELECT Id, Name FROM Account"},
    ).json()
    has_types(
        created,
        {
            "id": str,
            "operation": str,
            "object": str,
            "createdById": str,
            "createdDate": str,
            "systemModstamp": str,
            "state": str,
            "concurrencyMode": str,
            "contentType": str,
            "apiVersion": float,
            "lineEnding": str,
            "columnDelimiter": str,
        },
    )
    assert created["id"].startswith("750") and created["state"] == "UploadComplete"
    # query_get_one_job.htm: state JobComplete with numberRecordsProcessed.
    info = session.get(sandbox.url + f"{V}/jobs/query/{created['id']}", timeout=10).json()
    assert info["state"] == "JobComplete"
    assert info["numberRecordsProcessed"] == sandbox.org.count("Account")
    # query_get_job_results.htm: CSV, Sforce-Locator ("null" on the last set),
    # Sforce-NumberOfRecords.
    page = session.get(
        sandbox.url + f"{V}/jobs/query/{created['id']}/results", params={"maxRecords": 50}, timeout=10
    )
    assert page.headers["Content-Type"].startswith("text/csv")
    assert page.headers["Sforce-NumberOfRecords"] == "50"
    locator = page.headers["Sforce-Locator"]
    assert locator != "null"
    rest = session.get(
        sandbox.url + f"{V}/jobs/query/{created['id']}/results",
        params={"locator": locator, "maxRecords": 100000},
        timeout=10,
    )
    assert rest.headers["Sforce-Locator"] == "null"


def test_parent_relationship_fields(sandbox):
    # https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_relationships_query_using.htm
    # A child-to-parent field comes back as a nested object named by the relationship, with its
    # own "attributes" {type, url}, or null when the lookup is empty.
    session = authed(sandbox)
    soql = "SELECT Id, Product2.Name, Pricebook2.Name, Pricebook2.IsStandard FROM PricebookEntry"
    record = session.get(sandbox.url + f"{V}/query/", timeout=10, params={"q": soql}).json()["records"][0]
    assert list(record) == ["attributes", "Id", "Product2", "Pricebook2"]
    assert record["Product2"]["attributes"]["type"] == "Product2"
    assert record["Product2"]["attributes"]["url"].startswith(f"{V}/sobjects/Product2/01t")
    assert record["Pricebook2"] == {
        "attributes": {
            "type": "Pricebook2",
            "url": f"{V}/sobjects/Pricebook2/{sandbox.org.record_at('Pricebook2', 0)['Id']}",
        },
        "Name": "Standard Price Book",
        "IsStandard": True,
    }
    empty = session.get(
        sandbox.url + f"{V}/query/",
        timeout=10,
        params={"q": "SELECT Id, Parent.Name FROM Account WHERE ParentId = null LIMIT 1"},
    ).json()["records"][0]
    assert empty["Parent"] is None


def test_custom_field_describe(sandbox):
    # https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_describesobjects_describesobjectresult.htm
    # (Field: custom, calculated, calculatedFormula, referenceTo, relationshipName, picklistValues
    # {active, defaultValue, label, validFor, value}, restrictedPicklist, precision, scale).
    session = authed(sandbox)
    fields = {
        f["name"]: f
        for f in session.get(sandbox.url + f"{V}/sobjects/Account/describe/", timeout=10).json()["fields"]
    }
    lookup = fields["Primary_Contact__c"]
    assert (lookup["custom"], lookup["type"], lookup["referenceTo"], lookup["relationshipName"]) == (
        True,
        "reference",
        ["Contact"],
        "Primary_Contact__r",
    )
    formula = fields["Tier__c"]
    assert formula["calculated"] is True and formula["calculatedFormula"].startswith("IF(")
    assert formula["createable"] is False and formula["type"] == "string"
    multi = fields["Segments__c"]
    assert multi["type"] == "multipicklist" and multi["restrictedPicklist"] is False
    assert multi["picklistValues"][0] == {
        "active": True,
        "defaultValue": False,
        "label": "SMB",
        "validFor": None,
        "value": "SMB",
    }
    assert (fields["Credit_Limit__c"]["precision"], fields["Credit_Limit__c"]["scale"]) == (16, 2)
    assert fields["Name"]["custom"] is False and fields["Name"]["calculated"] is False
    assert "Internal_Score__c" not in fields  # field-level security
