"""Running one import job: object types in dependency order, page by page."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from simple_salesforce.exceptions import SalesforceError

from .. import budget
from ..client import QueryLocatorLost, SalesforceClient
from ..mapping import IMPORT_ORDER, mapping_for
from ..models import ImportJob, JobMode, Severity
from ..value_mappings import overrides_for
from . import chunks, counters, delta, links, start_calls
from .batch import BatchImporter, Plan
from .collector import big_blocks_back_to_the_system, fewer_collections
from .ledger import Ledger, SideLedger
from .notes import ContentNoteFetcher
from .owners import OwnerDirectory, read_salesforce_users
from .prices import set_product_prices
from .select_list import select_list
from .sources import RecordSource, soql_id
from .tally import Tally
from .writer import BatchWriter

logger = logging.getLogger(__name__)

MAX_REQUERIES = 5  # per object type: a cursor lost again and again means something else is wrong
CANCEL_CHECK_SECONDS = 0.5  # a running job asks whether the admin cancelled it at most this often


class Cancelled(Exception):
    pass


class LeaseLost(Exception):
    """Another worker took the job over (this one looked dead for longer than the lease)."""


def types_in_order(selected: list[str]) -> list[str]:
    """The Salesforce types to fetch, parents before children, line items after theirs."""
    ordered = []
    for parent, child in IMPORT_ORDER:
        if parent in selected:
            ordered.append(parent)
            if child:
                ordered.append(child)
    return ordered


def empty_progress(total: int | None = None) -> dict:
    return {
        "status": "pending",
        "total": total,
        "imported": 0,
        "matched": 0,
        "skipped": 0,
        "errors": 0,
        "warnings": 0,
        "last_id": "",
    }


class JobRunner:
    def __init__(self, job: ImportJob, client: SalesforceClient, runner: str = "", heartbeat=None):
        self.job = job
        self.client = client
        self.runner = runner
        self.heartbeat = heartbeat  # engine.heartbeat.Heartbeat: reports while this runs
        self._cancel_checked_at = -CANCEL_CHECK_SECONDS  # the first check asks the database
        self.owners = OwnerDirectory({}, {})
        self.value_overrides = overrides_for(job.org_id)  # the admin's value mappings
        self.unknown = {(u["object_type"], u["field"], u["value"]): u for u in job.unknown_values}
        self.calls_before = job.api_calls  # a resumed job adds to what it spent before
        self.preview = job.mode == JobMode.PREVIEW
        self.ledger = SideLedger() if self.preview else Ledger()
        self._selects: dict[str, tuple[list[str], tuple]] = {}
        self.source = RecordSource(self)  # REST pages or Bulk API jobs, per object type

    def run(self) -> None:
        big_blocks_back_to_the_system()
        with fewer_collections():
            self._run_job()

    def _run_job(self) -> None:
        sobjects = types_in_order(self.job.object_types)
        # Nothing started yet (the start hands a new job its counts as pending entries).
        first_run = all(entry["status"] == "pending" for entry in self.job.progress.values())
        for sobject in sobjects:
            self.job.progress.setdefault(sobject, empty_progress())
        self.deltas = delta.plans(self.job, sobjects)
        self._count_all(sobjects)
        start_calls.describe_all(self, sobjects)  # each type's select list, worked out at its turn
        self._read_owners(warn=first_run)  # users are org metadata, kept even by a preview
        if not self.preview:
            self._run(sobjects)
            return
        try:
            with transaction.atomic():  # everything a preview writes is rolled back at the end
                self._run(sobjects)
                transaction.set_rollback(True)
            self.ledger.flush(self._progress_update)
        finally:
            self.ledger.close()

    def _run(self, sobjects: list[str]) -> None:
        try:
            self.source.request_ahead(sobjects)  # inside: what it started is stopped on any failure
            for sobject in sobjects:
                if self.job.progress[sobject]["status"] == "done":
                    continue  # finished before a resume
                self._import_object(sobject)
        finally:
            self.source.abandon()
        # Every record is in: the link pass and prices make no Salesforce call worth
        # stopping for at the reserve (a FAILED job would fetch everything again).
        self._check_cancel(reserve=False)
        # Links to records that came later, then prices: both need every record in.
        links.settle(self.job, self._record_link_warnings)
        if "PricebookEntry" in sobjects:
            set_product_prices(self.job, self._corporate_currency())

    # -- owners -------------------------------------------------------------------------------
    def _read_owners(self, warn: bool) -> None:
        """The org's users and queues, once per run (a resumed job reads them again)."""
        problem = read_salesforce_users(self.client, self.job.org_id)
        if problem and warn:
            self._job_warning("User", "OwnerId", problem)
        self.owners = OwnerDirectory.load(self.job.org_id)

    def _corporate_currency(self) -> str | None:
        if "CurrencyIsoCode" not in self.client.readable_fields("Product2"):
            return None  # a single-currency org: every entry is in the org's one currency
        try:
            rows = self.client.call(
                lambda sf: sf.query("SELECT IsoCode FROM CurrencyType WHERE IsCorporate = true")
            )
        except SalesforceError:
            return None
        return (rows.get("records") or [{}])[0].get("IsoCode")

    # -- counting -----------------------------------------------------------------------------
    def _count_all(self, sobjects: list[str]) -> None:
        start_calls.count_all(self, sobjects)  # side by side
        self.job.total_records = sum(e["total"] or 0 for e in self.job.progress.values())
        self._save_progress()

    # -- one object type ------------------------------------------------------------------------
    def _select_list(self, sobject: str) -> tuple[list[str], tuple]:
        """The fields to SELECT, and the custom fields among them (worked out once per run)."""
        if sobject not in self._selects:
            self._selects[sobject] = select_list(self.job, self.client, sobject, self._job_warning)
        return self._selects[sobject]

    def mark_read_from(self, sobject: str) -> None:
        # The next re-import asks for what changed since now, in Salesforce's clock (the
        # describe just answered); kept from the first start when a job resumes.
        entry = self.job.progress[sobject]
        entry.setdefault("read_from", (self.client.server_time or timezone.now()).isoformat())

    def _import_object(self, sobject: str) -> None:
        started = time.monotonic()
        entry = self.job.progress[sobject]
        fields, custom = self._select_list(sobject)
        self.mark_read_from(sobject)
        entry["status"] = "in_progress"
        self._save_progress()
        if chunks.should_split(self, sobject):
            # Several workers import its Id ranges (engine/chunks.py): FannedOut until all are done.
            chunks.fan_out(self, sobject, fields, custom)
            entry["status"] = "done"
            self._save_progress()
            return
        fetch_more = None
        if sobject == "ContentNote":  # with what was read of the notes since the job's start
            fetch_more = ContentNoteFetcher(self.client, ahead=self.source.notes_ahead)
        importer = BatchImporter(
            self.job,
            mapping_for(sobject),
            self.owners,
            custom,
            fetch_more,
            self.value_overrides.get(sobject),
            update_changed=self.job.update_changed,
        )
        for attempt in range(1, MAX_REQUERIES + 2):
            try:
                self._import_pages(sobject, fields, importer)
                break
            except QueryLocatorLost:
                if attempt > MAX_REQUERIES:
                    raise
                # Every fetched page was written before the next was asked for, so querying
                # again after the cursor picks up exactly where the import got to.
                logger.info("Salesforce closed the %s query cursor; querying again from the cursor", sobject)
        entry["status"] = "done"
        # How long this type took (this run's share when it resumed): the per-object speed.
        entry["seconds"] = round(entry.get("seconds", 0) + time.monotonic() - started, 2)
        self._save_progress()

    def _import_pages(self, sobject: str, fields: list[str], importer: BatchImporter) -> None:
        if sobject in self.deltas:
            self._import_delta(sobject, fields, importer, self.deltas[sobject])
            return
        size = settings.SALESFORCE_BATCH_SIZE
        with BatchWriter(self._write_batch, threaded=not self.preview) as writer:
            pages = self.source.pages_after_cursor(
                sobject, fields, importer.mapping.query_all, writer, while_waiting=self._check_cancel
            )
            for page in pages:
                for start in range(0, len(page), size):
                    self._check_cancel()
                    plan = importer.prepare(page[start : start + size])
                    self._check_cancel()  # preparing takes a while: look again before writing
                    writer.submit(importer, sobject, plan)

    def _import_delta(
        self, sobject: str, fields: list[str], importer: BatchImporter, plan: delta.Delta
    ) -> None:
        """What changed since the last completed import (deleted ones counted, never applied),
        then the records that ended in error then, by Id."""
        plan = plan.with_retries(sobject)
        entry = self.job.progress[sobject]
        size = settings.SALESFORCE_BATCH_SIZE
        with BatchWriter(self._write_batch, threaded=not self.preview) as writer:
            if not entry.get("changes_done"):
                where = f"WHERE SystemModstamp > {plan.since}"
                if entry["last_id"]:
                    where += f" AND Id > '{soql_id(entry['last_id'])}'"
                soql = f"SELECT {', '.join([*fields, 'IsDeleted'])} FROM {sobject} {where} ORDER BY Id"
                sizes: list[int] = []
                for page in self.client.query_pages(soql, query_all=True, on_total=sizes.append):
                    if entry["total"] is None:
                        entry["total"] = (sizes[0] if sizes else len(page)) + len(plan.retry_ids)
                        self._recount()
                    for start in range(0, len(page), size):
                        self._check_cancel()
                        records = page[start : start + size]
                        live = [r for r in records if not delta.is_deleted(r)]
                        batch = importer.prepare(live)
                        batch.last_id = records[-1].get("Id") or ""
                        batch.deleted_in_salesforce = len(records) - len(live)
                        writer.submit(importer, sobject, batch)
                writer.wait()
                if entry["total"] is None:
                    entry["total"] = len(plan.retry_ids)
                    self._recount()
                entry["changes_done"] = True
                self._save_progress()
            chunks = range(0, len(plan.retry_ids), delta.RETRY_CHUNK)
            for number, start in enumerate(chunks, start=1):
                if number <= entry.get("retries_done", 0):
                    continue  # committed before a resume
                ids = ", ".join(f"'{soql_id(i)}'" for i in plan.retry_ids[start : start + delta.RETRY_CHUNK])
                soql = (
                    f"SELECT {', '.join(fields)} FROM {sobject} WHERE IsDeleted = false "
                    f"AND SystemModstamp <= {plan.since} AND Id IN ({ids}) ORDER BY Id"
                )
                records = [r for page in self.client.query_pages(soql, query_all=True) for r in page]
                self._check_cancel()
                batch = importer.prepare(records)
                batch.last_id, batch.retries_done = "", number
                # A record asked for again but gone (deleted, or changed: fetched above) is not fetched.
                batch.not_fetched = len(plan.retry_ids[start : start + delta.RETRY_CHUNK]) - len(records)
                writer.submit(importer, sobject, batch)

    def _write_batch(self, importer: BatchImporter, sobject: str, plan: Plan) -> None:
        """One transaction: the batch's rows, links and problems, and the job's counters."""
        with transaction.atomic():
            relax_commit_durability()
            tally = importer.write(plan, with_problems=not self.preview)
            if self.preview:  # its books go around the transaction that is rolled back
                self.ledger.problems(tally.problems, plan.problem_values)
            self._add(sobject, tally, last_id=plan.last_id)
            self._add_delta_counts(sobject, plan)
            self._save_progress()

    # -- counters (engine/counters.py) --------------------------------------------------------
    def _add(self, sobject: str, tally: Tally, last_id: str) -> None:
        counters.add_tally(self.job, self.unknown, sobject, tally, last_id)

    def _add_delta_counts(self, sobject: str, plan: Plan) -> None:
        counters.add_delta_counts(self.job, sobject, plan)

    def _recount(self) -> None:
        counters.recount(self.job)

    def _save_progress(self) -> None:
        """Counters, cursor and heartbeat, only while this runner still holds the job."""
        self.job.heartbeat_at = timezone.now()
        if not self.ledger.save(self._progress_update):
            raise LeaseLost

    def _progress_update(self) -> int:
        job = self.job
        return ImportJob.objects.filter(pk=job.pk, runner=self.runner).update(
            total_records=job.total_records,
            progress=job.progress,
            imported_count=job.imported_count,
            matched_count=job.matched_count,
            skipped_count=job.skipped_count,
            error_count=job.error_count,
            warning_count=job.warning_count,
            unmatched_owners=job.unmatched_owners,
            unknown_values=job.unknown_values,
            deleted_in_salesforce=job.deleted_in_salesforce,
            updated_count=job.updated_count,
            api_calls=self.calls_before + getattr(self.client, "api_calls", 0),
            heartbeat_at=job.heartbeat_at,
            updated_at=job.heartbeat_at,
        )

    def _job_warning(self, sobject: str, field_name: str, message: str) -> None:
        with transaction.atomic():
            problem = {
                "org_id": self.job.org_id,
                "job_id": self.job.pk,
                "object_type": sobject,
                "salesforce_id": "",
                "field": field_name[:80],
                "message": message,
                "severity": Severity.WARNING,
            }
            self.ledger.problems([problem])
            self.job.warning_count += 1
            if sobject in self.job.progress:
                self.job.progress[sobject]["warnings"] += 1
            self._save_progress()

    def _record_link_warnings(self, problems: list[dict]) -> None:
        """Inside the link pass's transaction: its warnings, counted where they belong."""
        self.ledger.problems(problems)
        for problem in problems:
            self.job.warning_count += 1
            if problem["object_type"] in self.job.progress:
                self.job.progress[problem["object_type"]]["warnings"] += 1
        self._save_progress()

    def _check_cancel(self, reserve: bool = True) -> None:
        if reserve:
            budget.stop_at_reserve(self.client)  # FAILED, resumable, at the org's API reserve
        if self.heartbeat is not None and self.heartbeat.lost.is_set():
            raise LeaseLost
        # The admin's cancel is a row in the database: looked up at most every
        # CANCEL_CHECK_SECONDS, not twice per batch (a query each, 8 a second at full speed).
        now = time.monotonic()
        if now - self._cancel_checked_at < CANCEL_CHECK_SECONDS:
            return
        self._cancel_checked_at = now
        if ImportJob.objects.filter(pk=self.job.pk, cancel_requested=True).exists():
            raise Cancelled


def relax_commit_durability() -> None:
    """Don't wait for the WAL flush at this batch's commit (PostgreSQL).

    Safe here: a batch's rows, links and the job's counters and resume cursor commit
    together, so a database crash can only lose whole recent batches, which the resumed
    job then imports again. It saves a disk flush per batch.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
