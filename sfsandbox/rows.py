"""A query's rows as the REST API (JSON) and Bulk API 2.0 (CSV) return them.

A parent relationship in SELECT becomes a nested object with its own `attributes` in JSON
(null when the lookup is empty or its record is gone), and dotted columns (`Product2.Name`)
in CSV: https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_relationships_query_using.htm
A polymorphic lookup's parent is typed "Name" with the real object in its URL.
"""

from __future__ import annotations

from sfsandbox import ids
from sfsandbox.data import Org
from sfsandbox.schema import FieldDef
from sfsandbox.soql import Query, Relation

# Group.Type is what a polymorphic Owner reports as Type; for a user it is "User".
_NAME_TYPE = {"User": "User"}
# Name of the Name object for objects whose name field is not called Name.
_NAME_FIELD = {
    "Case": "CaseNumber",
    "Task": "Subject",
    "Event": "Subject",
    "Note": "Title",
    "ContentNote": "Title",
}


def _parent(org: Org, relation: Relation, record: dict, include_deleted: bool) -> tuple[str, dict] | None:
    value = record.get(relation.reference.name)
    if not value:
        return None
    target = relation.target or ids.OBJECT_BY_PREFIX.get(value[:3])
    if target is None or target not in org.objects:
        return None
    parent = org.get(target, value)
    if parent is None or (parent.get("IsDeleted") and not include_deleted):
        return None
    return target, parent


def _parent_value(target: str, parent: dict, field_def: FieldDef, polymorphic: bool):
    if polymorphic and field_def.name == "Type":
        return parent.get("Type") if target == "Group" else _NAME_TYPE.get(target, target)
    if polymorphic and field_def.name == "Name" and target in _NAME_FIELD:
        return parent.get(_NAME_FIELD[target])
    return parent.get(field_def.name)


def json_row(org: Org, query: Query, record: dict, version: str, include_deleted: bool) -> dict:
    object_name = query.object_name
    row: dict = {
        "attributes": {
            "type": object_name,
            "url": f"/services/data/v{version}/sobjects/{object_name}/{record['Id']}",
        }
    }
    for item in query.select:
        if isinstance(item, FieldDef):
            row[item.name] = record[item.name]
            continue
        found = _parent(org, item, record, include_deleted)
        if found is None:
            row[item.name] = None
            continue
        target, parent = found
        polymorphic = item.target is None
        nested: dict = {
            "attributes": {
                "type": "Name" if polymorphic else target,
                "url": f"/services/data/v{version}/sobjects/{target}/{parent['Id']}",
            }
        }
        for field_def in item.fields:
            nested[field_def.name] = _parent_value(target, parent, field_def, polymorphic)
        row[item.name] = nested
    return row


def csv_columns(query: Query) -> list[str]:
    columns = []
    for item in query.select:
        if isinstance(item, FieldDef):
            columns.append(item.name)
        else:
            columns.extend(f"{item.name}.{f.name}" for f in item.fields)
    return columns


def csv_values(org: Org, query: Query, record: dict, include_deleted: bool) -> list:
    values = []
    for item in query.select:
        if isinstance(item, FieldDef):
            values.append(record.get(item.name))
            continue
        found = _parent(org, item, record, include_deleted)
        if found is None:
            values.extend([None] * len(item.fields))
        else:
            target, parent = found
            values.extend(_parent_value(target, parent, f, item.target is None) for f in item.fields)
    return values


def has_relations(query: Query) -> bool:
    return any(not isinstance(item, FieldDef) for item in query.select)
