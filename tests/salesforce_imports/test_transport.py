"""The importer's HTTP session (salesforce_imports/transport.py): what it takes from the
environment (proxies, NO_PROXY, a CA bundle) still applies, read once per origin, and a
.netrc entry never replaces the OAuth bearer token."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from salesforce_imports import transport
from salesforce_imports.transport import http_session


class _Recorder(BaseHTTPRequestHandler):
    """Answers 200 to anything and records the request line and the Authorization header."""

    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802 - the name http.server calls
        self.server.seen.append((self.requestline, self.headers.get("Authorization")))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format, *args):  # noqa: A002
        pass


@pytest.fixture
def recorder():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def clean_environment(monkeypatch):
    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "NO_PROXY",
        "REQUESTS_CA_BUNDLE",
        "CURL_CA_BUNDLE",
    ):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    return monkeypatch


def test_a_proxy_from_the_environment_is_used(recorder, clean_environment):
    proxy, proxy_url = recorder
    clean_environment.setenv("HTTP_PROXY", proxy_url)
    response = http_session("https://instance.example.com").get("http://salesforce.example.invalid/data")
    assert response.status_code == 200
    # A proxy is sent the whole URL in the request line.
    assert proxy.seen[0][0] == "GET http://salesforce.example.invalid/data HTTP/1.1"


def test_no_proxy_sends_that_host_straight_there(recorder, clean_environment):
    server, url = recorder
    clean_environment.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
    clean_environment.setenv("NO_PROXY", "127.0.0.1")
    assert http_session(url).get(f"{url}/data").status_code == 200
    assert server.seen[0][0] == "GET /data HTTP/1.1"


def test_the_environment_is_read_once_per_origin(recorder, clean_environment):
    server, url = recorder
    reads = []
    real = transport.get_environ_proxies
    clean_environment.setattr(transport, "get_environ_proxies", lambda *a: reads.append(a[0]) or real(*a))
    session = http_session(url)
    for n in range(5):
        assert session.get(f"{url}/page/{n}").status_code == 200
    assert len(reads) == 1 and len(server.seen) == 5


def test_a_ca_bundle_from_the_environment_is_used(clean_environment, tmp_path):
    bundle = tmp_path / "corporate-ca.pem"
    clean_environment.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    merged = http_session("https://instance.example.com").merge_environment_settings(
        "https://instance.example.com/services/data/", {}, None, None, None
    )
    assert merged["verify"] == str(bundle)
    explicit = http_session("https://instance.example.com").merge_environment_settings(
        "https://instance.example.com/services/data/", {}, None, False, None
    )
    assert explicit["verify"] is False  # a caller's own choice stays


def test_a_netrc_entry_never_replaces_the_bearer_token(recorder, clean_environment, tmp_path):
    server, url = recorder
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login someone password secret\n")
    netrc.chmod(0o600)
    clean_environment.setenv("NETRC", str(netrc))
    http_session(url).get(f"{url}/data", headers={"Authorization": "Bearer token-123"})
    assert server.seen[0][1] == "Bearer token-123"
