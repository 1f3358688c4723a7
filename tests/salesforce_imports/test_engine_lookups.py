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
        assert set(lookups.imported(None, asked)) == set(ids)  # any type
        pks = [made[ids[0]].object_id, uuid.uuid4()]
        assert lookups.owners(ContentType.objects.get_for_model(Account).pk, pks) == {pks[0]: ids[0]}


def test_the_fallback_elsewhere_is_the_orm_query(acme, monkeypatch):
    with org_context(acme.pk):
        made = link(acme, "001000000000001AAA")
        raw = lookups.links("Account", PLAIN_IDS)
        monkeypatch.setattr(connection, "vendor", "sqlite")  # the ORM's query, run here
        assert lookups.links("Account", PLAIN_IDS) == raw
        assert lookups.imported(None, PLAIN_IDS) == {"001000000000001AAA": made.object_id}
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
        assert lookups.imported(None, ["001000000000001AAA"]) == {"001000000000001AAA": theirs.object_id}
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
