"""Settings for the test suite.

Tests run on the local PostgreSQL (127.0.0.1:5432, `postgres`, trust auth) when it
answers, as a dedicated role that is neither superuser nor BYPASSRLS, so row-level
security is really exercised. Where PostgreSQL does not answer the suite falls back to
SQLite and the PostgreSQL-only tests are skipped loudly; under CI=true a missing
PostgreSQL is an error instead.
"""

import os

import psycopg

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")

from .settings import *  # noqa: E402, F403
from .settings import VAR_DIR, env  # noqa: E402

APP_ROLE = "crm_app"
APP_PASSWORD = "crm_app"  # noqa: S105 - a local test role


def _prepare_postgres():
    try:
        with psycopg.connect(
            "host=127.0.0.1 port=5432 user=postgres dbname=postgres", connect_timeout=3, autocommit=True
        ) as conn:
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [APP_ROLE]).fetchone()
            verb = "ALTER" if exists else "CREATE"
            conn.execute(
                f"{verb} ROLE {APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS CREATEDB PASSWORD '{APP_PASSWORD}'"
            )
        return True
    except psycopg.OperationalError as exc:
        if env.bool("CI", default=False):
            raise RuntimeError(f"CI=true but PostgreSQL at 127.0.0.1:5432 does not answer: {exc}") from exc
        return False


USE_POSTGRES = os.environ.get("CRM_TEST_DB", "postgres") == "postgres" and _prepare_postgres()

if USE_POSTGRES:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "crm_tests",
            "USER": APP_ROLE,
            "PASSWORD": APP_PASSWORD,
            "HOST": "127.0.0.1",
            "PORT": "5432",
            "TEST": {"NAME": os.environ.get("CRM_TEST_DB_NAME", "test_crm")},
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "test.sqlite3"),
            "TEST": {"NAME": str(VAR_DIR / "test-db.sqlite3")},
        }
    }

DEBUG = False
# The suite serves plain http (test client, live server, Playwright): production's https
# redirect and secure-only cookies are off here (tests/host/test_production_settings.py
# checks them with DEBUG off).
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
SIMPLE_JWT = {**SIMPLE_JWT, "SIGNING_KEY": SECRET_KEY}  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only
CELERY_BROKER_URL = "memory://"
CELERY_TASK_ALWAYS_EAGER = False
TOKEN_ENCRYPTION_KEYS = ["1cVYN2m_-1Q3ragaNaCXKRB0tbrEjj9ZnqLwFKQRup0="]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
SALESFORCE_RETRY_BASE_SECONDS = 0.01
SALESFORCE_RETRY_MAX_SECONDS = 0.05
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
