"""Every org-scoped table is under forced row-level security, without exception.

test_rls.py checks the BaseOrgModel tables; this one starts from the database and from
every model of the project's apps, so a table with an org column that is not a
BaseOrgModel (the pending Connects were one) cannot slip through.
"""

import pytest
from django.apps import apps
from django.db import connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

# Tables of the project's apps that hold no org's data, and why. Anything else must be
# under forced row-level security.
NOT_ORG_SCOPED = {
    "common_org": "the tenants themselves: a row is an org, not data belonging to one",
    "common_user": "a sign-in identity shared by the orgs it belongs to; per-org data is in common_profile",
    "common_user_groups": "Django's global auth groups (unused), no org in them",
    "common_user_user_permissions": "Django's global auth permissions (unused), no org in them",
}


def _project_tables() -> set[str]:
    tables = set()
    for config in apps.get_app_configs():
        if "site-packages" in config.path:
            continue  # Django's and third-party apps
        for model in config.get_models(include_auto_created=True):
            if model._meta.managed and not model._meta.proxy:
                tables.add(model._meta.db_table)
    return tables


def _rls_flags() -> dict[str, tuple[bool, bool]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')"
        )
        return {name: (enabled, forced) for name, enabled, forced in cursor.fetchall()}


def _tables_with_org_column() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND column_name = 'org_id'"
        )
        return {row[0] for row in cursor.fetchall()}


def _org_policies() -> set[str]:
    """Tables with a policy on app.current_org (RLS with no policy would hide everything)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_policies WHERE schemaname = current_schema() "
            "AND qual LIKE '%app.current_org%'"
        )
        return {row[0] for row in cursor.fetchall()}


def test_runs_as_a_role_that_row_level_security_binds():
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (False, False)


def test_every_project_table_forces_row_level_security_or_is_listed_with_a_reason():
    flags = _rls_flags()
    project = _project_tables()
    assert "salesforce_imports_oauthstate" in project and "accounts_account" in project
    assert project <= set(flags), f"models without a table: {sorted(project - set(flags))}"
    unprotected = {t for t in project - NOT_ORG_SCOPED.keys() if flags[t] != (True, True)}
    assert not unprotected, f"org-scoped tables without forced RLS: {sorted(unprotected)}"
    # The exemptions stay honest: each exists, and none has an org column to leak.
    assert set(NOT_ORG_SCOPED) <= project
    assert not (set(NOT_ORG_SCOPED) & _tables_with_org_column())


def test_every_table_with_an_org_column_forces_row_level_security_with_an_org_policy():
    # From the database's side: catches tables no model of ours describes.
    flags = _rls_flags()
    with_org = _tables_with_org_column()
    assert "salesforce_imports_oauthstate" in with_org
    assert {t for t in with_org if flags.get(t) != (True, True)} == set()
    assert with_org - _org_policies() == set()
