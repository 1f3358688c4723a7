"""The owner mapping (NOTES 8.1) through its API and the import page: who owns what each
Salesforce user or queue owned, an admin's overrides and fallback, and `apply/`."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from kombu.exceptions import OperationalError

from accounts.models import Account
from common.models import Role
from common.rls import org_context
from contacts.models import Contact
from salesforce_imports.models import ImportedRecord, ImportPreferences, SalesforceUser
from salesforce_imports.tasks import apply_owner_mapping_task

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/api/salesforce/owner-mapping/"
ALICE, BOB, CAROL, QUEUE = (
    "005000000000001AAA",
    "005000000000002AAA",
    "005000000000003AAA",
    "00G000000000001AAA",
)


@pytest.fixture
def acme(make_member, admin_profile):
    """Acme's admin, two more members, and the Salesforce users and queue an import read."""
    alice = make_member("Acme", email="alice.smith@acme.test", role=Role.USER)
    bob = make_member("Acme", email="bob@acme.test", role=Role.USER)
    with org_context(admin_profile.org_id):
        for sf_id, kind, name, email, active in [
            (ALICE, "User", "Alice Smith", "Alice.Smith@ACME.test", True),  # case differs
            (BOB, "User", "Bob Jones", "bob.jones@elsewhere.test", True),  # nobody has this email
            (CAROL, "User", "Carol Old", "carol@acme.test", False),
            (QUEUE, "Queue", "Support Queue", "support@acme.test", True),
        ]:
            SalesforceUser.objects.create(
                org_id=admin_profile.org_id,
                salesforce_id=sf_id,
                kind=kind,
                name=name,
                email=email,
                is_active=active,
            )
    return {"admin": admin_profile, "alice": alice, "bob": bob}


def users_by_id(body):
    return {u["salesforce_id"]: u for u in body["users"]}


def put(api, body):
    return api.put(URL, body, format="json")


def test_get_shape_for_admin_and_member(acme, api_for):
    for profile in (acme["admin"], acme["alice"]):
        response = api_for(profile).get(URL)
        assert response.status_code == 200
        body = response.json()
        assert set(body) == {"users", "fallback", "members"}
        assert body["fallback"] is None
        users = users_by_id(body)
        assert set(users) == {ALICE, BOB, CAROL, QUEUE}
        for user in body["users"]:
            assert {"salesforce_id", "name", "email", "is_active", "member", "matched_by", "kind"} <= set(
                user
            )
        # Matched by email regardless of case; nobody has Bob's email; a queue is never matched by email.
        assert users[ALICE]["member"] == str(acme["alice"].pk) and users[ALICE]["matched_by"] == "email"
        assert users[BOB]["member"] is None and users[BOB]["matched_by"] is None
        assert users[CAROL]["is_active"] is False
        assert users[QUEUE]["kind"] == "Queue" and users[QUEUE]["member"] is None
        members = {m["email"]: m for m in body["members"]}
        assert set(members) == {"admin@acme.test", "alice.smith@acme.test", "bob@acme.test"}
        assert members["bob@acme.test"] == {
            "id": str(acme["bob"].pk),
            "email": "bob@acme.test",
            "name": "bob@acme.test",
        }


def test_override_then_null_goes_back_to_email(acme, admin_api):
    alice, bob = str(acme["alice"].pk), str(acme["bob"].pk)
    response = put(admin_api, {"overrides": {BOB: bob, ALICE: bob}})
    assert response.status_code == 200, response.content
    users = users_by_id(response.json())
    assert users[BOB]["member"] == bob and users[BOB]["matched_by"] == "admin"
    assert users[ALICE]["member"] == bob and users[ALICE]["matched_by"] == "admin"  # an admin's choice wins

    response = put(admin_api, {"overrides": {ALICE: None}})
    assert response.status_code == 200
    users = users_by_id(response.json())
    assert users[ALICE]["member"] == alice and users[ALICE]["matched_by"] == "email"
    assert users[BOB]["matched_by"] == "admin"  # the other override is untouched
    assert users_by_id(admin_api.get(URL).json()) == users  # and it was stored


def test_fallback_applies_to_unmatched_users_and_queues(acme, admin_api):
    bob = str(acme["bob"].pk)
    response = put(admin_api, {"fallback": bob})
    assert response.status_code == 200
    body = response.json()
    assert body["fallback"] == bob
    users = users_by_id(body)
    for sf_id in (BOB, CAROL, QUEUE):
        assert users[sf_id]["member"] == bob and users[sf_id]["matched_by"] == "fallback", sf_id
    assert users[ALICE]["matched_by"] == "email"  # a match by email is not replaced by the fallback
    # Omitting "fallback" leaves it; null clears it.
    assert put(admin_api, {"overrides": {}}).json()["fallback"] == bob
    cleared = put(admin_api, {"fallback": None}).json()
    assert cleared["fallback"] is None and users_by_id(cleared)[QUEUE]["member"] is None


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (["not", "an", "object"], "must be an object"),
        ("overrides", "must be an object"),
        ({"overrides": ["005000000000002AAA"]}, "overrides must be an object"),
        ({"overrides": {BOB: 12}}, "a string"),
        ({"overrides": {BOB: ["a"]}}, "a string"),
        ({"fallback": 3}, "a string"),
        ({"fallbak": None}, "Unknown key"),  # a typo is refused rather than ignored
        ({"overrides": {"005999999999999AAA": None}}, "Unknown Salesforce user"),
        ({"overrides": {BOB: "not-a-uuid"}}, "not a member"),
    ],
)
def test_put_rejects_malformed_bodies(acme, admin_api, body, says):
    response = put(admin_api, body)
    assert response.status_code == 400, response.content
    assert says in response.json()["detail"]
    with org_context(acme["admin"].org_id):
        assert not SalesforceUser.objects.filter(overridden=True).exists()


def test_put_rejects_another_orgs_member(acme, admin_api, other_admin_profile):
    for body in (
        {"overrides": {BOB: str(other_admin_profile.pk)}},
        {"fallback": str(other_admin_profile.pk)},
    ):
        response = put(admin_api, body)
        assert response.status_code == 400
        assert "not a member" in response.json()["detail"]
    with org_context(acme["admin"].org_id):
        assert not SalesforceUser.objects.filter(overridden=True).exists()
        assert ImportPreferences.objects.filter(owner_fallback__isnull=False).count() == 0


def test_members_cannot_change_or_apply(acme, api_for):
    member = api_for(acme["alice"])
    assert put(member, {"fallback": str(acme["alice"].pk)}).status_code == 403
    assert member.post(f"{URL}apply/").status_code == 403
    assert users_by_id(member.get(URL).json())[BOB]["member"] is None


def test_another_org_sees_none_of_these_users(acme, api_for, other_admin_profile):
    other = api_for(other_admin_profile)
    body = other.get(URL).json()
    assert body["users"] == []
    assert [m["email"] for m in body["members"]] == [other_admin_profile.user.email]
    # ... and cannot map them: to Globex they do not exist.
    response = put(other, {"overrides": {ALICE: str(other_admin_profile.pk)}})
    assert response.status_code == 400 and "Unknown Salesforce user" in response.json()["detail"]
    with org_context(acme["admin"].org_id):
        assert not SalesforceUser.objects.filter(overridden=True).exists()


def imported(org_id, record, sf_id, owner_sf_id, outcome=ImportedRecord.Outcome.IMPORTED):
    ImportedRecord.objects.create(
        org_id=org_id,
        salesforce_id=sf_id,
        salesforce_object_type=type(record).__name__,
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        outcome=outcome,
        salesforce_owner_id=owner_sf_id,
    )


def test_apply_gives_owners_only_to_imported_records_without_one(acme, admin_api):
    org_id, bob = acme["admin"].org_id, acme["bob"]
    with org_context(org_id):
        mk = lambda name, **kw: Account.objects.create(org_id=org_id, name=name, **kw)  # noqa: E731
        bobs_account = mk("Bob's account")
        bobs_owned_account = mk("Already owned", owner=acme["alice"])
        bobs_matched_account = mk("Was in the CRM before")  # matched: the import never wrote it
        queue_account = mk("Queue's account")
        bobs_contact = Contact.objects.create(org_id=org_id, last_name="Bob's contact")
        imported(org_id, bobs_account, "001000000000001AAA", BOB)
        imported(org_id, bobs_owned_account, "001000000000002AAA", BOB)
        imported(org_id, bobs_matched_account, "001000000000003AAA", BOB, ImportedRecord.Outcome.MATCHED)
        imported(org_id, queue_account, "001000000000004AAA", QUEUE)
        imported(org_id, bobs_contact, "003000000000001AAA", BOB)
        assert apply_owner_mapping_task.run(str(org_id)) == 0  # Bob maps to nobody yet

    assert put(admin_api, {"overrides": {BOB: str(bob.pk)}}).status_code == 200
    with org_context(org_id):
        assert apply_owner_mapping_task.run(str(org_id)) == 2
        owner = lambda model, pk: model.objects.get(pk=pk).owner_id  # noqa: E731
        assert owner(Account, bobs_account.pk) == bob.pk
        assert owner(Contact, bobs_contact.pk) == bob.pk
        assert owner(Account, bobs_owned_account.pk) == acme["alice"].pk  # kept
        assert owner(Account, bobs_matched_account.pk) is None  # matched records are the CRM's own
        assert owner(Account, queue_account.pk) is None  # the queue still maps to nobody
        assert apply_owner_mapping_task.run(str(org_id)) == 0  # nothing left to give


def test_apply_endpoint_queues_the_task(acme, admin_api, monkeypatch):
    sent = []
    monkeypatch.setattr(apply_owner_mapping_task, "delay", lambda org_id: sent.append(org_id))
    response = admin_api.post(f"{URL}apply/")
    assert response.status_code == 202 and response.json()["detail"]
    assert sent == [str(acme["admin"].org_id)]


def test_apply_endpoint_says_so_when_the_broker_is_down(acme, admin_api, monkeypatch):
    def unreachable(org_id):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(apply_owner_mapping_task, "delay", unreachable)
    response = admin_api.post(f"{URL}apply/")
    assert response.status_code == 503
    assert "broker" in response.json()["detail"]


# The import page's Owners section.


def page_client(profile, **kwargs):
    client = Client(**kwargs)
    client.force_login(profile.user)
    return client


def test_import_page_without_users_says_they_come_with_the_first_import(admin_profile):
    page = page_client(admin_profile).get("/settings/salesforce/import").content.decode()
    assert 'id="owners"' in page
    assert "appear here after the first import" in page


def test_import_page_shows_the_owners_table_and_saves_an_override(acme, admin_api):
    admin = page_client(acme["admin"])
    page = admin.get("/settings/salesforce/import").content.decode()
    assert "Support Queue" in page and "Alice.Smith@ACME.test" in page
    assert "matched by email" in page and "not mapped" in page
    assert f'name="owner-{BOB}"' in page and 'name="fallback"' in page
    assert "Apply to records imported without owner" in page

    bob = str(acme["bob"].pk)
    form = {f"owner-{sf_id}": "" for sf_id in (ALICE, BOB, CAROL, QUEUE)} | {
        f"owner-{BOB}": bob,
        "fallback": "",
    }
    response = admin.post("/settings/salesforce/import/owners", form)
    assert response.status_code == 302 and response["Location"].endswith("/settings/salesforce/import#owners")
    with org_context(acme["admin"].org_id):
        stored = {u.salesforce_id: u for u in SalesforceUser.objects.all()}
    assert stored[BOB].overridden and str(stored[BOB].member_id) == bob
    assert not stored[ALICE].overridden  # left on "match by email"
    page = admin.get("/settings/salesforce/import").content.decode()
    assert "Owner mapping saved" in page and "chosen by admin" in page

    # The fallback through the page, and back to email for Bob.
    response = admin.post("/settings/salesforce/import/owners", {f"owner-{BOB}": "", "fallback": bob})
    assert response.status_code == 302
    users = users_by_id(admin_api.get(URL).json())  # read back through the API
    assert users[BOB]["matched_by"] == "fallback" and users[QUEUE]["member"] == bob


def test_import_page_refuses_a_bad_member_with_a_message(acme, other_admin_profile):
    admin = page_client(acme["admin"])
    response = admin.post(
        "/settings/salesforce/import/owners", {f"owner-{BOB}": str(other_admin_profile.pk)}, follow=True
    )
    assert "not a member of this org" in response.content.decode()
    with org_context(acme["admin"].org_id):
        assert not SalesforceUser.objects.filter(overridden=True).exists()


def test_import_page_owner_forms_need_csrf_and_an_admin(acme):
    strict = page_client(acme["admin"], enforce_csrf_checks=True)
    assert (
        strict.post("/settings/salesforce/import/owners", {f"owner-{BOB}": str(acme["bob"].pk)}).status_code
        == 403
    )
    assert strict.post("/settings/salesforce/import/owners/apply").status_code == 403

    member = page_client(acme["alice"])
    page = member.get("/settings/salesforce/import").content.decode()
    assert "Support Queue" in page  # members see the table...
    assert f'name="owner-{BOB}"' not in page and "Apply to records" not in page  # ...read-only
    assert (
        member.post("/settings/salesforce/import/owners", {f"owner-{BOB}": str(acme["bob"].pk)}).status_code
        == 403
    )
    assert member.post("/settings/salesforce/import/owners/apply").status_code == 403
    with org_context(acme["admin"].org_id):
        assert not SalesforceUser.objects.filter(overridden=True).exists()


def test_import_page_apply_button_queues_the_task(acme, monkeypatch):
    sent = []
    monkeypatch.setattr(apply_owner_mapping_task, "delay", lambda org_id: sent.append(org_id))
    response = page_client(acme["admin"]).post("/settings/salesforce/import/owners/apply", follow=True)
    assert sent == [str(acme["admin"].org_id)]
    assert "in the background" in response.content.decode()
