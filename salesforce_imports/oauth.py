"""OAuth 2.0 Web Server Flow with PKCE against Salesforce: the HTTP half, no database.

Token values never go into an exception message or a log line: errors carry only
Salesforce's `error` code and description.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import requests
from django.conf import settings

SCOPES = "api refresh_token"

# Hosts Salesforce serves orgs from (production, sandboxes, My Domain, Government Cloud,
# Hyperforce, Alibaba Cloud); an instance_url elsewhere is refused.
SALESFORCE_HOST_SUFFIXES = (
    ".salesforce.com",
    ".force.com",
    ".cloudforce.com",
    ".database.com",
    ".salesforce.mil",
    ".salesforce-setup.com",
    ".sfcrmproducts.cn",
)


class OAuthError(Exception):
    """Salesforce answered with an OAuth error (e.g. invalid_grant)."""

    def __init__(self, error: str, description: str = ""):
        self.error, self.description = error, description
        super().__init__(f"{error}: {description}" if description else error)


class SalesforceUnavailable(Exception):
    """Salesforce could not be reached or answered with a server error."""


@dataclass(frozen=True)
class Pkce:
    verifier: str
    challenge: str

    @classmethod
    def new(cls) -> Pkce:
        verifier = secrets.token_urlsafe(64)  # 86 chars, within RFC 7636's 43..128
        digest = hashlib.sha256(verifier.encode("ascii")).digest()
        return cls(verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii"))


def login_url() -> str:
    return settings.SALESFORCE_LOGIN_URL.rstrip("/")


def authorize_url(state: str, code_challenge: str) -> str:
    query = urlencode(
        {
            "response_type": "code",
            "client_id": settings.SALESFORCE_CLIENT_ID,
            "redirect_uri": settings.SALESFORCE_REDIRECT_URI,
            "scope": SCOPES,
            "state": state,
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
        }
    )
    return f"{login_url()}/services/oauth2/authorize?{query}"


def _post(path: str, data: dict) -> dict:
    try:
        response = requests.post(
            f"{login_url()}{path}",
            data=data,
            headers={"Accept": "application/json"},
            timeout=settings.SALESFORCE_HTTP_TIMEOUT,
        )
    except requests.RequestException as exc:
        raise SalesforceUnavailable(f"Salesforce could not be reached ({type(exc).__name__}).") from None
    if response.status_code >= 500:
        raise SalesforceUnavailable(f"Salesforce answered {response.status_code}.")
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    if response.status_code != 200:
        raise OAuthError(
            str(body.get("error") or response.status_code), str(body.get("error_description", ""))
        )
    return body


def exchange_code(code: str, code_verifier: str) -> dict:
    return _post(
        "/services/oauth2/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "client_id": settings.SALESFORCE_CLIENT_ID,
            "client_secret": settings.SALESFORCE_CLIENT_SECRET,
            "redirect_uri": settings.SALESFORCE_REDIRECT_URI,
            "code_verifier": code_verifier,
        },
    )


def refresh_access_token(refresh_token: str) -> dict:
    return _post(
        "/services/oauth2/token",
        {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": settings.SALESFORCE_CLIENT_ID,
            "client_secret": settings.SALESFORCE_CLIENT_SECRET,
        },
    )


def revoke(token: str) -> None:
    _post("/services/oauth2/revoke", {"token": token})


def fetch_identity(identity_url: str, access_token: str) -> dict:
    """The user behind the token (username, display name), from the `id` URL."""
    if not is_trusted_origin(identity_url):
        raise OAuthError("invalid_identity_url", "The identity URL is not on a Salesforce host.")
    try:
        response = requests.get(
            identity_url,
            headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"},
            timeout=settings.SALESFORCE_HTTP_TIMEOUT,
        )
    except requests.RequestException as exc:
        raise SalesforceUnavailable(f"Salesforce could not be reached ({type(exc).__name__}).") from None
    if response.status_code != 200:
        raise SalesforceUnavailable(f"The identity service answered {response.status_code}.")
    body = response.json()
    return body if isinstance(body, dict) else {}


def _is_loopback(host: str | None) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


def is_trusted_origin(url) -> bool:
    """True for https on a Salesforce host, or exactly the configured login origin.

    The login-origin case is how a My Domain URL, the sandbox org and tests work; plain
    http is accepted there only for a loopback host.
    """
    if not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    if parts.username or parts.password or not parts.hostname:
        return False
    host = parts.hostname.lower()
    login = urlsplit(login_url())
    if (parts.scheme, host, port) == (login.scheme, (login.hostname or "").lower(), login.port):
        return parts.scheme == "https" or _is_loopback(host)
    return (
        parts.scheme == "https"
        and port in (None, 443)
        and any(host.endswith(suffix) for suffix in SALESFORCE_HOST_SUFFIXES)
    )


def is_valid_instance_url(url) -> bool:
    return is_trusted_origin(url) and urlsplit(url).path in ("", "/")
