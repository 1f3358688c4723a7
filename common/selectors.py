from .models import Profile
from .rls import user_context


def active_profiles(user):
    """The user's memberships, visible through the user's own RLS context."""
    with user_context(user.pk):
        return list(
            Profile.objects.filter(user=user, is_active=True).select_related("org").order_by("org__name")
        )


def active_profile_for(user, org_id=None, fall_back=False):
    """The membership to act with: of `org_id` when given (or, with `fall_back`, the first
    org when that one is gone), else the user's first org."""
    profiles = active_profiles(user)
    if org_id is not None:
        chosen = next((p for p in profiles if str(p.org_id) == str(org_id)), None)
        if chosen is not None or not fall_back:
            return chosen
    return profiles[0] if profiles else None
