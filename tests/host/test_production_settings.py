"""`manage.py check --deploy` with DEBUG off and README's production variables: no issue.
And the same settings give https-only answers: redirect, HSTS, secure cookies, a strict CSP."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# README "Production": what an operator sets (values made up, shapes real).
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "crm.settings",
    "DEBUG": "0",
    "SECRET_KEY": "k3y-for-the-deploy-check-" + "x7Qp2Lm9Vz4Rt8Wn1Bc6Hd0Fj5Gs3Ky" * 2,
    "ALLOWED_HOSTS": "crm.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://crm.example.com",
    "DATABASE_URL": "postgres://crm_app:secret@db.internal:5432/crm",
    "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
    "TOKEN_ENCRYPTION_KEYS": "1cVYN2m_-1Q3ragaNaCXKRB0tbrEjj9ZnqLwFKQRup0=",
    "SALESFORCE_CLIENT_ID": "consumer-key",
    "SALESFORCE_CLIENT_SECRET": "consumer-secret",
    "SALESFORCE_REDIRECT_URI": "https://crm.example.com/api/salesforce/callback/",
    "SECURE_HSTS_PRELOAD": "1",
    "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
}


def run_django(code_or_args, extra_env=None, *, script=False):
    # Nothing from the test run leaks in (its settings module, a .env's DEBUG...).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CRM_"))}
    env.update(PRODUCTION_ENV, **(extra_env or {}))
    args = [sys.executable, "-c", code_or_args] if script else [sys.executable, "manage.py", *code_or_args]
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_with_the_production_environment():
    result = run_django(["check", "--deploy", "--fail-level", "DEBUG"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout, result.stdout + result.stderr


def test_check_deploy_names_each_relaxed_setting():
    """The check is not clean by accident: switching a protection off is reported."""
    relaxed = {
        "SECURE_HSTS_SECONDS": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
    }
    result = run_django(["check", "--deploy"], relaxed)
    for code in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert code in result.stderr + result.stdout, code


PROBE = """
import json
import django
django.setup()
from django.conf import settings
from django.test import Client
client = Client(HTTP_HOST="crm.example.com")
plain = client.get("/login/")
proxied = client.get("/login/", headers={"X-Forwarded-Proto": "https"})
print(json.dumps({
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location"),
    "status": proxied.status_code,
    "hsts": proxied.headers.get("Strict-Transport-Security"),
    "csp": proxied.headers.get("Content-Security-Policy"),
    "cookies": {name: dict(morsel) for name, morsel in proxied.cookies.items()},
    "frame": proxied.headers.get("X-Frame-Options"),
}))
"""


@pytest.fixture(scope="module")
def production_answers():
    result = run_django(PROBE, {"DATABASE_URL": "sqlite://:memory:"}, script=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_plain_http_is_redirected_to_https(production_answers):
    assert production_answers["plain_status"] == 301
    assert production_answers["plain_location"] == "https://crm.example.com/login/"


def test_https_behind_the_proxy_gets_hsts_and_secure_cookies(production_answers):
    assert production_answers["status"] == 200
    assert production_answers["hsts"] == "max-age=31536000; includeSubDomains; preload"
    csrf = production_answers["cookies"]["csrftoken"]
    assert csrf["secure"] is True and csrf["samesite"] == "Lax"
    assert production_answers["frame"] == "DENY"


def test_pages_carry_the_strict_policy_in_production(production_answers):
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in production_answers["csp"].split("; ") if part
    )
    assert directives["default-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["form-action"] == [
        "'self'",
        "https://login.salesforce.com",
        "https://*.salesforce.com",  # My Domain and SSO hops of Connect's redirect
        "https://*.force.com",
    ]
