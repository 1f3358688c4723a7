"""Connect, call back, disconnect: the services behind the connection API and page."""

from __future__ import annotations

import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from common.rls import org_context

from . import oauth
from .models import OAuthState, SalesforceConnection
from .tokens import store_token_response

logger = logging.getLogger(__name__)

STATE_LIFETIME = timedelta(minutes=10)


# Set on the admin's browser by Connect and checked by the callback: a sign-in link passed
# to someone else (whose browser has no such cookie) cannot connect *their* Salesforce org.
BINDING_COOKIE = "sf_connect_binding"


@dataclass(frozen=True)
class ConnectStart:
    auth_url: str
    browser_binding: str  # the cookie value; only its hash is stored


@dataclass(frozen=True)
class CallbackResult:
    ok: bool
    code: str  # a short key the settings page turns into a message


# The only texts a callback can lead to: nothing from the request is echoed back.
CALLBACK_MESSAGES = {
    "connected": "Salesforce is connected.",
    "access_denied": "Salesforce access was not granted: the connection was not made.",
    "invalid_state": (
        "This sign-in is invalid, expired, already used, or was started in another browser "
        "(or at another address of this site). Start Connect again."
    ),
    "exchange_failed": "Salesforce did not accept the sign-in. Start Connect again.",
    "unavailable": "Salesforce could not be reached. Try again in a moment.",
    "bad_instance": "Salesforce sent back an address that is not a Salesforce host; nothing was saved.",
    "salesforce_error": "Salesforce reported an error: the connection was not made.",
}


def start_connect(profile) -> ConnectStart:
    """Create a single-use state bound to the org, the admin and the admin's browser.

    Acts in the admin's org (row-level security admits the row only there, and callers
    such as the bench have no request context), so the clean-up removes this org's
    expired states only; another org's go when that org connects again."""
    state, binding = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    pkce = oauth.Pkce.new()
    with org_context(profile.org_id):
        OAuthState.objects.filter(expires_at__lt=timezone.now()).delete()
        OAuthState.objects.create(
            state_hash=OAuthState.hash(state),
            binding_hash=OAuthState.hash(binding),
            code_verifier=pkce.verifier,
            org_id=profile.org_id,
            profile=profile,
            expires_at=timezone.now() + STATE_LIFETIME,
        )
    return ConnectStart(oauth.authorize_url(state, pkce.challenge), binding)


def _consume_state(state: str) -> OAuthState | None:
    """Mark the state used (atomically, so a replay loses the race) and return it.

    The callback has no org yet: row-level security shows it the one row whose hash it
    presents in `app.oauth_state_hash`, set for this transaction only (migration 0012)."""
    if not state or len(state) > 200:
        return None
    now = timezone.now()
    state_hash = OAuthState.hash(state)
    with transaction.atomic():
        _present_state_hash(state_hash)
        claimed = OAuthState.objects.filter(
            state_hash=state_hash, used_at__isnull=True, expires_at__gt=now
        ).update(used_at=now)
        if claimed != 1:
            return None
        return OAuthState.objects.get(state_hash=state_hash)


def _present_state_hash(state_hash: str) -> None:
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        return  # no row-level security to open
    with connection.cursor() as cursor:
        # is_local=true: the setting ends with this transaction, so nothing else sees it.
        cursor.execute("SELECT set_config('app.oauth_state_hash', %s, true)", [state_hash])


def complete_connect(
    *, state: str, code: str | None, error: str | None, browser_binding: str | None
) -> CallbackResult:
    pending = _consume_state(state)  # consumed even if the browser is wrong: single use
    if pending is None:
        return CallbackResult(False, "invalid_state")
    if not browser_binding or not hmac.compare_digest(OAuthState.hash(browser_binding), pending.binding_hash):
        logger.warning("A Salesforce callback came from a browser that did not start Connect.")
        return CallbackResult(False, "invalid_state")
    # From here on the state names the org; act inside it (memberships are org-scoped).
    with org_context(pending.org_id):
        return _complete(pending, code, error)


def _complete(pending: OAuthState, code: str | None, error: str | None) -> CallbackResult:
    if error:
        return CallbackResult(False, "access_denied" if error == "access_denied" else "salesforce_error")
    if not code or not pending.profile.is_active or not pending.profile.is_admin:
        return CallbackResult(False, "exchange_failed")
    try:
        body = oauth.exchange_code(code, pending.code_verifier)
    except oauth.SalesforceUnavailable:
        return CallbackResult(False, "unavailable")
    except oauth.OAuthError as exc:
        logger.warning("Salesforce refused the code exchange: %s", exc.error)
        return CallbackResult(False, "exchange_failed")
    if not oauth.is_valid_instance_url(body.get("instance_url", "")) or not body.get("access_token"):
        logger.warning("Refused a token response whose instance_url is not a Salesforce host.")
        _revoke_quietly(body.get("refresh_token") or body.get("access_token"))
        return CallbackResult(False, "bad_instance")
    identity = {}
    if body.get("id"):
        try:
            identity = oauth.fetch_identity(body["id"], body["access_token"])
        except (oauth.SalesforceUnavailable, oauth.OAuthError, ValueError):
            logger.warning("Could not read the Salesforce identity; connecting without it.")
    _save_connection(pending, body, identity)
    return CallbackResult(True, "connected")


@transaction.atomic
def _save_connection(pending: OAuthState, body: dict, identity: dict) -> SalesforceConnection:
    connection = SalesforceConnection.objects.filter(org_id=pending.org_id).first() or SalesforceConnection(
        org_id=pending.org_id
    )
    store_token_response(connection, body)
    connection.identity_url = body.get("id", "")
    id_parts = connection.identity_url.rstrip("/").split("/")
    connection.sf_org_id = str(
        identity.get("organization_id") or (id_parts[-2] if len(id_parts) > 2 else "")
    )[:18]
    connection.sf_user_id = str(identity.get("user_id") or (id_parts[-1] if len(id_parts) > 2 else ""))[:18]
    connection.sf_username = str(identity.get("username") or "")[:255]
    connection.connected_by = pending.profile
    connection.connected_at = timezone.now()
    connection.created_by_id = pending.profile.user_id
    connection.is_active, connection.inactive_reason = True, ""
    connection.save()
    return connection


def _revoke_quietly(token) -> None:
    """Tokens we will not keep are handed back rather than left valid (best effort)."""
    if isinstance(token, str) and token:
        try:
            oauth.revoke(token)
        except (oauth.OAuthError, oauth.SalesforceUnavailable) as exc:
            logger.warning("Revoking a Salesforce token failed (%s); it is forgotten here anyway.", exc)


def disconnect(org_id) -> bool:
    """Revoke at Salesforce (best effort) and forget the tokens. False if none existed."""
    connection = SalesforceConnection.objects.filter(org_id=org_id).first()
    if connection is None:
        return False
    # Revoking the refresh token ends its access tokens too; a failed revoke still removes ours.
    _revoke_quietly(connection.refresh_token or connection.access_token)
    connection.delete()
    return True


def get_connection(org_id) -> SalesforceConnection | None:
    return SalesforceConnection.objects.filter(org_id=org_id).select_related("connected_by__user").first()


def status(org_id) -> dict:
    connection = get_connection(org_id)
    if connection is None:
        return {"connected": False, "instance_url": None, "connected_by": None, "connected_at": None}
    return {
        "connected": connection.is_active,
        "instance_url": connection.instance_url,
        "connected_by": connection.connected_by.user.email if connection.connected_by else None,
        "connected_at": connection.connected_at,
        "salesforce_username": connection.sf_username or None,
        "salesforce_user_id": connection.sf_user_id or None,
        "inactive_reason": connection.inactive_reason or None,
    }
