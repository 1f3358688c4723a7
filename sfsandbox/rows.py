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

    What SELECT asks for is worked out once per page, not per record: runs of the object's
    own fields are read with one itemgetter, and each parent's nested object (JSON) or
    values (CSV) are made once per page (the line items of a page share a few products).
    """

    def __init__(self, org: Org, query: Query, version: str, include_deleted: bool):
        self.org = org
        self.include_deleted = include_deleted
        self.object_name = query.object_name
        self.url_prefix = f"/services/data/v{version}/sobjects/{query.object_name}/"
        self._version = version
        self._select = query.select
        self.relations = any(not isinstance(item, FieldDef) for item in query.select)
        # SELECT in order as segments: (names, itemgetter) for a run of fields, or a Relation.
        self._segments: list = []
        run: list[str] = []
        for item in [*query.select, None]:
            if isinstance(item, FieldDef):
                run.append(item.name)
                continue
            if run:
                self._segments.append((tuple(run), operator.itemgetter(*run)))
                run = []
            if item is not None:
                self._segments.append(item)
        self._nested: dict[tuple[str, str], dict | None] = {}
        self._parent_csv: dict[tuple[str, str], list] = {}

    def json_rows(self, records: list[dict]) -> list[dict]:
        object_name, prefix = self.object_name, self.url_prefix
        segments = self._segments
        shaped = []
        for record in records:
            row: dict = {"attributes": {"type": object_name, "url": prefix + record["Id"]}}
            for segment in segments:
                if type(segment) is tuple:
                    names, values = segment
                    if len(names) == 1:  # itemgetter of one name gives the value, not a tuple
                        row[names[0]] = values(record)
                    else:
                        row.update(zip(names, values(record), strict=True))
                else:
                    row[segment.name] = self._nested_object(segment, record)
            shaped.append(row)
        return shaped

    def _nested_object(self, relation: Relation, record: dict) -> dict | None:
        """The parent as a nested object; one dict per parent and page, shared by its rows."""
        value = record.get(relation.reference.name)
        if not value:
            return None
        key = (relation.name, value)
        if key in self._nested:
            return self._nested[key]
        nested = None
        found = _parent(self.org, relation, record, self.include_deleted)
        if found is not None:
            target, parent = found
            polymorphic = relation.target is None
            nested = {
                "attributes": {
                    "type": "Name" if polymorphic else target,
                    "url": f"/services/data/v{self._version}/sobjects/{target}/{parent['Id']}",
                }
            }
            for field_def in relation.fields:
                nested[field_def.name] = _parent_value(target, parent, field_def, polymorphic)
        self._nested[key] = nested
        return nested

    def csv_values(self, record: dict) -> list:
        values = []
        for item in self._select:
            if isinstance(item, FieldDef):
                values.append(record.get(item.name))
            else:
                values.extend(self._parent_values(item, record))
        return values

    def _parent_values(self, relation: Relation, record: dict) -> list:
        value = record.get(relation.reference.name)
        key = (relation.name, value)
        found_values = self._parent_csv.get(key) if value else None
        if found_values is None:
            found = _parent(self.org, relation, record, self.include_deleted) if value else None
            if found is None:
                found_values = [None] * len(relation.fields)
            else:
                target, parent = found
                polymorphic = relation.target is None
                found_values = [_parent_value(target, parent, f, polymorphic) for f in relation.fields]
            if value:
                self._parent_csv[key] = found_values
        return found_values


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
