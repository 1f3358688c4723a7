"""What a real org costs, over HTTP: time per call and per record, smaller pages for wide rows,
Sforce-Limit-Info on every API answer, /limits counting down, the 25 long-request limit,
and the realistic profile.

Pages: REST API Developer Guide (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/<page>)
and the Salesforce Developer Limits and Allocations Quick Reference.
"""

import re
import subprocess
import sys
import threading
import time

import pytest
import requests

from sfsandbox.costs import PROFILES
from sfsandbox.testing import running_sandbox

V = "/services/data/v62.0"


@pytest.fixture(scope="module")
def org():
    with running_sandbox(records=2000, seed=5) as sandbox:
        yield sandbox


@pytest.fixture
def api(org):
    org.set_faults({})
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {org.issue_tokens()['access_token']}"
    yield org, session
    org.set_faults({})


def timed_query(sandbox, session, soql, **headers):
    started = time.monotonic()
    answer = session.get(sandbox.url + f"{V}/query/", params={"q": soql}, headers=headers, timeout=30)
    return answer, time.monotonic() - started


def test_latency_per_call_and_per_record(api):
    sandbox, session = api
    sandbox.set_faults(latency_ms=40, record_latency_us=200)
    one, one_took = timed_query(sandbox, session, "SELECT Id FROM Contact LIMIT 1")
    many, many_took = timed_query(sandbox, session, "SELECT Id FROM Contact LIMIT 400")
    assert len(one.json()["records"]) == 1 and len(many.json()["records"]) == 400
    assert one_took >= 0.040
    assert many_took >= 0.040 + 400 * 0.0002  # 120 ms at least
    assert many_took - one_took >= 0.060  # the records, not only the call, cost time
    sandbox.set_faults({})
    _, instant = timed_query(sandbox, session, "SELECT Id FROM Contact LIMIT 400")
    assert instant < many_took - 0.060


def test_wide_rows_come_in_pages_of_200(api):
    # NOTES section 7 (REST API "Query Options Header": batchSize is not guaranteed): with two
    # or more long text area fields (textarea, length > 255) selected a page holds 200 rows.
    sandbox, session = api
    wide, _ = timed_query(sandbox, session, "SELECT Id, Description, Account.Description FROM Contact")
    narrow, _ = timed_query(sandbox, session, "SELECT Id, Description FROM Contact")
    total = sandbox.org.count("Contact")
    assert total > 200
    assert len(wide.json()["records"]) == 200 and not wide.json()["done"]
    assert len(narrow.json()["records"]) == min(total, 2000)
    following = session.get(sandbox.url + wide.json()["nextRecordsUrl"], timeout=30).json()
    assert len(following["records"]) == min(200, total - 200)
    sandbox.set_faults(wide_rows=0)
    whole, _ = timed_query(sandbox, session, "SELECT Id, Description, Account.Description FROM Contact")
    assert len(whole.json()["records"]) == min(total, 2000)


def test_limit_info_on_every_api_answer(api):
    # resources_limits.htm / headers_api_usage.htm: "Sforce-Limit-Info: api-usage=N/M" in every
    # response to a REST API request; here also on errors and Bulk answers.
    sandbox, session = api
    base = sandbox.url + V
    job = session.post(
        base + "/jobs/query", json={"operation": "query", "query": "SELECT Id FROM Account"}, timeout=30
    )
    job_id = job.json()["id"]
    answers = {
        "resources": session.get(base + "/", timeout=30),
        "limits": session.get(base + "/limits/", timeout=30),
        "describe": session.get(base + "/sobjects/Account/describe/", timeout=30),
        "query": session.get(base + "/query/", params={"q": "SELECT Id FROM Account"}, timeout=30),
        "bad query": session.get(base + "/query/", params={"q": "SELECT Nope FROM Account"}, timeout=30),
        "not found": session.get(base + "/sobjects/Nope/", timeout=30),
        "bad locator": session.get(base + "/query/01gSx0000000000-2000", timeout=30),
        "bulk create": job,
        "bulk poll": session.get(base + f"/jobs/query/{job_id}", timeout=30),
        "bulk results": session.get(base + f"/jobs/query/{job_id}/results", timeout=30),
        "bulk result pages": session.get(base + f"/jobs/query/{job_id}/resultPages", timeout=30),
        "bulk refused": session.post(
            base + "/jobs/query",
            json={"operation": "query", "query": "SELECT COUNT() FROM Account"},
            timeout=30,
        ),
        "bulk 409": session.get(sandbox.url + f"/services/data/v60.0/jobs/query/{job_id}", timeout=30),
    }
    used = sandbox.stats()["api_calls"]
    sandbox.set_faults(error_503_at=used + 1, limit_exceeded_at=used + 2)
    answers["503"] = session.get(base + "/limits/", timeout=30)
    answers["403"] = session.get(base + "/limits/", timeout=30)
    statuses = {name: a.status_code for name, a in answers.items()}
    assert statuses["503"] == 503 and statuses["403"] == 403 and statuses["bulk 409"] == 409
    assert statuses["bad query"] == statuses["bad locator"] == statuses["bulk refused"] == 400
    for name, answer in answers.items():
        assert re.fullmatch(r"api-usage=\d+/100000", answer.headers.get("Sforce-Limit-Info", "")), name
    # the usage a answer reports includes that call
    assert answers["403"].headers["Sforce-Limit-Info"] == f"api-usage={sandbox.stats()['api_calls']}/100000"


def test_limits_count_down(api):
    # resources_limits.htm: DailyApiRequests and DailyBulkV2QueryJobs {Max, Remaining}.
    sandbox, session = api
    before = session.get(sandbox.url + f"{V}/limits/", timeout=30).json()
    for _ in range(3):
        session.get(sandbox.url + f"{V}/query/", params={"q": "SELECT Id FROM Account LIMIT 1"}, timeout=30)
    for _ in range(2):
        session.post(
            sandbox.url + f"{V}/jobs/query",
            json={"operation": "query", "query": "SELECT Id FROM Account"},
            timeout=30,
        )
    after = session.get(sandbox.url + f"{V}/limits/", timeout=30).json()
    api_calls = before["DailyApiRequests"]["Remaining"] - after["DailyApiRequests"]["Remaining"]
    assert api_calls == 6  # 3 queries, 2 jobs and the first /limits call
    jobs = before["DailyBulkV2QueryJobs"]["Remaining"] - after["DailyBulkV2QueryJobs"]["Remaining"]
    assert jobs == 2 and after["DailyBulkV2QueryJobs"]["Max"] == 10000


def test_the_26th_long_request_is_refused(api):
    # Limits Quick Reference, API request limits: 25 concurrent requests running 20 s or longer
    # (production orgs); another one gets REQUEST_LIMIT_EXCEEDED "ConcurrentPerOrgLongTxn Limit
    # exceeded." Here "long" is 100 ms (long_request_ms) and every call takes 1.5 s.
    sandbox, session = api
    sandbox.set_faults(latency_ms=1500, long_request_ms=100)
    costs = sandbox.app.ledger.faults.costs
    token = session.headers["Authorization"]
    statuses = []

    def slow_call():
        answer = requests.get(sandbox.url + f"{V}/limits/", headers={"Authorization": token}, timeout=30)
        statuses.append(answer.status_code)

    def wait_until_long(count):  # the server's own view, so a loaded machine cannot race it
        deadline = time.monotonic() + 5
        while sandbox.app.long_requests.counts(costs)[1] < count:
            assert time.monotonic() < deadline
            time.sleep(0.01)

    threads = [threading.Thread(target=slow_call) for _ in range(24)]
    for thread in threads:
        thread.start()
    wait_until_long(24)  # 24 long requests: a 25th is still let in
    threads.append(threading.Thread(target=slow_call))
    threads[-1].start()
    wait_until_long(25)
    refused = requests.get(sandbox.url + f"{V}/limits/", headers={"Authorization": token}, timeout=30)
    for thread in threads:
        thread.join()
    assert refused.status_code == 403
    assert refused.json() == [
        {"message": "ConcurrentPerOrgLongTxn Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}
    ]
    assert "Sforce-Limit-Info" in refused.headers
    assert statuses == [200] * 25
    sandbox.set_faults({})
    assert session.get(sandbox.url + f"{V}/limits/", timeout=30).status_code == 200  # they ended


def test_realistic_profile_from_the_command_line():
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sfsandbox",
            "--port",
            "0",
            "--records",
            "50",
            "--profile",
            "realistic",
            "--faults",
            "latency_ms=20",
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = re.search(r"listening on (http://\S+)", server.stderr.readline()).group(1)
        faults = requests.get(url + "/_sandbox/stats", timeout=10).json()["faults"]
        expected = {**PROFILES["realistic"], "latency_ms": 20}  # --faults items win
        assert {name: faults[name] for name in expected} == expected
        assert faults["bulk_job_floor_ms"] >= 1000
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_profile_in_the_control_spec(org):
    try:
        faults = requests.post(org.url + "/_sandbox/faults", json={"profile": "realistic"}, timeout=10).json()
        assert {name: faults[name] for name in PROFILES["realistic"]} == PROFILES["realistic"]
        bad = requests.post(org.url + "/_sandbox/faults", json={"profile": "fast"}, timeout=10)
        assert bad.status_code == 400 and "unknown profile" in bad.json()[0]["message"]
    finally:
        org.set_faults({})
