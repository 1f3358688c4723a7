"""A query's rows as the REST API (JSON) and Bulk API 2.0 (CSV) return them.

A parent relationship in SELECT becomes a nested object with its own `attributes` in JSON
(null when the lookup is empty or its record is gone), and dotted columns (`Product2.Name`)
in CSV: https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_relationships_query_using.htm
A polymorphic lookup's parent is typed "Name" with the real object in its URL.
"""

from __future__ import annotations

import operator

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


class RowShaper:
    """Shapes one page's records for one query: JSON rows (REST) or CSV values (Bulk).

    What SELECT asks for is worked out once per page, not per record, and each parent is
    looked up once per page (the line items of a page mostly share a few products).
    """

    def __init__(self, org: Org, query: Query, version: str, include_deleted: bool):
        self.org = org
        self.include_deleted = include_deleted
        self.object_name = query.object_name
        self.url_prefix = f"/services/data/v{version}/sobjects/{query.object_name}/"
        self._version = version
        self._select = [
            (item.name, None) if isinstance(item, FieldDef) else (item.name, item) for item in query.select
        ]
        self.relations = any(relation is not None for _, relation in self._select)
        names = [name for name, _ in self._select]
        self._plain = operator.itemgetter(*names) if names else None
        self._names = names
        self._parents: dict[tuple[str, str], tuple[str, dict] | None] = {}

    def _parent_of(self, relation: Relation, record: dict) -> tuple[str, dict] | None:
        value = record.get(relation.reference.name)
        if not value:
            return None
        key = (relation.reference.name, value)
        if key not in self._parents:
            self._parents[key] = _parent(self.org, relation, record, self.include_deleted)
        return self._parents[key]

    def json_rows(self, records: list[dict]) -> list[dict]:
        object_name, prefix = self.object_name, self.url_prefix
        if not self.relations:
            names, values = self._names, self._plain
            if len(names) == 1:  # itemgetter of one name gives the value, not a tuple
                return [
                    {"attributes": {"type": object_name, "url": prefix + r["Id"]}, names[0]: r[names[0]]}
                    for r in records
                ]
            shaped = []
            for record in records:
                row = {"attributes": {"type": object_name, "url": prefix + record["Id"]}}
                row.update(zip(names, values(record), strict=True))
                shaped.append(row)
            return shaped
        return [self._json_row(record) for record in records]

    def _json_row(self, record: dict) -> dict:
        row: dict = {"attributes": {"type": self.object_name, "url": self.url_prefix + record["Id"]}}
        for name, relation in self._select:
            if relation is None:
                row[name] = record[name]
                continue
            found = self._parent_of(relation, record)
            if found is None:
                row[name] = None
                continue
            target, parent = found
            polymorphic = relation.target is None
            nested: dict = {
                "attributes": {
                    "type": "Name" if polymorphic else target,
                    "url": f"/services/data/v{self._version}/sobjects/{target}/{parent['Id']}",
                }
            }
            for field_def in relation.fields:
                nested[field_def.name] = _parent_value(target, parent, field_def, polymorphic)
            row[name] = nested
        return row

    def csv_values(self, record: dict) -> list:
        values = []
        for name, relation in self._select:
            if relation is None:
                values.append(record.get(name))
                continue
            found = self._parent_of(relation, record)
            if found is None:
                values.extend([None] * len(relation.fields))
            else:
                target, parent = found
                polymorphic = relation.target is None
                values.extend(_parent_value(target, parent, f, polymorphic) for f in relation.fields)
        return values


def json_row(org: Org, query: Query, record: dict, version: str, include_deleted: bool) -> dict:
    return RowShaper(org, query, version, include_deleted).json_rows([record])[0]


def csv_columns(query: Query) -> list[str]:
    columns = []
    for item in query.select:
        if isinstance(item, FieldDef):
            columns.append(item.name)
        else:
            columns.extend(f"{item.name}.{f.name}" for f in item.fields)
    return columns


def csv_values(org: Org, query: Query, record: dict, include_deleted: bool) -> list:
    return RowShaper(org, query, "", include_deleted).csv_values(record)


def has_relations(query: Query) -> bool:
    return any(not isinstance(item, FieldDef) for item in query.select)
