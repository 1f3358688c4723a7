"""OAuth 2.0 (authorize with its consent page, token, revoke) and the identity URL."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlencode

from sfsandbox import hostile
from sfsandbox.app.http import Response, _bearer, _json, rest_error
from sfsandbox.oauth import OAuthError


class OAuthHandlers:
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
            form = self._form(environ)
            try:
                payload = self.oauth.token(form, self.origin(environ))
            except OAuthError as error:
                return _json(
                    error.status,
                    error.body(),
                    headers=[("Cache-Control", "no-cache,must-revalidate,no-store")],
                )
            if form.get("grant_type") == "refresh_token":  # hostile: an instance_url off Salesforce
                payload = hostile.on_refresh(self.ledger, payload)
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
