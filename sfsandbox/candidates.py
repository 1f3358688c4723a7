"""Which rows a WHERE can match at all, so a query reads those instead of the whole object.

`candidate_keys` returns a set of 15-char Ids that holds every row the WHERE can match (the
WHERE itself still decides), or None when it cannot tell and the object is scanned:

* `SystemModstamp`, `LastModifiedDate` or `CreatedDate` `>` / `>=` a datetime at or after the
  generation time (`changes.GENERATED_AT`): no unchanged generated record can match (their
  stamps are all at or before it), so only the records written at run time can: the change
  log's entries after that time.
* `Id = '...'`, `Id IN (...)`: those Ids.
* `IsDeleted = true`: the soft-deleted rows (generated, deleted at run time, inserted).
* `A AND B`: the smaller bounded side; `A OR B`: the union when both are bounded.
"""

from __future__ import annotations

from sfsandbox import ids
from sfsandbox.changes import GENERATED_AT_TEXT

STAMP_FIELDS = frozenset({"SystemModstamp", "LastModifiedDate", "CreatedDate"})


def candidate_keys(org, object_name: str, expression) -> set[str] | None:
    if expression is None:
        return None
    kind = expression[0]
    if kind == "and":
        best = None
        for item in expression[1]:
            keys = candidate_keys(org, object_name, item)
            if keys is not None and (best is None or len(keys) < len(best)):
                best = keys
        return best
    if kind == "or":
        union: set[str] = set()
        for item in expression[1]:
            keys = candidate_keys(org, object_name, item)
            if keys is None:
                return None
            union |= keys
        return union
    if kind == "in":
        field_def, values, negate = expression[1], expression[2], expression[3]
        if field_def.name == "Id" and not negate:
            return {v for v in values if isinstance(v, str)}
        return None
    if kind != "cmp":
        return None
    field_def, operator, value = expression[1], expression[2], expression[3]
    name = field_def.name
    if name == "Id" and operator == "=" and isinstance(value, str):
        return {value}
    if name == "IsDeleted" and operator == "=" and value is True:
        return _deleted_keys(org, object_name)
    # value is the literal in the records' form (UTC, milliseconds): text order is time order.
    after_generation = isinstance(value, str) and (
        value > GENERATED_AT_TEXT or (operator == ">" and value == GENERATED_AT_TEXT)
    )
    if name in STAMP_FIELDS and operator in (">", ">=") and after_generation:
        return org.changes[object_name].keys_since(value, inclusive=operator == ">=")
    return None


def _deleted_keys(org, object_name: str) -> set[str]:
    generated = {ids.make_id(object_name, i)[:15] for i in org.changes[object_name].deleted_list}
    inserted = {key for key, record in org._inserted[object_name].items() if record["IsDeleted"]}
    return generated | inserted
