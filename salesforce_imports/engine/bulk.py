"""Bulk inserts of plain rows (dicts keyed by field attname), as fast as the database allows.

On PostgreSQL the rows are COPYed into a session-local staging table and moved with one
INSERT ... SELECT. COPY straight into the real table is not an option: PostgreSQL refuses
COPY FROM into a table with row-level security, while INSERT ... SELECT is checked by the
policy like any insert. This skips building model instances and Django's per-value SQL
preparation, which dominate `bulk_create` for thousands of rows. Elsewhere: bulk_create.

The staging table is made once per connection, ON COMMIT DELETE ROWS: PostgreSQL empties it
in place at each commit. A TRUNCATE per batch (as before) gave the table new files and
updated the catalog every time: about 4 ms per table and batch, 8% of the writer's time. It
is still truncated before a COPY when rows may be left in it (a second insert into the
same table in one transaction, or after a rollback).
"""

from __future__ import annotations

import weakref

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


class _Stages:
    """One database connection's staging tables: those made (by a committed transaction, so
    they exist) and those that may still hold rows (filled, and no commit since)."""

    def __init__(self):
        self.made: set[str] = set()
        self.filled: set[str] = set()


# Keyed by the driver's connection: a connection opened again starts with no temp tables.
_stages: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _stages_of_connection() -> _Stages:
    connection.ensure_connection()
    raw = connection.connection
    stages = _stages.get(raw)
    if stages is None:
        stages = _stages[raw] = _Stages()
    return stages


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

    def insert(self, rows: list[dict], encoded: list[tuple] | None = None, savepoint: bool = True) -> None:
        """All rows or none (a savepoint, unless `savepoint` is False: then a failure fails
        the caller's whole transaction, for rows that must never fail on their own)."""
        if not rows:
            return
        with transaction.atomic(savepoint=savepoint):
            if connection.vendor == "postgresql":
                self._copy_insert(encoded if encoded is not None else self.encode(rows))
            else:
                self.model.objects.bulk_create([self.model(**row) for row in rows])

    def _copy_insert(self, encoded: list[tuple]) -> None:
        stages, stage = _stages_of_connection(), self.stage
        with connection.cursor() as cursor:
            if stage not in stages.made:
                cursor.execute(
                    f"CREATE TEMP TABLE IF NOT EXISTS {stage} ON COMMIT DELETE ROWS AS "
                    f"SELECT {self.columns} FROM {connection.ops.quote_name(self.table)} WITH NO DATA"
                )
                # Known to exist once this transaction commits (a rollback takes it away).
                transaction.on_commit(lambda: stages.made.add(stage))
            if stage in stages.filled:
                cursor.execute(f"TRUNCATE {stage}")
            with cursor.cursor.copy(f"COPY {stage} ({self.columns}) FROM STDIN") as copy:
                for values in encoded:
                    copy.write_row(values)
            cursor.execute(
                f"INSERT INTO {connection.ops.quote_name(self.table)} ({self.columns}) "
                f"SELECT {self.columns} FROM {stage}"
            )
        stages.filled.add(stage)
        transaction.on_commit(lambda: stages.filled.discard(stage))  # emptied by the commit


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
