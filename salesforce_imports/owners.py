"""Which CRM member owns what a Salesforce user (or queue) owned: the owner mapping.

A Salesforce user maps to the org's member with the same email (case-insensitive) unless
an admin chose another member for them; a queue, or a user nobody matches, maps to the
org's fallback member if one is set, else to nobody. The API, the import page and the
engine all read the mapping through `resolve`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from common.models import Profile

from .models import ImportedRecord, ImportPreferences, SalesforceUser


class OwnerMappingError(ValueError):
    """A PUT the mapping cannot take; the message is for the admin."""


@dataclass(frozen=True)
class Mapped:
    member_id: object  # Profile pk or None
    matched_by: str | None  # "email" | "admin" | "fallback" | None


def preferences(org_id) -> ImportPreferences:
    prefs, _ = ImportPreferences.objects.get_or_create(org_id=org_id)
    return prefs


def members_by_email(org_id) -> dict[str, object]:
    rows = Profile.objects.filter(org_id=org_id, is_active=True).values_list("pk", "user__email")
    return {email.strip().lower(): pk for pk, email in rows if email}


def resolve(org_id, users=None) -> dict[str, Mapped]:
    """{Salesforce user or queue Id: Mapped} for every user the org's imports have seen."""
    users = list(SalesforceUser.objects.all()) if users is None else users
    by_email = members_by_email(org_id)
    fallback = (
        ImportPreferences.objects.filter(org_id=org_id).values_list("owner_fallback_id", flat=True).first()
    )
    mapping = {}
    for user in users:
        if user.overridden and user.member_id:
            mapped = Mapped(user.member_id, "admin")
        elif user.kind == SalesforceUser.Kind.USER and user.email.strip().lower() in by_email:
            mapped = Mapped(by_email[user.email.strip().lower()], "email")
        elif fallback:
            mapped = Mapped(fallback, "fallback")
        else:
            mapped = Mapped(None, None)
        mapping[user.salesforce_id] = mapped
    return mapping


def describe(org_id) -> dict:
    """The owner-mapping API's GET body."""
    users = list(SalesforceUser.objects.all())
    mapping = resolve(org_id, users)
    return {
        "users": [
            {
                "salesforce_id": user.salesforce_id,
                "kind": user.kind,
                "name": user.name,
                "email": user.email,
                "is_active": user.is_active,
                "member": str(mapping[user.salesforce_id].member_id)
                if mapping[user.salesforce_id].member_id
                else None,
                "matched_by": mapping[user.salesforce_id].matched_by,
            }
            for user in users
        ],
        "fallback": str(preferences(org_id).owner_fallback_id or "") or None,
    }


def update(
    org_id,
    overrides: dict,
    fallback=...,
) -> None:
    """Admin overrides ({Salesforce Id: profile id, or None to go back to the email match})
    and the fallback member (a profile id or None; `...` leaves it as it is)."""
    if not isinstance(overrides, dict):
        raise OwnerMappingError("overrides must be an object of {Salesforce user Id: member id or null}.")
    members = {str(pk) for pk in Profile.objects.filter(org_id=org_id).values_list("pk", flat=True)}
    known = {u.salesforce_id: u for u in SalesforceUser.objects.filter(salesforce_id__in=list(overrides))}
    unknown = [sf_id for sf_id in overrides if sf_id not in known]
    if unknown:
        raise OwnerMappingError(f"Unknown Salesforce user(s): {', '.join(map(str, unknown))[:500]}.")
    for value in [*overrides.values(), None if fallback is ... else fallback]:
        if value is not None and str(value) not in members:
            raise OwnerMappingError(f"{value} is not a member of this org.")
    with transaction.atomic():
        for sf_id, member in overrides.items():
            user = known[sf_id]
            user.overridden, user.member_id = member is not None, member
            user.save(update_fields=["overridden", "member", "updated_at"])
        if fallback is not ...:
            prefs = preferences(org_id)
            prefs.owner_fallback_id = fallback
            prefs.save(update_fields=["owner_fallback", "updated_at"])


def apply(org_id) -> int:
    """Give each imported record that has no owner the member its Salesforce owner maps to
    now. One UPDATE per (CRM model, Salesforce owner); returns how many records got one."""
    from django.contrib.contenttypes.models import ContentType

    mapping = {sf_id: m.member_id for sf_id, m in resolve(org_id).items() if m.member_id}
    if not mapping:
        return 0
    given = 0
    pairs = (
        ImportedRecord.objects.filter(
            outcome=ImportedRecord.Outcome.IMPORTED, salesforce_owner_id__in=list(mapping)
        )
        .values_list("content_type_id", "salesforce_owner_id")
        .distinct()
    )
    for content_type_id, sf_owner in pairs:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is None or not any(f.name == "owner" for f in model._meta.concrete_fields):
            continue
        ids = ImportedRecord.objects.filter(
            content_type_id=content_type_id,
            salesforce_owner_id=sf_owner,
            outcome=ImportedRecord.Outcome.IMPORTED,
        ).values("object_id")
        # updated_at is left alone on purpose: the importer's own later writes are not
        # an admin's change (undo and delta re-import rely on that).
        given += model.objects.filter(pk__in=ids, owner__isnull=True).update(owner_id=mapping[sf_owner])
    return given
