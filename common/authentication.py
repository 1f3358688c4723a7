from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication
from rest_framework_simplejwt.authentication import JWTAuthentication

from .rls import set_org_context
from .selectors import active_profile_for


def _attach(request, profile):
    http_request = request._request
    http_request.profile, http_request.org = profile, profile.org


class OrgJWTAuthentication(JWTAuthentication):
    """JWT whose `org_id` claim names the org; membership is re-checked on every request."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user, token = result
        org_id = token.get("org_id")
        profile = active_profile_for(user, org_id) if org_id else None
        if profile is None:
            raise exceptions.AuthenticationFailed("This token does not belong to an active org membership.")
        set_org_context(profile.org_id, user.pk)
        _attach(request, profile)
        return user, token


class OrgSessionAuthentication(SessionAuthentication):
    """Session login for the pages' htmx calls; the middleware already chose the org."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and getattr(request._request, "profile", None) is None:
            raise exceptions.AuthenticationFailed("You are not a member of any org.")
        return result
