"""Reaching a plain-http loopback Salesforce (the sandbox org) through simple-salesforce.

simple-salesforce always builds https:// URLs from the instance host. For an instance
whose origin is http on a loopback address (only ever accepted for the configured login
origin, see oauth.is_trusted_origin), this adapter sends that one origin's requests over
http. Every other origin keeps requests' normal https handling.
"""

from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter


class _LoopbackHttpAdapter(HTTPAdapter):
    def send(self, request, **kwargs):
        request.url = "http://" + request.url[len("https://") :]
        return super().send(request, **kwargs)


def http_session(instance_url: str) -> requests.Session:
    session = requests.Session()
    parts = urlsplit(instance_url)
    if parts.scheme == "http":
        session.mount(f"https://{parts.netloc}/", _LoopbackHttpAdapter())
    return session
