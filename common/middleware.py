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
