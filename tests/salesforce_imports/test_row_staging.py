"""RowWriter's staging tables on PostgreSQL (engine/bulk.py): made once per connection and
emptied by each commit, yet every insert lands exactly its own rows, in one transaction or
many, after a failed insert, a rolled-back transaction or a new connection."""

import uuid
from contextlib import contextmanager

import pytest
from django.db import IntegrityError, connection, transaction

from accounts.models import Account
from common.rls import org_context
from salesforce_imports.engine.bulk import RowWriter

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def org(admin_profile):
    if connection.vendor != "postgresql":
        pytest.skip("the staging tables are PostgreSQL's COPY path")
    with org_context(admin_profile.org_id):
        yield admin_profile.org_id


def accounts(org_id, *names) -> list[dict]:
    return [{"id": uuid.uuid4(), "org_id": org_id, "name": name} for name in names]


def insert(writer: RowWriter, rows: list[dict]) -> None:
    writer.insert(rows, writer.encode(rows))


def names() -> list[str]:
    return sorted(Account.objects.values_list("name", flat=True))


@contextmanager
def statements():
    """The SQL statements run on this connection inside the block."""
    seen: list[str] = []

    def record(execute, sql, params, many, context):
        seen.append(sql.split(" ", 1)[0].upper())
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield seen


def test_two_inserts_in_one_transaction_land_each_row_once(org):
    writer = RowWriter(Account)
    with transaction.atomic():
        insert(writer, accounts(org, "a", "b"))
        insert(writer, accounts(org, "c"))
    assert names() == ["a", "b", "c"]


def test_after_a_commit_the_stage_is_neither_made_nor_emptied_again(org):
    writer = RowWriter(Account)
    with transaction.atomic():
        insert(writer, accounts(org, "a"))
    with statements() as seen, transaction.atomic():
        insert(writer, accounts(org, "b"))
    assert "CREATE" not in seen and "TRUNCATE" not in seen
    assert names() == ["a", "b"]


def test_an_insert_that_failed_leaves_nothing_for_the_next(org):
    writer = RowWriter(Account)
    [taken] = accounts(org, "a")
    insert(writer, [taken])
    with transaction.atomic():
        with pytest.raises(IntegrityError):
            insert(writer, [*accounts(org, "b"), {**taken, "name": "a again"}])
        insert(writer, accounts(org, "c"))
    assert names() == ["a", "c"]


def test_a_rolled_back_transaction_loses_its_stage_and_its_rows_only(org):
    connection.close()  # a new connection: its first insert makes the staging table
    writer = RowWriter(Account)
    with pytest.raises(RuntimeError), transaction.atomic():
        insert(writer, accounts(org, "gone"))
        raise RuntimeError("the batch failed after its insert")
    insert(writer, accounts(org, "kept"))
    insert(writer, accounts(org, "also kept"))
    assert names() == ["also kept", "kept"]


def test_a_new_connection_makes_its_own_stage(org):
    writer = RowWriter(Account)
    insert(writer, accounts(org, "a"))
    connection.close()
    with statements() as seen:
        insert(writer, accounts(org, "b"))
    assert "CREATE" in seen
    assert names() == ["a", "b"]
