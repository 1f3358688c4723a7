"""SOQL that a Bulk API 2.0 query job refuses, with the job's 400 INVALIDJOB answer.

"Understanding Bulk API 2.0 Query" (api_asynch/queries.htm), SOQL considerations: Bulk API
2.0 doesn't support GROUP BY, OFFSET or TYPEOF clauses, aggregate functions such as COUNT(),
compound address or geolocation fields, or parent-to-child relationship queries (child-to-
parent ones are supported). ORDER BY and LIMIT are accepted: they only turn off PK chunking,
so such a job is slower, not refused. Binary (base64) fields come one record at a time from
the sObject Blob resource, never in a job's CSV.
"""

from __future__ import annotations

import re

from sfsandbox import content

_PREFIX = "InvalidJob : "
# Compound address fields of the standard objects, refused by name (the sandbox's describe
# lists their parts, not them). Not "Location": Event.Location is a plain text field; a
# geolocation compound is known by its describe type (parsed_refusal).
COMPOUND_FIELDS = {
    "Address",
    "BillingAddress",
    "ShippingAddress",
    "MailingAddress",
    "OtherAddress",
}
COMPOUND_TYPES = ("address", "location")
_SELECT_LIST = re.compile(r"^\s*select\s+(.*?)\s+from\s", re.I | re.S)
_STRING = re.compile(r"'(?:\\.|[^'\\])*'")


def bulk_refusal(text: str) -> str | None:
    """The message for a refused query, read from its text (things the parser does not know)."""
    bare = _STRING.sub("''", text)  # a quoted 'group by' is a value, not a clause
    if re.search(r"\(\s*select\s", bare, re.I):
        return _PREFIX + "Nested queries (parent-to-child relationships) are not supported by a query job"
    if re.search(r"\bgroup\s+by\b", bare, re.I):
        return _PREFIX + "GROUP BY is not supported by a query job"
    if re.search(r"\btypeof\b", bare, re.I):
        return _PREFIX + "TYPEOF is not supported by a query job"
    if re.search(r"\b(count|sum|avg|min|max|count_distinct)\s*\(", bare, re.I):
        return _PREFIX + "Aggregate queries are not supported"
    select = _SELECT_LIST.match(bare)
    if select:
        for name in (part.strip() for part in select.group(1).split(",")):
            if name.split(".")[-1] in COMPOUND_FIELDS or name in COMPOUND_FIELDS:
                return _PREFIX + f"Compound field {name} is not supported by a query job"
    return None


def parsed_refusal(query, objects) -> str | None:
    """The message for a refused query, read from the parsed query."""
    if query.is_count:
        return _PREFIX + "Aggregate queries are not supported"
    if query.offset:
        return _PREFIX + "OFFSET is not supported by a query job"
    compound = [f.name for f in query.fields if f.type in COMPOUND_TYPES]
    if compound:
        return _PREFIX + f"Compound field {compound[0]} is not supported by a query job"
    blobs = content.base64_names(objects[query.object_name], [f.name for f in query.fields])
    if blobs:
        return _PREFIX + f"Binary field {blobs[0]} is not supported by a query job"
    return None
