"""The connect / status / refresh / disconnect cycle against the sandbox org over HTTP."""

import logging
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from common.models import Role
from common.rls import org_context
from salesforce_imports import tokens
from salesforce_imports.client import SalesforceClient
from salesforce_imports.models import OAuthState, SalesforceConnection

from .conftest import approve_at_salesforce, callback

pytestmark = pytest.mark.django_db(transaction=True)


def _connection(profile):
    with org_context(profile.org_id):
        return SalesforceConnection.objects.get()


def test_connect_builds_a_pkce_authorize_url(sandbox, admin_api, admin_profile):
    auth_url = admin_api.post("/api/salesforce/connect/").json()["auth_url"]
    query = parse_qs(urlsplit(auth_url).query)
    assert auth_url.startswith(sandbox.url + "/services/oauth2/authorize?")
    assert query["code_challenge_method"] == ["S256"]
    assert query["scope"] == ["api refresh_token"]
    assert len(query["state"][0]) >= 40
    # Only a hash of the state is stored.
    with org_context(admin_profile.org_id):
        assert OAuthState.objects.filter(state_hash=OAuthState.hash(query["state"][0])).exists()
        assert not OAuthState.objects.filter(state_hash=query["state"][0]).exists()


def test_full_cycle(connected, admin_api, admin_profile, caplog):
    sandbox = connected
    status = admin_api.get("/api/salesforce/status/").json()
    assert status["connected"] is True
    assert status["instance_url"] == sandbox.url
    assert status["connected_by"] == admin_profile.user.email
    assert status["salesforce_username"]
    connection = _connection(admin_profile)
    raw_tokens = (connection.access_token, connection.refresh_token)

    # An expired session is refreshed once and the call goes through.
    sandbox.expire_sessions()
    with caplog.at_level(logging.DEBUG), org_context(admin_profile.org_id):
        client = SalesforceClient(_connection(admin_profile))
        assert client.count("FROM Account WHERE IsDeleted = false") == sandbox.org.count("Account")
        assert _connection(admin_profile).access_token != raw_tokens[0]
    assert sandbox.stats()["calls"]["oauth_token"] == 2  # the exchange and one refresh

    response = admin_api.delete("/api/salesforce/disconnect/")
    assert response.status_code == 204
    assert sandbox.stats()["calls"].get("oauth_revoke") == 1
    assert admin_api.get("/api/salesforce/status/").json()["connected"] is False
    # Tokens never appear in responses or logs.
    for secret in raw_tokens:
        assert secret not in caplog.text
        assert secret not in str(status)


def test_old_token_is_refreshed_before_use(connected, admin_profile):
    from django.utils import timezone

    with org_context(admin_profile.org_id):
        SalesforceConnection.objects.update(token_expires_at=timezone.now())
        before = connected.stats()["calls"]["oauth_token"]
        SalesforceClient(_connection(admin_profile)).count("FROM Account")
    stats = connected.stats()
    assert stats["calls"]["oauth_token"] == before + 1
    assert stats["calls"].get("count") == 1  # no failed call first


def test_revoked_refresh_token_marks_connection_inactive(connected, admin_api, admin_profile):
    connected.revoke_refresh_tokens()
    connected.expire_sessions()
    with org_context(admin_profile.org_id), pytest.raises(tokens.ConnectionLost):
        SalesforceClient(_connection(admin_profile)).count("FROM Account")
    status = admin_api.get("/api/salesforce/status/").json()
    assert status["connected"] is False
    assert "refresh token" in status["inactive_reason"]
    client = Client()
    client.force_login(admin_profile.user)
    page = client.get("/settings/salesforce").content.decode()
    assert "stopped working" in page and "Connect to Salesforce" in page


def test_access_denied_is_reported(sandbox, admin_api, admin_profile, connect):
    response = connect(admin_api, decision="deny")
    assert response["Location"] == "/settings/salesforce?error=access_denied"
    with org_context(admin_profile.org_id):
        assert not SalesforceConnection.objects.exists()


def test_reused_state_changes_nothing(sandbox, admin_api, admin_profile):
    query = approve_at_salesforce(admin_api.post("/api/salesforce/connect/").json()["auth_url"])
    assert callback(admin_api, query)["Location"].endswith("result=connected")
    before = _connection(admin_profile).access_token
    assert callback(admin_api, query)["Location"].endswith("error=invalid_state")
    assert _connection(admin_profile).access_token == before


@pytest.mark.parametrize("state", ["", "forged-state", "x" * 5000])
def test_forged_state_changes_nothing(sandbox, admin_api, admin_profile, state):
    query = approve_at_salesforce(admin_api.post("/api/salesforce/connect/").json()["auth_url"])
    response = callback(admin_api, {"code": query["code"], "state": state})
    assert response["Location"] == "/settings/salesforce?error=invalid_state"
    with org_context(admin_profile.org_id):
        assert not SalesforceConnection.objects.exists()


def test_expired_state_changes_nothing(sandbox, admin_api, admin_profile):
    from datetime import timedelta

    from django.utils import timezone

    query = approve_at_salesforce(admin_api.post("/api/salesforce/connect/").json()["auth_url"])
    with org_context(admin_profile.org_id):
        assert OAuthState.objects.update(expires_at=timezone.now() - timedelta(seconds=1)) == 1
    assert callback(admin_api, query)["Location"] == "/settings/salesforce?error=invalid_state"
    with org_context(admin_profile.org_id):
        assert not SalesforceConnection.objects.exists()


def test_code_for_another_org_is_refused(sandbox, admin_api, api_for, other_admin_profile, admin_profile):
    mine = approve_at_salesforce(admin_api.post("/api/salesforce/connect/").json()["auth_url"])
    theirs = approve_at_salesforce(
        api_for(other_admin_profile).post("/api/salesforce/connect/").json()["auth_url"]
    )
    # Their code with my state: the PKCE verifier bound to my state does not match their code.
    response = callback(admin_api, {"code": theirs["code"], "state": mine["state"]})
    assert response["Location"] == "/settings/salesforce?error=exchange_failed"
    for profile in (admin_profile, other_admin_profile):
        with org_context(profile.org_id):
            assert not SalesforceConnection.objects.exists()


def test_instance_url_elsewhere_is_refused(sandbox, admin_api, admin_profile, monkeypatch):
    from salesforce_imports import oauth

    real_exchange = oauth.exchange_code

    def exchange_pointing_inside(code, verifier):
        return real_exchange(code, verifier) | {"instance_url": "http://169.254.169.254"}

    monkeypatch.setattr(oauth, "exchange_code", exchange_pointing_inside)
    query = approve_at_salesforce(admin_api.post("/api/salesforce/connect/").json()["auth_url"])
    assert callback(admin_api, query)["Location"] == "/settings/salesforce?error=bad_instance"
    with org_context(admin_profile.org_id):
        assert not SalesforceConnection.objects.exists()
    assert sandbox.stats()["calls"].get("oauth_revoke") == 1  # the unused tokens were handed back


def test_salesforce_down_during_exchange(sandbox, admin_api, admin_profile, settings):
    query = approve_at_salesforce(admin_api.post("/api/salesforce/connect/").json()["auth_url"])
    settings.SALESFORCE_LOGIN_URL = "http://127.0.0.1:9"  # nothing listens there
    assert callback(admin_api, query)["Location"] == "/settings/salesforce?error=unavailable"
    with org_context(admin_profile.org_id):
        assert not SalesforceConnection.objects.exists()


def test_non_admin_cannot_connect_or_disconnect(sandbox, make_member, api_for):
    user = make_member("Acme", email="user@acme.test", role=Role.USER)
    api = api_for(user)
    assert api.post("/api/salesforce/connect/").status_code == 403
    assert api.delete("/api/salesforce/disconnect/").status_code == 403
    assert api.get("/api/salesforce/status/").status_code == 200


def test_admin_of_another_org_sees_nothing(connected, api_for, other_admin_profile, admin_api):
    api = api_for(other_admin_profile)
    assert api.get("/api/salesforce/status/").json()["connected"] is False
    assert api.delete("/api/salesforce/disconnect/").status_code == 204  # nothing of theirs to remove
    assert admin_api.get("/api/salesforce/status/").json()["connected"] is True


def test_disconnect_twice_is_fine(connected, admin_api):
    assert admin_api.delete("/api/salesforce/disconnect/").status_code == 204
    assert admin_api.delete("/api/salesforce/disconnect/").status_code == 204


def test_failed_revoke_still_removes_tokens(connected, admin_api, admin_profile, settings):
    settings.SALESFORCE_LOGIN_URL = "http://127.0.0.1:9"
    assert admin_api.delete("/api/salesforce/disconnect/").status_code == 204
    with org_context(admin_profile.org_id):
        assert not SalesforceConnection.objects.exists()


def test_settings_page_shows_status_to_members(connected, admin_profile, make_member):
    user = make_member("Acme", email="user@acme.test", role=Role.USER)
    client = Client()
    client.force_login(user.user)
    page = client.get("/settings/salesforce").content.decode()
    assert connected.url in page and "Connected" in page
    assert "Disconnect" not in page  # members see status only
    client.force_login(admin_profile.user)
    page = client.get("/settings/salesforce").content.decode()
    assert "Yes, disconnect Salesforce" in page


def test_sign_in_link_completed_in_another_browser_connects_nothing(sandbox, admin_api, admin_profile):
    """An admin who passes their Connect link to someone at another company must not end
    up holding that company's Salesforce tokens: the callback needs the starting browser."""
    query = approve_at_salesforce(admin_api.post("/api/salesforce/connect/").json()["auth_url"])
    assert callback(Client(), query)["Location"] == "/settings/salesforce?error=invalid_state"
    with org_context(admin_profile.org_id):
        assert not SalesforceConnection.objects.exists()
    # The state was used up: the right browser cannot replay it either.
    assert callback(admin_api, query)["Location"] == "/settings/salesforce?error=invalid_state"


def test_binding_cookie_is_http_only_and_scoped_to_the_callback(sandbox, admin_api):
    from salesforce_imports.connection_service import BINDING_COOKIE

    response = admin_api.post("/api/salesforce/connect/")
    cookie = response.cookies[BINDING_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert cookie["path"] == "/api/salesforce/callback/"
    assert int(cookie["max-age"]) == 600
