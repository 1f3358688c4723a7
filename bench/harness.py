"""What the benchmarks share: the database, the sandbox org, the connect, the runs and the
two yardsticks (the source design's per-record loop and the COPY limit)."""

from __future__ import annotations

import contextlib
import io
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ROLE, PASSWORD, DATABASE = "crm_app", "crm_app", "crm_bench"
DATABASE_URL = f"postgres://{ROLE}:{PASSWORD}@127.0.0.1:5432/{DATABASE}"
BROKER_URL = "redis://127.0.0.1:6379/11"
FERNET_KEY = "1cVYN2m_-1Q3ragaNaCXKRB0tbrEjj9ZnqLwFKQRup0="


def prepare_database() -> None:
    from django.apps import apps

    if apps.ready:  # this process's connections to the database about to be dropped
        from django import db

        db.connections.close_all()
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [ROLE]).fetchone()
        verb = "ALTER" if exists else "CREATE"
        conn.execute(f"{verb} ROLE {ROLE} LOGIN NOSUPERUSER NOBYPASSRLS CREATEDB PASSWORD '{PASSWORD}'")
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DATABASE} OWNER {ROLE}")


def start_sandbox(records: int, seed: int, profile: str = "instant") -> tuple[subprocess.Popen, str]:
    """The sandbox org in its own process; `profile`: its costs (sfsandbox/README "Costs")."""
    command = [
        sys.executable,
        "-m",
        "sfsandbox",
        "--port",
        "0",
        "--records",
        str(records),
        "--seed",
        str(seed),
    ]
    if profile != "instant":
        command += ["--profile", profile]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = process.stderr.readline()
    match = re.search(r"http://127\.0\.0\.1:\d+", line)
    if not match:
        raise RuntimeError(f"sandbox did not start: {line}")
    return process, match.group(0)


def configure_django(sandbox_url: str) -> dict:
    env = {
        "DJANGO_SETTINGS_MODULE": "crm.settings",
        "DATABASE_URL": DATABASE_URL,
        "SECRET_KEY": "bench-secret-key-long-enough-for-hs256-signing",
        "CELERY_BROKER_URL": BROKER_URL,  # only the runs with worker processes use it
        "DEBUG": "0",
        # The bench's web server is plain http on loopback: no https redirect, no
        # secure-only cookies (production's defaults with DEBUG off).
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "TOKEN_ENCRYPTION_KEYS": FERNET_KEY,
        "SALESFORCE_LOGIN_URL": sandbox_url,
        "SALESFORCE_CLIENT_ID": "sfsandbox-client-id",
        "SALESFORCE_CLIENT_SECRET": "sfsandbox-client-secret",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    import django
    from django.apps import apps

    if apps.ready:  # a second profile in the same process: a new sandbox, a new database
        from django import db
        from django.conf import settings

        settings.SALESFORCE_LOGIN_URL = sandbox_url
        db.connections.close_all()
    else:
        django.setup()
    return env


def connect(profile) -> None:
    from salesforce_imports import connection_service

    started = connection_service.start_connect(profile)
    parts = urlsplit(started.auth_url)
    form = {k: v[0] for k, v in parse_qs(parts.query).items()} | {"decision": "allow"}
    location = requests.post(
        f"{parts.scheme}://{parts.netloc}{parts.path}", data=form, allow_redirects=False, timeout=30
    ).headers["Location"]
    query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    result = connection_service.complete_connect(
        state=query["state"], code=query["code"], error=None, browser_binding=started.browser_binding
    )
    assert result.ok, result


def run_import(env: dict, org_id, *extra: str, settings: dict | None = None) -> tuple[float, float]:
    """The import in a child process, as a worker runs it: (seconds, peak RSS in MB).
    `settings`: environment for that process only (SALESFORCE_BULK_THRESHOLD=0: REST only)."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "manage.py", "salesforce_import", "--org", str(org_id), "--inline", *extra],
        cwd=ROOT,
        env={**os.environ, **env, "TQDM_DISABLE": "1", **(settings or {})},
        stdout=subprocess.DEVNULL,
    )
    # The child's own high-water mark, read while it runs: wait4's ru_maxrss also counts what
    # the child shared with this process when it was forked (after the COPY-limit run this
    # process holds a whole import's rows, and every child then "peaked" at that size).
    peak = 0.0
    while child.poll() is None:
        with contextlib.suppress(OSError):
            peak = max(peak, _peak_rss_mb(child.pid))
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    if child.returncode != 0:
        raise RuntimeError(f"import exited with {child.returncode}")
    return seconds, peak


def latest_job(org_id):
    from common.rls import org_context
    from salesforce_imports.models import ImportJob

    with org_context(org_id):
        return ImportJob.objects.filter(org_id=org_id).order_by("-created_at").first()


def per_record_loop(profile, sample: int) -> float:
    """The source design's loop: check exists, create, create mapping, save progress."""
    from django.contrib.contenttypes.models import ContentType

    from accounts.models import Account
    from common.rls import org_context
    from salesforce_imports.client import SalesforceClient
    from salesforce_imports.mapping import mapping_for
    from salesforce_imports.models import ImportedRecord, ImportJob, SalesforceConnection

    mapping = mapping_for("Account")
    content_type = ContentType.objects.get_for_model(Account)
    with org_context(profile.org_id):
        client = SalesforceClient(SalesforceConnection.objects.get())
        fields = [f for f in mapping.soql_fields if f in client.readable_fields("Account")]
        soql = f"SELECT {', '.join(fields)} FROM Account WHERE IsDeleted = false ORDER BY Id"
        records = []
        for page in client.query_pages(soql):
            records.extend(page)
            if len(records) >= sample:
                break
        records = records[:sample]
        job = ImportJob.objects.create(org_id=profile.org_id, object_types=["Account"], status="COMPLETED")
        started = time.perf_counter()
        for record in records:
            if ImportedRecord.objects.filter(
                salesforce_object_type="Account", salesforce_id=record["Id"]
            ).exists():
                continue
            converted = mapping.convert(record)
            if not converted.ok:
                continue
            values = dict(converted.values, name=f"{converted.values['name'][:230]} {record['Id']}")
            account = Account.objects.create(org_id=profile.org_id, **values)
            ImportedRecord.objects.create(
                org_id=profile.org_id,
                salesforce_id=record["Id"],
                salesforce_object_type="Account",
                content_type=content_type,
                object_id=account.pk,
                import_job=job,
            )
            job.imported_count += 1
            job.save()
        return len(records) / (time.perf_counter() - started)


def copy_limit(org_id) -> tuple[int, float]:
    """COPY the import's own rows back into the same tables: (rows, seconds).

    As the superuser (COPY FROM is refused on tables with row-level security), in one
    transaction that is rolled back: the rows are read out and deleted, then COPYed back in
    dependency order with every index and foreign key checked immediately.
    """
    tables = [  # parents first
        "invoices_product",
        "invoices_productprice",
        "accounts_account",
        "contacts_contact",
        "opportunity_opportunity",
        "opportunity_opportunitylineitem",
        "leads_lead",
        "cases_case",
        "orders_order",
        "orders_orderlineitem",
        "invoices_estimate",
        "invoices_estimatelineitem",
        "activities_task",
        "activities_event",
        "activities_note",
        "salesforce_imports_importedrecord",
    ]
    rows, seconds, saved = 0, 0.0, {}
    with psycopg.connect(f"host=127.0.0.1 user=postgres dbname={DATABASE}") as conn:
        conn.execute("SET CONSTRAINTS ALL IMMEDIATE")
        columns = {}  # generated columns (common.models.ci_key) are computed by the COPY in
        for table in tables:
            names = conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                "AND is_generated = 'NEVER' ORDER BY ordinal_position",
                [table],
            ).fetchall()
            columns[table] = ", ".join(f'"{name}"' for (name,) in names)
        for table in reversed(tables):
            buffer = io.BytesIO()
            query = f"COPY (SELECT {columns[table]} FROM {table} WHERE org_id = '{org_id}') TO STDOUT"
            with conn.cursor().copy(query) as copy:
                for block in copy:
                    buffer.write(block)
            saved[table] = buffer.getvalue()
            conn.execute(f"DELETE FROM {table} WHERE org_id = %s", [org_id])
        for table in tables:
            started = time.perf_counter()
            with conn.cursor().copy(f"COPY {table} ({columns[table]}) FROM STDIN") as copy:
                copy.write(saved[table])
            seconds += time.perf_counter() - started
            rows += saved[table].count(b"\n")
        conn.rollback()
    return rows, seconds


def run_with_workers(env: dict, org_id, workers: int, settings: dict) -> tuple[float, float]:
    """The import queued to `workers` Celery worker processes (Redis broker), followed to
    its end: (seconds, the largest worker's peak RSS in MB)."""
    import redis

    redis.Redis.from_url(BROKER_URL).flushdb()
    child_env = {**os.environ, **env, **settings}
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "crm",
                "worker",
                "--pool",
                "solo",
                "-n",
                f"bench{n}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "WARNING",
            ],
            cwd=ROOT,
            env=child_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for n in range(workers)
    ]
    try:
        time.sleep(3)  # the workers connect to the broker
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "manage.py", "salesforce_import", "--org", str(org_id), "--wait"],
            cwd=ROOT,
            env={**child_env, "TQDM_DISABLE": "1"},
            stdout=subprocess.DEVNULL,
            check=False,
        )
        seconds = time.perf_counter() - started
        peaks = [_peak_rss_mb(p.pid) for p in processes]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)
    return seconds, max(peaks)


def _peak_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def fetched(job) -> int:
    return job.imported_count + job.matched_count + job.skipped_count + job.error_count


def per_object(job) -> dict[str, dict]:
    """Records and seconds per object type (the engine times each type)."""
    figures = {}
    for sobject, entry in job.progress.items():
        count = entry["imported"] + entry["matched"] + entry["skipped"] + entry["errors"]
        seconds = entry.get("seconds") or 0
        figures[sobject] = {
            "records": count,
            "seconds": seconds,
            "records_per_second": round(count / seconds) if seconds else None,
        }
    return figures


def machine() -> dict:
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres") as conn:
        postgres = conn.execute("SHOW server_version").fetchone()[0]
    memory_kb = 0
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                memory_kb = int(line.split()[1])
    return {
        "cpus": os.cpu_count(),
        "cpu": _cpu_model(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "postgresql": postgres,
        "platform": platform.platform(),
    }


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()
