"""Row-level security on PostgreSQL, as the app's non-superuser role."""

import pytest
from django.db import IntegrityError, ProgrammingError, connection, transaction

from accounts.models import Account
from common.models import Org
from common.rls import org_context

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _raw_count(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        return cursor.fetchone()[0]


@pytest.fixture
def two_orgs():
    a = Org.objects.create(name="Org A")
    b = Org.objects.create(name="Org B")
    with org_context(a.pk):
        Account.objects.create(org=a, name="Alpha")
    with org_context(b.pk):
        Account.objects.create(org=b, name="Beta")
    return a, b


def test_app_role_is_not_superuser_and_not_exempt():
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (False, False)


def test_every_org_scoped_table_forces_rls():
    from django.apps import apps

    from common.models import BaseOrgModel

    tables = [m._meta.db_table for m in apps.get_models() if issubclass(m, BaseOrgModel)]
    assert "accounts_account" in tables
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relname = ANY(%s) AND relrowsecurity AND relforcerowsecurity",
            [tables],
        )
        forced = {row[0] for row in cursor.fetchall()}
    assert forced == set(tables)


def test_no_context_sees_no_rows(two_orgs):
    assert _raw_count("accounts_account") == 0


def test_one_org_sees_only_its_rows(two_orgs):
    a, b = two_orgs
    with org_context(a.pk), connection.cursor() as cursor:
        cursor.execute("SELECT name FROM accounts_account")
        assert [r[0] for r in cursor.fetchall()] == ["Alpha"]
    with org_context(b.pk):
        assert _raw_count("accounts_account") == 1
    assert _raw_count("accounts_account") == 0  # cleared afterwards


def test_cannot_write_into_another_org(two_orgs):
    a, b = two_orgs
    with (
        org_context(a.pk),
        pytest.raises(ProgrammingError, match="row-level security"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO accounts_account (id, org_id, name, website, phone, industry, currency,"
            " address_line, city, state, postcode, country, description, is_active, created_at,"
            " updated_at) VALUES (gen_random_uuid(), %s, 'Sneaky', '', '', '', '', '', '', '', '',"
            " '', '', true, now(), now())",
            [str(b.pk)],
        )


def test_cannot_update_another_orgs_rows(two_orgs):
    a, _ = two_orgs
    with org_context(a.pk), connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_account SET name = 'hacked'")
        assert cursor.rowcount == 1  # only its own row
    with org_context(two_orgs[1].pk):
        assert Account.objects.get().name == "Beta"


def test_context_is_cleared_on_error(two_orgs):
    a, _ = two_orgs
    with pytest.raises(RuntimeError), org_context(a.pk):
        raise RuntimeError("boom")
    assert _raw_count("accounts_account") == 0


def test_context_reapplied_on_a_new_connection(two_orgs):
    a, _ = two_orgs
    with org_context(a.pk):
        connection.close()  # as a pooled/recycled connection would be
        assert _raw_count("accounts_account") == 1


def test_unique_name_is_per_org(two_orgs):
    a, b = two_orgs
    with org_context(b.pk):
        Account.objects.create(org=b, name="alpha")  # same name as A's, other org: fine
        with pytest.raises(IntegrityError), transaction.atomic():
            Account.objects.create(org=b, name="BETA")  # case-insensitive clash in B
