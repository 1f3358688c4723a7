"""Run the sandbox inside a test process and talk to it like a client would.

with running_sandbox(records=200, seed=1) as sandbox:
    tokens = sandbox.issue_tokens()
    sf = sandbox.simple_salesforce(tokens["access_token"])
    sf.query("SELECT Id FROM Account")
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests

from sfsandbox.app import DEFAULT_API_VERSION, SandboxApp
from sfsandbox.data import Org
from sfsandbox.faults import Faults
from sfsandbox.oauth import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from sfsandbox.server import make_server, serve_in_thread

DEFAULT_REDIRECT_URI = "http://127.0.0.1/oauth/callback"


class LoopbackSession(requests.Session):
    """A requests session that sends https://<loopback origin>/... to http://.

    simple-salesforce builds https URLs from instance_url whatever its scheme; the sandbox
    speaks plain HTTP on 127.0.0.1. Only the sandbox's own origin is rewritten, so https to
    anything else (real Salesforce) is untouched.
    """

    def __init__(self, base_url: str):
        super().__init__()
        parts = urlsplit(base_url)
        self._secure_origin = f"https://{parts.netloc}"
        self._plain_origin = f"http://{parts.netloc}"

    def request(self, method, url, *args, **kwargs):
        if isinstance(url, str) and url.startswith(self._secure_origin):
            url = self._plain_origin + url[len(self._secure_origin) :]
        return super().request(method, url, *args, **kwargs)


def loopback_requests_session(base_url: str) -> requests.Session:
    return LoopbackSession(base_url)


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, S256 code_challenge) as RFC 7636 defines them."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@dataclass
class SandboxHandle:
    url: str
    client_id: str
    client_secret: str
    org: Org
    app: SandboxApp

    @property
    def api_version(self) -> str:
        return DEFAULT_API_VERSION

    def _post(self, path: str, payload=None) -> dict:
        response = requests.post(self.url + path, json=payload if payload is not None else {}, timeout=30)
        response.raise_for_status()
        return response.json()

    def stats(self) -> dict:
        return requests.get(self.url + "/_sandbox/stats", timeout=30).json()

    def reset_stats(self) -> dict:
        return self._post("/_sandbox/reset-stats")

    def set_faults(self, faults: dict | str | None = None, **named) -> dict:
        """Replace the faults, e.g. set_faults(error_503_at=3) or set_faults("reset_at=2")."""
        spec = Faults.parse(faults).as_dict() if isinstance(faults, str) else dict(faults or {})
        spec.update(named)
        return self._post("/_sandbox/faults", spec)

    def expire_sessions(self) -> None:
        self._post("/_sandbox/expire-sessions")

    def revoke_refresh_tokens(self) -> None:
        self._post("/_sandbox/revoke-refresh-tokens")

    def expire_query_locators(self) -> int:
        """Open query cursors die: the next `nextRecordsUrl` gets INVALID_QUERY_LOCATOR."""
        return self._post("/_sandbox/expire-query-locators")["expired"]

    def mutate(self, object_name: str | None = None, **spec) -> dict:
        """POST /_sandbox/mutate, e.g. mutate("Account", change=0.01, add=100, delete=50, seed=7)
        or mutate("Account", update={Id: {"Name": "New"}}, delete_ids=[...]). The answer lists
        every Id (`changed`, `added`, `deleted`) and the org clock's new time (`now`)."""
        if object_name is not None:
            spec["object"] = object_name
        spec.setdefault("ids", True)
        return self._post("/_sandbox/mutate", spec)

    def now(self) -> str:
        """The org clock's time, in Salesforce's form (2025-06-01T00:01:00.000+0000)."""
        return self.stats()["now"]

    def changes_since(self, object_name: str, since: str) -> dict[str, list[str]]:
        """{"changed", "added", "deleted"}: Ids written after `since`, as a delta import sees them."""
        from sfsandbox.mutate import changes_since

        return changes_since(self.org, object_name, since)

    def insert_records(self, object_name: str, records: list[dict]) -> list[str]:
        return self._post(f"/_sandbox/records/{object_name}", records)["ids"]

    def authorize(
        self,
        redirect_uri: str = DEFAULT_REDIRECT_URI,
        code_challenge: str | None = None,
        state: str = "state",
        scope: str | None = None,
    ) -> str:
        """Headless "Allow" on the consent page; returns the authorization code."""
        form = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": redirect_uri,
            "state": state,
            "decision": "allow",
        }
        if code_challenge:
            form.update(code_challenge=code_challenge, code_challenge_method="S256")
        if scope:
            form["scope"] = scope
        response = requests.post(
            self.url + "/services/oauth2/authorize", data=form, allow_redirects=False, timeout=30
        )
        if response.status_code != 302:
            raise RuntimeError(f"authorize failed: {response.status_code} {response.text}")
        query = parse_qs(urlsplit(response.headers["Location"]).query)
        return query["code"][0]

    def issue_tokens(self, redirect_uri: str = DEFAULT_REDIRECT_URI, scope: str | None = None) -> dict:
        """Full authorization-code + PKCE exchange; the token response as a dict."""
        verifier, challenge = pkce_pair()
        code = self.authorize(redirect_uri, challenge, scope=scope)
        response = requests.post(
            self.url + "/services/oauth2/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "redirect_uri": redirect_uri,
                "code_verifier": verifier,
            },
            timeout=30,
        )
        response.raise_for_status()
        return response.json()

    def session(self) -> requests.Session:
        return loopback_requests_session(self.url)

    def simple_salesforce(self, access_token: str | None = None, **kwargs):
        """A simple_salesforce.Salesforce client wired to this sandbox."""
        from simple_salesforce import Salesforce

        token = access_token or self.issue_tokens()["access_token"]
        return Salesforce(
            instance_url=self.url,
            session_id=token,
            session=self.session(),
            version=kwargs.pop("version", self.api_version),
            **kwargs,
        )


@contextlib.contextmanager
def running_sandbox(
    records: int = 200,
    seed: int = 1,
    faults: dict | str | None = None,
    client_id: str = DEFAULT_CLIENT_ID,
    client_secret: str = DEFAULT_CLIENT_SECRET,
    sample_data: str | Path | None = None,
    *,
    multi_currency: bool = False,
    hidden_fields: dict[str, list[str]] | None = None,
    callback_urls: tuple[str, ...] = (),
    **org_options,
) -> Iterator[SandboxHandle]:
    """Start the real HTTP server on 127.0.0.1 and a free port for the duration of a block."""
    org = Org(records, seed, multi_currency=multi_currency, hidden_fields=hidden_fields, **org_options)
    if sample_data is not None:
        from sfsandbox.sample_data import load_sample_data

        load_sample_data(org, Path(sample_data))
    app = SandboxApp(
        org,
        client_id=client_id,
        client_secret=client_secret,
        faults=Faults.parse(faults),
        callback_urls=callback_urls,
    )
    server = make_server(app, "127.0.0.1", 0)
    thread = serve_in_thread(server)
    host, port = server.server_address[:2]
    try:
        yield SandboxHandle(f"http://{host}:{port}", client_id, client_secret, org, app)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
