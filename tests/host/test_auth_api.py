import pytest
from rest_framework.test import APIClient

from accounts.models import Account
from common.models import Role
from common.rls import org_context

pytestmark = pytest.mark.django_db


def login(email, password, **extra):
    return APIClient().post(
        "/api/auth/login/", {"email": email, "password": password, **extra}, format="json"
    )


def test_login_returns_tokens_with_org_and_role(admin_profile):
    response = login(admin_profile.user.email, "pass-12345")
    assert response.status_code == 200, response.content
    from rest_framework_simplejwt.tokens import AccessToken

    access = AccessToken(response.json()["access"])
    assert access["org_id"] == str(admin_profile.org_id)
    assert access["role"] == Role.ADMIN


def test_wrong_password_is_401_json(admin_profile):
    response = login(admin_profile.user.email, "nope")
    assert response.status_code == 401
    assert response.json() == {"detail": "Wrong email or password."}


def test_user_in_two_orgs_must_choose(make_member):
    first = make_member("Acme", email="both@x.test")
    second = make_member("Globex", email="both@x.test", role=Role.USER)
    response = login("both@x.test", "pass-12345")
    assert response.status_code == 400
    assert {o["name"] for o in response.json()["orgs"]} == {"Acme", "Globex"}
    response = login("both@x.test", "pass-12345", org_id=str(second.org_id))
    assert response.status_code == 200
    assert first.org_id != second.org_id


def test_malformed_json_is_400(admin_profile):
    response = APIClient().post("/api/auth/login/", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


def test_refresh_keeps_org_claim(admin_profile):
    refresh = login(admin_profile.user.email, "pass-12345").json()["refresh"]
    response = APIClient().post("/api/auth/refresh/", {"refresh": refresh}, format="json")
    assert response.status_code == 200
    from rest_framework_simplejwt.tokens import AccessToken

    assert AccessToken(response.json()["access"])["org_id"] == str(admin_profile.org_id)


@pytest.mark.parametrize("token", ["garbage", "a.b.c"])
def test_forged_jwt_is_401(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get("/api/accounts/").status_code == 401


def test_jwt_signed_with_other_key_is_401(admin_profile):
    import jwt

    forged = jwt.encode(
        {
            "token_type": "access",
            "user_id": str(admin_profile.user_id),
            "org_id": str(admin_profile.org_id),
            "exp": 9999999999,
            "jti": "x",
        },
        "not-our-key-but-long-enough-for-hs256-signing",
        algorithm="HS256",
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {forged}")
    assert client.get("/api/accounts/").status_code == 401


def test_expired_jwt_is_401(admin_profile):
    from datetime import timedelta

    from rest_framework_simplejwt.tokens import AccessToken

    token = AccessToken.for_user(admin_profile.user)
    token["org_id"] = str(admin_profile.org_id)
    token.set_exp(lifetime=-timedelta(seconds=1))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get("/api/accounts/").status_code == 401


def test_unauthenticated_is_401():
    assert APIClient().get("/api/accounts/").status_code == 401


def test_removed_membership_invalidates_token(admin_api, admin_profile):
    with org_context(admin_profile.org_id):
        admin_profile.is_active = False
        admin_profile.save()
    assert admin_api.get("/api/accounts/").status_code == 401


def test_other_orgs_record_is_404_never_data(admin_api, other_admin_profile, api_for):
    with org_context(other_admin_profile.org_id):
        theirs = Account.objects.create(org=other_admin_profile.org, name="Secret Co")
    response = admin_api.get(f"/api/accounts/{theirs.pk}/")
    assert response.status_code == 404
    assert "Secret" not in response.content.decode()
    assert admin_api.get("/api/accounts/").json()["count"] == 0
    assert api_for(other_admin_profile).get(f"/api/accounts/{theirs.pk}/").status_code == 200


def test_unknown_api_path_is_json_404(admin_api):
    response = admin_api.get("/api/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(
    "path",
    [
        "/api/accounts/",
        "/api/contacts/",
        "/api/opportunities/",
        "/api/products/",
        "/api/estimates/",
        "/api/orders/",
    ],
)
def test_each_read_api_lists_paginated(admin_api, path):
    body = admin_api.get(path).json()
    assert set(body) >= {"count", "results", "next", "previous"}


def test_openapi_schema_is_served(admin_api):
    response = admin_api.get("/api/schema/")
    assert response.status_code == 200
