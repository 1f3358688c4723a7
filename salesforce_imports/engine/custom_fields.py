"""The org's custom fields of one object, from describe: what to select, and their definitions
(kept for `GET /api/custom-fields/` and the record pages' labels)."""

from __future__ import annotations

from django.db import transaction

from ..mapping.custom import NOT_IMPORTED_TYPES, CustomField
from ..models import CustomFieldDefinition


def custom_fields_of(describe_fields: dict[str, dict]) -> tuple[CustomField, ...]:
    return tuple(
        CustomField(name, meta.get("type") or "string")
        for name, meta in describe_fields.items()
        if meta.get("custom") and (meta.get("type") or "") not in NOT_IMPORTED_TYPES
    )


def store_definitions(org_id, sobject: str, describe_fields: dict[str, dict]) -> list[str]:
    """Upsert the object's definitions; returns the custom fields an earlier import could
    read and this one cannot (hidden by field-level security since, or deleted)."""
    readable = {name: meta for name, meta in describe_fields.items() if meta.get("custom")}
    existing = {d.api_name: d for d in CustomFieldDefinition.objects.filter(object_type=sobject)}
    new, changed = [], []
    for name, meta in readable.items():
        values = {
            "label": (meta.get("label") or name)[:255],
            "field_type": (meta.get("type") or "string")[:40],
            "picklist_values": [
                entry.get("value") for entry in meta.get("picklistValues") or [] if entry.get("active", True)
            ],
            "reference_to": list(meta.get("referenceTo") or []),
            "calculated": bool(meta.get("calculated")),
            "readable": True,
        }
        definition = existing.get(name)
        if definition is None:
            new.append(CustomFieldDefinition(org_id=org_id, object_type=sobject, api_name=name, **values))
        elif any(getattr(definition, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(definition, key, value)
            changed.append(definition)
    hidden = [d for name, d in existing.items() if name not in readable and d.readable]
    for definition in hidden:
        definition.readable = False
    with transaction.atomic():
        CustomFieldDefinition.objects.bulk_create(new, ignore_conflicts=True)
        CustomFieldDefinition.objects.bulk_update(
            changed + hidden,
            ["label", "field_type", "picklist_values", "reference_to", "calculated", "readable"],
        )
    return sorted(d.api_name for d in hidden)
