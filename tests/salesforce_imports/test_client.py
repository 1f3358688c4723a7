"""The Salesforce client layer: error classification and one refresh at a time."""

import threading

import pytest
import requests
from django.db import connections
from simple_salesforce.exceptions import SalesforceGeneralError, SalesforceRefusedRequest

from common.rls import org_context
from salesforce_imports.client import SalesforceClient, is_transient
from salesforce_imports.models import SalesforceConnection


def refused(code, message):
    return SalesforceRefusedRequest("u", 403, "query", [{"errorCode": code, "message": message}])


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (SalesforceGeneralError("u", 503, "query", "unavailable"), True),
        (SalesforceGeneralError("u", 500, "query", "boom"), True),
        (SalesforceGeneralError("u", 420, "query", "odd"), False),
        (requests.ConnectionError("reset"), True),
        (requests.Timeout("slow"), True),
        (refused("REQUEST_LIMIT_EXCEEDED", "ConcurrentPerOrgLongTxn Limit exceeded."), True),
        (refused("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."), False),
        (refused("INSUFFICIENT_ACCESS", "no"), False),
        (ValueError("bug"), False),
    ],
)
def test_what_is_worth_a_retry(error, transient):
    assert is_transient(error) is transient


@pytest.mark.django_db(transaction=True)
def test_concurrent_expired_sessions_refresh_once(connected, admin_profile):
    sandbox = connected
    connected.expire_sessions()
    before = sandbox.stats()["calls"]["oauth_token"]
    start = threading.Barrier(3)
    results, failures = [], []

    def count():
        try:
            with org_context(admin_profile.org_id):
                client = SalesforceClient(SalesforceConnection.objects.get())
                start.wait()
                results.append(client.count("FROM Account"))
        except Exception as exc:  # reported below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=count) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures
    assert len(results) == 3
    assert sandbox.stats()["calls"]["oauth_token"] == before + 1


def test_a_stalled_salesforce_times_out_instead_of_hanging(settings):
    """A server that accepts the connection and never answers."""
    import socket

    from salesforce_imports.transport import http_session

    settings.SALESFORCE_HTTP_TIMEOUT = 0.5
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        url = f"http://127.0.0.1:{server.getsockname()[1]}"
        with pytest.raises(requests.Timeout):
            http_session(url).get(url.replace("http://", "https://") + "/services/data/")
