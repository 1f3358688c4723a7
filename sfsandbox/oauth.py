"""OAuth 2.0 web server flow as Salesforce runs it: authorize, token, revoke, identity.

Error bodies follow Salesforce's token endpoint: {"error": ..., "error_description": ...}
with HTTP 400, e.g. invalid_grant / "expired access/refresh token" for a revoked refresh
token and invalid_grant / "invalid code verifier" for a PKCE mismatch.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

DEFAULT_CLIENT_ID = "sfsandbox-client-id"
DEFAULT_CLIENT_SECRET = "sfsandbox-client-secret"
DEFAULT_SCOPES = ("api", "id", "refresh_token")
CODE_LIFETIME_SECONDS = 15 * 60  # Salesforce authorization codes expire after 15 minutes


class OAuthError(Exception):
    def __init__(self, error: str, description: str, status: int = 400):
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status

    def body(self) -> dict:
        return {"error": self.error, "error_description": self.description}


@dataclass
class AuthorizationCode:
    client_id: str
    redirect_uri: str
    code_challenge: str | None
    scopes: tuple[str, ...]
    issued: float
    used: bool = False


@dataclass
class AccessToken:
    refresh_token: str | None
    scopes: tuple[str, ...]
    api_calls: int = 0


@dataclass
class OAuthServer:
    org_id: str
    user_id: str
    client_id: str = DEFAULT_CLIENT_ID
    client_secret: str = DEFAULT_CLIENT_SECRET
    callback_urls: tuple[str, ...] = ()  # empty: any loopback http(s) URL is accepted
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _codes: dict[str, AuthorizationCode] = field(default_factory=dict)
    _access: dict[str, AccessToken] = field(default_factory=dict)
    _refresh: dict[str, tuple[str, ...]] = field(default_factory=dict)

    # -- authorize -----------------------------------------------------------------------
    def redirect_uri_allowed(self, redirect_uri: str) -> bool:
        if self.callback_urls:
            return redirect_uri in self.callback_urls
        parts = urlsplit(redirect_uri)
        return parts.scheme in ("http", "https") and parts.hostname in ("127.0.0.1", "localhost", "::1")

    def issue_code(
        self, client_id: str, redirect_uri: str, code_challenge: str | None, scope: str | None
    ) -> str:
        scopes = tuple(scope.split()) if scope else DEFAULT_SCOPES
        # Salesforce codes are base64 ending in "==", so they need URL-encoding: keep that.
        code = "aPrx" + base64.b64encode(secrets.token_bytes(40)).decode()
        with self._lock:
            self._codes[code] = AuthorizationCode(
                client_id, redirect_uri, code_challenge or None, scopes, time.time()
            )
        return code

    # -- token ---------------------------------------------------------------------------
    def _check_client(self, params: dict[str, str], *, secret_required: bool) -> None:
        if params.get("client_id") != self.client_id:
            raise OAuthError("invalid_client_id", "client identifier invalid")
        secret = params.get("client_secret")
        if secret is None and secret_required:
            raise OAuthError("invalid_client", "invalid client credentials")
        if secret is not None and not hmac.compare_digest(secret, self.client_secret):
            raise OAuthError("invalid_client", "invalid client credentials")

    def token(self, params: dict[str, str], instance_url: str) -> dict:
        grant_type = params.get("grant_type")
        if grant_type == "authorization_code":
            return self._exchange_code(params, instance_url)
        if grant_type == "refresh_token":
            return self._refresh_grant(params, instance_url)
        raise OAuthError("unsupported_grant_type", "grant type not supported")

    def _exchange_code(self, params: dict[str, str], instance_url: str) -> dict:
        code_value = params.get("code", "")
        with self._lock:
            code = self._codes.get(code_value)
            pkce = code is not None and code.code_challenge is not None
        # A confidential client sends its secret; a PKCE client may omit it.
        self._check_client(params, secret_required=not pkce)
        with self._lock:
            if code is None or code.used or code.client_id != params.get("client_id"):
                raise OAuthError("invalid_grant", "invalid authorization code")
            if time.time() - code.issued > CODE_LIFETIME_SECONDS:
                raise OAuthError("invalid_grant", "expired authorization code")
            if params.get("redirect_uri") != code.redirect_uri:
                raise OAuthError("redirect_uri_mismatch", "redirect_uri must match configuration")
            if code.code_challenge is not None:
                verifier = params.get("code_verifier", "")
                digest = hashlib.sha256(verifier.encode()).digest()
                expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
                if not verifier or not hmac.compare_digest(expected, code.code_challenge):
                    raise OAuthError("invalid_grant", "invalid code verifier")
            code.used = True  # single use, even if what follows fails
            refresh = None
            if {"refresh_token", "offline_access", "full"} & set(code.scopes):
                refresh = "5Aep" + secrets.token_urlsafe(48)
                self._refresh[refresh] = code.scopes
        return self._token_response(instance_url, code.scopes, refresh, include_refresh=True)

    def _refresh_grant(self, params: dict[str, str], instance_url: str) -> dict:
        self._check_client(params, secret_required=False)
        refresh = params.get("refresh_token", "")
        with self._lock:
            scopes = self._refresh.get(refresh)
        if scopes is None:
            raise OAuthError("invalid_grant", "expired access/refresh token")
        # Salesforce does not rotate the refresh token by default: none in the response.
        return self._token_response(instance_url, scopes, refresh, include_refresh=False)

    def _token_response(
        self, instance_url: str, scopes: tuple[str, ...], refresh: str | None, *, include_refresh: bool
    ) -> dict:
        access = f"{self.org_id[:15]}!AQ0AQ{secrets.token_urlsafe(72)}"
        with self._lock:
            self._access[access] = AccessToken(refresh, scopes)
        identity_url = f"{instance_url}/id/{self.org_id}/{self.user_id}"
        issued_at = str(int(time.time() * 1000))
        signature = base64.b64encode(
            hmac.new(
                self.client_secret.encode(), (identity_url + issued_at).encode(), hashlib.sha256
            ).digest()
        ).decode()
        response = {"access_token": access}
        if include_refresh and refresh is not None:
            response["refresh_token"] = refresh
        response.update(
            {
                "signature": signature,
                "scope": " ".join(scopes),
                "instance_url": instance_url,
                "id": identity_url,
                "token_type": "Bearer",
                "issued_at": issued_at,
            }
        )
        return response

    # -- sessions ------------------------------------------------------------------------
    def session(self, access_token: str) -> AccessToken | None:
        with self._lock:
            return self._access.get(access_token)

    def charge_call(self, access_token: str, expire_after: int | None) -> bool:
        """Count an API call against a token; False once the token has expired."""
        with self._lock:
            token = self._access.get(access_token)
            if token is None:
                return False
            if expire_after is not None and token.api_calls >= expire_after:
                del self._access[access_token]
                return False
            token.api_calls += 1
            return True

    def revoke(self, token: str) -> bool:
        """Revoke an access or refresh token (a refresh token takes its access tokens)."""
        with self._lock:
            if token in self._access:
                del self._access[token]
                return True
            if token in self._refresh:
                del self._refresh[token]
                for key in [k for k, v in self._access.items() if v.refresh_token == token]:
                    del self._access[key]
                return True
        return False

    def expire_sessions(self) -> None:
        with self._lock:
            self._access.clear()

    def revoke_refresh_tokens(self) -> None:
        with self._lock:
            self._refresh.clear()
