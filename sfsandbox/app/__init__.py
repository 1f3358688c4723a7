"""The WSGI application: Salesforce's OAuth, REST and Bulk API 2.0 endpoints, plus /_sandbox.

Routing lives here; the handlers are in `oauth_handlers`, `rest`, `bulk_handlers` and
`control`, response helpers in `http`.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from email.utils import formatdate

from sfsandbox import bulk, describe
from sfsandbox.app.bulk_handlers import BulkHandlers
from sfsandbox.app.control import ControlHandlers
from sfsandbox.app.cost_handlers import CostHandlers
from sfsandbox.app.http import _STATUS_TEXT, Response, _ConnectionReset, _json, rest_error
from sfsandbox.app.oauth_handlers import OAuthHandlers
from sfsandbox.app.rest import RestHandlers
from sfsandbox.costs import LongRequests
from sfsandbox.data import Org
from sfsandbox.faults import CallLedger, Faults
from sfsandbox.oauth import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, OAuthServer
from sfsandbox.query import ResultSet

DEFAULT_API_VERSION = "62.0"
_VERSIONED = re.compile(r"^/services/data/v(\d{2,3}\.\d)(/.*)?$")

__all__ = ["DEFAULT_API_VERSION", "Response", "SandboxApp", "rest_error"]


# CostHandlers comes before RestHandlers: its `rest` wraps theirs with what a call costs.
class SandboxApp(OAuthHandlers, CostHandlers, RestHandlers, BulkHandlers, ControlHandlers):
    def __init__(
        self,
        org: Org,
        *,
        client_id: str = DEFAULT_CLIENT_ID,
        client_secret: str = DEFAULT_CLIENT_SECRET,
        faults: Faults | None = None,
        callback_urls: tuple[str, ...] = (),
    ):
        self.org = org
        self.oauth = OAuthServer(org.org_id, org.user_id, client_id, client_secret, callback_urls)
        self.ledger = CallLedger(faults)
        self.bulk_jobs = bulk.BulkJobs()
        self.long_requests = LongRequests()
        self._cursors: OrderedDict[str, ResultSet] = OrderedDict()
        self._cursor_lock = threading.Lock()
        self._next_cursor = 0

    # -- WSGI ----------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        try:
            response = self.dispatch(environ)
        except _ConnectionReset:
            reset = environ.get("sfsandbox.reset_connection")
            if reset is not None:
                reset()
            raise ConnectionResetError("connection reset injected by sfsandbox") from None
        # Salesforce's Date header is its server's time; here, the org clock's (a client can
        # base "changed since" queries on it, as on real Salesforce).
        date = ("Date", formatdate(self.org.clock.now(), usegmt=True))
        start_response(
            f"{response.status} {_STATUS_TEXT.get(response.status, 'Status')}",
            [*response.headers, ("Content-Length", str(len(response.body))), date],
        )
        return [response.body]

    def origin(self, environ) -> str:
        host = environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
        return f"http://{host}"

    def dispatch(self, environ) -> Response:
        path = environ.get("PATH_INFO", "") or "/"
        method = environ.get("REQUEST_METHOD", "GET")
        if path.startswith("/_sandbox/"):
            if environ.get("REMOTE_ADDR") not in ("127.0.0.1", "::1", None):
                return rest_error(403, "FORBIDDEN", "control endpoints are loopback-only")
            return self.control(environ, method, path[len("/_sandbox/") :])
        if path.startswith("/services/oauth2/"):
            return self.oauth_endpoint(environ, method, path[len("/services/oauth2/") :])
        if path.startswith("/id/"):
            return self.identity(environ, path)
        if path.rstrip("/") == "/services/data":
            self.ledger.count("versions")
            return _json(200, describe.versions())
        match = _VERSIONED.match(path)
        if match:
            return self.rest(environ, method, match.group(1), (match.group(2) or "/"))
        return rest_error(404, "NOT_FOUND", "The requested resource does not exist")
