"""Load Salesforce's sObject-tree sample files (`sf data import tree` format) into an org.

Follows a plan file (data-plan.json, *-plan.json or master-plan.json): `@Ref` values become
the Ids of earlier records, lookups that already hold real Salesforce Ids are kept, field
names are matched case-insensitively to the canonical names, nested relationship objects
(`"Account": {...}`) and fields the sandbox does not model are skipped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from sfsandbox.data import Org
from sfsandbox.ids import looks_like_id, to_18


@dataclass
class LoadReport:
    inserted: dict[str, int] = field(default_factory=dict)
    skipped_fields: dict[str, set[str]] = field(default_factory=dict)
    missing_files: list[str] = field(default_factory=list)


def _plan_entries(folder: Path) -> list[tuple[str, Path]]:
    """(sObject, data file) pairs in load order, from whichever plan the folder has."""
    master = folder / "master-plan.json"
    entries: list[tuple[str, Path]] = []
    if master.exists():
        for item in json.loads(master.read_text())["objects"]:
            entries.append((item["name"], folder / item["dataFile"]))
        return entries
    plans = sorted(folder.glob("*plan*.json"))
    for plan in plans:
        for step in json.loads(plan.read_text()):
            for name in step.get("files", []):
                entries.append((step["sobject"], folder / name))
    return entries


def _convert(value, field_type: str):
    if value is None:
        return None
    if field_type in ("currency", "double", "percent"):
        return float(value)
    if field_type == "int":
        return int(float(value))
    if field_type == "boolean":
        return value if isinstance(value, bool) else str(value).lower() == "true"
    if field_type == "date" and isinstance(value, str):
        return value[:10]  # apex-recipes gives CloseDate as a datetime
    if field_type == "datetime" and isinstance(value, str):
        from sfsandbox.soql import _normalize_datetime

        return _normalize_datetime(value) if "T" in value else value + "T00:00:00.000+0000"
    return value


_MATCH_KEYS = ("ProductCode", "Name")  # how a nested parent is found among loaded records


def _resolve_foreign(org: Org, loaded: dict[str, list[tuple[str, dict]]], target: str, nested) -> str | None:
    """The loaded record a nested relationship object (`"Product2": {...}`) describes.

    The exports hold the source org's Ids, which mean nothing here; the nested object that
    comes with them names the parent, so it is matched on ProductCode or Name (and, for a
    price book entry, on its product).
    """
    if not isinstance(nested, dict):
        return None
    for key in _MATCH_KEYS:
        value = nested.get(key)
        if value is None:
            continue
        for record_id, values in loaded.get(target, []):
            if values.get(key) == value:
                if target == "PricebookEntry" and isinstance(nested.get("Product2"), dict):
                    product = _resolve_foreign(org, loaded, "Product2", nested["Product2"])
                    if product is not None and values.get("Product2Id") != product:
                        continue
                return record_id
    return None


def load_sample_data(org: Org, folder: Path) -> LoadReport:
    report = LoadReport()
    references: dict[str, str] = {}
    loaded: dict[str, list[tuple[str, dict]]] = {}
    for object_name, data_file in _plan_entries(Path(folder)):
        obj = org.objects.get(object_name)
        if obj is None:
            continue  # custom or out-of-scope object (Case, Flight__c, ...)
        if not data_file.exists():
            report.missing_files.append(str(data_file))
            continue
        for raw in json.loads(data_file.read_text(encoding="utf-8"))["records"]:
            values = {}
            for key, value in raw.items():
                if key == "attributes" or isinstance(value, dict):
                    continue
                field_def = obj.get(key)
                if field_def is None:
                    report.skipped_fields.setdefault(object_name, set()).add(key)
                    continue
                if isinstance(value, str) and value.startswith("@"):
                    value = references.get(value[1:])
                elif field_def.type in ("reference", "id") and looks_like_id(value):
                    value = to_18(value[:15])
                    if field_def.type == "reference" and field_def.relationship_name:
                        target = field_def.reference_to[0]
                        if org.get(target, value) is None:
                            nested = raw.get(field_def.relationship_name)
                            value = _resolve_foreign(org, loaded, target, nested) or value
                values[field_def.name] = _convert(value, field_def.type)
            if object_name == "Pricebook2" and values.get("Name") == "Standard Price Book":
                # IsStandard cannot be written, so exports leave it out; an org without its
                # own standard price book takes the exported one as it.
                if not any(r.get("IsStandard") for _, r in loaded.get("Pricebook2", [])) and not (
                    org.generated_count("Pricebook2")
                ):
                    values["IsStandard"] = True
                values.setdefault("IsActive", True)
            if object_name == "PricebookEntry":
                values.setdefault("IsActive", True)
            record_id = values.pop("Id", None)
            new_id = org.insert(object_name, values, record_id)
            if object_name in ("PricebookEntry", "OpportunityLineItem", "OrderItem", "QuoteLineItem"):
                _fill_from_product(org, object_name, new_id)
            loaded.setdefault(object_name, []).append((new_id, org.get(object_name, new_id) or values))
            reference = raw.get("attributes", {}).get("referenceId")
            if reference:
                references[reference] = new_id
            report.inserted[object_name] = report.inserted.get(object_name, 0) + 1
    return report


def _fill_from_product(org: Org, object_name: str, record_id: str) -> None:
    """Name and ProductCode come from the product, as Salesforce derives them."""
    record = org.get(object_name, record_id)
    if record is None:
        return
    if not record.get("Product2Id") and record.get("PricebookEntryId"):  # a line's product is its entry's
        entry = org.get("PricebookEntry", record["PricebookEntryId"])
        record["Product2Id"] = entry.get("Product2Id") if entry else None
    if not record.get("Product2Id"):
        return
    product = org.get("Product2", record["Product2Id"])
    if product is None:
        return
    if object_name == "PricebookEntry":
        record["Name"] = product.get("Name")
    if "ProductCode" in record:
        record["ProductCode"] = product.get("ProductCode")
