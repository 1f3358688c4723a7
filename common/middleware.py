from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware
from django.conf import settings

from .rls import clear_org_context, set_org_context
from .selectors import active_profile_for


class OrgContextMiddleware:
    """Sets the org context for a session-authenticated request and always clears it.

    API requests authenticated by JWT get their context from the authentication class
    (DRF authenticates inside the view); the clearing here covers them too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.org = None
        request.profile = None
        try:
            user = request.user
            if user.is_authenticated:
                # A session naming an org the user has since left falls back to another one.
                profile = active_profile_for(user, request.session.get("org_id"), fall_back=True)
                if profile is not None:
                    request.profile, request.org = profile, profile.org
                    set_org_context(profile.org_id, user.pk)
            return self.get_response(request)
        finally:
            clear_org_context()


def login_origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


# Where login.salesforce.com sends a user on to sign in, inside the same navigation: the
# org's My Domain (*.my.salesforce.com, *.sandbox.my.salesforce.com) and Experience Cloud
# or SSO pages (*.force.com); form-action holds every hop of that redirect chain.
SALESFORCE_LOGIN_HOPS = ("https://*.salesforce.com", "https://*.force.com")


class SalesforceAwareCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the Salesforce login origin added to `form-action`.

    Connect is a form posted here that answers with a redirect to Salesforce's consent
    page, and browsers hold the redirects of a form's navigation to `form-action` too. The
    origin is read per response, as SALESFORCE_LOGIN_URL says now (tests point it at a
    sandbox org on a port of their own)."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and settings.SALESFORCE_LOGIN_URL:
            update = dict(parts.update or {})
            salesforce = login_origin(settings.SALESFORCE_LOGIN_URL)
            update["form-action"] = [*update.get("form-action", []), salesforce, *SALESFORCE_LOGIN_HOPS]
            parts.update = update
        return parts
