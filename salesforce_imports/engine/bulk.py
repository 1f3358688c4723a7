"""Bulk inserts of plain rows (dicts keyed by field attname), as fast as the database allows.

On PostgreSQL the rows are COPYed into a session-local staging table and moved with one
INSERT ... SELECT. COPY straight into the real table is not an option: PostgreSQL refuses
COPY FROM into a table with row-level security, while INSERT ... SELECT is checked by the
policy like any insert. This skips building model instances and Django's per-value SQL
preparation, which dominate `bulk_create` for thousands of rows. Elsewhere: bulk_create.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import (
    NOT_PROVIDED,
    AutoField,
    BigAutoField,
    ForeignKey,
    JSONField,
    Model,
    SmallAutoField,
)
from django.utils import timezone

from common import exact_json

_MISSING = object()
_NOW = object()
_AUTO = (AutoField, BigAutoField, SmallAutoField)


class RowWriter:
    def __init__(self, model: type[Model]):
        self.model = model
        self.table = model._meta.db_table
        # Generated columns (common.models.ci_key) are the database's to fill.
        self.fields = [
            f
            for f in model._meta.concrete_fields
            if not isinstance(f, _AUTO) and not getattr(f, "generated", False)
        ]
        self.columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        self.stage = connection.ops.quote_name(f"stage_{self.table}")
        self.attnames = [f.attname for f in self.fields]
        # What a row lacking a column gets, as Field.get_default would give it: most defaults
        # are constants, looked up with the value itself; the others are made per row.
        self.defaults = [_constant_default(f) for f in self.fields]
        self.made_defaults = [
            (i, f.get_default) for i, f in enumerate(self.fields) if self.defaults[i] is _MISSING
        ]
        self.json_columns = [i for i, f in enumerate(self.fields) if isinstance(f, JSONField)]

    def encode(self, rows: list[dict]) -> list[tuple]:
        """The rows as value tuples in column order, defaults filled in (for COPY)."""
        now = timezone.now()
        defaults = [now if default is _NOW else default for default in self.defaults]
        attnames, made, as_json = self.attnames, self.made_defaults, self.json_columns
        encoded = []
        for row in rows:
            values = list(map(row.get, attnames, defaults))
            for i, make in made:
                if values[i] is _MISSING:
                    values[i] = make()
            for i in as_json:
                if values[i] is not None:  # None stays SQL NULL
                    values[i] = exact_json.dumps(values[i])  # COPY takes JSON as text; Decimals stay exact
            encoded.append(tuple(values))
        return encoded

    def insert(self, rows: list[dict], encoded: list[tuple] | None = None) -> None:
        """All rows or none (a savepoint): the caller isolates failures if it must."""
        if not rows:
            return
        with transaction.atomic():
            if connection.vendor == "postgresql":
                self._copy_insert(encoded if encoded is not None else self.encode(rows))
            else:
                self.model.objects.bulk_create([self.model(**row) for row in rows])

    def _copy_insert(self, encoded: list[tuple]) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {self.stage} AS "
                f"SELECT {self.columns} FROM {connection.ops.quote_name(self.table)} WITH NO DATA"
            )
            with cursor.cursor.copy(f"COPY {self.stage} ({self.columns}) FROM STDIN") as copy:
                for values in encoded:
                    copy.write_row(values)
            cursor.execute(
                f"INSERT INTO {connection.ops.quote_name(self.table)} ({self.columns}) "
                f"SELECT {self.columns} FROM {self.stage}"
            )
            cursor.execute(f"TRUNCATE {self.stage}")


def _constant_default(field):
    """The field's default when it is one value for every row (`_NOW`: the moment of encoding,
    for auto_now); `_MISSING` when it must be made per row (a callable, a related default,
    a database default)."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return _NOW
    if not field.has_default():
        return field.get_default() if field.db_default is NOT_PROVIDED else _MISSING
    if callable(field.default) or isinstance(field, ForeignKey):
        return _MISSING
    return field.default
