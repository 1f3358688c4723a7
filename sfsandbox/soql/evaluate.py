"""Turning a parsed WHERE expression into a predicate over records."""

from __future__ import annotations

import re
from collections.abc import Callable

from sfsandbox.schema import FieldDef
from sfsandbox.soql.lexer import _ID_TYPES, _NUMBER_TYPES, _STRING_TYPES


def like_regex(pattern: str) -> re.Pattern:
    parts = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            parts.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        parts.append(".*" if ch == "%" else "." if ch == "_" else re.escape(ch))
        i += 1
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def _comparable(field_def: FieldDef):
    """How a record value is turned into the form literals were converted to."""
    if field_def.type in _ID_TYPES:
        return lambda v: v[:15]
    if field_def.type in _STRING_TYPES:
        return str.casefold
    if field_def.type in _NUMBER_TYPES:
        return float
    return lambda v: v


def compile_expression(expression) -> Callable[[dict], bool]:
    kind = expression[0]
    if kind == "and":
        parts = [compile_expression(e) for e in expression[1]]
        return lambda r: all(p(r) for p in parts)
    if kind == "or":
        parts = [compile_expression(e) for e in expression[1]]
        return lambda r: any(p(r) for p in parts)
    if kind == "not":
        inner = compile_expression(expression[1])
        return lambda r: not inner(r)
    field_def = expression[1]
    name = field_def.name
    convert = _comparable(field_def)
    if kind == "like":
        regex = expression[2]
        return lambda r: r.get(name) is not None and regex.fullmatch(str(r[name])) is not None
    if kind == "in":
        values = set(expression[2])
        negate = expression[3]

        def in_list(r):
            raw = r.get(name)
            found = (None in values) if raw is None else convert(raw) in values
            return found != negate

        return in_list
    operator, value = expression[2], expression[3]
    if isinstance(value, tuple) and value and value[0] == "range":
        return _range_predicate(name, operator, value[1], value[2])
    if value is None:
        if operator == "=":
            return lambda r: r.get(name) is None
        if operator == "!=":
            return lambda r: r.get(name) is not None
        return lambda r: False
    test = _OPERATORS[operator]

    def compare(r):
        raw = r.get(name)
        if raw is None:
            return operator == "!="
        return test(convert(raw), value)

    return compare


def _range_predicate(name: str, operator: str, start: str, end: str):
    tests = {
        "=": lambda v: start <= v[: len(start)] < end if len(start) == 10 else start <= v < end,
        "!=": lambda v: not (start <= v < end),
        ">": lambda v: v >= end,
        ">=": lambda v: v >= start,
        "<": lambda v: v < start,
        "<=": lambda v: v < end,
    }
    test = tests[operator]
    return lambda r: r.get(name) is not None and test(r[name])


_OPERATORS = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
}
