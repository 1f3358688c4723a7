"""Users (a small fixed set with documented emails) and Groups (a queue and a public group)."""

from __future__ import annotations

from sfsandbox import wordlists as words
from sfsandbox.generator.base import QUEUE_INDEX, FactoryBase
from sfsandbox.ids import make_id

# (FirstName, LastName, Email, IsActive). Index 0 is the user the sandbox signs in as.
# Tests create CRM members with these emails (sfsandbox/README.md lists them).
USERS = (
    ("Sandbox", "User", "sandbox.user@sfsandbox.example.com", True),
    ("Maria", "Garcia", "Maria.Garcia@Example.COM", True),  # mixed case
    ("James", "Wilson", "james.wilson@example.com", False),  # inactive (deactivated)
    ("Priya", "Raman", "priya.raman@agency.example.net", True),  # no CRM member has it
    ("Chen", "Wei", "chen.wei@example.com", True),
    ("Olivia", "Brown", "olivia.brown@example.com", True),
    ("Lukas", "Schmidt", "lukas.schmidt@example.com", True),
    ("Aisha", "Khan", "aisha.khan@example.com", True),
)
MIXED_CASE_USER = 1
INACTIVE_USER = 2
UNMATCHED_USER = 3


def user_email(index: int) -> str:
    """Email of the index-th generated User (beyond the fixed table: user<i>@example.com)."""
    return USERS[index][2] if index < len(USERS) else f"user{index}@example.com"


def user_emails(count: int = len(USERS)) -> list[str]:
    """Emails of the first `count` generated Users, in Id order."""
    return [user_email(i) for i in range(count)]


# (Name, DeveloperName, Type, Email)
GROUPS = (
    ("Order Fulfilment", "Order_Fulfilment", "Queue", "fulfilment@example.com"),
    ("All Sales Reps", "All_Sales_Reps", "Regular", None),
)


class UserBuilders(FactoryBase):
    def _user(self, i: int) -> dict:
        rng = self.rng("User", i)
        if i < len(USERS):
            first, last, email, active = USERS[i]
        else:
            first, last = self._person(rng)
            email, active = user_email(i), rng.random() < 0.9
        rec = self._system(rng, "User", i, owned=False)
        del rec["IsDeleted"]  # User has no IsDeleted: users are deactivated, never deleted
        rec["CreatedById"] = rec["LastModifiedById"] = make_id("User", 0)
        alias = (first[:1] + last[:4]).lower()
        rec.update(
            {
                "Username": f"{first}.{last}{'' if i < len(USERS) else i}@sfsandbox.example.com".lower(),
                "FirstName": first,
                "LastName": last,
                "Name": f"{first} {last}",
                "Email": email,
                "Alias": alias[:8],
                "Title": rng.pick(words.TITLES),
                "Department": rng.pick(words.DEPARTMENTS),
                "IsActive": active,
                "TimeZoneSidKey": rng.pick(("America/Los_Angeles", "Europe/London")),
            }
        )
        return rec

    def _group(self, i: int) -> dict:
        rng = self.rng("Group", i)
        name, developer_name, group_type, email = GROUPS[i % len(GROUPS)]
        if i >= len(GROUPS):
            name, developer_name = f"{name} {i}", f"{developer_name}_{i}"
        rec = self._system(rng, "Group", i, owned=True)
        del rec["IsDeleted"]
        rec["CreatedById"] = rec["LastModifiedById"] = rec["OwnerId"] = make_id("User", 0)
        rec.pop("CurrencyIsoCode", None)
        rec.update(
            {
                "Name": name,
                "DeveloperName": developer_name,
                "Type": group_type,
                "Email": email,
                "Description": "Orders waiting for a fulfilment agent" if i == QUEUE_INDEX else None,
                "DoesSendEmailToMembers": group_type == "Queue",
                "DoesIncludeBosses": group_type != "Queue",
                "RelatedId": None,
            }
        )
        return rec
