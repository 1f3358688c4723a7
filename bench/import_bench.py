"""Import benchmark: prints the figures behind NOTES.md section 5 (nothing is asserted).

    python bench/import_bench.py [--records 1000000] [--seed 1] [--baseline 3000]

Needs the local PostgreSQL (127.0.0.1:5432, user postgres). It creates the database
`crm_bench` owned by the app's non-superuser role (so row-level security is on), starts the
sandbox org in its own process, connects through the real OAuth flow, and then measures:

1. the import, end to end, as the worker runs it (`salesforce_import --inline` in a child
   process: records/s and that process's peak memory);
2. the re-import of the unchanged org (everything skipped);
3. Salesforce API calls against the budget ceil(records / 2000) + 3 per object type;
4. the source design's per-record loop on a sample of accounts (check, create, create the
   mapping, save progress, per record);
5. the limit: PostgreSQL COPY of the same rows into copies of the same tables.
"""

from __future__ import annotations

import argparse
import io
import math
import os
import re
import resource
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
FERNET_KEY = "1cVYN2m_-1Q3ragaNaCXKRB0tbrEjj9ZnqLwFKQRup0="
TYPES = [  # everything the importer reads (line items, prices and Lightning notes come along)
    "Product2",
    "Account",
    "Contact",
    "Opportunity",
    "Lead",
    "Case",
    "Order",
    "Quote",
    "Task",
    "Event",
    "Note",
]


def prepare_database() -> None:
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [ROLE]).fetchone()
        verb = "ALTER" if exists else "CREATE"
        conn.execute(f"{verb} ROLE {ROLE} LOGIN NOSUPERUSER NOBYPASSRLS CREATEDB PASSWORD '{PASSWORD}'")
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DATABASE} OWNER {ROLE}")


def start_sandbox(records: int, seed: int) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "sfsandbox", "--port", "0", "--records", str(records), "--seed", str(seed)],
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
        "SECRET_KEY": "bench-secret-key",
        "DEBUG": "0",
        "TOKEN_ENCRYPTION_KEYS": FERNET_KEY,
        "SALESFORCE_LOGIN_URL": sandbox_url,
        "SALESFORCE_CLIENT_ID": "sfsandbox-client-id",
        "SALESFORCE_CLIENT_SECRET": "sfsandbox-client-secret",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    import django

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


def run_import(env: dict, org_id, *extra: str) -> tuple[float, float]:
    """The import in a child process, as a worker runs it: (seconds, peak RSS in MB)."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "manage.py", "salesforce_import", "--org", str(org_id), "--inline", *extra],
        cwd=ROOT,
        env={**os.environ, **env, "TQDM_DISABLE": "1"},
        stdout=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise RuntimeError(f"import exited with {status}")
    return seconds, usage.ru_maxrss / 1024


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
        for table in reversed(tables):
            buffer = io.BytesIO()
            query = f"COPY (SELECT * FROM {table} WHERE org_id = '{org_id}') TO STDOUT"
            with conn.cursor().copy(query) as copy:
                for block in copy:
                    buffer.write(block)
            saved[table] = buffer.getvalue()
            conn.execute(f"DELETE FROM {table} WHERE org_id = %s", [org_id])
        for table in tables:
            started = time.perf_counter()
            with conn.cursor().copy(f"COPY {table} FROM STDIN") as copy:
                copy.write(saved[table])
            seconds += time.perf_counter() - started
            rows += saved[table].count(b"\n")
        conn.rollback()
    return rows, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000, help="sandbox org size")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--baseline", type=int, default=3000, help="accounts for the per-record loop")
    args = parser.parse_args()

    prepare_database()
    sandbox, url = start_sandbox(args.records, args.seed)
    try:
        env = configure_django(url)
        from django.core.management import call_command

        from common.services import create_org_admin

        call_command("migrate", verbosity=0)
        profile = create_org_admin("Bench Org", "bench@example.com", "bench-pass-123")
        connect(profile)
        requests.post(f"{url}/_sandbox/reset-stats", timeout=30)

        seconds, peak_mb = run_import(env, profile.org_id)
        job = latest_job(profile.org_id)
        fetched = job.imported_count + job.matched_count + job.skipped_count + job.error_count
        stats = requests.get(f"{url}/_sandbox/stats", timeout=30).json()
        budget = sum(math.ceil(entry["total"] / 2000) + 3 for entry in job.progress.values())

        requests.post(f"{url}/_sandbox/reset-stats", timeout=30)
        re_seconds, re_peak_mb = run_import(env, profile.org_id)
        again = latest_job(profile.org_id)
        re_calls = requests.get(f"{url}/_sandbox/stats", timeout=30).json()["api_calls"]

        # 1% of every object changed (and some added and deleted) in Salesforce, then again.
        delta_runs = []
        for extra in ((), ("--update-changed",)):
            requests.post(
                f"{url}/_sandbox/mutate",
                json={
                    "object": "*",
                    "change": 0.01,
                    "add": 0.001,
                    "delete": 0.001,
                    "seed": len(delta_runs) + 7,
                },
                timeout=300,
            )
            requests.post(f"{url}/_sandbox/reset-stats", timeout=30)
            delta_seconds, delta_peak = run_import(env, profile.org_id, *extra)
            delta_job = latest_job(profile.org_id)
            delta_calls = requests.get(f"{url}/_sandbox/stats", timeout=30).json()["api_calls"]
            delta_runs.append((extra, delta_seconds, delta_peak, delta_job, delta_calls))

        copy_rows, copy_seconds = copy_limit(profile.org_id)
        baseline_profile = create_org_admin("Baseline Org", "baseline@example.com", "bench-pass-123")
        connect(baseline_profile)
        loop_rate = per_record_loop(baseline_profile, args.baseline)
    finally:
        sandbox.terminate()

    rate = fetched / seconds
    records_per_copy_row = fetched / max(copy_rows, 1)
    copy_rate = copy_rows / copy_seconds * records_per_copy_row
    buckets = (
        f"imported {job.imported_count:,}, matched {job.matched_count:,}, skipped {job.skipped_count:,}, "
        f"errors {job.error_count:,}; warnings {job.warning_count:,}"
    )
    figures = [
        ("org", f"{args.records:,} generated records (seed {args.seed}); PostgreSQL, app role under RLS"),
        ("job", f"{job.status} {job.failure_reason}".strip()),
        ("fetched", f"{fetched:,} ({buckets})"),
        ("import", f"{seconds:7.1f} s {rate:9,.0f} records/s   worker peak RSS {peak_mb:5.0f} MB"),
        (
            "re-import (unchanged)",
            f"{re_seconds:7.1f} s {fetched / re_seconds:9,.0f} records/s   "
            f"worker peak RSS {re_peak_mb:5.0f} MB  ({again.status}, fetched {again.total_records:,}, "
            f"{re_calls} API calls)",
        ),
        *(
            (
                "re-import, 1% changed" + (" +update" if extra else ""),
                f"{seconds_:7.1f} s  fetched {job_.total_records:,}: imported {job_.imported_count:,}, "
                f"updated {job_.updated_count:,}, skipped {job_.skipped_count:,}, "
                f"errors {job_.error_count:,}, deleted in Salesforce {job_.deleted_in_salesforce:,}; "
                f"{calls_} API calls; peak RSS {peak_:4.0f} MB",
            )
            for extra, seconds_, peak_, job_, calls_ in delta_runs
        ),
        (
            "per-record loop",
            f"{loop_rate:9,.0f} records/s ({args.baseline:,} accounts): import is {rate / loop_rate:.1f}x",
        ),
        (
            "COPY limit",
            f"{copy_rate:9,.0f} records/s ({copy_rows:,} rows incl. mapping rows): import is "
            f"{rate / copy_rate:.2f}x",
        ),
        ("API calls", f"{stats['api_calls']:,}; budget {budget:,} (ceil(n/2000)+3 per type)"),
        ("API calls by kind", str(stats["calls"])),
        ("bench process peak RSS", f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"),
    ]
    print()
    for label, value in figures:
        print(f"  {label:24} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
