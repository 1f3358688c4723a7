"""The WSGI application: Salesforce's OAuth, REST and Bulk API 2.0 endpoints, plus /_sandbox.

REST errors are `[{"message": ..., "errorCode": ...}]` with Salesforce's statuses
(https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm).
"""

from __future__ import annotations

import html
import json
import re
import threading
import time
from collections import OrderedDict
from urllib.parse import parse_qs, urlencode

from sfsandbox import bulk, describe, ids
from sfsandbox.data import Org
from sfsandbox.faults import CallLedger, Faults
from sfsandbox.oauth import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, OAuthError, OAuthServer
from sfsandbox.query import ResultSet
from sfsandbox.soql import SoqlError, parse

DEFAULT_API_VERSION = "62.0"
QUERY_BATCH_DEFAULT = 2000  # REST query pages: 2,000 rows unless batchSize asks for fewer
QUERY_BATCH_MIN = 200
_VERSIONED = re.compile(r"^/services/data/v(\d{2,3}\.\d)(/.*)?$")
_LOCATOR = re.compile(r"^(01g[A-Za-z0-9]{12,15})-(\d+)$")
_JSON = "application/json;charset=UTF-8"
_STATUS_TEXT = {
    200: "OK",
    201: "Created",
    204: "No Content",
    302: "Found",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    500: "Server Error",
    503: "Service Unavailable",
}
_LOCATOR_CACHE_SIZE = 500


class Response:
    def __init__(
        self,
        status: int,
        body: bytes = b"",
        content_type: str = _JSON,
        headers: list[tuple[str, str]] | None = None,
    ):
        self.status = status
        self.body = body
        self.headers = [("Content-Type", content_type)] if body or content_type != _JSON else []
        self.headers += headers or []


def _json(status: int, payload, headers=None) -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(status, body, headers=headers)


def rest_error(status: int, error_code: str, message: str) -> Response:
    return _json(status, [{"message": message, "errorCode": error_code}])


class _ConnectionReset(Exception):
    """Raised to make the server drop the connection without a response."""


class SandboxApp:
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
        start_response(
            f"{response.status} {_STATUS_TEXT.get(response.status, 'Status')}",
            response.headers + [("Content-Length", str(len(response.body)))],
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

    # -- OAuth ---------------------------------------------------------------------------
    def _form(self, environ) -> dict[str, str]:
        params = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        if environ.get("REQUEST_METHOD") == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length).decode("utf-8") if length else ""
            params.update({k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()})
        return params

    def oauth_endpoint(self, environ, method: str, name: str) -> Response:
        name = name.rstrip("/")
        if name == "authorize":
            self.ledger.count("oauth_authorize")
            return self.authorize(environ, method)
        if name == "token":
            self.ledger.count("oauth_token")
            if method != "POST":
                return _json(400, {"error": "invalid_request", "error_description": "must use HTTP POST"})
            try:
                payload = self.oauth.token(self._form(environ), self.origin(environ))
            except OAuthError as error:
                return _json(
                    error.status,
                    error.body(),
                    headers=[("Cache-Control", "no-cache,must-revalidate,no-store")],
                )
            return _json(200, payload, headers=[("Cache-Control", "no-cache,must-revalidate,no-store")])
        if name == "revoke":
            self.ledger.count("oauth_revoke")
            token = self._form(environ).get("token", "")
            if self.oauth.revoke(token):
                return Response(200, b"", content_type="text/html;charset=UTF-8")
            return _json(
                400,
                {"error": "unsupported_token_type", "error_description": "this token type is not supported"},
            )
        return rest_error(404, "NOT_FOUND", "The requested resource does not exist")

    def authorize(self, environ, method: str) -> Response:
        params = self._form(environ)
        client_id = params.get("client_id", "")
        redirect_uri = params.get("redirect_uri", "")
        # Without a trusted client and callback, Salesforce shows an error page instead of
        # redirecting (RFC 6749 4.1.2.1).
        if client_id != self.oauth.client_id:
            return _error_page("invalid_client_id", "client identifier invalid")
        if not redirect_uri:
            return _error_page("redirect_uri_missing", "redirect_uri must be provided")
        if not self.oauth.redirect_uri_allowed(redirect_uri):
            return _error_page("redirect_uri_mismatch", "redirect_uri must match configuration")
        state = params.get("state")

        def redirect(**query: str) -> Response:
            if state is not None:
                query["state"] = state
            separator = "&" if "?" in redirect_uri else "?"
            return Response(302, b"", headers=[("Location", redirect_uri + separator + urlencode(query))])

        if params.get("response_type") != "code":
            return redirect(
                error="unsupported_response_type", error_description="response type not supported"
            )
        challenge = params.get("code_challenge") or None
        if params.get("code_challenge_method", "S256") != "S256" or (
            challenge is not None and not re.fullmatch(r"[A-Za-z0-9_-]{43,128}", challenge)
        ):
            return redirect(error="invalid_request", error_description="invalid code_challenge")
        if method == "GET":
            return Response(
                200, _consent_page(params).encode("utf-8"), content_type="text/html;charset=UTF-8"
            )
        decision = params.get("decision")
        if decision == "allow":
            code = self.oauth.issue_code(client_id, redirect_uri, challenge, params.get("scope"))
            return redirect(code=code)
        return redirect(error="access_denied", error_description="end-user denied authorization")

    def identity(self, environ, path: str) -> Response:
        self.ledger.count("identity")
        token = _bearer(environ)
        if token is None or self.oauth.session(token) is None:
            return Response(403, b"Bad_OAuth_Token", content_type="text/plain;charset=UTF-8")
        parts = path.strip("/").split("/")
        if (
            len(parts) != 3
            or parts[1][:15] != self.org.org_id[:15]
            or (parts[2][:15] != self.org.user_id[:15])
        ):
            return Response(404, b"Bad_Id", content_type="text/plain;charset=UTF-8")
        origin = self.origin(environ)
        user = self.org.get("User", self.org.user_id) or {}
        data_base = f"{origin}/services/data/v{{version}}/"
        return _json(
            200,
            {
                "id": f"{origin}/id/{self.org.org_id}/{self.org.user_id}",
                "asserted_user": True,
                "user_id": self.org.user_id,
                "organization_id": self.org.org_id,
                "username": user.get("Username"),
                "nick_name": "sandboxuser",
                "display_name": user.get("Name"),
                "email": user.get("Email"),
                "email_verified": True,
                "first_name": user.get("FirstName"),
                "last_name": user.get("LastName"),
                "timezone": user.get("TimeZoneSidKey"),
                "photos": {
                    "picture": f"{origin}/profilephoto/005/F",
                    "thumbnail": f"{origin}/profilephoto/005/T",
                },
                "addr_street": None,
                "addr_city": None,
                "addr_state": None,
                "addr_country": None,
                "addr_zip": None,
                "mobile_phone": None,
                "mobile_phone_verified": False,
                "is_lightning_login_user": False,
                "status": {"created_date": None, "body": None},
                "urls": {
                    "rest": data_base,
                    "sobjects": data_base + "sobjects/",
                    "query": data_base + "query/",
                    "search": data_base + "search/",
                    "recent": data_base + "recent/",
                    "limits": data_base + "limits/",
                    "profile": f"{origin}/{self.org.user_id}",
                },
                "active": True,
                "user_type": "STANDARD",
                "language": "en_US",
                "locale": "en_US",
                "utcOffset": 0,
                "last_modified_date": user.get("LastModifiedDate"),
                "is_app_installed": True,
            },
        )

    # -- REST ----------------------------------------------------------------------------
    def rest(self, environ, method: str, version: str, rest_path: str) -> Response:
        kind = _kind_of(method, rest_path, environ)
        token = _bearer(environ)
        if token is None or not self.oauth.charge_call(token, self.ledger.faults.expire_token_after):
            self.ledger.count("invalid_session")
            return rest_error(401, "INVALID_SESSION_ID", "Session expired or invalid")
        _, fault = self.ledger.api_call(kind)
        if self.ledger.faults.latency_ms:
            time.sleep(self.ledger.faults.latency_ms / 1000)
        if fault == "reset":
            raise _ConnectionReset()
        if fault == "error_503":
            return rest_error(
                503, "SERVER_UNAVAILABLE", "Server is temporarily unavailable. Please try again later."
            )
        if fault == "limit_exceeded":
            return rest_error(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
        try:
            response = self.rest_resource(environ, method, version, rest_path, kind)
        except SoqlError as error:
            response = rest_error(400, error.error_code, error.message)
        response.headers.append(
            ("Sforce-Limit-Info", f"api-usage={self.ledger.api_calls}/{self.ledger.faults.daily_limit}")
        )
        return response

    def rest_resource(self, environ, method, version, rest_path, kind) -> Response:
        parts = [p for p in rest_path.split("/") if p]
        params = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        if not parts:
            base = f"/services/data/v{version}"
            return _json(
                200, {name: f"{base}/{name}" for name in ("limits", "sobjects", "query", "queryAll", "jobs")}
            )
        head = parts[0]
        if head == "limits" and len(parts) == 1:
            return _json(200, self.limits())
        if head == "sobjects":
            return self.sobjects(version, parts[1:], params)
        if head in ("query", "queryAll"):
            return self.query(environ, version, head, parts[1:], params, kind)
        if head == "jobs" and len(parts) >= 2 and parts[1] == "query":
            return self.bulk_query(environ, method, version, parts[2:], params)
        return rest_error(404, "NOT_FOUND", "The requested resource does not exist")

    def limits(self) -> dict:
        daily = self.ledger.faults.daily_limit

        def pair(maximum: int, used: int = 0) -> dict:
            return {"Max": maximum, "Remaining": max(0, maximum - used)}

        return {
            "ConcurrentAsyncGetReportInstances": pair(200),
            "ConcurrentSyncReportRuns": pair(20),
            "DailyApiRequests": pair(daily, self.ledger.api_calls),
            "DailyAsyncApexExecutions": pair(250000),
            "DailyBulkApiBatches": pair(15000),
            "DailyBulkV2QueryFileStorageMB": pair(976562),
            "DailyBulkV2QueryJobs": pair(10000, self.ledger.kinds.get("bulk_create", 0)),
            "DataStorageMB": pair(1024),
            "FileStorageMB": pair(1024),
            "HourlyODataCallout": pair(10000),
            "HourlySyncReportRuns": pair(500),
            "SingleEmail": pair(15),
        }

    def sobjects(self, version: str, parts: list[str], params: dict) -> Response:
        if not parts:
            return _json(
                200,
                {
                    "encoding": "UTF-8",
                    "maxBatchSize": 200,
                    "sobjects": [describe.describe_basics(obj, version) for obj in self.org.objects.values()],
                },
            )
        obj = self.org.objects.get(parts[0])
        if obj is None:
            return rest_error(404, "NOT_FOUND", "The requested resource does not exist")
        if len(parts) == 1:
            return _json(200, {"objectDescribe": describe.describe_basics(obj, version), "recentItems": []})
        if len(parts) == 2 and parts[1] == "describe":
            return _json(200, describe.describe_object(obj, version))
        if len(parts) == 2:
            record = self.org.get(obj.name, parts[1]) if ids.looks_like_id(parts[1]) else None
            if record is None:
                return rest_error(404, "NOT_FOUND", "The requested resource does not exist")
            names = [f.name for f in obj.fields]
            if "fields" in params:
                names = []
                for name in params["fields"].split(","):
                    field_def = obj.get(name.strip())
                    if field_def is None:
                        return rest_error(
                            400,
                            "INVALID_FIELD",
                            f"No such column '{name.strip()}' on sobject of type {obj.name}",
                        )
                    names.append(field_def.name)
            return _json(200, self.shape_record(obj.name, record, names, version))
        return rest_error(404, "NOT_FOUND", "The requested resource does not exist")

    def shape_record(self, object_name: str, record: dict, names: list[str], version: str) -> dict:
        shaped = {
            "attributes": {
                "type": object_name,
                "url": f"/services/data/v{version}/sobjects/{object_name}/{record['Id']}",
            }
        }
        for name in names:
            shaped[name] = record[name]
        return shaped

    def query(self, environ, version, endpoint, parts, params, kind) -> Response:
        include_deleted = endpoint == "queryAll"
        batch = _batch_size(environ.get("HTTP_SFORCE_QUERY_OPTIONS", ""))
        if parts:  # /query/<locator>-<offset>: the next page of an open cursor
            match = _LOCATOR.match(parts[0])
            with self._cursor_lock:
                result = self._cursors.get(match.group(1)) if match else None
                if result is not None:
                    self._cursors.move_to_end(match.group(1))
            if result is None:
                return rest_error(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
            return self._query_page(version, endpoint, match.group(1), result, int(match.group(2)), batch)
        text = params.get("q")
        if not text:
            return rest_error(400, "MALFORMED_QUERY", "A query string has to be specified")
        soql = parse(text, self.org.objects)
        result = ResultSet(self.org, soql, include_deleted=include_deleted)
        if soql.is_count:
            if soql.count_field is not None:  # COUNT(field) is an aggregate query
                return _json(
                    200,
                    {
                        "totalSize": 1,
                        "done": True,
                        "records": [{"attributes": {"type": "AggregateResult"}, "expr0": result.total_size}],
                    },
                )
            return _json(200, {"totalSize": result.total_size, "done": True, "records": []})
        with self._cursor_lock:
            locator = ids.to_18("01g" + ids.GENERATED_POD + ids.encode_index(self._next_cursor))
            self._next_cursor += 1
            self._cursors[locator] = result
            while len(self._cursors) > _LOCATOR_CACHE_SIZE:
                self._cursors.popitem(last=False)
        return self._query_page(version, endpoint, locator, result, 0, batch)

    def _query_page(self, version, endpoint, locator, result, offset, batch) -> Response:
        records = result.page(offset, batch)
        names = [f.name for f in result.query.fields]
        object_name = result.object_name
        url_prefix = f"/services/data/v{version}/sobjects/{object_name}/"
        shaped = []
        for record in records:
            item = {"attributes": {"type": object_name, "url": url_prefix + record["Id"]}}
            for name in names:
                item[name] = record[name]
            shaped.append(item)
        next_offset = offset + len(records)
        payload = {"totalSize": result.total_size, "done": next_offset >= result.total_size}
        if not payload["done"]:
            payload["nextRecordsUrl"] = f"/services/data/v{version}/{endpoint}/{locator}-{next_offset}"
        payload["records"] = shaped
        return _json(200, payload)

    # -- Bulk API 2.0 --------------------------------------------------------------------
    def bulk_query(self, environ, method, version, parts, params) -> Response:
        if not parts:
            if method != "POST":
                return rest_error(405, "METHOD_NOT_ALLOWED", "HTTP Method not allowed")
            length = int(environ.get("CONTENT_LENGTH") or 0)
            try:
                body = json.loads(environ["wsgi.input"].read(length) or b"{}")
            except json.JSONDecodeError:
                return rest_error(400, "JSON_PARSER_ERROR", "Unexpected character in JSON body")
            operation = body.get("operation")
            if operation not in ("query", "queryAll"):
                return rest_error(400, "INVALIDJOB", f"InvalidJob : Invalid operation: {operation}")
            soql = parse(body.get("query") or "", self.org.objects)
            if soql.is_count:
                return rest_error(400, "INVALIDJOB", "InvalidJob : Aggregate queries are not supported")
            result = ResultSet(self.org, soql, include_deleted=operation == "queryAll")
            job = self.bulk_jobs.create(
                operation,
                body["query"],
                result,
                version,
                body.get("columnDelimiter", "COMMA"),
                body.get("lineEnding", "LF"),
            )
            return _json(200, job.info(self.org.user_id))
        job = self.bulk_jobs.get(parts[0])
        if job is None:
            return rest_error(404, "NOT_FOUND", "The requested resource does not exist")
        if len(parts) == 1:
            if method == "DELETE":
                self.bulk_jobs.delete(parts[0])
                return Response(204)
            job.polls += 1
            return _json(200, job.info(self.org.user_id))
        if len(parts) == 2 and parts[1] == "results":
            job.polls = max(job.polls, 1)
            locator = params.get("locator")
            offset = 0 if not locator or locator == "null" else bulk.decode_locator(locator)
            if offset is None:
                return rest_error(400, "INVALIDLOCATOR", "Invalid locator")
            try:
                max_records = int(params.get("maxRecords", bulk.DEFAULT_MAX_RECORDS))
            except ValueError:
                max_records = -1
            if max_records <= 0:
                return rest_error(400, "INVALIDREQUEST", "maxRecords must be a positive number")
            body, count, next_locator = bulk.csv_page(job, offset, max_records)
            return Response(
                200,
                body,
                content_type="text/csv",
                headers=[("Sforce-Locator", next_locator), ("Sforce-NumberOfRecords", str(count))],
            )
        return rest_error(404, "NOT_FOUND", "The requested resource does not exist")

    # -- /_sandbox control endpoints -----------------------------------------------------
    def control(self, environ, method: str, name: str) -> Response:
        name = name.rstrip("/")
        if name == "stats":
            return _json(200, self.ledger.stats())
        if method != "POST":
            return rest_error(405, "METHOD_NOT_ALLOWED", "use POST")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        try:
            body = json.loads(raw) if raw else {}
        except json.JSONDecodeError:
            return rest_error(400, "JSON_PARSER_ERROR", "body is not JSON")
        if name == "faults":
            try:
                self.ledger.set_faults(Faults.parse(body))
            except (ValueError, TypeError) as error:
                return rest_error(400, "INVALID_FAULTS", str(error))
            return _json(200, self.ledger.faults.as_dict())
        if name == "reset-stats":
            self.ledger.reset_stats()
            return _json(200, self.ledger.stats())
        if name == "expire-sessions":
            self.oauth.expire_sessions()
            return _json(200, {"expired": True})
        if name == "revoke-refresh-tokens":
            self.oauth.revoke_refresh_tokens()
            return _json(200, {"revoked": True})
        if name == "expire-query-locators":
            # As Salesforce does after 15 idle minutes or when a user opens too many cursors.
            with self._cursor_lock:
                expired = len(self._cursors)
                self._cursors.clear()
            return _json(200, {"expired": expired})
        if name.startswith("records/"):
            object_name = name.split("/", 1)[1]
            if object_name not in self.org.objects:
                return rest_error(404, "NOT_FOUND", f"unknown object {object_name}")
            rows = body if isinstance(body, list) else [body]
            created = [self.org.insert(object_name, row, row.get("Id")) for row in rows]
            return _json(201, {"ids": created})
        return rest_error(404, "NOT_FOUND", "The requested resource does not exist")


def _bearer(environ) -> str | None:
    header = environ.get("HTTP_AUTHORIZATION", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() in ("bearer", "oauth") and token.strip():
        return token.strip()
    return None


def _batch_size(header: str) -> int:
    match = re.search(r"batchSize\s*=\s*(\d+)", header)
    if not match:
        return QUERY_BATCH_DEFAULT
    return max(QUERY_BATCH_MIN, min(QUERY_BATCH_DEFAULT, int(match.group(1))))


def _kind_of(method: str, rest_path: str, environ) -> str:
    parts = [p for p in rest_path.split("/") if p]
    if not parts:
        return "resources"
    head = parts[0]
    if head == "limits":
        return "limits"
    if head == "sobjects":
        return "describe" if parts[-1] == "describe" or len(parts) <= 2 else "retrieve"
    if head in ("query", "queryAll"):
        if len(parts) > 1:
            return "query_more"
        query = parse_qs(environ.get("QUERY_STRING", "")).get("q", [""])[0]
        return "count" if re.match(r"\s*select\s+count\s*\(\s*\)", query, re.I) else "query"
    if head == "jobs":
        if len(parts) <= 2:
            return "bulk_create"
        return "bulk_results" if parts[-1] == "results" else "bulk_poll"
    return "other"


def _error_page(error: str, description: str) -> Response:
    body = (
        f"<html><head><title>Error</title></head><body><h1>OAuth Error</h1>"
        f"<p>error={html.escape(error)}&amp;error_description="
        f"{html.escape(description)}</p></body></html>"
    )
    return Response(400, body.encode("utf-8"), content_type="text/html;charset=UTF-8")


def _consent_page(params: dict[str, str]) -> str:
    hidden = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
        for k, v in params.items()
        if k != "decision"
    )
    scopes = html.escape(params.get("scope") or "api id refresh_token")
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>Allow Access? | sfsandbox</title></head>
<body style="font-family: sans-serif; max-width: 32em; margin: 4em auto">
<h1>Allow Access?</h1>
<p>Signed in as <strong>sandbox user</strong> (sfsandbox, a local fake of Salesforce).</p>
<p>The app <strong>{html.escape(params.get("client_id", ""))}</strong> is asking to access
your data with scopes: <code>{scopes}</code>.</p>
<form method="post" action="/services/oauth2/authorize">{hidden}
<button type="submit" name="decision" value="deny">Deny</button>
<button type="submit" name="decision" value="allow">Allow</button>
</form></body></html>"""
