"""Hostile Salesforce answers: an import per sandbox fault, over HTTP.

A maintenance page, cut-off JSON or a malformed page is asked for again (the retry policy)
and, when it keeps coming, fails the job clearly with every committed batch kept. A next
page or an instance off the Salesforce origin is refused at once and never requested. A
re-run after the fault completes without duplicates.
"""

from urllib.parse import urlsplit

import pytest
import requests
from requests.adapters import HTTPAdapter

from common.rls import org_context
from salesforce_imports import answers
from salesforce_imports.models import ImportedRecord, JobStatus, SalesforceConnection
from sfsandbox.hostile import FOREIGN_HOST

from .test_import_engine import run, start
from .test_import_faults import assert_accounted, assert_no_duplicates

pytestmark = pytest.mark.django_db(transaction=True)

FAULT_AT = 30  # past the counts, the describes and the user reads: the first pages are in by then


@pytest.fixture
def big_connected(sandbox_factory, admin_api, connect, settings):
    settings.SALESFORCE_BATCH_SIZE = 200  # Salesforce's smallest page: several pages per object
    sandbox = sandbox_factory(records=1500, seed=11)
    assert connect(admin_api)["Location"].endswith("result=connected")
    return sandbox


@pytest.fixture
def sent(monkeypatch):
    """Every URL the app's HTTP clients send a request to, in this process (requests goes
    through HTTPAdapter.send for every session, simple-salesforce's and the OAuth calls')."""
    urls = []
    real_send = HTTPAdapter.send

    def recording_send(self, request, *args, **kwargs):
        urls.append(request.url)
        return real_send(self, request, *args, **kwargs)

    monkeypatch.setattr(HTTPAdapter, "send", recording_send)
    return urls


def assert_stayed_on(sandbox, urls):
    assert urls, "the spy saw no request"
    origin = urlsplit(sandbox.url)
    for url in urls:
        parts = urlsplit(url)
        assert (parts.hostname, parts.port) == (origin.hostname, origin.port), url
        assert FOREIGN_HOST not in url, url


def committed(profile, job) -> int:
    """Records of the failed job that are in (their batches committed), checked against the
    links; nothing of the refused page: the type it hit holds whole 200-record pages only."""
    with org_context(profile.org_id):
        assert ImportedRecord.objects.count() == job.imported_count + job.matched_count
    for sobject, entry in job.progress.items():
        if entry["status"] == "failed":
            fetched = entry["imported"] + entry["matched"] + entry["skipped"] + entry["errors"]
            assert fetched % 200 == 0, (sobject, entry)
    return job.imported_count + job.matched_count + job.error_count


def rerun_completes(profile, api, sandbox, failed):
    sandbox.set_faults({})
    again = run(profile, start(api))
    assert again.status == JobStatus.COMPLETED, again.failure_reason
    assert again.skipped_count == failed.imported_count + failed.matched_count  # kept, not redone
    assert_accounted(again, sandbox)
    assert_no_duplicates(profile)


TRANSIENT = {
    "html_200_at": "an HTML page instead of JSON",
    "truncated_json_at": "JSON that breaks off",
    "missing_records_at": "a query page without its records",
    "no_attributes_at": "a record without its attributes",
}


@pytest.mark.parametrize("fault", list(TRANSIENT))
def test_a_passing_bad_answer_is_asked_for_again(big_connected, admin_api, admin_profile, fault):
    big_connected.set_faults({fault: FAULT_AT})
    job = run(admin_profile, start(admin_api))
    assert job.status == JobStatus.COMPLETED, job.failure_reason
    assert big_connected.stats()["faults_fired"] == {fault.removesuffix("_at"): 1}
    assert_accounted(job, big_connected)
    assert_no_duplicates(admin_profile)


@pytest.mark.parametrize("fault", list(TRANSIENT))
def test_a_bad_answer_that_keeps_coming_fails_the_job_clearly(
    big_connected, admin_api, admin_profile, settings, fault
):
    settings.SALESFORCE_MAX_ATTEMPTS = 1  # every retry would get the same: fail on the first
    big_connected.set_faults({fault: FAULT_AT})
    failed = run(admin_profile, start(admin_api))
    assert failed.status == JobStatus.FAILED
    assert TRANSIENT[fault] in failed.failure_reason and "(asked once)" in failed.failure_reason
    assert "resumes after the last saved batch" in failed.failure_reason
    assert 0 < committed(admin_profile, failed) < failed.total_records
    assert any(entry["status"] == "failed" for entry in failed.progress.values())
    rerun_completes(admin_profile, admin_api, big_connected, failed)


@pytest.mark.parametrize("fault", ["foreign_next_url_at", "protocol_relative_next_url_at"])
def test_a_next_page_on_another_host_is_refused_and_never_requested(
    big_connected, admin_api, admin_profile, sent, fault
):
    big_connected.set_faults({fault: FAULT_AT})
    failed = run(admin_profile, start(admin_api))
    assert failed.status == JobStatus.FAILED
    assert "Refused Salesforce's next-page URL" in failed.failure_reason
    assert FOREIGN_HOST in failed.failure_reason  # names where it pointed
    assert big_connected.stats()["faults_fired"] == {fault.removesuffix("_at"): 1}
    assert_stayed_on(big_connected, sent)
    # Refused at once: had it been retried, the one-shot fault would have let the job complete.
    assert 0 < committed(admin_profile, failed) < failed.total_records
    rerun_completes(admin_profile, admin_api, big_connected, failed)


def test_the_spy_would_see_a_followed_foreign_url(big_connected, sent):
    """The control for the test above: simple-salesforce, handed a protocol-relative URL
    unchecked, sends a request whose URL names the foreign host, which the spy records."""
    sf = big_connected.simple_salesforce()
    with pytest.raises(Exception):  # the sandbox has no such path
        sf.query_more(f"//{FOREIGN_HOST}/services/data/v62.0/query/01g-200", identifier_is_url=True)
    assert any(FOREIGN_HOST in url for url in sent)


def test_a_refreshed_instance_off_salesforce_is_refused_and_the_connection_kept(
    big_connected, admin_api, admin_profile, sent
):
    with org_context(admin_profile.org_id):
        before = SalesforceConnection.objects.get()
    # Each token dies after 30 calls: the import refreshes mid-way and gets the foreign instance.
    big_connected.set_faults(expire_token_after=30, foreign_instance_on_refresh=0)
    failed = run(admin_profile, start(admin_api))
    assert failed.status == JobStatus.FAILED
    assert "token refresh named an instance outside Salesforce" in failed.failure_reason
    assert f"https://{FOREIGN_HOST}" in failed.failure_reason
    assert big_connected.stats()["faults_fired"] == {"foreign_instance_on_refresh": 1}
    with org_context(admin_profile.org_id):
        after = SalesforceConnection.objects.get()
    assert after.is_active and after.instance_url == big_connected.url == before.instance_url
    assert (after.access_token, after.token_expires_at) == (before.access_token, before.token_expires_at)
    assert_stayed_on(big_connected, sent)
    assert 0 < committed(admin_profile, failed) < failed.total_records
    rerun_completes(admin_profile, admin_api, big_connected, failed)


def test_a_maintenance_page_for_limits_is_no_answer_to_the_budget(big_connected, admin_profile, settings):
    from salesforce_imports import budget
    from salesforce_imports.client import SalesforceClient

    settings.SALESFORCE_MAX_ATTEMPTS = 1
    big_connected.set_faults(html_200_at=big_connected.stats()["api_calls"] + 1)
    with org_context(admin_profile.org_id):
        client = SalesforceClient(SalesforceConnection.objects.get())
        with pytest.raises(budget.LimitsUnavailable, match="not JSON"):
            budget.read_limits(client)
    assert big_connected.stats()["faults_fired"] == {"html_200": 1}


# -- the checks themselves, on answers the sandbox does not make -----------------------------

INSTANCE = "https://acme.my.salesforce.com"
NEXT = "/services/data/v62.0/query/01gD0000002HU6KIAW-2000"


@pytest.mark.parametrize(
    "url",
    [NEXT, "/services/data/v58.0/queryAll/01gD0000002HU6KIAW-400", INSTANCE + NEXT, INSTANCE + ":443" + NEXT],
)
def test_next_pages_on_the_instance_are_followed_by_their_path(url):
    assert answers.next_records_path(url, INSTANCE) == urlsplit(url).path


@pytest.mark.parametrize(
    "url",
    [
        f"https://{FOREIGN_HOST}{NEXT}",
        f"//{FOREIGN_HOST}{NEXT}",
        f"@{FOREIGN_HOST}{NEXT}",  # glued to the host by simple-salesforce: user@evil
        f".{FOREIGN_HOST}{NEXT}",
        f"http://acme.my.salesforce.com{NEXT}",  # the instance's host, not its scheme
        f"https://acme.my.salesforce.com:8443{NEXT}",
        f"https://user@acme.my.salesforce.com{NEXT}",
        f"https://acme.my.salesforce.com.{FOREIGN_HOST}{NEXT}",
        "/services/data/v62.0/query/../../../id/00D",
        "/services/data/v62.0/query/01gD0000002HU6KIAW-2000?next=https://evil",
        "/services/data/v62.0/query/01g\\evil",
        "/services/oauth2/token",
        "",
        None,
        42,
    ],
)
def test_next_pages_anywhere_else_are_refused(url):
    with pytest.raises(answers.SalesforceBadAnswer) as refused:
        answers.next_records_path(url, INSTANCE)
    assert refused.value.transient is (url in ("", None, 42))  # a missing next page: ask again


def page(**changes):
    good = {
        "totalSize": 2,
        "done": True,
        "records": [{"attributes": {"type": "Account", "url": "/x"}, "Id": "001"}] * 2,
    }
    return {key: value for key, value in (good | changes).items() if value is not ...}


@pytest.mark.parametrize(
    ("answer", "complaint"),
    [
        ([], "a list where a query page was expected"),
        (page(records=...), "without its records"),
        (page(records={"a": 1}), "without its records"),
        (page(done=...), "does not say whether it is the last"),
        (page(done="false"), "does not say whether it is the last"),
        (page(records=[{"Id": "001"}]), "a record without its attributes"),
        (page(records=[{"attributes": {"url": "/x"}}]), "a record without its attributes"),
        (page(records=["001"]), "a record without its attributes"),
        (page(done=False), "not the last but has no next page"),
    ],
)
def test_malformed_pages_are_bad_answers_worth_another_try(answer, complaint):
    with pytest.raises(answers.SalesforceBadAnswer) as bad:
        answers.query_page(answer, INSTANCE)
    assert complaint in str(bad.value) and bad.value.transient


def test_a_good_page_passes_with_its_next_path():
    checked = answers.query_page(page(done=False, nextRecordsUrl=INSTANCE + NEXT), INSTANCE)
    assert checked["nextRecordsUrl"] == NEXT and len(checked["records"]) == 2


def test_what_is_not_json_says_what_it_looked_like():
    def decode_error(text):
        response = requests.models.Response()
        response.status_code, response._content = 200, text.encode()
        with pytest.raises(requests.exceptions.JSONDecodeError) as error:
            response.json()
        return error.value

    assert "an HTML page" in str(answers.from_unparsable(decode_error("  <!DOCTYPE html><p>down")))
    assert "breaks off" in str(answers.from_unparsable(decode_error('{"totalSize": 3, "rec')))
    assert "empty body" in str(answers.from_unparsable(decode_error("")))
