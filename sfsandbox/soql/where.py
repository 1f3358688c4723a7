"""The SOQL WHERE clause: conditions (comparisons, IN, LIKE, NOT, AND, OR, parentheses) with
their literals checked against the field's type as Salesforce checks them, and the fast path
that answers `Id` bounds and `IsDeleted` from the store's indexes instead of a predicate."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sfsandbox.ids import looks_like_id
from sfsandbox.schema import FieldDef
from sfsandbox.soql.evaluate import compile_expression, like_regex
from sfsandbox.soql.lexer import (
    _DAY_LITERALS,
    _ID_TYPES,
    _NUMBER_TYPES,
    _STRING_TYPES,
    Token,
    _normalize_datetime,
    _unescape,
)

if TYPE_CHECKING:  # parser.py imports this module; the annotation only names its Query
    from sfsandbox.soql.parser import Query


class WhereClause:
    """The WHERE grammar, mixed into parser._Parser: it uses that class's token helpers
    (current, advance, keyword, expect_punct, fail) and `_field` (a name checked against
    describe), which SELECT and ORDER BY share."""

    # SOQL refuses AND and OR at the same level without parentheses.
    def _or(self):
        first = self._and()
        if self.current.upper != "OR":
            return first
        if first[0] == "and":
            self.fail(self.current)
        items = [first]
        while self.keyword("OR"):
            item = self._unary()
            if self.current.upper == "AND":
                self.fail(self.current)
            items.append(item)
        return ("or", items)

    def _and(self):
        items = [self._unary()]
        while self.keyword("AND"):
            items.append(self._unary())
            if self.current.upper == "OR":
                self.fail(self.current)
        return items[0] if len(items) == 1 else ("and", items)

    def _unary(self):
        if self.keyword("NOT"):
            return ("not", self._unary())
        if self.current.text == "(":
            self.pos += 1
            inner = self._or()
            self.expect_punct(")")
            return inner
        return self._comparison()

    def _comparison(self):
        field_token = self.advance()
        if field_token.kind != "word":
            self.fail(field_token)
        field_def = self._field(field_token)
        operator_token = self.current
        negate = False
        if self.keyword("NOT"):
            negate = True
            if self.current.upper != "IN":
                self.fail(self.current)
        if self.keyword("IN"):
            self.expect_punct("(")
            values = []
            while True:
                values.append(self._value(field_def, self.advance()))
                if self.current.text == ")":
                    self.pos += 1
                    break
                self.expect_punct(",")
            return ("in", field_def, values, negate)
        if self.keyword("LIKE"):
            if field_def.type not in _STRING_TYPES | _ID_TYPES:
                self.fail(
                    operator_token,
                    (f"invalid operator on {field_def.type} field: LIKE"),
                    code="INVALID_QUERY_FILTER_OPERATOR",
                )
            pattern_token = self.advance()
            if pattern_token.kind != "string":
                self.fail(pattern_token)
            return ("like", field_def, like_regex(_unescape(pattern_token.text)))
        if operator_token.kind != "op":
            self.fail(operator_token)
        self.pos += 1
        operator = "!=" if operator_token.text == "<>" else operator_token.text
        value = self._value(field_def, self.advance())
        if field_def.type == "boolean" and operator not in ("=", "!="):
            self.fail(
                operator_token,
                f"invalid operator on boolean field: {operator}",
                code="INVALID_QUERY_FILTER_OPERATOR",
            )
        return ("cmp", field_def, operator, value)

    def _value(self, field_def: FieldDef, token: Token):
        """A literal converted to the form records carry, after Salesforce's type checks."""
        kind, ftype = token.kind, field_def.type
        if kind == "word" and token.upper == "NULL":
            return None

        def type_error(expected: str, quoted: bool):
            how = "should be enclosed in quotes" if quoted else "should not be enclosed in quotes"
            self.fail(
                token,
                (
                    f"value of filter criterion for field '{field_def.name}' must be "
                    f"of type {expected} and {how}"
                ),
                code="INVALID_QUERY_FILTER_OPERATOR",
            )

        if ftype in _ID_TYPES:
            if kind != "string":
                type_error("id", True)
            value = _unescape(token.text)
            if not looks_like_id(value):
                self.fail(token, f"invalid ID field: {value}", code="INVALID_QUERY_FILTER_OPERATOR")
            return value[:15]
        if ftype in _STRING_TYPES:
            if kind != "string":
                type_error("string", True)
            return _unescape(token.text).casefold()
        if ftype == "boolean":
            if kind != "word" or token.upper not in ("TRUE", "FALSE"):
                type_error("boolean", False)
            return token.upper == "TRUE"
        if ftype in _NUMBER_TYPES:
            if kind != "number":
                type_error("integer" if ftype == "int" else "double", False)
            return float(token.text)
        if ftype in ("date", "datetime"):
            if kind == "word":
                return _day_range(token, ftype, self)
            if ftype == "date" and kind == "date":
                return token.text
            if ftype == "datetime" and kind == "datetime":
                return _normalize_datetime(token.text)
            type_error("date" if ftype == "date" else "dateTime", False)
        self.fail(token)
        return None


def split_fast_path(expression, query: Query) -> None:
    """Pull top-level `Id >/< x` and `IsDeleted = b` out of WHERE.

    They are answered from the Id layout and the deleted index without building
    records, which is what keeps keyset paging over a 1M-row object cheap.
    """
    conjuncts = expression[1] if expression[0] == "and" else [expression]
    residual = []
    for item in conjuncts:
        if item[0] == "cmp" and item[1].name == "Id" and isinstance(item[3], str):
            operator, value = item[2], item[3]
            if operator in (">", ">="):
                bound = (value, operator == ">=")
                # The tighter lower bound: the larger value, or at the same value the
                # exclusive one (`Id > 'X' AND Id >= 'X'` leaves X out).
                if query.id_lower is None or (value, not bound[1]) > (
                    query.id_lower[0],
                    not query.id_lower[1],
                ):
                    query.id_lower = bound
                continue
            if operator in ("<", "<="):
                bound = (value, operator == "<=")
                if query.id_upper is None or bound < query.id_upper:
                    query.id_upper = bound
                continue
        if (
            item[0] == "cmp"
            and item[1].name == "IsDeleted"
            and item[2] == "="
            and query.deleted_filter is None
        ):
            query.deleted_filter = item[3]
            continue
        if item[0] == "cmp" and item[2] == "=" and item[3] is not None:
            query.equality_filters[item[1].name] = [item[3]]
        elif item[0] == "in" and not item[3]:
            query.equality_filters[item[1].name] = list(item[2])
        residual.append(item)
    if residual:
        query.predicate = compile_expression(residual[0] if len(residual) == 1 else ("and", residual))


def _day_range(token: Token, ftype: str, parser: WhereClause):
    """TODAY, YESTERDAY, TOMORROW, LAST_N_DAYS:n, NEXT_N_DAYS:n as a [start, end) range."""
    name, _, amount = token.upper.partition(":")
    if name in _DAY_LITERALS and not amount:
        start, end = _DAY_LITERALS[name]
    elif name == "LAST_N_DAYS" and amount:
        start, end = -int(amount), 1
    elif name == "NEXT_N_DAYS" and amount:
        start, end = 1, int(amount) + 1
    else:
        parser.fail(token, f"unexpected token: '{token.text}'")
    today = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)

    def bound(days: int) -> str:
        moment = today + dt.timedelta(days=days)
        return (
            moment.strftime("%Y-%m-%d") if ftype == "date" else moment.strftime("%Y-%m-%dT%H:%M:%S.000+0000")
        )

    return ("range", bound(start), bound(end))
