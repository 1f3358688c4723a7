"""Bulk API 2.0 query jobs over HTTP: create, poll, abort, results pages, resultPages, delete.

Pages followed (Bulk API 2.0 and Bulk API Developer Guide):
query_create_job.htm, query_get_one_job.htm, query_abort_job.htm, query_delete_job.htm,
query_get_job_results.htm (CSV, Sforce-Locator, Sforce-NumberOfRecords, gzip) and
query_get_parallel_job_results.htm (resultPages, v58+; "use the same API version that you
used to create the query. Otherwise, the call returns a 409 error").
"""

from __future__ import annotations

import gzip
import json

from sfsandbox import bulk, content, refusals
from sfsandbox.app.http import Response, _json, rest_error
from sfsandbox.query import ResultSet
from sfsandbox.soql import parse

RESULT_PAGES_SINCE = 58.0  # resultPages "is available in API version 58.0 and later"


class BulkHandlers:
    # -- Bulk API 2.0 --------------------------------------------------------------------
    def bulk_query(self, environ, method, version, parts, params) -> Response:
        if not parts:
            if method == "GET":  # query_get_all_jobs.htm: every query job, one page here
                jobs = [job.info(self.org.user_id) for job in self.bulk_jobs.all()]
                return _json(200, {"done": True, "records": jobs, "nextRecordsUrl": None})
            if method != "POST":
                return rest_error(405, "METHOD_NOT_ALLOWED", "HTTP Method not allowed")
            return self.bulk_create(environ, version)
        job = self.bulk_jobs.get(parts[0])
        if job is None:
            return rest_error(404, "NOT_FOUND", "The requested resource does not exist")
        if job.api_version != version:
            return rest_error(
                409,
                "INVALIDJOB",
                f"InvalidJob : This job was created with API version {job.api_version}; "
                f"use the same version to read it (request: {version})",
            )
        if len(parts) == 1:
            if method == "DELETE":
                self.bulk_jobs.delete(parts[0])
                return Response(204)
            if method == "PATCH":
                return self.bulk_abort(environ, job)
            return _json(200, job.info(self.org.user_id))
        if len(parts) == 2 and parts[1] == "results":
            return self.bulk_results(environ, job, params)
        if len(parts) == 2 and parts[1] == "resultPages" and float(version) >= RESULT_PAGES_SINCE:
            not_ready = _not_complete(job)
            if not_ready is not None:
                return not_ready
            start = _offset(params.get("locator"))
            if start is None:
                return rest_error(400, "INVALIDLOCATOR", "Invalid locator")
            page_records = self.ledger.faults.costs.bulk_page_records
            return _json(200, bulk.result_pages(job, version, start, page_records))
        return rest_error(404, "NOT_FOUND", "The requested resource does not exist")

    def bulk_create(self, environ, version) -> Response:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        try:
            body = json.loads(environ["wsgi.input"].read(length) or b"{}")
        except json.JSONDecodeError:
            return rest_error(400, "JSON_PARSER_ERROR", "Unexpected character in JSON body")
        operation = body.get("operation")
        if operation not in ("query", "queryAll"):
            return rest_error(400, "INVALIDJOB", f"InvalidJob : Invalid operation: {operation}")
        text = body.get("query") or ""
        refused = refusals.bulk_refusal(text)  # before parsing: SOQL the sandbox cannot parse
        if refused:
            return rest_error(400, "INVALIDJOB", refused)
        soql = parse(text, self.org.objects)
        refused = refusals.parsed_refusal(soql, self.org.objects)
        if refused:
            return rest_error(400, "INVALIDJOB", refused)
        content.check_restrictions(soql)
        result = ResultSet(self.org, soql, include_deleted=operation == "queryAll")
        job = self.bulk_jobs.create(
            operation,
            text,
            result,
            version,
            body.get("columnDelimiter", "COMMA"),
            body.get("lineEnding", "LF"),
            created=self.org.clock.now_text(),  # job dates are the org's time
            costs=self.ledger.faults.costs,
        )
        return _json(200, job.info(self.org.user_id, created=True))

    def bulk_abort(self, environ, job) -> Response:
        # query_abort_job.htm: PATCH {"state": "Aborted"}; the answer is the job's info.
        length = int(environ.get("CONTENT_LENGTH") or 0)
        try:
            body = json.loads(environ["wsgi.input"].read(length) or b"{}")
        except json.JSONDecodeError:
            return rest_error(400, "JSON_PARSER_ERROR", "Unexpected character in JSON body")
        if body.get("state") != "Aborted":
            return rest_error(400, "INVALIDJOBSTATE", "A query job can only be set to Aborted")
        if job.state in ("JobComplete", "Failed", "Aborted"):
            return rest_error(400, "INVALIDJOBSTATE", f"Job is already {job.state}")
        job.aborted = True
        return _json(200, job.info(self.org.user_id))

    def bulk_results(self, environ, job, params) -> Response:
        not_ready = _not_complete(job)
        if not_ready is not None:
            return not_ready
        offset = _offset(params.get("locator"))
        if offset is None:
            return rest_error(400, "INVALIDLOCATOR", "Invalid locator")
        costs = self.ledger.faults.costs
        try:
            max_records = int(params.get("maxRecords", costs.bulk_page_records))
        except ValueError:
            max_records = -1
        if max_records <= 0:
            return rest_error(400, "INVALIDREQUEST", "maxRecords must be a positive number")
        body, count, next_locator = bulk.csv_page(job, offset, max_records)
        headers = [("Sforce-Locator", next_locator), ("Sforce-NumberOfRecords", str(count))]
        if "gzip" in environ.get("HTTP_ACCEPT_ENCODING", "").lower():
            # Salesforce compresses results for a client that accepts it; level 1 keeps the
            # sandbox's share of the machine's cores small.
            body = gzip.compress(body, compresslevel=1)
            headers.append(("Content-Encoding", "gzip"))
        response = Response(200, body, content_type="text/csv", headers=headers)
        response.records = count
        response.per_record_us = costs.bulk_record_latency_us
        return response


def _offset(locator: str | None) -> int | None:
    if not locator or locator == "null":
        return 0
    return bulk.decode_locator(locator)


def _not_complete(job) -> Response | None:
    state = job.state
    if state == "JobComplete":
        return None
    return rest_error(400, "INVALIDJOBSTATE", f"Job is not complete: its state is {state}")
