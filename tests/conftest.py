import os
import shutil
import socket

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from common.api import tokens_for
from common.models import Org, Role
from common.services import ensure_member
from sfsandbox.testing import running_sandbox


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _missing_services() -> dict[str, str]:
    """marker -> why its tests cannot run here."""
    missing = {}
    if not getattr(settings, "USE_POSTGRES", False):
        missing["postgres"] = "PostgreSQL at 127.0.0.1:5432 does not answer (ran on SQLite)"
    if not _redis_answers():
        missing["redis"] = "Redis at 127.0.0.1:6379 does not answer"
    if not _chromium():
        missing["browser"] = "Debian's Chromium is not installed (apt-get install chromium)"
    return missing


MISSING = {}


def pytest_collection_modifyitems(config, items):
    MISSING.update(_missing_services())
    if MISSING and os.environ.get("CI", "").lower() == "true":
        raise pytest.UsageError("CI=true but required services are missing: " + "; ".join(MISSING.values()))
    for item in items:
        for marker, reason in MISSING.items():
            if marker in item.keywords:
                item.add_marker(pytest.mark.skip(reason=reason))


def pytest_terminal_summary(terminalreporter):
    for reason in MISSING.values():
        terminalreporter.write_sep("!", f"SKIPPED tests: {reason}", red=True)


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


@pytest.fixture
def sandbox_factory(settings):
    """Start a sandbox Salesforce org and point the app's settings at it."""
    started = []

    def start(**options):
        context = running_sandbox(**options)
        handle = context.__enter__()
        started.append(context)
        settings.SALESFORCE_LOGIN_URL = handle.url
        settings.SALESFORCE_CLIENT_ID = handle.client_id
        settings.SALESFORCE_CLIENT_SECRET = handle.client_secret
        return handle

    yield start
    for context in reversed(started):
        context.__exit__(None, None, None)
