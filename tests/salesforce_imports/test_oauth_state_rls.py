"""Pending Connects under forced row-level security, as the app role `crm_app`.

The org that started a Connect sees its own rows; the callback, which has no org, sees
only the one unexpired row whose state hash it presents in `app.oauth_state_hash` for its
transaction, and can do nothing else with the table.
"""

import secrets
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import ProgrammingError, connection, transaction
from django.test import Client
from django.utils import timezone

from common.rls import org_context
from salesforce_imports import connection_service
from salesforce_imports.models import OAuthState, SalesforceConnection

from .conftest import approve_at_salesforce, callback

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TABLE = "salesforce_imports_oauthstate"


def _start(profile) -> str:
    """Start a Connect as the admin and return the state sent to Salesforce. No context is
    set here: start_connect acts in the admin's org itself (the bench calls it so)."""
    started = connection_service.start_connect(profile)
    return parse_qs(urlsplit(started.auth_url).query)["state"][0]


def _visible(sql="SELECT state_hash, org_id::text FROM " + TABLE, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _as_callback(state_hash, sql, params=()):
    """Run one statement as the callback does: the hash set for this transaction only."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('app.oauth_state_hash', %s, true)", [state_hash])
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else cursor.rowcount


@pytest.fixture
def pending(admin_profile, other_admin_profile):
    """Two Connects started by Acme's admin and one by Globex's."""
    return {
        "mine": _start(admin_profile),
        "mine_too": _start(admin_profile),
        "theirs": _start(other_admin_profile),
    }


def test_without_an_org_or_a_state_nothing_is_visible(pending):
    assert _visible() == []
    assert OAuthState.objects.count() == 0


def test_each_org_sees_only_its_own_pending_connects(pending, admin_profile, other_admin_profile):
    with org_context(admin_profile.org_id):
        mine = _visible()
    with org_context(other_admin_profile.org_id):
        theirs = _visible()
    assert sorted(h for h, _ in mine) == sorted(OAuthState.hash(pending[k]) for k in ("mine", "mine_too"))
    assert {org for _, org in mine} == {str(admin_profile.org_id)}
    assert theirs == [(OAuthState.hash(pending["theirs"]), str(other_admin_profile.org_id))]


def test_the_callback_sees_exactly_the_row_whose_hash_it_presents(pending, admin_profile):
    presented = OAuthState.hash(pending["mine"])
    rows = _as_callback(presented, f"SELECT state_hash, org_id::text FROM {TABLE}")
    # Not the same org's other Connect, not another org's.
    assert rows == [(presented, str(admin_profile.org_id))]
    # The setting was the transaction's only: afterwards the row is hidden again.
    assert _visible() == []
    assert _visible("SELECT current_setting('app.oauth_state_hash', true)") in ([("",)], [(None,)])


@pytest.mark.parametrize(
    "presented",
    [
        "",
        "0" * 64,
        "forged",
        "%",  # not a pattern: the policy compares for equality
    ],
)
def test_a_wrong_state_hash_sees_and_claims_nothing(pending, presented):
    assert _as_callback(presented, f"SELECT state_hash FROM {TABLE}") == []
    assert _as_callback(presented, f"UPDATE {TABLE} SET used_at = now()") == 0


def test_the_raw_state_instead_of_its_hash_sees_nothing(pending):
    assert _as_callback(pending["mine"], f"SELECT state_hash FROM {TABLE}") == []


def test_an_expired_state_is_hidden_even_with_its_hash(pending, admin_profile):
    with org_context(admin_profile.org_id):
        OAuthState.objects.filter(state_hash=OAuthState.hash(pending["mine"])).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
    presented = OAuthState.hash(pending["mine"])
    assert _as_callback(presented, f"SELECT state_hash FROM {TABLE}") == []
    assert _as_callback(presented, f"UPDATE {TABLE} SET used_at = now()") == 0
    assert connection_service._consume_state(pending["mine"]) is None
    # The unexpired one beside it still works.
    assert connection_service._consume_state(pending["mine_too"]).org_id == admin_profile.org_id


def test_the_callback_can_claim_its_row_but_not_rename_delete_or_add_rows(pending, admin_profile):
    presented = OAuthState.hash(pending["mine"])
    assert _as_callback(presented, f"UPDATE {TABLE} SET used_at = now()") == 1
    assert _as_callback(presented, f"DELETE FROM {TABLE}") == 0  # no delete policy for it
    with pytest.raises(ProgrammingError, match="row-level security"):
        # Turning its row into another state would let it be presented again.
        _as_callback(presented, f"UPDATE {TABLE} SET state_hash = %s", ["f" * 64])
    with pytest.raises(ProgrammingError, match="row-level security"):
        _as_callback(
            presented,
            f"INSERT INTO {TABLE} (state_hash, binding_hash, code_verifier, org_id, profile_id,"
            " created_at, expires_at) VALUES (%s, '', '', %s, %s, now(), now() + interval '1 hour')",
            ["e" * 64, str(admin_profile.org_id), str(admin_profile.pk)],
        )
    with org_context(admin_profile.org_id):
        assert OAuthState.objects.count() == 2  # both of Acme's rows, nothing added or lost


def test_consuming_a_state_finds_its_org_once(pending, admin_profile, other_admin_profile):
    assert connection_service._consume_state(pending["theirs"]).org_id == other_admin_profile.org_id
    assert connection_service._consume_state(pending["theirs"]) is None  # single use
    assert connection_service._consume_state(secrets.token_urlsafe(32)) is None
    with org_context(admin_profile.org_id):
        assert not OAuthState.objects.filter(used_at__isnull=False).exists()  # Acme's untouched


def test_the_whole_connect_flow_works_from_a_browser_with_no_org(sandbox, admin_api, admin_profile):
    """The API client authenticates by JWT, so the callback request carries no session and no
    org: only the state-hash policy can find the pending Connect."""
    response = admin_api.post("/api/salesforce/connect/")
    query = approve_at_salesforce(response.json()["auth_url"])
    browser = Client()  # the admin's browser: the binding cookie and nothing else
    cookie = connection_service.BINDING_COOKIE
    browser.cookies[cookie] = response.cookies[cookie].value
    assert callback(browser, query)["Location"] == "/settings/salesforce?result=connected"
    with org_context(admin_profile.org_id):
        assert SalesforceConnection.objects.get().connected_by_id == admin_profile.pk
        assert OAuthState.objects.get().used_at is not None
    assert _visible() == []
