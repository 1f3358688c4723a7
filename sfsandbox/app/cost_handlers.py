"""What every API call costs, around the REST and Bulk handlers (sfsandbox/costs.py).

* Sforce-Limit-Info: api-usage=N/MAX on every API answer, errors included ("REST API
  Developer Guide: Limit Info header"); not on a 401, where no org is known.
* At most `max_long_requests` (25) requests running longer than `long_request_ms` (20 s):
  another one gets 403 REQUEST_LIMIT_EXCEEDED "ConcurrentPerOrgLongTxn Limit exceeded."
  ("Salesforce Developer Limits and Allocations Quick Reference", API request limits).
* Time per record returned, after the handler's answer: the per-call latency is the
  `latency_ms` fault, slept before it.
"""

from __future__ import annotations

from sfsandbox import costs as cost_model
from sfsandbox.app.http import Response, rest_error


class CostHandlers:
    def rest(self, environ, method: str, version: str, rest_path: str) -> Response:
        costs = self.ledger.faults.costs
        ticket = self.long_requests.enter(costs)
        if ticket is None:
            self.ledger.api_call("long_request_refused")
            response = rest_error(403, "REQUEST_LIMIT_EXCEEDED", cost_model.LONG_REQUEST_MESSAGE)
            return self._with_limit_info(response)
        try:
            response = super().rest(environ, method, version, rest_path)
            cost_model.sleep_for_records(response.per_record_us, response.records)
        finally:
            self.long_requests.leave(ticket)
        return self._with_limit_info(response)

    def _with_limit_info(self, response: Response) -> Response:
        if response.status == 401 or any(name == "Sforce-Limit-Info" for name, _ in response.headers):
            return response
        usage = f"api-usage={self.ledger.api_calls}/{self.ledger.faults.daily_limit}"
        response.headers.append(("Sforce-Limit-Info", usage))
        return response
