"""Links whose target is imported after the record that holds them.

Salesforce returns records in Id order, so a parent account may come after its child and a
contact's manager after the contact; a custom lookup may point at a type imported later
(an account's primary contact). Each batch resolves what it can with one query; every
other such link is written as a PendingLink row in the batch's own transaction, and the
job settles them all at its end, in chunks, with one query per chunk and one bulk update per
CRM model. A link whose target never arrived is then one warning per record.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction

from ..mapping import sobject_of_id
from ..models import ImportedRecord, PendingLink, Severity
from . import lookups

CHUNK = 2000


def resolve_custom_lookups(pending) -> None:
    """Fill in `id` of each custom lookup whose target the CRM already has (one query)."""
    wanted = {sf_id for p in pending for _api, sf_id in p.converted.custom_lookups}
    if not wanted:
        return
    found = _targets(wanted)
    for p in pending:
        custom = p.values.get("custom_fields") or {}
        for api_name, sf_id in p.converted.custom_lookups:
            object_id = found.get(sf_id)
            if object_id is not None:
                custom[api_name]["id"] = str(object_id)
            else:
                p.converted.unresolved_lookups.append((api_name, sf_id))


def settle(job, record_warnings) -> None:
    """Resolve the job's pending links; `record_warnings(problems)` is called inside each
    chunk's transaction with the warnings for links that stay empty, to count them."""
    if connection.vendor == "postgresql":
        _settle_in_the_database(job, record_warnings)
        return
    links = PendingLink.objects.filter(job_id=job.pk).order_by("id")
    while True:
        chunk = list(links[:CHUNK])
        if not chunk:
            return
        found = _targets({link.target_salesforce_id for link in chunk})
        with transaction.atomic():
            by_model = defaultdict(list)
            for link in chunk:
                by_model[link.content_type_id].append(link)
            missing = defaultdict(list)  # (object type, Salesforce Id) -> ["ParentId 001...", ...]
            for content_type_id, model_links in by_model.items():
                model = ContentType.objects.get_for_id(content_type_id).model_class()
                _apply(model, model_links, found, missing)
            record_warnings(_warnings(job, missing))
            PendingLink.objects.filter(pk__in=[link.pk for link in chunk]).delete()


def _targets(sf_ids) -> dict:
    """Salesforce Id -> CRM record, for those of `sf_ids` imported: one lookup per type, by
    key prefix (each probes the (org, type, Id) index; a lookup for any type would read every
    imported record of the org)."""
    by_type = defaultdict(list)
    for sf_id in sf_ids:
        by_type[sobject_of_id(sf_id)].append(sf_id)
    found = {}
    for sobject, ids in by_type.items():
        if sobject:  # an Id of a kind the CRM does not import was never imported
            found.update(lookups.imported(sobject, ids))
    return found


def _warnings(job, missing) -> list[dict]:
    return [
        {
            "org_id": job.org_id,
            "job_id": job.pk,
            "object_type": sobject,
            "salesforce_id": sf_id,
            "field": ", ".join(item.split(" ")[0] for item in items)[:80],
            "message": f"Linked record(s) not imported, link left empty: {', '.join(items)}.",
            "severity": Severity.WARNING,
        }
        for (sobject, sf_id), items in missing.items()
    ]


# The pending links of a job joined to the records they point at (PostgreSQL).
_JOIN = (
    "FROM {pending} AS pl JOIN {imported} AS ir ON ir.org_id = pl.org_id "
    "AND ir.salesforce_object_type = pl.target_salesforce_object_type "
    "AND ir.salesforce_id = pl.target_salesforce_id"
)
_SET_FK = (
    "UPDATE {table} AS t SET {column} = ir.object_id "
    + _JOIN
    + (" WHERE pl.job_id = %s AND pl.content_type_id = %s AND pl.field = %s AND t.id = pl.object_id")
)
_SET_LOOKUP = (
    "UPDATE {table} AS t SET custom_fields = "
    "jsonb_set(t.custom_fields, ARRAY[%s, 'id'], to_jsonb(ir.object_id::text)) "
    + _JOIN
    + (
        " WHERE pl.job_id = %s AND pl.content_type_id = %s AND pl.field = %s AND t.id = pl.object_id"
        " AND jsonb_typeof(t.custom_fields -> %s) = 'object'"
    )
)
_UNRESOLVED = (
    "SELECT pl.salesforce_object_type, pl.salesforce_id, pl.salesforce_field, pl.target_salesforce_id "
    + _JOIN.replace(" JOIN ", " LEFT JOIN ")
    + " WHERE pl.job_id = %s AND ir.id IS NULL ORDER BY pl.id"
)


def _settle_in_the_database(job, record_warnings) -> None:
    """PostgreSQL: one UPDATE ... FROM per (CRM model, link field), joining the pending links
    to the records they point at; the database does the matching and no rows travel."""
    tables = {"pending": PendingLink._meta.db_table, "imported": ImportedRecord._meta.db_table}
    with transaction.atomic():
        groups = list(
            PendingLink.objects.filter(job_id=job.pk).values_list("content_type_id", "field").distinct()
        )
        with connection.cursor() as cursor:
            for content_type_id, field in groups:
                model = ContentType.objects.get_for_id(content_type_id).model_class()
                table = connection.ops.quote_name(model._meta.db_table)
                if field.startswith("custom_fields."):
                    api_name = field.removeprefix("custom_fields.")
                    sql = _SET_LOOKUP.format(table=table, **tables)
                    cursor.execute(sql, [api_name, job.pk, content_type_id, field, api_name])
                else:
                    column = connection.ops.quote_name(model._meta.get_field(field).column)
                    sql = _SET_FK.format(table=table, column=column, **tables)
                    cursor.execute(sql, [job.pk, content_type_id, field])
            cursor.execute(_UNRESOLVED.format(**tables), [job.pk])
            missing = defaultdict(list)
            for sobject, sf_id, sf_field, target in cursor.fetchall():
                missing[(sobject, sf_id)].append(f"{sf_field} {target}")
        PendingLink.objects.filter(job_id=job.pk).delete()
        items = list(missing.items())
        for start in range(0, len(items), CHUNK):
            record_warnings(_warnings(job, dict(items[start : start + CHUNK])))


def _apply(model, links, found, missing) -> None:
    rows = {obj.pk: obj for obj in model.objects.filter(pk__in={link.object_id for link in links})}
    changed_fields = set()
    for link in links:
        obj = rows.get(link.object_id)
        target = found.get(link.target_salesforce_id)
        if obj is None:
            continue  # the record is gone (undone or deleted in the CRM meanwhile)
        if target is None:
            missing[(link.salesforce_object_type, link.salesforce_id)].append(
                f"{link.salesforce_field} {link.target_salesforce_id}"
            )
            continue
        if link.field.startswith("custom_fields."):
            entry = (obj.custom_fields or {}).get(link.field.removeprefix("custom_fields."))
            if isinstance(entry, dict):
                entry["id"] = str(target)
                changed_fields.add("custom_fields")
        else:
            setattr(obj, f"{link.field}_id", target)
            changed_fields.add(link.field)
    if changed_fields:
        # bulk_update leaves updated_at alone: the importer's own links are not a CRM edit.
        model.objects.bulk_update(list(rows.values()), sorted(changed_fields), batch_size=500)
