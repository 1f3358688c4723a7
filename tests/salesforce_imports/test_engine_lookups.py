"""The engine's ImportedRecord lookups (engine/lookups.py): raw SQL on PostgreSQL, with the
same answers and the same org scope as the ORM's queries they replace."""

import uuid

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from accounts.models import Account
from common.rls import org_context
from salesforce_imports.engine import lookups
from salesforce_imports.models import ImportedRecord

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

# Real Ids, and Ids no Salesforce org makes but a hostile answer could: each must still be
# found as itself (a quote, a backslash, a comma, braces, a space, an Id spelled NULL).
ODD_IDS = ['001"quoted', "001back\\slash", "001a,b", "{001}", "001 space", "NULL", "null", "caf\u00e9", ""]
PLAIN_IDS = ["001000000000001AAA", "001000000000002AAA", "003000000000001AAA", "NULL"]


def link(org, sf_id, object_type="Account", outcome=ImportedRecord.Outcome.IMPORTED, object_id=None):
    return ImportedRecord.objects.create(
        org=org,
        salesforce_id=sf_id,
        salesforce_object_type=object_type,
        content_type=ContentType.objects.get_for_model(Account),
        object_id=object_id or uuid.uuid4(),
        outcome=outcome,
        synced_at=timezone.now() if outcome == ImportedRecord.Outcome.IMPORTED else None,
    )


def orm_links(object_type, sf_ids):
    rows = ImportedRecord.objects.filter(salesforce_object_type=object_type, salesforce_id__any=sf_ids)
    return {
        sf_id: rest for sf_id, *rest in rows.values_list("salesforce_id", "object_id", "outcome", "synced_at")
    }


@pytest.fixture
def acme(admin_profile):
    return admin_profile.org


def test_ids_of_letters_and_digits_travel_as_one_quoted_array_literal():
    assert (
        lookups.id_array(PLAIN_IDS)
        == '{"001000000000001AAA","001000000000002AAA","003000000000001AAA","NULL"}'
    )
    # Anything else goes to psycopg as a list, quoted element by element.
    assert lookups.id_array(["001000000000001AAA", 'a"b']) == ["001000000000001AAA", 'a"b']
    assert lookups.id_array(["001", 7]) == ["001", "7"]  # as the CharField would send it
    assert lookups.id_array(["caf\u00e9"]) == ["caf\u00e9"]


@pytest.mark.parametrize("ids", [PLAIN_IDS, ODD_IDS], ids=["salesforce ids", "odd ids"])
def test_the_raw_lookups_answer_what_the_orm_answers(acme, ids):
    with org_context(acme.pk):
        made = {sf_id: link(acme, sf_id) for sf_id in ids[::2]}
        for sf_id in ids[1::2]:
            link(acme, sf_id, outcome=ImportedRecord.Outcome.MATCHED)
        link(acme, ids[0], object_type="Contact")  # the same Id under another type
        asked = [*ids, "001999999999999AAA"]

        found = lookups.links("Account", asked)
        assert {k: list(v) for k, v in found.items()} == orm_links("Account", asked)
        assert set(found) == set(ids)
        assert found[ids[0]][0] == made[ids[0]].object_id
        assert found[ids[0]][2] == ImportedRecord.objects.get(pk=made[ids[0]].pk).synced_at
        assert lookups.imported("Account", asked) == {k: v[0] for k, v in found.items()}
        pks = [made[ids[0]].object_id, uuid.uuid4()]
        assert lookups.owners(ContentType.objects.get_for_model(Account).pk, pks) == {pks[0]: ids[0]}


def test_the_fallback_elsewhere_is_the_orm_query(acme, monkeypatch):
    with org_context(acme.pk):
        made = link(acme, "001000000000001AAA")
        raw = lookups.links("Account", PLAIN_IDS)
        monkeypatch.setattr(connection, "vendor", "sqlite")  # the ORM's query, run here
        assert lookups.links("Account", PLAIN_IDS) == raw
        assert lookups.imported("Account", PLAIN_IDS) == {"001000000000001AAA": made.object_id}
        assert lookups.owners(made.content_type_id, [made.object_id]) == {
            made.object_id: "001000000000001AAA"
        }


def test_a_lookup_sees_its_own_org_only(acme, other_admin_profile):
    globex = other_admin_profile.org
    with org_context(globex.pk):
        theirs = link(globex, "001000000000001AAA")
    with org_context(acme.pk):
        assert lookups.imported("Account", ["001000000000001AAA"]) == {}
        ours = link(acme, "001000000000001AAA")
        assert lookups.imported("Account", ["001000000000001AAA"]) == {"001000000000001AAA": ours.object_id}
        assert lookups.owners(theirs.content_type_id, [theirs.object_id]) == {}
    with org_context(globex.pk):
        assert lookups.imported("Account", ["001000000000001AAA"]) == {"001000000000001AAA": theirs.object_id}
    # No org context: nothing, as the org-scoped manager has it.
    assert lookups.links("Account", ["001000000000001AAA"]) == {}


def test_row_level_security_still_guards_the_raw_statement(acme, other_admin_profile):
    """With the database's org setting pointing elsewhere than the context, the policy hides
    the rows the statement's own org filter asks for."""
    with org_context(acme.pk):
        link(acme, "001000000000001AAA")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('app.current_org', %s, false)", [str(other_admin_profile.org_id)]
            )
        assert lookups.imported("Account", ["001000000000001AAA"]) == {}


def _contacts(org, emails):
    from contacts.models import Contact

    return Contact.objects.bulk_create(
        Contact(org=org, first_name="A", last_name=f"Person {n}", email=email)
        for n, email in enumerate(emails)
    )


def test_natural_keys_answer_what_the_orm_answers(acme, other_admin_profile):
    from contacts.models import Contact
    from invoices.models import Product

    with org_context(acme.pk):
        Account.objects.create(org=acme, name="Acme Corp")
        Account.objects.create(org=acme, name="Globex")
        made = _contacts(acme, ["Ann@Example.com", "bob@example.com", ""])
        Product.objects.create(org=acme, name="Widget", sku="W-1")
    with org_context(other_admin_profile.org_id):
        _contacts(other_admin_profile.org, ["ann@example.com"])  # another org's, never found
        Account.objects.create(org=other_admin_profile.org, name="ACME CORP")
    with org_context(acme.pk):
        names = lookups.natural_keys(Account, "name", ["acme corp", "initech"], case_insensitive=True)
        assert [name for _, name in names] == ["Acme Corp"]
        emails = lookups.natural_keys(Contact, "email", ["ann@example.com", "carl@example.com"], True)
        assert emails == [(made[0].pk, "Ann@Example.com")]
        # Case-sensitive keys match exactly.
        assert [sku for _, sku in lookups.natural_keys(Product, "sku", ["W-1", "w-1"], False)] == ["W-1"]
        assert lookups.natural_keys(Contact, "email", [], True) == []
    assert lookups.natural_keys(Contact, "email", ["ann@example.com"], True) == []  # no org context


def test_natural_keys_elsewhere_are_the_orm_query(acme, monkeypatch):
    from contacts.models import Contact

    with org_context(acme.pk):
        made = _contacts(acme, ["Ann@Example.com", "bob@example.com"])
        raw = lookups.natural_keys(Contact, "email", ["ann@example.com"], True)
        monkeypatch.setattr(connection, "vendor", "sqlite")  # the ORM's query, run here
        assert (
            lookups.natural_keys(Contact, "email", ["ann@example.com"], True)
            == raw
            == [(made[0].pk, "Ann@Example.com")]
        )


def _plan(run):
    """The plan PostgreSQL chooses for the one statement `run()` sends."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        run()
    (statement,) = [q["sql"] for q in captured.captured_queries]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + statement)
        return "\n".join(row[0] for row in cursor.fetchall())


def _index_conditions(plan):
    return "\n".join(line for line in plan.splitlines() if "Index Cond:" in line)


def test_lookups_probe_their_index_even_when_statistics_say_the_table_is_empty(acme):
    """A first import grows the tables faster than statistics follow (this machine's
    PostgreSQL runs with autovacuum off): statistics taken while a table was empty must not
    turn a batch's lookup into a scan of every row of the org."""
    from contacts.models import Contact

    with org_context(acme.pk):
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE contacts_contact")
            cursor.execute("ANALYZE salesforce_imports_importedrecord")
        emails = [f"person{n}@example.com" for n in range(3000)]
        contacts = _contacts(acme, emails)
        account_type = ContentType.objects.get_for_model(Account)
        ImportedRecord.objects.bulk_create(
            ImportedRecord(
                org=acme,
                salesforce_id=f"003{n:015d}",
                salesforce_object_type="Contact",
                content_type=account_type,
                object_id=contact.pk,
                outcome=ImportedRecord.Outcome.IMPORTED,
            )
            for n, contact in enumerate(contacts)
        )
        keys = emails[::7]
        plan = _plan(lambda: lookups.natural_keys(Contact, "email", keys, True))
        # Under row-level security (the tests run as the app's role), the key itself must be
        # the index's condition: `lower(email) = key` would be read after the org's rows.
        assert "Index Scan using contact_org_email_ci_unique" in plan, plan
        assert "email_key)::text = wanted.key)" in _index_conditions(plan), plan
        plan = _plan(lambda: lookups.imported("Contact", [f"003{n:015d}" for n in range(0, 3000, 7)]))
        assert "Index Scan using imported_record_unique_sf_id" in plan, plan
        assert "(salesforce_id)::text = (wanted.value)::text" in _index_conditions(plan), plan
