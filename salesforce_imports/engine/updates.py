"""`update_changed`: records changed in Salesforce since their import are updated in the CRM.

Only records this org imported (a matched record is CRM data: never overwritten), and only
when nobody changed them in the CRM since: a record whose updated_at is later than its
link's synced_at was edited here too, and is kept as it is with a warning. The update sets
the fields the mapping carries, in one bulk UPDATE per batch; a row the database refuses
sends the batch's updates one by one, so only that record is an error (and keeps its old
values). updated_at and synced_at move together, so the importer's own write is no edit.
"""

from __future__ import annotations

from django.db import DataError, IntegrityError, transaction

from ..models import ImportedRecord

BOTH_SIDES = (
    "changed on both sides: changed in Salesforce and in the CRM since the import; kept as it is in the CRM"
)


def mark_both_sides(model, pending) -> None:
    """One query: the CRM's updated_at of every update candidate."""
    candidates = [p for p in pending if p.update_of is not None and p.error is None]
    if not candidates:
        return
    changed_at = dict(
        model.objects.filter(pk__in=[p.update_of for p in candidates]).values_list("pk", "updated_at")
    )
    for p in candidates:
        at = changed_at.get(p.update_of)
        if at is None:
            p.error = ("", "The CRM record it was imported into is gone; nothing to update.")
        elif p.synced_at is not None and at > p.synced_at:
            p.both_sides = True


def apply(model, content_type_id, plan) -> None:
    """The batch's updates (the caller holds the transaction)."""
    todo = [p for p in plan.pending if p.update_of is not None and p.error is None and not p.both_sides]
    if not todo:
        return
    try:
        with transaction.atomic():
            _update(model, content_type_id, todo, plan.stamp)
    except (IntegrityError, DataError):
        for p in todo:
            try:
                with transaction.atomic():
                    _update(model, content_type_id, [p], plan.stamp)
            except (IntegrityError, DataError) as exc:
                first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
                p.error = ("", f"The CRM refused the new values, so the record was left as it was: {first}")


def _update(model, content_type_id, pending, stamp) -> None:
    objects, fields = [], set()
    for p in pending:
        values = {k: v for k, v in p.values.items() if k != "created_at"}  # the creation stays
        fields.update(values)
        objects.append(model(pk=p.update_of, updated_at=stamp, **values))
    # bulk_update leaves auto_now alone, so updated_at is set to the batch's instant explicitly.
    model.objects.bulk_update(objects, sorted(fields | {"updated_at"}), batch_size=500)
    ImportedRecord.objects.filter(
        content_type_id=content_type_id, object_id__in=[p.update_of for p in pending]
    ).update(synced_at=stamp)
