"""Owners for one job: the org's Salesforce users and queues, read once, mapped to members."""

from __future__ import annotations

import logging

from simple_salesforce.exceptions import SalesforceError

from common.models import Profile

from .. import owners
from ..models import SalesforceUser

logger = logging.getLogger(__name__)

USERS_SOQL = "SELECT Id, Name, Email, IsActive FROM User"
QUEUES_SOQL = "SELECT Id, Name FROM Group WHERE Type = 'Queue'"


class OwnerDirectory:
    """Salesforce user/queue Id -> the CRM member (profile) and that member's user."""

    def __init__(self, members: dict[str, object], users_of_members: dict[object, object]):
        self.members = members
        self.users_of_members = users_of_members

    def member(self, salesforce_id: str):
        return self.members.get(salesforce_id)

    def user(self, salesforce_id: str):
        member = self.members.get(salesforce_id)
        return self.users_of_members.get(member) if member else None

    @classmethod
    def load(cls, org_id) -> OwnerDirectory:
        mapping = {sf_id: m.member_id for sf_id, m in owners.resolve(org_id).items() if m.member_id}
        users = dict(Profile.objects.filter(pk__in=set(mapping.values())).values_list("pk", "user_id"))
        return cls(mapping, users)


def read_salesforce_users(client, org_id) -> str | None:
    """Store the org's users and queues; returns a warning for the job if they cannot be read."""
    seen: dict[str, dict] = {}
    try:
        for page in client.query_pages(USERS_SOQL):
            for row in page:
                seen[row["Id"]] = {
                    "kind": SalesforceUser.Kind.USER,
                    "name": (row.get("Name") or "")[:255],
                    "email": (row.get("Email") or "")[:255],
                    "is_active": _true(row.get("IsActive")),
                }
        for page in client.query_pages(QUEUES_SOQL):
            for row in page:
                seen[row["Id"]] = {
                    "kind": SalesforceUser.Kind.QUEUE,
                    "name": (row.get("Name") or "")[:255],
                    "email": "",
                    "is_active": True,
                }
    except SalesforceError as exc:
        logger.warning("Could not read the org's users: %s", exc)
        return (
            "The Salesforce user cannot read the org's Users or Queues, so no record gets an owner: "
            f"{str(exc)[:200]}"
        )
    _store(org_id, seen)
    return None


def _store(org_id, seen: dict[str, dict]) -> None:
    existing = {u.salesforce_id: u for u in SalesforceUser.objects.filter(salesforce_id__in=list(seen))}
    changed, new = [], []
    for sf_id, values in seen.items():
        user = existing.get(sf_id)
        if user is None:
            new.append(SalesforceUser(org_id=org_id, salesforce_id=sf_id, **values))
        elif any(getattr(user, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(user, key, value)
            changed.append(user)
    SalesforceUser.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    SalesforceUser.objects.bulk_update(changed, ["kind", "name", "email", "is_active"], batch_size=1000)


def _true(raw) -> bool:
    return raw is True or str(raw).lower() == "true"


def unmatched_warning(user: SalesforceUser | None, sf_id: str, count: int) -> str:
    who = (
        f"{user.kind} {user.name or sf_id} ({user.email or 'no email'}, {sf_id})"
        if user
        else f"Owner {sf_id}"
    )
    reason = (
        "a queue, and no fallback member is set"
        if user and user.kind == SalesforceUser.Kind.QUEUE
        else "no CRM member has that email and no admin mapped it"
        if user
        else "neither a Salesforce user nor a queue of this org"
    )
    return (
        f"{who} owns {count} imported record(s) that have no owner in the CRM: {reason}. "
        "Map it under Owners and apply the mapping to give them one."
    )
