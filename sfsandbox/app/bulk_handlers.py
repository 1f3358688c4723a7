"""Bulk API 2.0 query jobs over HTTP: create, poll, results pages, delete."""

from __future__ import annotations

import json

from sfsandbox import bulk, content
from sfsandbox.app.http import Response, _json, rest_error
from sfsandbox.query import ResultSet
from sfsandbox.soql import parse


class BulkHandlers:
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
            content.check_restrictions(soql)
            blobs = content.base64_names(self.org.objects[soql.object_name], [f.name for f in soql.fields])
            if blobs:  # binary data comes one record at a time, from the blob resource
                return rest_error(
                    400, "INVALIDJOB", f"InvalidJob : Binary field {blobs[0]} is not supported by a query job"
                )
            result = ResultSet(self.org, soql, include_deleted=operation == "queryAll")
            job = self.bulk_jobs.create(
                operation,
                body["query"],
                result,
                version,
                body.get("columnDelimiter", "COMMA"),
                body.get("lineEnding", "LF"),
                created=self.org.clock.now_text(),  # job dates are the org's time
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
