import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from ..worker import WorkerProcess, use_redis_broker, worker_env


@pytest.fixture
def sandbox(sandbox_factory):
    return sandbox_factory(records=300, seed=7)


def approve_at_salesforce(auth_url: str, decision: str = "allow") -> dict:
    """What the admin's browser does on the sandbox's consent page: returns the callback query."""
    parts = urlsplit(auth_url)
    form = {k: v[0] for k, v in parse_qs(parts.query).items()} | {"decision": decision}
    response = requests.post(
        f"{parts.scheme}://{parts.netloc}{parts.path}", data=form, allow_redirects=False, timeout=10
    )
    assert response.status_code == 302, response.text
    return {k: v[0] for k, v in parse_qs(urlsplit(response.headers["Location"]).query).items()}


def callback(browser, query: dict):
    """Salesforce's redirect back, in the browser (test client) that started Connect."""
    return browser.get("/api/salesforce/callback/", query)


@pytest.fixture
def connect():
    """Run the whole Connect flow for an admin through the API; returns the callback response."""

    def run(api, decision="allow"):
        auth_url = api.post("/api/salesforce/connect/").json()["auth_url"]
        return callback(api, approve_at_salesforce(auth_url, decision))

    return run


@pytest.fixture
def connected(sandbox, admin_api, admin_profile, connect):
    response = connect(admin_api)
    assert response["Location"] == "/settings/salesforce?result=connected"
    return sandbox


def wait_for(admin_api, job_id, condition, timeout=180):
    deadline = time.time() + timeout
    while time.time() < deadline:
        body = admin_api.get(f"/api/salesforce/import/{job_id}/").json()
        if condition(body):
            return body
        time.sleep(0.2)
    raise AssertionError(f"timed out; last state: {body}")


@pytest.fixture
def worker_factory(tmp_path):
    workers = []

    def make(sandbox, name="testworker"):
        worker = WorkerProcess(worker_env(sandbox), tmp_path / f"{name}-{len(workers)}.log", name)
        workers.append(worker)
        return worker.start()

    with use_redis_broker():
        yield make
    for worker in workers:
        worker.stop()
