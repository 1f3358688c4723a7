import pytest
from django.conf import settings
from rest_framework.test import APIClient

from common.api import tokens_for
from common.models import Org, Role
from common.services import ensure_member


def pytest_collection_modifyitems(config, items):
    if getattr(settings, "USE_POSTGRES", False):
        return
    skip = pytest.mark.skip(reason="PostgreSQL at 127.0.0.1:5432 does not answer")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter):
    if not getattr(settings, "USE_POSTGRES", False):
        terminalreporter.write_sep(
            "!", "PostgreSQL not reachable: ran on SQLite, row-level security tests SKIPPED", red=True
        )


@pytest.fixture
def make_member(db):
    def make(org_name="Acme", email=None, role=Role.ADMIN, password="pass-12345"):
        org, _ = Org.objects.get_or_create(name=org_name)
        email = email or f"{role.lower()}@{org_name.lower().replace(' ', '-')}.test"
        return ensure_member(org, email, password, role)

    return make


@pytest.fixture
def admin_profile(make_member):
    return make_member("Acme", role=Role.ADMIN)


@pytest.fixture
def other_admin_profile(make_member):
    return make_member("Globex", role=Role.ADMIN)


@pytest.fixture
def api_for():
    def client_for(profile):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_for(profile)['access']}")
        return client

    return client_for


@pytest.fixture
def admin_api(api_for, admin_profile):
    return api_for(admin_profile)
