from django.contrib.auth import get_user_model
from django.db import transaction

from .models import Org, Profile, Role
from .rls import org_context


@transaction.atomic
def ensure_member(org: Org, email: str, password: str, role: str) -> Profile:
    """Create or update the user and their membership of `org` (idempotent)."""
    User = get_user_model()
    email = email.strip().lower()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=password)
    elif password:
        user.set_password(password)
        user.save(update_fields=["password"])
    with org_context(org.pk, user.pk):
        profile, created = Profile.objects.get_or_create(user=user, org=org, defaults={"role": role})
        if not created and (profile.role != role or not profile.is_active):
            profile.role, profile.is_active = role, True
            profile.save(update_fields=["role", "is_active", "updated_at"])
    return profile


@transaction.atomic
def create_org_admin(org_name: str, email: str, password: str) -> Profile:
    org, _ = Org.objects.get_or_create(name=org_name.strip())
    return ensure_member(org, email, password, Role.ADMIN)
