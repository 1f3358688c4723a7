"""Which records of a batch an undo removes, and which it keeps (with the reason) or leaves
waiting for a later batch of their type: changed in the CRM since the import, linked to by a
record the job did not import, or matched by another import. Reads only; runner.py writes."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType

from ..models import ImportedRecord

# Links written before synced_at: the record's row and its link were written moments apart.
LEGACY_MARGIN = timedelta(seconds=2)
KEPT_PREFIX = "kept: "
CHANGED = "kept: changed in the CRM since the import"


class Decision:
    """One group's outcome: CRM ids to delete, ImportedRecord ids to delete, kept ids with
    their reason, and ids that wait for a later record of their type."""

    def __init__(self):
        self.delete: list = []
        self.links: list[int] = []
        self.kept: dict = {}
        self.waiting: set = set()


def decide(job_id, sobject: str, model, group: list[dict], final: bool) -> Decision:
    """The outcome for one group of job `job_id`'s links of type `sobject`: a batch, or (`final`)
    the records that waited, when no later record of the type is left to make them wait."""
    decision = Decision()
    by_object = {row["object_id"]: row for row in group}
    ids = list(by_object)
    has_updated_at = any(f.name == "updated_at" for f in model._meta.concrete_fields)
    fields = ("pk", "updated_at") if has_updated_at else ("pk",)
    existing = {row[0]: row[1:] for row in model._base_manager.filter(pk__in=ids).values_list(*fields)}
    # A record already gone from the CRM: only its link is left to remove.
    decision.links.extend(row["id"] for oid, row in by_object.items() if oid not in existing)
    present = [oid for oid in ids if oid in existing]
    kept, waiting = decision.kept, decision.waiting
    if has_updated_at:
        for oid in present:
            if _changed(existing[oid][0], by_object[oid]):
                kept[oid] = CHANGED
    _matched_elsewhere(model, by_object, present, kept)
    internal = _references(job_id, sobject, model, present, set(present), kept, waiting, final)
    # Follow links inside the group: what a kept record links to is kept, what a waiting
    # record links to waits, until nothing changes.
    changed = True
    while changed:
        changed = False
        for source, target, label in internal:
            if source in kept and target not in kept:
                kept[target] = f"{KEPT_PREFIX}{label} {source} links to it"
                waiting.discard(target)
                changed = True
            elif source in waiting and target not in kept and target not in waiting:
                waiting.add(target)
                changed = True
    for oid in present:
        if oid not in kept and oid not in waiting:
            decision.delete.append(oid)
            decision.links.append(by_object[oid]["id"])
    return decision


def _matched_elsewhere(model, by_object: dict, present: list, kept: dict) -> None:
    """Another import's link to the same CRM record (a record matched to it): keep it."""
    if not present:
        return
    ours = [by_object[oid]["id"] for oid in present]
    others = (
        ImportedRecord.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id__in=present
        )
        .exclude(id__in=ours)
        .values_list("object_id", "salesforce_object_type", "salesforce_id")
    )
    for oid, sobject, sf_id in others:
        kept.setdefault(oid, f"{KEPT_PREFIX}Salesforce {sobject} {sf_id} of another import is matched to it")


def _references(job_id, sobject, model, present, group, kept, waiting, final) -> list[tuple]:
    """Every CRM record linking to the group's records, one query per reverse relation.

    Links from outside the group keep the target, except links from a record of the same
    type this job imported that is still to be decided (a later batch): the target waits.
    Returns the links inside the group, (source, target, label)."""
    if not present:
        return []
    sources = defaultdict(list)  # source model -> [(source pk, target pk)]
    for relation in model._meta.related_objects:
        source_model = relation.related_model
        if relation.many_to_many:
            field = relation.field
            through = field.remote_field.through
            source_column, target_column = field.m2m_column_name(), field.m2m_reverse_name()
            rows = through._base_manager.filter(**{f"{target_column}__in": present}).values_list(
                source_column, target_column
            )
        else:
            attname = relation.field.attname
            rows = source_model._base_manager.filter(**{f"{attname}__in": present}).values_list("pk", attname)
        sources[source_model].extend(rows)
    internal = []
    for source_model, pairs in sources.items():
        if not pairs:
            continue
        label = source_model.__name__
        same_model = source_model is model
        outside = {src for src, _ in pairs if not (same_model and src in group)}
        pending = (
            _still_to_decide(job_id, sobject, source_model, outside) if (same_model and not final) else set()
        )
        for src, target in pairs:
            if target in kept:
                continue
            if same_model and src in group:
                if src != target:
                    internal.append((src, target, label))
            elif src in pending:
                waiting.add(target)
            else:
                kept[target] = f"{KEPT_PREFIX}{label} {src} links to it"
                waiting.discard(target)
    return internal


def _still_to_decide(job_id, sobject: str, source_model, source_ids: set) -> set:
    """Of these records of the group's model, the ones this job imported as this type and
    that are not decided for good: later batches, or waiting ones of earlier batches
    (told apart from kept ones only at the end, so they wait too)."""
    if not source_ids:
        return set()
    return set(
        ImportedRecord.objects.filter(
            import_job_id=job_id,
            salesforce_object_type=sobject,
            outcome=ImportedRecord.Outcome.IMPORTED,
            content_type=ContentType.objects.get_for_model(source_model),
            object_id__in=list(source_ids),
        ).values_list("object_id", flat=True)
    )


def _changed(updated_at, link: dict) -> bool:
    """Changed in the CRM since the importer last wrote it."""
    if updated_at is None:
        return False
    if link["synced_at"] is not None:
        return updated_at > link["synced_at"]
    return updated_at > link["created_at"] + LEGACY_MARGIN
