"""Bulk API 2.0 query jobs over HTTP: states over time, abort, failure, results by locator,
resultPages, gzip, the API-version 409, the SOQL a job refuses, the CSV format, and
simple-salesforce's bulk2 client unchanged.

Each check names the page of the Bulk API 2.0 and Bulk API Developer Guide it follows
(https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/<page>).
"""

import csv
import gzip
import io
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from sfsandbox.testing import running_sandbox

V = "/services/data/v62.0"


def authed(sandbox) -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {sandbox.issue_tokens()['access_token']}"
    return session


def create(sandbox, session, soql, operation="query", version=V):
    return session.post(
        sandbox.url + f"{version}/jobs/query", json={"operation": operation, "query": soql}, timeout=10
    )


def wait_complete(sandbox, session, job_id, timeout=10.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        info = session.get(sandbox.url + f"{V}/jobs/query/{job_id}", timeout=10).json()
        if info["state"] in ("JobComplete", "Failed", "Aborted") or time.monotonic() > deadline:
            return info
        time.sleep(0.05)


@pytest.fixture(scope="module")
def org():
    with running_sandbox(records=2000, seed=3) as sandbox:
        yield sandbox


@pytest.fixture
def bulk(org):
    org.set_faults({})
    yield org, authed(org)
    org.set_faults({})


def test_result_pages_hand_out_urls_that_cover_the_result_once(bulk):
    # query_get_parallel_job_results.htm: GET .../jobs/query/<id>/resultPages (v58+) returns
    # {"resultPages": [{"resultUrl": ".../results?locator=..."}] (up to five), "nextRecordsUrl",
    # "done"}; each resultUrl is fetched as a normal results request.
    sandbox, session = bulk
    sandbox.set_faults(bulk_page_records=100)
    job = create(sandbox, session, "SELECT Id, Name FROM Account").json()
    assert wait_complete(sandbox, session, job["id"])["state"] == "JobComplete"
    url = sandbox.url + f"{V}/jobs/query/{job['id']}/resultPages"
    answers = []
    while url:
        answer = session.get(url, timeout=10)
        assert answer.status_code == 200 and "Sforce-Limit-Info" in answer.headers
        body = answer.json()
        assert set(body) == {"resultPages", "nextRecordsUrl", "done"}
        assert 1 <= len(body["resultPages"]) <= 5
        answers.append(body)
        url = None if body["done"] else sandbox.url + body["nextRecordsUrl"]
    assert answers[-1]["nextRecordsUrl"] is None and not any(a["done"] for a in answers[:-1])
    urls = [page["resultUrl"] for body in answers for page in body["resultPages"]]
    total = sandbox.org.count("Account")
    assert len(urls) == -(-total // 100)  # one URL per 100-record page
    assert all(u.startswith(f"{V}/jobs/query/{job['id']}/results?locator=") for u in urls)

    def fetch(result_url):
        page = session.get(sandbox.url + result_url, timeout=10)
        assert page.status_code == 200
        return list(csv.DictReader(io.StringIO(page.text))), page.headers["Sforce-NumberOfRecords"]

    with ThreadPoolExecutor(max_workers=4) as pool:  # downloaded in parallel, as intended
        pages = list(pool.map(fetch, urls))
    ids = [row["Id"] for rows, _ in pages for row in rows]
    assert len(ids) == len(set(ids)) == total
    assert all(int(count) == len(rows) for rows, count in pages)


def test_result_pages_need_v58(bulk):
    sandbox, session = bulk
    job = create(sandbox, session, "SELECT Id FROM Account", version="/services/data/v57.0").json()
    answer = session.get(sandbox.url + f"/services/data/v57.0/jobs/query/{job['id']}/resultPages", timeout=10)
    assert answer.status_code == 404 and answer.json()[0]["errorCode"] == "NOT_FOUND"


def test_results_are_gzipped_for_a_client_that_accepts_it(bulk):
    # query_get_job_results.htm: "Accept-Encoding: gzip" gets a compressed body
    # (Content-Encoding: gzip); without it the CSV comes plain.
    sandbox, session = bulk
    job = create(sandbox, session, "SELECT Id, Name, Description FROM Account").json()
    url = sandbox.url + f"{V}/jobs/query/{job['id']}/results"
    raw = session.get(url, headers={"Accept-Encoding": "gzip"}, timeout=10, stream=True)
    assert raw.headers["Content-Encoding"] == "gzip"
    compressed = raw.raw.read(decode_content=False)
    text = gzip.decompress(compressed).decode("utf-8")
    assert int(raw.headers["Content-Length"]) == len(compressed) < len(text.encode("utf-8"))
    plain = session.get(url, headers={"Accept-Encoding": "identity"}, timeout=10)
    assert "Content-Encoding" not in plain.headers and plain.content.decode("utf-8") == text
    assert len(list(csv.DictReader(io.StringIO(text)))) == sandbox.org.count("Account")


def test_a_job_moves_through_its_states_over_time(bulk):
    # query_get_one_job.htm and bulk_api_2_job_states.htm: UploadComplete (ready to be
    # processed), InProgress, then JobComplete; results only once complete.
    sandbox, session = bulk
    sandbox.set_faults(bulk_job_floor_ms=600)
    started = time.monotonic()
    job = create(sandbox, session, "SELECT Id FROM Contact").json()
    assert job["state"] == "UploadComplete"
    seen = []
    while not seen or seen[-1] != "JobComplete":
        state = session.get(sandbox.url + f"{V}/jobs/query/{job['id']}", timeout=10).json()["state"]
        if not seen or seen[-1] != state:
            seen.append(state)
            if state == "InProgress":
                early = session.get(sandbox.url + f"{V}/jobs/query/{job['id']}/results", timeout=10)
                assert early.status_code == 400 and early.json()[0]["errorCode"] == "INVALIDJOBSTATE"
        time.sleep(0.02)
        assert time.monotonic() - started < 5
    assert seen[-2:] == ["InProgress", "JobComplete"]
    assert time.monotonic() - started >= 0.6
    info = session.get(sandbox.url + f"{V}/jobs/query/{job['id']}", timeout=10).json()
    assert info["numberRecordsProcessed"] == sandbox.org.count("Contact")
    assert info["totalProcessingTime"] == 600


def test_by_default_a_job_is_complete_at_the_first_poll(bulk):
    sandbox, session = bulk
    job = create(sandbox, session, "SELECT Id FROM Contact").json()
    assert job["state"] == "UploadComplete"
    info = session.get(sandbox.url + f"{V}/jobs/query/{job['id']}", timeout=10).json()
    assert info["state"] == "JobComplete"


def test_abort_by_patch(bulk):
    # query_abort_job.htm: PATCH .../jobs/query/<id> {"state": "Aborted"} answers the job info.
    sandbox, session = bulk
    sandbox.set_faults(bulk_job_floor_ms=5000)
    job = create(sandbox, session, "SELECT Id FROM Account").json()
    url = sandbox.url + f"{V}/jobs/query/{job['id']}"
    aborted = session.patch(url, json={"state": "Aborted"}, timeout=10)
    assert aborted.status_code == 200 and aborted.json()["state"] == "Aborted"
    assert session.get(url, timeout=10).json()["state"] == "Aborted"
    again = session.patch(url, json={"state": "Aborted"}, timeout=10)
    assert again.status_code == 400 and again.json()[0]["errorCode"] == "INVALIDJOBSTATE"
    results = session.get(url + "/results", timeout=10)
    assert results.status_code == 400 and results.json()[0]["errorCode"] == "INVALIDJOBSTATE"
    other = session.patch(url, json={"state": "UploadComplete"}, timeout=10)
    assert other.status_code == 400


def test_the_next_job_fails_once(bulk):
    # bulk_api_2_job_states.htm: Failed, "the job couldn't be processed successfully".
    sandbox, session = bulk
    sandbox.set_faults(bulk_fail_next=1)
    failed = create(sandbox, session, "SELECT Id FROM Account").json()
    info = wait_complete(sandbox, session, failed["id"])
    assert info["state"] == "Failed" and info["errorMessage"]
    results = session.get(sandbox.url + f"{V}/jobs/query/{failed['id']}/results", timeout=10)
    assert results.status_code == 400
    following = create(sandbox, session, "SELECT Id FROM Account").json()
    assert wait_complete(sandbox, session, following["id"])["state"] == "JobComplete"


def test_a_job_read_with_another_api_version_is_a_409(bulk):
    # query_get_job_results.htm / query_get_parallel_job_results.htm: "use the same API
    # version that you used to create the query. Otherwise, the call returns a 409 error."
    sandbox, session = bulk
    job = create(sandbox, session, "SELECT Id FROM Account").json()
    for suffix in ("", "/results", "/resultPages"):
        answer = session.get(sandbox.url + f"/services/data/v60.0/jobs/query/{job['id']}{suffix}", timeout=10)
        assert answer.status_code == 409, suffix
        assert answer.json()[0]["errorCode"] == "INVALIDJOB"
        assert "Sforce-Limit-Info" in answer.headers
    assert session.get(sandbox.url + f"{V}/jobs/query/{job['id']}/results", timeout=10).status_code == 200


@pytest.mark.parametrize(
    "soql",
    [
        "SELECT COUNT() FROM Account",
        "SELECT COUNT(Id) FROM Account",
        "SELECT Industry, COUNT(Id) FROM Account GROUP BY Industry",
        "SELECT Id FROM Account OFFSET 10",
        "SELECT Id, (SELECT Id FROM Contacts) FROM Account",
        "SELECT Id, BillingAddress FROM Account",
        "SELECT Id, TYPEOF What WHEN Account THEN Name END FROM Task",
        "SELECT Id, Content FROM ContentNote",
    ],
)
def test_what_a_query_job_refuses(bulk, soql):
    # queries.htm, SOQL considerations: no GROUP BY, OFFSET or TYPEOF, no aggregate functions,
    # no compound address or geolocation fields, no parent-to-child relationship queries.
    sandbox, session = bulk
    answer = create(sandbox, session, soql)
    assert answer.status_code == 400, answer.text
    assert answer.json()[0]["errorCode"] == "INVALIDJOB"
    assert answer.json()[0]["message"].startswith("InvalidJob : ")


def test_order_by_and_limit_are_accepted(bulk):
    # queries.htm: ORDER BY and LIMIT turn off PK chunking (slower), they are not refused.
    sandbox, session = bulk
    job = create(sandbox, session, "SELECT Id, Name FROM Account ORDER BY Name LIMIT 7")
    assert job.status_code == 200
    page = session.get(sandbox.url + f"{V}/jobs/query/{job.json()['id']}/results", timeout=10)
    names = [row["Name"] for row in csv.DictReader(io.StringIO(page.content.decode("utf-8")))]
    assert len(names) == 7 and names == sorted(names, key=str.lower)


def test_csv_format(bulk):
    # query_get_job_results.htm: CSV with a header row; child-to-parent fields as dotted columns
    # (Account.Name); null as an empty field; booleans true/false.
    sandbox, session = bulk
    soql = "SELECT Id, Email, DoNotCall, CreatedDate, Account.Name FROM Contact"
    job = create(sandbox, session, soql).json()
    text = session.get(sandbox.url + f"{V}/jobs/query/{job['id']}/results", timeout=10).content.decode()
    header = text.split("\n", 1)[0]
    assert header == '"Id","Email","DoNotCall","CreatedDate","Account.Name"'
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {row["DoNotCall"] for row in rows} == {"true", "false"}
    record = sandbox.org.get("Contact", rows[0]["Id"])
    assert rows[0]["CreatedDate"] == record["CreatedDate"]
    no_email = [row for row in rows if sandbox.org.get("Contact", row["Id"])["Email"] is None]
    assert no_email and all(row["Email"] == "" for row in no_email)
    orphans = [row for row in rows if sandbox.org.get("Contact", row["Id"])["AccountId"] is None]
    assert all(row["Account.Name"] == "" for row in orphans)


def test_simple_salesforce_bulk2_waits_through_the_states_and_reads_gzip(org):
    # simple-salesforce's bulk2 client, unchanged: create, wait_for_job while InProgress,
    # results by locator with maxRecords; requests asks for gzip by itself.
    from simple_salesforce.exceptions import SalesforceOperationError

    org.set_faults(bulk_job_floor_ms=300)
    try:
        sf = org.simple_salesforce()
        started = time.monotonic()
        pages = list(sf.bulk2.Contact.query("SELECT Id, Email FROM Contact", max_records=100, wait=0.05))
        assert time.monotonic() - started >= 0.3
        rows = [row for page in pages for row in csv.DictReader(io.StringIO(page))]
        assert len(rows) == len({row["Id"] for row in rows}) == org.org.count("Contact")
        assert len(pages) == -(-len(rows) // 100)
        assert org.stats()["calls"].get("bulk_poll", 0) >= 2  # it saw the job still running
        org.set_faults(bulk_fail_next=1)
        with pytest.raises(SalesforceOperationError):
            list(sf.bulk2.Contact.query("SELECT Id FROM Contact", wait=0.05))
        org.set_faults(bulk_job_floor_ms=5000)
        job = sf.bulk2.Contact._client.create_job("query", "SELECT Id FROM Contact")
        assert sf.bulk2.Contact._client.abort_job(job["id"], True)["state"] == "Aborted"
    finally:
        org.set_faults({})


def test_all_query_jobs(bulk):
    # query_get_all_jobs.htm: {"done", "records": [job info...], "nextRecordsUrl"}.
    sandbox, session = bulk
    job = create(sandbox, session, "SELECT Id FROM Lead").json()
    listed = session.get(sandbox.url + f"{V}/jobs/query", timeout=10).json()
    assert listed["done"] is True and listed["nextRecordsUrl"] is None
    mine = [item for item in listed["records"] if item["id"] == job["id"]]
    assert len(mine) == 1 and mine[0]["object"] == "Lead" and mine[0]["jobType"] == "V2Query"
    assert session.delete(sandbox.url + f"{V}/jobs/query/{job['id']}", timeout=10).status_code == 204
    listed = session.get(sandbox.url + f"{V}/jobs/query", timeout=10).json()
    assert job["id"] not in {item["id"] for item in listed["records"]}


def test_event_location_is_text_not_a_compound_field(sandbox):
    # Event.Location is a plain text field in Salesforce: a query job selecting it is accepted.
    from sfsandbox import refusals

    assert refusals.bulk_refusal("SELECT Id, Location FROM Event") is None
    assert refusals.bulk_refusal("SELECT Id, BillingAddress FROM Account") is not None
