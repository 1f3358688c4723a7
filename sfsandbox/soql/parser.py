"""The SOQL grammar: SELECT list, FROM, WHERE, ORDER BY, LIMIT, OFFSET, checked against describe.

WHERE's conditions and literals are where.py's; this module has the rest and the token helpers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sfsandbox.schema import FieldDef, ObjectDef
from sfsandbox.soql.lexer import SoqlError, Token, _error_at, _tokenize
from sfsandbox.soql.where import WhereClause, split_fast_path


@dataclass
class OrderItem:
    field: FieldDef
    descending: bool
    nulls_first: bool


# The fields of Salesforce's "Name" object, which a polymorphic lookup (Order.Owner: a User
# or a queue) exposes: https://developer.salesforce.com/docs/platform/field-reference/references/field-reference/salesforce-field-reference-name.html
NAME_OBJECT_FIELDS = {
    name.lower(): FieldDef(name, type_, name, length=length)
    for name, type_, length in (
        ("Id", "id", 18),
        ("Name", "string", 255),
        ("Type", "picklist", 40),
        ("Alias", "string", 8),
        ("Email", "email", 80),
        ("FirstName", "string", 40),
        ("LastName", "string", 80),
        ("IsActive", "boolean", 0),
        ("Title", "string", 80),
        ("Username", "string", 80),
    )
}


@dataclass
class Relation:
    """A parent relationship in SELECT (`Product2.Name`): one nested object per relationship."""

    name: str  # relationshipName as describe spells it
    reference: FieldDef  # the lookup field (Product2Id)
    target: str | None  # the parent object, or None when polymorphic ("Name" object)
    fields: list[FieldDef] = field(default_factory=list)


@dataclass
class Query:
    object_name: str
    fields: list[FieldDef]
    is_count: bool
    count_field: FieldDef | None
    predicate: Callable[[dict], bool] | None  # residual WHERE after the fast-path parts
    id_lower: tuple[str, bool] | None = None  # (15-char Id, inclusive)
    id_upper: tuple[str, bool] | None = None
    deleted_filter: bool | None = None  # top-level IsDeleted = true/false
    order_by: list[OrderItem] = field(default_factory=list)
    limit: int | None = None
    offset: int = 0
    # SELECT in order: FieldDef for a field of the object, Relation for a parent's fields.
    select: list = field(default_factory=list)
    # Top-level `Field = value` / `Field IN (...)` conjuncts of WHERE: {field name: [values]}
    # (15-char Ids for Id and reference fields). Restricted objects check them.
    equality_filters: dict[str, list] = field(default_factory=dict)
    # The whole WHERE expression, parsed (candidates.candidate_keys narrows scans with it).
    where: tuple | None = None

    @property
    def ordered_by_id(self) -> bool:
        return not self.order_by or (
            len(self.order_by) == 1
            and self.order_by[0].field.name == "Id"
            and not self.order_by[0].descending
        )


class _Parser(WhereClause):
    def __init__(self, text: str, objects: dict[str, ObjectDef]):
        self.text = text
        self.tokens = _tokenize(text)
        self.pos = 0
        self.objects = objects
        self.obj: ObjectDef | None = None

    # -- token helpers -------------------------------------------------------------------
    @property
    def current(self) -> Token:
        return self.tokens[self.pos]

    def advance(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def fail(self, token: Token, reason: str | None = None, code: str = "MALFORMED_QUERY"):
        if reason is None:
            reason = "unexpected token: <EOF>" if token.kind == "end" else f"unexpected token: '{token.text}'"
        raise SoqlError(code, _error_at(self.text, token.position, reason))

    def keyword(self, word: str) -> bool:
        if self.current.kind == "word" and self.current.upper == word:
            self.pos += 1
            return True
        return False

    def expect_keyword(self, word: str) -> Token:
        token = self.current
        if not self.keyword(word):
            self.fail(token)
        return token

    def expect_punct(self, char: str) -> None:
        if self.current.text != char:
            self.fail(self.current)
        self.pos += 1

    # -- grammar -------------------------------------------------------------------------
    def parse(self) -> Query:
        if self.current.kind == "end":
            raise SoqlError("MALFORMED_QUERY", "unexpected token: <EOF>")
        self.expect_keyword("SELECT")
        select_tokens, is_count, count_token = self._select_list()
        self.expect_keyword("FROM")
        object_token = self.advance()
        if object_token.kind != "word":
            self.fail(object_token)
        obj = next((o for name, o in self.objects.items() if name.lower() == object_token.text.lower()), None)
        if obj is None:
            self.fail(
                object_token,
                (
                    f"sObject type '{object_token.text}' is not supported. If you are attempting "
                    "to use a custom object, be sure to append the '__c' after the entity name. "
                    "Please reference your WSDL or the describe call for the appropriate names."
                ),
                code="INVALID_TYPE",
            )
        self.obj = obj
        select: list = []
        relations: dict[str, Relation] = {}
        for token in select_tokens:
            if "." in token.text:
                relation, parent_field = self._relationship_field(token)
                if relation.name.lower() not in relations:
                    relations[relation.name.lower()] = relation
                    select.append(relation)
                known = relations[relation.name.lower()]
                if parent_field not in known.fields:
                    known.fields.append(parent_field)
            else:
                found = self._field(token)
                if found not in select:
                    select.append(found)
        fields = [item for item in select if isinstance(item, FieldDef)]
        count_field = self._field(count_token) if count_token else None
        query = Query(obj.name, fields, is_count, count_field, predicate=None, select=select)
        if self.keyword("WHERE"):
            expression = self._or()
            query.where = expression
            split_fast_path(expression, query)
        if self.keyword("ORDER"):
            self.expect_keyword("BY")
            query.order_by = self._order_by()
        if self.keyword("LIMIT"):
            query.limit = self._integer()
        if self.keyword("OFFSET"):
            query.offset = self._integer()
            if query.offset > 2000:
                raise SoqlError("NUMBER_OUTSIDE_VALID_RANGE", "Maximum SOQL offset allowed is 2000")
        if self.current.kind != "end":
            self.fail(self.current)
        return query

    def _select_list(self) -> tuple[list[Token], bool, Token | None]:
        if self.current.upper == "COUNT" and self.tokens[self.pos + 1].text == "(":
            self.pos += 2
            count_token = None
            if self.current.text != ")":
                count_token = self.advance()
                if count_token.kind != "word":
                    self.fail(count_token)
            self.expect_punct(")")
            return [], True, count_token
        tokens = []
        while True:
            token = self.advance()
            if token.kind != "word" or token.upper in ("FROM", "SELECT"):
                self.fail(token)
            tokens.append(token)
            if self.current.text != ",":
                return tokens, False, None
            self.pos += 1

    def _field(self, token: Token) -> FieldDef:
        assert self.obj is not None
        if "." in token.text:
            relationship = token.text.split(".")[0]
            self.fail(
                token,
                (
                    f"Didn't understand relationship '{relationship}' in field path. If you are "
                    "attempting to use a custom relationship, be sure to append the '__r' after "
                    "the custom relationship name. Please reference your WSDL or the describe call "
                    "for the appropriate names."
                ),
                code="INVALID_FIELD",
            )
        found = self.obj.get(token.text)
        if found is None:
            self.fail(
                token,
                (
                    f"No such column '{token.text}' on entity '{self.obj.name}'. If you are "
                    "attempting to use a custom field, be sure to append the '__c' after the custom "
                    "field name. Please reference your WSDL or the describe call for the "
                    "appropriate names."
                ),
                code="INVALID_FIELD",
            )
        return found

    def _relationship_field(self, token: Token) -> tuple[Relation, FieldDef]:
        """`Rel.Field` one level deep: Rel is a lookup's relationshipName (Owner, Product2, X__r)."""
        assert self.obj is not None
        parts = token.text.split(".")
        reference = next(
            (
                f
                for f in self.obj.fields
                if f.relationship_name and f.relationship_name.lower() == parts[0].lower()
            ),
            None,
        )
        if reference is None or len(parts) != 2:
            self.fail(
                token,
                (
                    f"Didn't understand relationship '{parts[0]}' in field path. If you are "
                    "attempting to use a custom relationship, be sure to append the '__r' after "
                    "the custom relationship name. Please reference your WSDL or the describe call "
                    "for the appropriate names."
                ),
                code="INVALID_FIELD",
            )
        assert reference is not None and reference.relationship_name is not None
        if reference.polymorphic:
            target, entity = None, "Name"
            found = NAME_OBJECT_FIELDS.get(parts[1].lower())
        else:
            target = entity = reference.reference_to[0]
            parent = self.objects.get(target)
            found = parent.get(parts[1]) if parent is not None else None
        if found is None:
            self.fail(
                token,
                (
                    f"No such column '{parts[1]}' on entity '{entity}'. If you are "
                    "attempting to use a custom field, be sure to append the '__c' after the custom "
                    "field name. Please reference your WSDL or the describe call for the "
                    "appropriate names."
                ),
                code="INVALID_FIELD",
            )
        assert found is not None
        return Relation(reference.relationship_name, reference, target), found

    def _integer(self) -> int:
        token = self.advance()
        if token.kind != "number" or not token.text.isdigit():
            self.fail(token)
        return int(token.text)

    def _order_by(self) -> list[OrderItem]:
        items = []
        while True:
            token = self.advance()
            if token.kind != "word":
                self.fail(token)
            field_def = self._field(token)
            descending = False
            if self.keyword("DESC"):
                descending = True
            else:
                self.keyword("ASC")
            nulls_first = not descending
            if self.keyword("NULLS"):
                if self.keyword("FIRST"):
                    nulls_first = True
                else:
                    self.expect_keyword("LAST")
                    nulls_first = False
            items.append(OrderItem(field_def, descending, nulls_first))
            if self.current.text != ",":
                return items
            self.pos += 1


def parse(text: str, objects: dict[str, ObjectDef]) -> Query:
    """Parse and validate a SOQL query against the org's (visible) objects and fields."""
    return _Parser(text, objects).parse()
