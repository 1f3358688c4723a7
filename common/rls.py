"""Org context: which org the current request or task acts for.

Two walls keep tenants apart. The org-scoped managers filter on the context held in a
contextvar (this works on every database). On PostgreSQL, every org-scoped table also has
row-level security, enabled and forced, with a policy on the session setting
`app.current_org`; the app connects as a role that is neither superuser nor BYPASSRLS.
The setting is session-level (not transaction-local) because Django runs in autocommit,
so it is always cleared afterwards, including with pooled connections, and re-applied to
any connection opened while a context is active.
"""

from __future__ import annotations

import contextvars
import uuid
from contextlib import contextmanager

from django.db import connections
from django.db.backends.signals import connection_created
from django.db.migrations.operations.base import Operation

_org: contextvars.ContextVar[str | None] = contextvars.ContextVar("current_org", default=None)
_user: contextvars.ContextVar[str | None] = contextvars.ContextVar("current_user", default=None)


def current_org_id() -> str | None:
    return _org.get()


def _apply(connection) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('app.current_org', %s, false), set_config('app.current_user', %s, false)",
            [_org.get() or "", _user.get() or ""],
        )


def _apply_everywhere() -> None:
    for alias in connections:
        connection = connections[alias]
        # A connection not yet open gets the setting from connection_created.
        if connection.connection is not None:
            _apply(connection)


def set_org_context(org_id, user_id=None) -> None:
    """Set the context for the rest of this request/task; pair with clear_org_context()."""
    _org.set(_as_uuid_text(org_id))
    _user.set(_as_uuid_text(user_id))
    _apply_everywhere()


def clear_org_context() -> None:
    set_org_context(None, None)


@contextmanager
def org_context(org_id, user_id=None):
    """Act for one org inside the block; the previous context comes back afterwards."""
    previous = (_org.get(), _user.get())
    set_org_context(org_id, user_id)
    try:
        yield
    finally:
        set_org_context(*previous)


@contextmanager
def user_context(user_id):
    """No org, but the user's own memberships are visible (login, org switch)."""
    with org_context(None, user_id):
        yield


def _on_connection_created(sender, connection, **kwargs):
    if _org.get() or _user.get():
        _apply(connection)


def connect_signals():
    connection_created.connect(_on_connection_created, dispatch_uid="rls-context")


def _as_uuid_text(value) -> str | None:
    # Validated here so a malformed id fails loudly, not inside the policy's ::uuid cast.
    return str(uuid.UUID(str(value))) if value else None


# --- migrations -------------------------------------------------------------------------

ORG_POLICY = "NULLIF(current_setting('app.current_org', true), '')::uuid"
USER_POLICY = "NULLIF(current_setting('app.current_user', true), '')::uuid"


class EnableOrgRLS(Operation):
    """Enable and force row-level security on a model's table, scoped by its org_id.

    `also_user_column` lets rows be visible to the user they belong to without an org
    context (memberships at login). A no-op on databases without RLS (SQLite).
    """

    reduces_to_sql = True
    reversible = True

    def __init__(self, model_name, also_user_column=None):
        self.model_name = model_name
        self.also_user_column = also_user_column

    def deconstruct(self):
        kwargs = {"model_name": self.model_name}
        if self.also_user_column:
            kwargs["also_user_column"] = self.also_user_column
        return self.__class__.__name__, [], kwargs

    def state_forwards(self, app_label, state):
        pass

    def _table(self, app_label, state):
        return state.apps.get_model(app_label, self.model_name)._meta.db_table

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        table = schema_editor.quote_name(self._table(app_label, to_state))
        condition = f"org_id = {ORG_POLICY}"
        if self.also_user_column:
            condition = f"({condition}) OR {self.also_user_column} = {USER_POLICY}"
        schema_editor.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        schema_editor.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        schema_editor.execute(
            f"CREATE POLICY org_isolation ON {table} USING ({condition}) WITH CHECK ({condition})"
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        table = schema_editor.quote_name(self._table(app_label, from_state))
        schema_editor.execute(f"DROP POLICY IF EXISTS org_isolation ON {table}")
        schema_editor.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        schema_editor.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")

    def describe(self):
        return f"Enable row-level security on {self.model_name}"
