"""OAuth 2.0 web server flow against the running server, over plain HTTP."""

from urllib.parse import parse_qs, urlsplit

import requests

from sfsandbox.testing import DEFAULT_REDIRECT_URI, pkce_pair


def authorize(sandbox, **overrides):
    form = {
        "response_type": "code",
        "client_id": sandbox.client_id,
        "redirect_uri": DEFAULT_REDIRECT_URI,
        "state": "xyz",
        "decision": "allow",
    }
    form.update(overrides)
    return requests.post(
        sandbox.url + "/services/oauth2/authorize", data=form, allow_redirects=False, timeout=10
    )


def token(sandbox, **form):
    data = {
        "grant_type": "authorization_code",
        "client_id": sandbox.client_id,
        "client_secret": sandbox.client_secret,
        "redirect_uri": DEFAULT_REDIRECT_URI,
    }
    data.update(form)
    return requests.post(sandbox.url + "/services/oauth2/token", data=data, timeout=10)


def location_query(response):
    return parse_qs(urlsplit(response.headers["Location"]).query)


def test_consent_page_offers_allow_and_deny(sfsandbox):
    verifier, challenge = pkce_pair()
    page = requests.get(
        sfsandbox.url + "/services/oauth2/authorize",
        params={
            "response_type": "code",
            "client_id": sfsandbox.client_id,
            "redirect_uri": DEFAULT_REDIRECT_URI,
            "state": "s",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "scope": "api refresh_token",
        },
        timeout=10,
    )
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    assert 'value="allow"' in page.text and 'value="deny"' in page.text
    assert f'name="code_challenge" value="{challenge}"' in page.text


def test_deny_redirects_with_access_denied(sfsandbox):
    response = authorize(sfsandbox, decision="deny")
    assert response.status_code == 302
    query = location_query(response)
    assert query["error"] == ["access_denied"] and query["state"] == ["xyz"]
    assert "error_description" in query


def test_unknown_client_and_foreign_redirect_get_an_error_page_not_a_redirect(sfsandbox):
    unknown = authorize(sfsandbox, client_id="nope")
    assert unknown.status_code == 400 and "invalid_client_id" in unknown.text
    foreign = authorize(sfsandbox, redirect_uri="https://evil.example.com/cb")
    assert foreign.status_code == 400 and "redirect_uri_mismatch" in foreign.text


def test_code_exchange_with_pkce_then_single_use(sfsandbox):
    verifier, challenge = pkce_pair()
    code = location_query(authorize(sfsandbox, code_challenge=challenge, code_challenge_method="S256"))[
        "code"
    ][0]
    first = token(sfsandbox, code=code, code_verifier=verifier)
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["instance_url"] == sfsandbox.url
    assert body["access_token"].startswith(sfsandbox.org.org_id[:15] + "!")
    assert "expires_in" not in body and body["token_type"] == "Bearer"
    again = token(sfsandbox, code=code, code_verifier=verifier)
    assert again.status_code == 400
    assert again.json() == {"error": "invalid_grant", "error_description": "invalid authorization code"}


def test_wrong_verifier_redirect_or_client_is_rejected(sfsandbox):
    verifier, challenge = pkce_pair()

    def fresh_code():
        return location_query(authorize(sfsandbox, code_challenge=challenge))["code"][0]

    wrong = token(sfsandbox, code=fresh_code(), code_verifier="x" * 50)
    assert wrong.status_code == 400
    assert wrong.json() == {"error": "invalid_grant", "error_description": "invalid code verifier"}
    mismatch = token(
        sfsandbox, code=fresh_code(), code_verifier=verifier, redirect_uri="http://127.0.0.1/other"
    )
    assert mismatch.status_code == 400 and mismatch.json()["error"] == "redirect_uri_mismatch"
    bad_secret = token(sfsandbox, code=fresh_code(), code_verifier=verifier, client_secret="wrong")
    assert bad_secret.json() == {"error": "invalid_client", "error_description": "invalid client credentials"}
    bad_client = token(sfsandbox, code=fresh_code(), client_id="other")
    assert bad_client.json() == {
        "error": "invalid_client_id",
        "error_description": "client identifier invalid",
    }
    unsupported = token(sfsandbox, grant_type="password")
    assert unsupported.json()["error"] == "unsupported_grant_type"


def test_refresh_grant_has_no_new_refresh_token_and_dies_when_revoked(sfsandbox):
    tokens = sfsandbox.issue_tokens()
    data = {
        "grant_type": "refresh_token",
        "refresh_token": tokens["refresh_token"],
        "client_id": sfsandbox.client_id,
        "client_secret": sfsandbox.client_secret,
    }
    refreshed = requests.post(sfsandbox.url + "/services/oauth2/token", data=data, timeout=10)
    assert refreshed.status_code == 200
    assert "refresh_token" not in refreshed.json()
    assert refreshed.json()["access_token"] != tokens["access_token"]
    sfsandbox.revoke_refresh_tokens()
    dead = requests.post(sfsandbox.url + "/services/oauth2/token", data=data, timeout=10)
    assert dead.status_code == 400
    assert dead.json() == {"error": "invalid_grant", "error_description": "expired access/refresh token"}


def test_revoke_and_identity(sfsandbox):
    tokens = sfsandbox.issue_tokens()
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    identity = requests.get(tokens["id"], headers=bearer, timeout=10)
    assert identity.status_code == 200
    assert identity.json()["organization_id"] == sfsandbox.org.org_id
    revoked = requests.post(
        sfsandbox.url + "/services/oauth2/revoke", data={"token": tokens["refresh_token"]}, timeout=10
    )
    assert revoked.status_code == 200
    after = requests.get(sfsandbox.url + "/services/data/v62.0/limits/", headers=bearer, timeout=10)
    assert after.status_code == 401
    assert after.json() == [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
    again = requests.post(
        sfsandbox.url + "/services/oauth2/revoke", data={"token": tokens["refresh_token"]}, timeout=10
    )
    assert again.status_code == 400 and again.json()["error"] == "unsupported_token_type"
    assert requests.get(tokens["id"], headers=bearer, timeout=10).status_code == 403
