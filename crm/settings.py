"""Settings, all from environment variables (README lists every one)."""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise environ.ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-secret-key-change-me"  # noqa: S105 - DEBUG only
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Transport security (README "Production"). With DEBUG off the defaults are production's:
# https only, HSTS for a year, cookies never sent over plain http. `make run` (DEBUG on,
# plain http on localhost) gets them off, as it must; each can be set either way.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
# Off unless asked: once a domain is on the browsers' preload list it is hard to leave.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
# Behind a proxy that ends TLS: the header it sets, e.g. `X-Forwarded-Proto` (its value
# must be `https`). Opt-in only: trusting a header a client could send would let any
# request claim to be https.
_proxy_ssl_header = env.str("SECURE_PROXY_SSL_HEADER", default="")
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https") if _proxy_ssl_header else None
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "django_htmx",
    "common",
    "accounts",
    "contacts",
    "opportunity",
    "invoices",
    "orders",
    "leads",
    "cases",
    "activities",
    "salesforce_imports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "common.middleware.OrgContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Content-Security-Policy on every response (CONTENT_SECURITY_POLICY below).
    "common.middleware.SalesforceAwareCSPMiddleware",
]

# Content-Security-Policy (django-csp): the pages load scripts, styles, images and fonts
# from this origin only; nothing inline (htmx's own indicator style is turned off in
# base.html and lives in app.css), no plugins, no framing, forms post only here (and to the
# Salesforce login origin, whose consent page Connect redirects to: see the middleware).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

ROOT_URLCONF = "crm.urls"
WSGI_APPLICATION = "crm.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "common.context_processors.current_org",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'crm.sqlite3'}"),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
# A persistent connection is checked before its first use in each request or task, so one
# that a database restart or failover killed is replaced instead of failing that request.
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", env.bool("CONN_HEALTH_CHECKS", default=True))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer at all (a failover that moved its address, packets
    # dropped) fails a connection attempt after this long instead of hanging the worker.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=10)
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the worker writes a batch.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "timeout": 30}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "common.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "common.authentication.OrgJWTAuthentication",
        "common.authentication.OrgSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["common.permissions.IsOrgMember"],
    "DEFAULT_RENDERER_CLASSES": [
        "common.exact_json.ExactJSONRenderer",  # custom-field numbers keep every digit
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "common.parsers.TextSafeJSONParser",  # a NUL or lone surrogate is a 400, not a 500
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "common.pagination.StrictPageNumberPagination",
    "PAGE_SIZE": 50,
    # Documents the 400/401/403/404 answers every view can give (common/schema.py).
    "DEFAULT_SCHEMA_CLASS": "common.schema.OrgAutoSchema",
    "EXCEPTION_HANDLER": "common.exceptions.json_exception_handler",
    # `?format=csv` on the problems list is ours, not DRF's renderer override.
    "URL_FORMAT_OVERRIDE": None,
}
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=30)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=7)),
    "USER_ID_FIELD": "id",
    "SIGNING_KEY": SECRET_KEY,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CRM API",
    "DESCRIPTION": "Multi-tenant CRM with Salesforce import",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,  # the schema endpoint is not part of the API it describes
    # Request bodies get their own components, with what the serializer really demands
    # (a required string is minLength 1: blank is a 400).
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set that several serializers share (else "Status317Enum").
    "ENUM_NAME_OVERRIDES": {
        "ImportJobStatusEnum": "salesforce_imports.models.JobStatus",
        "ImportModeEnum": "salesforce_imports.models.JobMode",
    },
}

# Celery: Redis in production; with no broker configured, kombu's filesystem transport
# gives an embedded broker that needs no daemon (worker and web are separate processes).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery"
    for _sub in ("queue", "processed", "control"):
        (_queue_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "queue"),
        "data_folder_out": str(_queue_dir / "queue"),
        "processed_folder": str(_queue_dir / "processed"),
        "control_folder": str(_queue_dir / "control"),  # not the working directory
        "store_processed": False,
    }
else:
    # Redis hands an unacknowledged message to another worker after this long. Imports
    # acknowledge theirs when they start (their recovery is the sweep, see
    # IMPORT_JOB_LEASE_SECONDS), so nothing that runs for long is ever unacked, and a
    # message a dead worker had reserved comes back in minutes rather than Redis's hour.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=300),
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis: a worker reserves only the tasks it can start now, so a worker busy with one
# org's import never sits on another org's queued job while a peer is idle.
CELERY_WORKER_DISABLE_PREFETCH = True
CELERY_TASK_IGNORE_RESULT = True
# Only the chunks of a scaled-out import (IMPORT_PARALLELISM) keep results: a chord fires
# its body once every member has reported, through the result backend. Redis when the
# broker is Redis (the same database), else files beside the embedded broker's.
if CELERY_BROKER_URL.startswith("redis"):
    CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL)
else:
    _results_dir = VAR_DIR / "celery" / "results"
    _results_dir.mkdir(parents=True, exist_ok=True)
    CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=f"file://{_results_dir}")
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker that loses the broker lets its running tasks finish (Celery 6 would cancel the
# late-acknowledged ones): imports and undos acknowledge at start and need no broker to end.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False

# Salesforce connection (see README "Connect a real Salesforce org").
TOKEN_ENCRYPTION_KEYS = env.list("TOKEN_ENCRYPTION_KEYS", default=[])
SALESFORCE_CLIENT_ID = env.str("SALESFORCE_CLIENT_ID", default="")
SALESFORCE_CLIENT_SECRET = env.str("SALESFORCE_CLIENT_SECRET", default="")
SALESFORCE_LOGIN_URL = env.str("SALESFORCE_LOGIN_URL", default="https://login.salesforce.com")
SALESFORCE_REDIRECT_URI = env.str(
    "SALESFORCE_REDIRECT_URI", default="http://localhost:8000/api/salesforce/callback/"
)
SALESFORCE_API_VERSION = env.str("SALESFORCE_API_VERSION", default="62.0")
# Access tokens older than this are refreshed before use (Salesforce's default session
# timeout is 2 hours; refreshing a little earlier avoids a failed call).
SALESFORCE_SESSION_SECONDS = env.int("SALESFORCE_SESSION_SECONDS", default=6600)
SALESFORCE_BATCH_SIZE = env.int("SALESFORCE_BATCH_SIZE", default=2000)
SALESFORCE_HTTP_TIMEOUT = env.float("SALESFORCE_HTTP_TIMEOUT", default=60.0)
# Lightning note bodies come one per call: this many calls at once. Against a real org each
# call waits a round trip (~150 ms): 8 at once fetched 53 notes/s, 16 about twice that.
# Salesforce caps requests longer than 20 s at 25 per org; body calls are short.
SALESFORCE_NOTE_BODY_CONCURRENCY = env.int("SALESFORCE_NOTE_BODY_CONCURRENCY", default=16)
# Lightning note bodies are read ahead from the job's start only when Salesforce's quickest
# answer so far took at least this long (engine/sources.py says why).
SALESFORCE_NOTES_AHEAD_MIN_SECONDS = env.float("SALESFORCE_NOTES_AHEAD_MIN_SECONDS", default=0.05)
# Bulk API 2.0 for an object with more records than this (REST below it, and as the fallback
# when Bulk refuses the query or its job fails); 0 turns Bulk off. See README "Bulk API 2.0".
SALESFORCE_BULK_THRESHOLD = env.int("SALESFORCE_BULK_THRESHOLD", default=10000) or None
SALESFORCE_BULK_DOWNLOADS = env.int("SALESFORCE_BULK_DOWNLOADS", default=2)  # result pages at once
SALESFORCE_BULK_PAGE_RECORDS = env.int("SALESFORCE_BULK_PAGE_RECORDS", default=10000)  # maxRecords
SALESFORCE_BULK_POLL_SECONDS = env.float("SALESFORCE_BULK_POLL_SECONDS", default=1.0)  # first poll wait
SALESFORCE_BULK_TIMEOUT_SECONDS = env.int("SALESFORCE_BULK_TIMEOUT_SECONDS", default=3600)
# Transient failures (5xx, connection errors, concurrency limits): bounded tries with
# exponential backoff and full jitter.
SALESFORCE_MAX_ATTEMPTS = env.int("SALESFORCE_MAX_ATTEMPTS", default=6)
SALESFORCE_RETRY_BASE_SECONDS = env.float("SALESFORCE_RETRY_BASE_SECONDS", default=1.0)
SALESFORCE_RETRY_MAX_SECONDS = env.float("SALESFORCE_RETRY_MAX_SECONDS", default=60.0)
# Share of the org's DailyApiRequests an import leaves to the company's other integrations (budget.py).
SALESFORCE_API_RESERVE_PERCENT = env.int("SALESFORCE_API_RESERVE_PERCENT", default=20)
# A running import's heartbeat thread reports this often, whatever the import is doing (a
# slow Salesforce call is not death). A job silent for IMPORT_JOB_LEASE_SECONDS is queued
# again by the sweep that every worker runs each IMPORT_SWEEP_SECONDS and taken over: a dead
# runner is noticed within lease + sweep (90 s by default). The lease is six heartbeats, so
# a busy database or a paused VM does not look like death.
IMPORT_HEARTBEAT_SECONDS = env.float("IMPORT_HEARTBEAT_SECONDS", default=10.0)
IMPORT_JOB_LEASE_SECONDS = env.int("IMPORT_JOB_LEASE_SECONDS", default=60)
IMPORT_SWEEP_SECONDS = env.float("IMPORT_SWEEP_SECONDS", default=30.0)
# A re-import asks for records changed since the last completed import of their type, minus
# this margin (clock skew between Salesforce and us, records changed while it ran).
IMPORT_DELTA_MARGIN_SECONDS = env.int("IMPORT_DELTA_MARGIN_SECONDS", default=300)
# An import whose database connection was lost is run again from its cursor this many
# times, 1, 2, 4, 8, 16 then 30 s apart (about three minutes for 10), then fails (tasks.py).
IMPORT_DATABASE_RETRIES = env.int("IMPORT_DATABASE_RETRIES", default=10)
# Scale-out (PostgreSQL only, not previews or delta re-imports): an object type with more
# than IMPORT_CHUNK_MIN_RECORDS records is split into IMPORT_PARALLELISM Id ranges that
# several workers import at once (engine/chunks.py). 1 keeps every import in one runner.
IMPORT_PARALLELISM = env.int("IMPORT_PARALLELISM", default=1)
IMPORT_CHUNK_MIN_RECORDS = env.int("IMPORT_CHUNK_MIN_RECORDS", default=20000)
if IMPORT_JOB_LEASE_SECONDS < 3 * IMPORT_HEARTBEAT_SECONDS:
    raise environ.ImproperlyConfigured(
        "IMPORT_JOB_LEASE_SECONDS must be at least three IMPORT_HEARTBEAT_SECONDS."
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
