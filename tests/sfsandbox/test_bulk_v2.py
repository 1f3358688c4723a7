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
