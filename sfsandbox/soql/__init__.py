"""The SOQL subset the importer sends, parsed and validated the way Salesforce does.

Supported: SELECT fields | COUNT() | COUNT(field) FROM Object [WHERE ...] [ORDER BY f [ASC|DESC]
[NULLS FIRST|LAST], ...] [LIMIT n] [OFFSET n]. WHERE has =, !=, <>, <, <=, >, >=, IN, NOT IN,
LIKE, AND, OR, NOT and parentheses; literals are strings, numbers, true/false, null, dates,
datetimes and the day-based date literals (TODAY, LAST_N_DAYS:n ...). SELECT takes parent
relationship fields one level deep (`Product2.Name`, `Owner.Name`, `Primary_Contact__r.Email`).

Errors carry Salesforce's error codes (MALFORMED_QUERY, INVALID_FIELD, INVALID_TYPE,
INVALID_QUERY_FILTER_OPERATOR) and its message layout: the query line, a caret under the
offending token, "ERROR at Row:r:Column:c", then the reason.

`lexer` has tokens and literals, `parser` the grammar, `where` its WHERE clause and fast path,
`evaluate` the WHERE predicates.
"""

from sfsandbox.soql.lexer import SoqlError, _normalize_datetime, normalize_datetime
from sfsandbox.soql.parser import NAME_OBJECT_FIELDS, OrderItem, Query, Relation, parse

__all__ = [
    "NAME_OBJECT_FIELDS",
    "OrderItem",
    "Query",
    "Relation",
    "SoqlError",
    "_normalize_datetime",
    "normalize_datetime",
    "parse",
]
