"""What to SELECT of one object type: the mapping's fields this user can read, its audit
fields, and (when the job brings them) the readable custom fields; fields the org hides are
reported once per job."""

from __future__ import annotations

from collections.abc import Callable

from ..mapping import mapping_for
from ..models import ImportJob
from .custom_fields import custom_fields_of, store_definitions


def select_list(
    job: ImportJob, client, sobject: str, warn: Callable[[str, str, str], None]
) -> tuple[list[str], tuple]:
    """(the fields to SELECT, the custom fields among them); `warn(sobject, fields, message)`
    records a job warning."""
    mapping = mapping_for(sobject)
    described = client.describe_fields(sobject)
    entry = job.progress[sobject]
    # Warned once per job: a resumed or taken-over run works the list out again.
    first_time = not entry.get("fields_checked") and entry["last_id"] == ""
    entry["fields_checked"] = True  # saved with the warnings (or the next progress save)

    def readable(name: str) -> bool:
        # A relationship field (Product2.Name) is readable when its lookup field is.
        return name in described or ("." in name and lookup_field(name) in described)

    wanted = mapping.soql_fields
    missing = [f for f in wanted if not readable(f) and f not in mapping.optional_fields]
    if missing and first_time:
        warn(
            sobject,
            ", ".join(missing),
            f"Not readable in this Salesforce org (field-level security or not present), "
            f"so not imported: {', '.join(missing)}.",
        )
    fields = [f for f in wanted if readable(f)] + [f for f in mapping.audit_fields if f in described]
    custom = ()
    if job.include_custom_fields:
        hidden = store_definitions(job.org_id, sobject, described)
        if hidden and first_time:
            warn(
                sobject,
                ", ".join(hidden),
                f"Custom field(s) an earlier import read are no longer readable (field-level "
                f"security or deleted), so not imported: {', '.join(hidden)}.",
            )
        custom = custom_fields_of(described)
        fields += [c.api_name for c in custom if c.api_name not in fields]
    return fields, custom


def lookup_field(relationship_field: str) -> str:
    """Product2.Name -> Product2Id; Primary_Contact__r.Name -> Primary_Contact__c."""
    relationship = relationship_field.split(".", 1)[0]
    return relationship[:-3] + "__c" if relationship.endswith("__r") else relationship + "Id"
