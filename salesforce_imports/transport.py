"""The HTTP session simple-salesforce uses: a timeout on every call, and the sandbox org.

requests waits forever unless told otherwise, and simple-salesforce passes no timeout, so
a stalled connection would hang the worker: every request here gets
SALESFORCE_HTTP_TIMEOUT unless the call set its own.

simple-salesforce always builds https:// URLs from the instance host. For an instance
whose origin is http on a loopback address (only ever accepted for the configured login
origin, see oauth.is_trusted_origin), that one origin's requests are sent over http.
Every other origin keeps requests' normal https handling.

What requests takes from the environment (proxies, NO_PROXY, a CA bundle) is read once per
origin, not on every call (`_EnvironmentOnceSession`).
"""

import os
import threading
from urllib.parse import urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from requests.utils import get_environ_proxies


class _TimeoutAdapter(HTTPAdapter):
    def send(self, request, timeout=None, **kwargs):
        return super().send(request, timeout=timeout or settings.SALESFORCE_HTTP_TIMEOUT, **kwargs)


class _LoopbackHttpAdapter(_TimeoutAdapter):
    def send(self, request, **kwargs):
        request.url = "http://" + request.url[len("https://") :]
        return super().send(request, **kwargs)


def _pool_size() -> int:
    # One kept-alive connection per call that can be in flight at once: note bodies, the Bulk
    # downloads of the object being imported and of the next one (read ahead), each feed's
    # poll or listing, the REST page and the ContentNote query read ahead. requests' default
    # of 10 would open and drop the rest (a new TCP, and TLS, handshake each time).
    downloads = settings.SALESFORCE_BULK_DOWNLOADS
    return max(10, settings.SALESFORCE_NOTE_BODY_CONCURRENCY + 2 * downloads + 6)


class _EnvironmentOnceSession(requests.Session):
    """A session that reads the environment once per origin.

    With `trust_env` on, requests walks the whole process environment twice per request
    (urllib's getproxies) and looks for a .netrc file: about 0.5 ms of CPU per call here, as
    much as the rest of a call against a sandbox that answers at once, and it adds up over a
    Lightning note body per call. The same settings are read here on the first call to each
    origin and kept. A .netrc entry is never used: its Basic credentials would replace the
    OAuth bearer token simple-salesforce sends.
    """

    def __init__(self):
        super().__init__()
        self.trust_env = False
        self._environment: dict[tuple, tuple[dict, str | None]] = {}
        self._environment_lock = threading.Lock()

    def merge_environment_settings(self, url, proxies, stream, verify, cert):
        parts = urlsplit(url)
        no_proxy = (proxies or {}).get("no_proxy")
        key = (f"{parts.scheme}://{parts.netloc}", no_proxy)
        with self._environment_lock:
            known = self._environment.get(key)
            if known is None:
                bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
                known = self._environment[key] = (get_environ_proxies(url, no_proxy), bundle)
        environ_proxies, bundle = known
        proxies = dict(proxies or {})
        for scheme, proxy in environ_proxies.items():
            proxies.setdefault(scheme, proxy)
        if (verify is True or verify is None) and bundle:
            verify = bundle
        return super().merge_environment_settings(url, proxies, stream, verify, cert)


def http_session(instance_url: str) -> requests.Session:
    session = _EnvironmentOnceSession()
    size = _pool_size()
    session.mount("https://", _TimeoutAdapter(pool_maxsize=size))
    session.mount("http://", _TimeoutAdapter(pool_maxsize=size))
    parts = urlsplit(instance_url)
    if parts.scheme == "http":
        session.mount(f"https://{parts.netloc}/", _LoopbackHttpAdapter(pool_maxsize=size))
    return session
