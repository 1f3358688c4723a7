"""The HTTP session simple-salesforce uses: a timeout on every call, and the sandbox org.

requests waits forever unless told otherwise, and simple-salesforce passes no timeout, so
a stalled connection would hang the worker: every request here gets
SALESFORCE_HTTP_TIMEOUT unless the call set its own.

simple-salesforce always builds https:// URLs from the instance host. For an instance
whose origin is http on a loopback address (only ever accepted for the configured login
origin, see oauth.is_trusted_origin), that one origin's requests are sent over http.
Every other origin keeps requests' normal https handling.
"""

from urllib.parse import urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter


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


def http_session(instance_url: str) -> requests.Session:
    session = requests.Session()
    size = _pool_size()
    session.mount("https://", _TimeoutAdapter(pool_maxsize=size))
    session.mount("http://", _TimeoutAdapter(pool_maxsize=size))
    parts = urlsplit(instance_url)
    if parts.scheme == "http":
        session.mount(f"https://{parts.netloc}/", _LoopbackHttpAdapter(pool_maxsize=size))
    return session
