"""Hostile answers over HTTP: each fault gives the bad answer its README row describes, once,
at the first fitting answer from call N, and the good answer after."""

import json
import re
from pathlib import Path

import pytest
import requests

from sfsandbox import content
from sfsandbox.faults import Faults
from sfsandbox.hostile import FOREIGN_HOST

V = "/services/data/v62.0"
PAGE = {"Sforce-Query-Options": "batchSize=200"}
CONTACTS = "SELECT Id, LastName FROM Contact ORDER BY Id"
HOSTILE = [
    "html_200_at",
    "truncated_json_at",
    "missing_records_at",
    "foreign_next_url_at",
    "protocol_relative_next_url_at",
    "no_attributes_at",
    "foreign_instance_on_refresh",
]


@pytest.fixture
def tokens(sandbox):
    issued = sandbox.issue_tokens()
    sandbox.reset_stats()  # `faults_fired` of this test only (the module shares one org)
    return issued


@pytest.fixture
def api(sandbox, tokens):
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {tokens['access_token']}"

    def get(path, **kwargs):
        return session.get(sandbox.url + path, timeout=30, **kwargs)

    return get


def next_call(sandbox) -> int:
    return sandbox.stats()["api_calls"] + 1


def first_page(api):
    return api(f"{V}/query/", params={"q": CONTACTS}, headers=PAGE)


def test_every_hostile_fault_is_parsed_and_documented():
    spec = ",".join(f"{name}={n}" for n, name in enumerate(HOSTILE, start=1))
    assert {name: getattr(Faults.parse(spec), name) for name in HOSTILE} == {
        name: n for n, name in enumerate(HOSTILE, start=1)
    }
    readme = (Path(__file__).parents[2] / "sfsandbox" / "README.md").read_text()
    for name in HOSTILE:
        assert re.search(rf"^\| `{name}=N` \|", readme, re.M), name


def test_html_200_is_a_maintenance_page_at_call_n_once(sandbox, api):
    n = next_call(sandbox)
    sandbox.set_faults(html_200_at=n + 1)
    assert api(f"{V}/limits/").headers["Content-Type"].startswith("application/json")  # call n
    page = first_page(api)  # call n + 1
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert "maintenance" in page.text and page.text.lstrip().startswith("<!DOCTYPE html>")
    with pytest.raises(ValueError):
        page.json()
    again = first_page(api)
    assert again.json()["records"]  # one-shot
    assert sandbox.stats()["faults_fired"] == {"html_200": 1}


def test_truncated_json_keeps_its_content_type_and_a_true_length(sandbox, api):
    whole = first_page(api)
    sandbox.set_faults(truncated_json_at=next_call(sandbox))
    cut = api(whole.url.removeprefix(sandbox.url), headers=PAGE)  # the same query again
    assert cut.status_code == 200
    assert cut.headers["Content-Type"] == "application/json;charset=UTF-8"
    assert int(cut.headers["Content-Length"]) == len(cut.content) == len(whole.content) // 2
    # The same first half (the cursor's locator differs between the two queries).
    locator = re.compile(rb"01g[A-Za-z0-9]{15}")
    assert locator.sub(b"L", whole.content).startswith(locator.sub(b"L", cut.content))
    with pytest.raises(json.JSONDecodeError):
        json.loads(cut.content)
    assert first_page(api).json()["records"]


def test_a_blob_is_never_cut_as_json(sandbox, api):
    """truncated_json waits for a JSON answer: a note body (octet-stream) passes untouched."""
    notes = api(f"{V}/query/", params={"q": "SELECT Id, ContentSize FROM ContentNote ORDER BY Id"}).json()
    note_id = next(r["Id"] for r in notes["records"] if r["ContentSize"] > 0)
    sandbox.set_faults(truncated_json_at=next_call(sandbox))
    blob = api(f"{V}/sobjects/ContentNote/{note_id}/Content")
    assert blob.headers["Content-Type"] == "application/octet-stream"
    assert blob.content == content.blob_bytes(sandbox.org, "ContentNote", note_id, "Content")
    assert sandbox.stats()["faults_fired"] == {}
    with pytest.raises(json.JSONDecodeError):
        json.loads(api(f"{V}/limits/").content)  # the next JSON answer


def test_missing_records_waits_for_a_query_page(sandbox, api):
    sandbox.set_faults(missing_records_at=next_call(sandbox))
    count = api(f"{V}/query/", params={"q": "SELECT COUNT() FROM Contact"}).json()
    assert count["records"] == []  # COUNT() is not a query page: untouched
    page = first_page(api).json()
    assert "records" not in page
    assert page["done"] is False and page["totalSize"] == sandbox.org.count("Contact")
    assert page["nextRecordsUrl"].startswith(f"{V}/query/01g")
    assert len(first_page(api).json()["records"]) == 200


@pytest.mark.parametrize(
    ("fault", "prefix"),
    [
        ("foreign_next_url_at", f"https://{FOREIGN_HOST}"),
        ("protocol_relative_next_url_at", f"//{FOREIGN_HOST}"),
    ],
)
def test_foreign_next_url_points_the_real_path_at_another_host(sandbox, api, fault, prefix):
    good = first_page(api).json()["nextRecordsUrl"]
    sandbox.set_faults({fault: next_call(sandbox)})
    page = first_page(api).json()
    assert page["nextRecordsUrl"].startswith(prefix + f"{V}/query/01g")
    assert page["nextRecordsUrl"].endswith(good.rsplit("-", 1)[1])  # the same offset
    assert page["done"] is False and len(page["records"]) == 200
    assert first_page(api).json()["nextRecordsUrl"].startswith(f"{V}/query/")


def test_foreign_next_url_on_a_last_page_invents_a_next_page(sandbox, api):
    sandbox.set_faults(foreign_next_url_at=next_call(sandbox))
    page = api(f"{V}/query/", params={"q": "SELECT Id FROM Account ORDER BY Id LIMIT 3"}).json()
    assert page["done"] is False
    assert page["nextRecordsUrl"].startswith(f"https://{FOREIGN_HOST}/services/data/v62.0/query/")


def test_no_attributes_takes_them_from_one_record(sandbox, api):
    sandbox.set_faults(no_attributes_at=next_call(sandbox))
    records = first_page(api).json()["records"]
    bare = [r for r in records if "attributes" not in r]
    assert len(bare) == 1 and set(bare[0]) == {"Id", "LastName"}
    assert all(r["attributes"]["type"] == "Contact" for r in records if r is not bare[0])


def test_foreign_instance_on_refresh_hits_one_refresh_grant_only(sandbox, tokens):
    def grant(**form):
        data = {"client_id": sandbox.client_id, "client_secret": sandbox.client_secret} | form
        response = requests.post(sandbox.url + "/services/oauth2/token", data=data, timeout=30)
        assert response.status_code == 200, response.text
        return response.json()

    sandbox.set_faults(foreign_instance_on_refresh=0)
    assert sandbox.issue_tokens()["instance_url"] == sandbox.url  # a code exchange: untouched
    hostile = grant(grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert hostile["instance_url"] == f"https://{FOREIGN_HOST}"
    assert hostile["access_token"] and hostile["id"].startswith(sandbox.url)
    again = grant(grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert again["instance_url"] == sandbox.url
    assert sandbox.stats()["faults_fired"] == {"foreign_instance_on_refresh": 1}


def test_foreign_instance_waits_for_call_n(sandbox, tokens, api):
    refresh = {
        "grant_type": "refresh_token",
        "refresh_token": tokens["refresh_token"],
        "client_id": sandbox.client_id,
        "client_secret": sandbox.client_secret,
    }
    sandbox.set_faults(foreign_instance_on_refresh=next_call(sandbox))
    url = sandbox.url + "/services/oauth2/token"
    assert requests.post(url, data=refresh, timeout=30).json()["instance_url"] == sandbox.url
    api(f"{V}/limits/")  # call N
    assert requests.post(url, data=refresh, timeout=30).json()["instance_url"] == f"https://{FOREIGN_HOST}"
