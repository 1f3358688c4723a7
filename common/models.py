"""Users, orgs and memberships, and the base classes every org-scoped model uses."""

import uuid

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from .exact_json import ExactJSONDecoder, ExactJSONEncoder
from .rls import current_org_id


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("An email is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(unique=True)
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(auto_now_add=True)

    objects = UserManager()
    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"

    def __str__(self):
        return self.email


class Org(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=255, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.name


class OrgScopedManager(models.Manager):
    """Rows of the org in the current context only; none without a context.

    This mirrors PostgreSQL's row-level security so SQLite behaves the same; on
    PostgreSQL the policy is the second wall. `unscoped` is for admin and maintenance.
    """

    def get_queryset(self):
        qs = super().get_queryset()
        org_id = current_org_id()
        return qs.filter(org_id=org_id) if org_id else qs.none()


class BaseModel(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Not auto_now_add: an import sets it from the source's creation date (CreatedDate).
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True


class BaseOrgModel(BaseModel):
    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")

    objects = OrgScopedManager()
    unscoped = models.Manager()  # noqa: DJ012 - a manager, not a field

    class Meta:
        abstract = True


class Role(models.TextChoices):
    ADMIN = "ADMIN", "Admin"
    USER = "USER", "User"


class Profile(BaseModel):
    """A user's membership of one org. Not org-scoped by manager: login must list a
    user's orgs before any org is chosen (RLS lets a user see their own rows)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profiles")
    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="profiles")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.USER)
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "org"], name="profile_user_org_unique")]

    def __str__(self):
        return f"{self.user} @ {self.org} ({self.role})"

    @property
    def is_admin(self):
        return self.role == Role.ADMIN


def owner_field():
    """The member who owns a record (NOTES 8.1); nullable, kept when the member leaves."""
    return models.ForeignKey(
        "common.Profile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )


def custom_fields_field():
    """Custom fields keyed by API name (NOTES 8.4). The database default '{}' keeps an
    INSERT that omits the column (the importer's COPY) from writing NULL."""
    return models.JSONField(
        default=dict,
        blank=True,
        db_default=models.Value({}, output_field=models.JSONField()),
        # Salesforce numbers keep every digit (common/exact_json.py), in and out.
        encoder=ExactJSONEncoder,
        decoder=ExactJSONDecoder,
    )


def ci_key(field, max_length):
    """`field` lower-cased, kept by the database beside it (a `<field>_key` column) for
    `ci_unique`: row-level security lets the planner probe an index with `<field>_key = x`,
    but not with `lower(<field>) = x` (lower() is not leakproof, so under a policy its
    comparison is only checked after the org's rows are read), and that turned the
    importer's per-batch natural-key lookup into a scan of all the org's rows."""
    return models.GeneratedField(
        expression=Lower(field),
        output_field=models.CharField(max_length=max_length),
        db_persist=True,
        editable=False,
    )


def ci_unique(field, model_name, condition=None):
    """A case-insensitive unique constraint per org on `field`, through its `ci_key` column."""
    return models.UniqueConstraint(
        fields=["org", f"{field}_key"], name=f"{model_name}_org_{field}_ci_unique", condition=condition
    )
