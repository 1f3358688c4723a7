"""/_sandbox control endpoints (not Salesforce): stats, faults, expiring sessions and cursors."""

from __future__ import annotations

import json

from sfsandbox.app.http import Response, _json, rest_error
from sfsandbox.changes import GENERATED_AT_TEXT
from sfsandbox.faults import Faults
from sfsandbox.mutate import MAX_LISTED_IDS, MutationError


class ControlHandlers:
    # -- /_sandbox control endpoints -----------------------------------------------------
    def control(self, environ, method: str, name: str) -> Response:
        name = name.rstrip("/")
        if name == "stats":
            return _json(200, {**self.ledger.stats(), **self.clock_stats()})
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
        if name == "mutate":
            return self.mutate(body)
        if name.startswith("records/"):
            object_name = name.split("/", 1)[1]
            if object_name not in self.org.objects:
                return rest_error(404, "NOT_FOUND", f"unknown object {object_name}")
            rows = body if isinstance(body, list) else [body]
            created = [self.org.insert(object_name, row, row.get("Id")) for row in rows]
            return _json(201, {"ids": created})
        return rest_error(404, "NOT_FOUND", "The requested resource does not exist")

    def clock_stats(self) -> dict:
        return {
            "now": self.org.clock.now_text(),
            "generated_at": GENERATED_AT_TEXT,
            "records_built": self.org.factory.builds,
        }

    def mutate(self, body) -> Response:
        """POST /_sandbox/mutate: one mutation (a JSON object) or several (a list), in order."""
        specs = body if isinstance(body, list) else [body]
        results = []
        for spec in specs:
            try:
                result = self.org.mutate(spec)
            except MutationError as error:
                return rest_error(error.status, error.code, error.message)
            listed = sum(result["counts"].values()) <= MAX_LISTED_IDS or bool(spec.get("ids"))
            if not listed:
                for kind in ("changed", "added", "deleted"):
                    del result[kind]
            result["ids_listed"] = listed
            results.append(result)
        return _json(200, results if isinstance(body, list) else results[0])
