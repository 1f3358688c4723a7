"""REST API: resources, limits, sObject describe and retrieve, query/queryAll with cursors."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs

from sfsandbox import content, describe, hostile, ids, rows
from sfsandbox import costs as cost_model
from sfsandbox.app.http import Response, _bearer, _ConnectionReset, _json, rest_error
from sfsandbox.query import ResultSet
from sfsandbox.soql import SoqlError, parse

QUERY_BATCH_DEFAULT = 2000  # REST query pages: 2,000 rows unless batchSize asks for fewer
QUERY_BATCH_MIN = 200
_LOCATOR = re.compile(r"^(01g[A-Za-z0-9]{12,15})-(\d+)$")
_LOCATOR_CACHE_SIZE = 500


class RestHandlers:
    # -- REST ----------------------------------------------------------------------------
    def rest(self, environ, method: str, version: str, rest_path: str) -> Response:
        kind = _kind_of(method, rest_path, environ)
        token = _bearer(environ)
        if token is None or not self.oauth.charge_call(token, self.ledger.faults.expire_token_after):
            self.ledger.count("invalid_session")
            return rest_error(401, "INVALID_SESSION_ID", "Session expired or invalid")
        number, fault = self.ledger.api_call(kind)
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
        # Hostile answers (sfsandbox/hostile.py): a one-shot fault may reshape this answer.
        return hostile.reshape(self.ledger, number, kind, response)

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
            return self.limits_answer()
        if head == "sobjects":
            return self.sobjects(version, parts[1:], params)
        if head in ("query", "queryAll"):
            return self.query(environ, version, head, parts[1:], params, kind)
        if head == "jobs" and len(parts) >= 2 and parts[1] == "query":
            return self.bulk_query(environ, method, version, parts[2:], params)
        return rest_error(404, "NOT_FOUND", "The requested resource does not exist")

    def limits_answer(self) -> Response:
        """/limits, or one of the odd answers a client must survive (the limits_broken fault)."""
        broken, body = self.ledger.faults.limits_broken, self.limits()
        if broken == 1:
            return rest_error(404, "NOT_FOUND", "The requested resource does not exist")
        if broken == 2:
            body.pop("DailyApiRequests")
        if broken == 3:
            body["DailyApiRequests"]["Max"] = "unlimited"
        return _json(200, body)

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
            "DailyBulkV2QueryJobs": pair(10000, self.bulk_jobs.created_count),
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
        if len(parts) == 3:
            return self.blob(obj, parts[1], parts[2])
        return rest_error(404, "NOT_FOUND", "The requested resource does not exist")

    def blob(self, obj, record_id: str, field_name: str) -> Response:
        """sObject Blob Get: the raw bytes of one record's base64 field (ContentNote.Content)."""
        field_def = obj.get(field_name)
        record = self.org.get(obj.name, record_id) if ids.looks_like_id(record_id) else None
        if field_def is None or field_def.type != "base64" or record is None:
            return rest_error(404, "NOT_FOUND", "The requested resource does not exist")
        if record.get("IsDeleted"):
            return rest_error(404, "ENTITY_IS_DELETED", "entity is deleted")
        body = content.blob_bytes(self.org, obj.name, record["Id"], field_def.name) or b""
        return Response(200, body, content_type="application/octet-stream")

    def shape_record(self, object_name: str, record: dict, names: list[str], version: str) -> dict:
        shaped = {
            "attributes": {
                "type": object_name,
                "url": f"/services/data/v{version}/sobjects/{object_name}/{record['Id']}",
            }
        }
        for name in names:
            shaped[name] = record[name]
        for name in content.base64_names(self.org.objects[object_name], names):
            if shaped[name] is not None:
                shaped[name] = content.blob_url(version, object_name, record["Id"], name)
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
        content.check_restrictions(soql)
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
        costs = self.ledger.faults.costs
        if costs.wide_rows and cost_model.is_wide(result.query):  # wide rows: smaller pages
            batch = min(batch, cost_model.WIDE_ROW_BATCH)
        names = [f.name for f in result.query.fields]
        object_name = result.object_name
        shaper = rows.RowShaper(self.org, result.query, version, result.include_deleted)
        shaped = shaper.json_rows(result.page(offset, batch))
        blobs = content.base64_names(self.org.objects[object_name], names)
        for item in shaped if blobs else ():  # a base64 field comes as the URL of its blob
            for name in blobs:
                if item[name] is not None:
                    record_id = item["attributes"]["url"].rsplit("/", 1)[1]
                    item[name] = content.blob_url(version, object_name, record_id, name)
        next_offset = offset + len(shaped)
        payload = {"totalSize": result.total_size, "done": next_offset >= result.total_size}
        if not payload["done"]:
            payload["nextRecordsUrl"] = f"/services/data/v{version}/{endpoint}/{locator}-{next_offset}"
        payload["records"] = shaped
        response = _json(200, payload)
        response.records, response.per_record_us = len(shaped), costs.record_latency_us
        return response


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
        if len(parts) == 4 and parts[-1] != "describe":
            return "blob"  # sObject Blob Get: one ContentNote body
        return "describe" if parts[-1] == "describe" or len(parts) <= 2 else "retrieve"
    if head in ("query", "queryAll"):
        if len(parts) > 1:
            return "query_more"
        query = parse_qs(environ.get("QUERY_STRING", "")).get("q", [""])[0]
        return "count" if re.match(r"\s*select\s+count\s*\(\s*\)", query, re.I) else "query"
    if head == "jobs":
        if len(parts) <= 2:
            return "bulk_create"
        return {"results": "bulk_results", "resultPages": "bulk_result_pages"}.get(parts[-1], "bulk_poll")
    return "other"
