"""Two orgs importing at the same time, each on its own real worker process.

The two sandbox orgs have different seeds (different names, emails, amounts) but the same
record Ids, as two Salesforce orgs can: a lookup of "imported before?" or of a parent that
forgot the org would find the other org's row. Afterwards no row crosses orgs, checked
three ways: through each org's API as its admin, in the database as the app role with each
org's context set (row-level security), and as the tables' owner, who sees every row,
over every link between org-scoped tables.
"""

import time

import psycopg
import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from common.rls import org_context
from salesforce_imports.models import ImportedRecord, ImportJob

from ..worker import WorkerProcess, same_leases_as_workers, use_redis_broker, worker_env
from .conftest import wait_for
from .test_import_engine import ALL, start
from .test_import_faults import assert_accounted, assert_no_duplicates

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

SUPERUSER_DSN = "host=127.0.0.1 port=5432 user=postgres"
# API list endpoint -> the model behind it (the types this import brings).
ENDPOINTS = {
    "accounts": "accounts.Account",
    "contacts": "contacts.Contact",
    "opportunities": "opportunity.Opportunity",
    "products": "invoices.Product",
    "estimates": "invoices.Estimate",
    "orders": "orders.Order",
}


def org_scoped_models():
    return [m for m in apps.get_models() if any(f.name == "org" for f in m._meta.fields)]


def superuser_rows(sql: str, params=()) -> list[tuple]:
    """As the tables' owner (a superuser): no row-level security, every org's rows."""
    dbname = connection.settings_dict["NAME"]
    with psycopg.connect(f"{SUPERUSER_DSN} dbname={dbname}", autocommit=True) as conn:
        return conn.execute(sql, params).fetchall()


def api_ids(api, endpoint: str) -> set[str]:
    ids, url = set(), f"/api/{endpoint}/"
    while url:
        body = api.get(url).json()
        ids.update(str(row["id"]) for row in body["results"])
        url = body["next"]
    return ids


@pytest.fixture
def two_orgs(sandbox_factory, admin_api, other_admin_profile, api_for, connect, settings):
    """Acme on one sandbox org, Globex on another, both connected through the OAuth flow."""
    same_leases_as_workers(settings)
    settings.SALESFORCE_BATCH_SIZE = 200
    acme_sandbox = sandbox_factory(records=1500, seed=31)  # settings now point at this one
    assert connect(admin_api)["Location"].endswith("result=connected")
    globex_api = api_for(other_admin_profile)
    globex_sandbox = sandbox_factory(records=1500, seed=37)  # and now at this one
    assert connect(globex_api)["Location"].endswith("result=connected")
    for sandbox in (acme_sandbox, globex_sandbox):
        sandbox.set_faults(latency_ms=20)  # each import lasts long enough to overlap the other
    return (acme_sandbox, admin_api), (globex_sandbox, globex_api)


@pytest.fixture
def two_workers(tmp_path):
    workers = []
    with use_redis_broker():

        def start_one(sandbox, name):
            worker = WorkerProcess(worker_env(sandbox), tmp_path / f"{name}.log", name)
            workers.append(worker)
            return worker.start()

        yield start_one
    for worker in workers:
        worker.stop()


def test_two_orgs_import_at_once_and_no_row_crosses(
    two_orgs, admin_profile, other_admin_profile, two_workers, capsys
):
    (acme_sandbox, acme_api), (globex_sandbox, globex_api) = two_orgs
    workers = [two_workers(acme_sandbox, "left"), two_workers(globex_sandbox, "right")]
    began = time.monotonic()
    acme_job, globex_job = start(acme_api, ALL), start(globex_api, ALL)
    for api, job_id in ((acme_api, acme_job), (globex_api, globex_job)):
        body = wait_for(api, job_id, lambda b: b["status"] not in ("PENDING", "IN_PROGRESS"), timeout=120)
        assert body["status"] == "COMPLETED", (body["failure_reason"], [w.log() for w in workers])
    seconds = time.monotonic() - began

    with org_context(admin_profile.org_id):
        acme = ImportJob.objects.get(pk=acme_job)
    with org_context(other_admin_profile.org_id):
        globex = ImportJob.objects.get(pk=globex_job)
    # At the same time, on two worker processes.
    assert acme.runner.split("@")[0] != globex.runner.split("@")[0], (acme.runner, globex.runner)
    assert acme.started_at < globex.completed_at and globex.started_at < acme.completed_at
    # Each org got its own sandbox's records, every one in a bucket, none twice, although
    # the two orgs' Salesforce Ids are the same.
    assert_accounted(acme, acme_sandbox)
    assert_accounted(globex, globex_sandbox)
    assert_no_duplicates(admin_profile)
    assert_no_duplicates(other_admin_profile)
    assert acme.imported_count > 1000 and globex.imported_count > 1000
    assert acme.skipped_count == globex.skipped_count == 0  # nobody found the other's rows as its own

    # 1. Through each org's API, as its admin: exactly its own rows, and the other's are 404.
    orgs = {
        "acme": (acme_api, str(admin_profile.org_id)),
        "globex": (globex_api, str(other_admin_profile.org_id)),
    }
    for endpoint, label in ENDPOINTS.items():
        table = apps.get_model(label)._meta.db_table
        seen = {}
        for name, (api, org_id) in orgs.items():
            seen[name] = api_ids(api, endpoint)
            owned = {
                str(pk) for (pk,) in superuser_rows(f"SELECT id FROM {table} WHERE org_id = %s", [org_id])
            }
            assert seen[name] == owned, (endpoint, name)
        assert seen["acme"] and seen["globex"] and not seen["acme"] & seen["globex"], endpoint
        other = next(iter(seen["globex"]))
        assert acme_api.get(f"/api/{endpoint}/{other}/").status_code == 404, endpoint

    # 2. In the database as the app role, with each org's context: only that org's rows.
    for org_id in (admin_profile.org_id, other_admin_profile.org_id):
        with org_context(org_id), connection.cursor() as cursor:
            for model in org_scoped_models():
                cursor.execute(f"SELECT DISTINCT org_id FROM {model._meta.db_table}")
                assert {str(o) for (o,) in cursor.fetchall()} <= {str(org_id)}, model.__name__

    # 3. As the tables' owner, over every row of both orgs: every link joins two rows of one org.
    links_checked = 0
    for model in org_scoped_models():
        for field in model._meta.fields:
            target = field.related_model
            if (
                not field.many_to_one
                or target is None
                or not any(f.name == "org" for f in target._meta.fields)
            ):
                continue
            crossing = superuser_rows(
                f"SELECT count(*) FROM {model._meta.db_table} child "
                f"JOIN {target._meta.db_table} parent ON child.{field.column} = parent.id "
                f"WHERE child.org_id <> parent.org_id"
            )[0][0]
            assert crossing == 0, f"{model.__name__}.{field.name}: {crossing} row(s) link into another org"
            links_checked += 1
    for (content_type_id,) in superuser_rows(
        f"SELECT DISTINCT content_type_id FROM {ImportedRecord._meta.db_table}"
    ):
        target = ContentType.objects.get_for_id(content_type_id).model_class()
        crossing = superuser_rows(
            f"SELECT count(*) FROM {ImportedRecord._meta.db_table} link "
            f"LEFT JOIN {target._meta.db_table} crm ON crm.id = link.object_id "
            f"WHERE link.content_type_id = %s AND (crm.id IS NULL OR crm.org_id <> link.org_id)",
            [content_type_id],
        )[0][0]
        assert crossing == 0, (
            f"ImportedRecord -> {target.__name__}: {crossing} link(s) to another org or nothing"
        )
        links_checked += 1
    assert links_checked > 20
    with capsys.disabled():
        print(
            f"\n  two orgs at once: {acme.imported_count} + {globex.imported_count} records imported in "
            f"{seconds:.1f} s on two workers; {links_checked} kinds of link checked, none crosses orgs"
        )
