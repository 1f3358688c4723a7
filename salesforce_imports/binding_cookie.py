"""The cookie that ties an OAuth callback to the browser that started Connect."""

from urllib.parse import urlsplit

from django.conf import settings

from .connection_service import BINDING_COOKIE, STATE_LIFETIME


def callback_path() -> str:
    return urlsplit(settings.SALESFORCE_REDIRECT_URI).path or "/api/salesforce/callback/"


def set_binding_cookie(request, response, value: str) -> None:
    """Only the callback ever receives it; Lax lets Salesforce's redirect carry it back."""
    response.set_cookie(
        BINDING_COOKIE,
        value,
        max_age=int(STATE_LIFETIME.total_seconds()),
        path=callback_path(),
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )
