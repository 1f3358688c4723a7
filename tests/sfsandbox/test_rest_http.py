"""REST resources, paging, errors and fault injection over plain HTTP."""

import pytest
import requests

from sfsandbox.testing import running_sandbox

V = "/services/data/v62.0"


@pytest.fixture
def client(sandbox):
    token = sandbox.issue_tokens()["access_token"]
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"

    def get(path, **kwargs):
        return session.get(sandbox.url + path, timeout=30, **kwargs)

    get.sandbox = sandbox
    get.session = session
    return get


def query(client, soql, endpoint="query", **kwargs):
    return client(f"{V}/{endpoint}/", params={"q": soql}, **kwargs)


def test_versions_need_no_auth_and_any_version_is_served(sandbox, client):
    versions = requests.get(sandbox.url + "/services/data/", timeout=10).json()
    assert {"label": "Winter '25", "url": "/services/data/v62.0", "version": "62.0"} in versions
    assert client("/services/data/v58.0/limits/").status_code == 200


def test_count_and_paging_by_next_records_url(client):
    org = client.sandbox.org
    count = query(client, "SELECT COUNT() FROM Contact WHERE IsDeleted = false").json()
    assert count == {"totalSize": org.count("Contact"), "done": True, "records": []}
    page = query(client, "SELECT Id, LastName FROM Contact ORDER BY Id")
    assert page.headers["Sforce-Limit-Info"].startswith("api-usage=")
    body = page.json()
    assert body["totalSize"] == org.count("Contact") and len(body["records"]) <= 2000
    seen = [r["Id"] for r in body["records"]]
    while not body["done"]:
        assert body["nextRecordsUrl"].startswith(f"{V}/query/01g")
        body = client(body["nextRecordsUrl"], headers={"Sforce-Query-Options": "batchSize=200"}).json()
        seen += [r["Id"] for r in body["records"]]
    assert len(seen) == org.count("Contact") == len(set(seen))
    assert seen == sorted(seen)
    assert not set(seen) & set(org.deleted_ids("Contact"))


def test_batch_size_header_and_retrying_a_page_returns_the_same_rows(client):
    first = query(client, "SELECT Id FROM Contact", headers={"Sforce-Query-Options": "batchSize=200"}).json()
    assert len(first["records"]) == 200 and first["nextRecordsUrl"].endswith("-200")
    again = client(first["nextRecordsUrl"]).json()
    retry = client(first["nextRecordsUrl"]).json()
    assert again["records"] == retry["records"]


def test_keyset_resume_and_query_all_show_deleted(client):
    org = client.sandbox.org
    deleted = org.deleted_ids("Account")
    middle = org.record_at("Account", 100)["Id"]
    resumed = query(
        client, f"SELECT Id FROM Account WHERE IsDeleted = false AND Id > '{middle}' ORDER BY Id LIMIT 2000"
    ).json()
    assert all(r["Id"] > middle for r in resumed["records"])
    everything = query(client, "SELECT Id, IsDeleted FROM Account", endpoint="queryAll").json()
    assert everything["totalSize"] == org.count("Account", include_deleted=True)
    flagged = {r["Id"] for r in everything["records"] if r["IsDeleted"]}
    assert flagged == set(deleted)
    only = query(client, "SELECT Id FROM Account WHERE IsDeleted = true").json()
    assert only["totalSize"] == 0  # /query never returns deleted rows


def test_records_carry_attributes_and_json_types(client):
    record = query(
        client,
        "SELECT Id, Name, AnnualRevenue, NumberOfEmployees, CreatedDate, IsDeleted FROM Account LIMIT 1",
    ).json()["records"][0]
    assert record["attributes"] == {"type": "Account", "url": f"{V}/sobjects/Account/{record['Id']}"}
    assert isinstance(record["IsDeleted"], bool)
    assert record["CreatedDate"].endswith(".000+0000")


@pytest.mark.parametrize(
    "soql, status, code",
    [
        ("SELECT Id, Bogus FROM Account", 400, "INVALID_FIELD"),
        ("SELECT Id FROM Bogus", 400, "INVALID_TYPE"),
        ("SELEC Id FROM Account", 400, "MALFORMED_QUERY"),
    ],
)
def test_query_errors(client, soql, status, code):
    response = query(client, soql)
    assert response.status_code == status
    assert response.json()[0]["errorCode"] == code
    assert query(client, "SELECT Id FROM Account LIMIT 1").status_code == 200  # still alive


def test_bad_token_locator_and_unknown_object(sandbox, client):
    bad = requests.get(
        sandbox.url + f"{V}/query/",
        params={"q": "SELECT Id FROM Account"},
        headers={"Authorization": "Bearer 00Dxx!nope"},
        timeout=10,
    )
    assert bad.status_code == 401 and bad.json()[0]["errorCode"] == "INVALID_SESSION_ID"
    assert client(f"{V}/query/01gSx0000000zzzAAA-2000").json()[0]["errorCode"] == "INVALID_QUERY_LOCATOR"
    missing = client(f"{V}/sobjects/Bogus/describe/")
    assert missing.status_code == 404 and missing.json()[0]["errorCode"] == "NOT_FOUND"
    assert client(f"{V}/query/").json()[0]["errorCode"] == "MALFORMED_QUERY"


def test_describe_field_types(client):
    fields = {f["name"]: f for f in client(f"{V}/sobjects/Contact/describe/").json()["fields"]}
    assert fields["Email"]["type"] == "email" and fields["Email"]["length"] == 80
    assert fields["AccountId"]["referenceTo"] == ["Account"]
    assert fields["Description"]["type"] == "textarea"
    assert fields["Description"]["length"] == 32000
    assert fields["LastName"]["nillable"] is False
    stages = client(f"{V}/sobjects/Opportunity/describe/").json()["fields"]
    stage = next(f for f in stages if f["name"] == "StageName")
    assert "Closed Won" in [v["value"] for v in stage["picklistValues"]]
    assert "OwnerId" not in fields or fields["OwnerId"]["referenceTo"] == ["User"]
    line = {f["name"] for f in client(f"{V}/sobjects/OrderItem/describe/").json()["fields"]}
    assert "OwnerId" not in line and "CurrencyIsoCode" not in line


def test_hidden_fields_and_multi_currency(sfsandbox_factory):
    sandbox = sfsandbox_factory(
        records=100, hidden_fields={"Account": ["AnnualRevenue"]}, multi_currency=True
    )
    sf = sandbox.simple_salesforce()
    names = {f["name"] for f in sf.Account.describe()["fields"]}
    assert "AnnualRevenue" not in names and "CurrencyIsoCode" in names
    response = sandbox.session().get(
        sandbox.url + f"{V}/query/",
        params={"q": "SELECT AnnualRevenue FROM Account"},
        headers={"Authorization": f"Bearer {sf.session_id}"},
        timeout=10,
    )
    assert response.json()[0]["errorCode"] == "INVALID_FIELD"


def test_one_shot_503_then_retry_succeeds(client):
    client.sandbox.set_faults(error_503_at=client.sandbox.stats()["api_calls"] + 1)
    failed = query(client, "SELECT Id FROM Account LIMIT 1")
    assert failed.status_code == 503
    assert failed.json()[0]["errorCode"] == "SERVER_UNAVAILABLE"
    assert query(client, "SELECT Id FROM Account LIMIT 1").status_code == 200


def test_connection_reset_then_retry_succeeds(client):
    client.sandbox.set_faults(reset_at=client.sandbox.stats()["api_calls"] + 1)
    with pytest.raises(requests.ConnectionError):
        requests.get(client.sandbox.url + f"{V}/limits/", timeout=10, headers=dict(client.session.headers))
    assert client(f"{V}/limits/").status_code == 200


def test_limit_exceeded_at_call_and_daily_limit(client):
    sandbox = client.sandbox
    sandbox.set_faults(limit_exceeded_at=sandbox.stats()["api_calls"] + 1)
    hit = client(f"{V}/limits/")
    assert hit.status_code == 403
    assert hit.json() == [{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}]
    used = sandbox.stats()["api_calls"]
    sandbox.set_faults(daily_limit=used + 1)
    limits = client(f"{V}/limits/").json()
    assert limits["DailyApiRequests"] == {"Max": used + 1, "Remaining": 0}
    assert client(f"{V}/limits/").status_code == 403


def test_token_expires_after_n_calls_and_refresh_recovers(sfsandbox):
    sfsandbox.set_faults(expire_token_after=2)
    tokens = sfsandbox.issue_tokens()
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    for _ in range(2):
        assert requests.get(sfsandbox.url + f"{V}/limits/", headers=headers, timeout=10).status_code == 200
    assert requests.get(sfsandbox.url + f"{V}/limits/", headers=headers, timeout=10).status_code == 401
    sfsandbox.expire_sessions()
    stats = sfsandbox.stats()
    assert stats["calls"]["limits"] == 2 and stats["calls"]["invalid_session"] == 1


def test_control_endpoint_inserts_records(sfsandbox):
    [new_id] = sfsandbox.insert_records("Account", [{"Name": "Inserted Co", "Phone": "1"}])
    sf = sfsandbox.simple_salesforce()
    found = sf.query(f"SELECT Id, Name FROM Account WHERE Id = '{new_id}'")["records"]
    assert [r["Name"] for r in found] == ["Inserted Co"]


def test_server_handles_concurrent_requests():
    from concurrent.futures import ThreadPoolExecutor

    with running_sandbox(records=500, faults="latency_ms=100") as sandbox:
        token = sandbox.issue_tokens()["access_token"]

        def call(_):
            return requests.get(
                sandbox.url + f"{V}/limits/", timeout=10, headers={"Authorization": f"Bearer {token}"}
            ).status_code

        import time

        start = time.perf_counter()
        with ThreadPoolExecutor(8) as pool:
            assert list(pool.map(call, range(8))) == [200] * 8
        assert time.perf_counter() - start < 0.6  # 8 x 100 ms in parallel, not in series
