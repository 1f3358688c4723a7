import uuid

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from common.models import Org, Profile, Role
from common.rls import org_context

pytestmark = pytest.mark.django_db


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip().splitlines()


def test_create_org_admin_is_idempotent_and_prints_org_id_last():
    first = run("create_org_admin", "--org", "Demo", "--email", "Admin@Demo.test", "--password", "pw-123456")
    second = run("create_org_admin", "--org", "Demo", "--email", "admin@demo.test", "--password", "pw-123456")
    org_id = uuid.UUID(first[-1])
    assert second[-1] == str(org_id)
    assert Org.objects.count() == 1
    with org_context(org_id):
        assert Profile.objects.get().role == Role.ADMIN


def test_add_org_member():
    org_id = run("create_org_admin", "--org", "Demo", "--email", "a@demo.test", "--password", "pw-123456")[-1]
    for _ in range(2):
        run(
            "add_org_member",
            "--org",
            org_id,
            "--email",
            "u@demo.test",
            "--password",
            "pw-123456",
            "--role",
            "USER",
        )
    with org_context(org_id):
        assert Profile.objects.filter(role=Role.USER).count() == 1


@pytest.mark.parametrize("bad", ["not-a-uuid", str(uuid.uuid4())])
def test_add_org_member_unknown_org(bad):
    with pytest.raises(CommandError, match="No org"):
        run("add_org_member", "--org", bad, "--email", "u@demo.test", "--password", "pw", "--role", "USER")


def test_pages_need_login():
    response = Client().get("/accounts/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_session_login_and_home_shows_org(admin_profile):
    client = Client()
    response = client.post("/login/", {"username": admin_profile.user.email, "password": "pass-12345"})
    assert response.status_code == 302
    home = client.get("/").content.decode()
    assert "Acme" in home and "/settings/salesforce" in home
    for path in ["/accounts/", "/contacts/", "/opportunities/", "/products/", "/estimates/", "/orders/"]:
        assert client.get(path).status_code == 200, path


def test_list_page_shows_only_own_org(admin_profile, other_admin_profile):
    from accounts.models import Account

    with org_context(other_admin_profile.org_id):
        Account.objects.create(org=other_admin_profile.org, name="Globex Secret")
    with org_context(admin_profile.org_id):
        Account.objects.create(org=admin_profile.org, name="Acme Visible")
    client = Client()
    client.force_login(admin_profile.user)
    page = client.get("/accounts/").content.decode()
    assert "Acme Visible" in page and "Globex Secret" not in page


def test_session_org_the_user_left_falls_back_to_another_membership(make_member):
    make_member("Acme", email="both@x.test")
    second = make_member("Globex", email="both@x.test", role=Role.USER)
    client = Client()
    client.force_login(second.user)  # the user as last saved (adding a membership resets the password)
    session = client.session
    session["org_id"] = str(second.org_id)
    session.save()
    assert "Globex" in client.get("/").content.decode()
    with org_context(second.org_id):
        Profile.objects.filter(pk=second.pk).update(is_active=False)
    page = client.get("/").content.decode()
    assert "<h1>Acme</h1>" in page  # not "No org"
