"""Keeping a connection's access token fresh: one refresh at a time per connection."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import answers, oauth
from .models import SalesforceConnection

logger = logging.getLogger(__name__)


class ConnectionLost(Exception):
    """The connection cannot be used any more: an admin must connect again."""


def needs_refresh(connection: SalesforceConnection) -> bool:
    return connection.token_expires_at is None or connection.token_expires_at <= timezone.now()


def store_token_response(connection: SalesforceConnection, body: dict) -> None:
    """Apply a token response (code exchange or refresh) to the connection (unsaved)."""
    now = timezone.now()
    connection.access_token = body["access_token"]
    if body.get("refresh_token"):  # only when the app rotates refresh tokens
        connection.refresh_token = body["refresh_token"]
    if body.get("instance_url"):
        connection.instance_url = body["instance_url"].rstrip("/")
    connection.issued_at = now
    connection.token_expires_at = now + timedelta(seconds=settings.SALESFORCE_SESSION_SECONDS)
    connection.scope = body.get("scope", connection.scope)[:255]


def refresh(connection_id, stale_access_token: str | None) -> SalesforceConnection:
    """Refresh the access token unless another worker already did since we read it.

    The row lock makes concurrent callers queue; the second one finds a new token and
    uses it instead of spending another refresh.
    """
    lost_reason = None
    with transaction.atomic():
        connection = SalesforceConnection.objects.select_for_update().get(pk=connection_id)
        if not connection.is_active:
            raise ConnectionLost(connection.inactive_reason or "The Salesforce connection is inactive.")
        fresh = connection.access_token and not needs_refresh(connection)
        if fresh and connection.access_token != stale_access_token:
            return connection
        if not connection.refresh_token:
            lost_reason = "The stored refresh token is unreadable: connect Salesforce again."
        else:
            try:
                body = oauth.refresh_access_token(connection.refresh_token)
            except oauth.OAuthError as exc:
                logger.warning(
                    "Salesforce refused the refresh token of org %s: %s", connection.org_id, exc.error
                )
                lost_reason = (
                    f"Salesforce refused the refresh token ({exc.description or exc.error}): connect again."
                )
            else:
                if "instance_url" in body:
                    # The same rule as at connect time. A refusal leaves the connection as it
                    # was (its tokens still work on the trusted instance) and fails this job.
                    answers.checked_instance_url(body["instance_url"])
                store_token_response(connection, body)
                connection.save()
                return connection
    # Outside the transaction, so that marking the connection inactive sticks.
    mark_inactive(connection_id, lost_reason)
    raise ConnectionLost(lost_reason)


def mark_inactive(connection_id, reason: str) -> None:
    SalesforceConnection.objects.filter(pk=connection_id).update(
        is_active=False, inactive_reason=reason[:255], updated_at=timezone.now()
    )
