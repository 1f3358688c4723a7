"""One page of Salesforce records -> CRM rows, in bulk.

`prepare` (reads only): one query for Salesforce Ids imported before, one per referenced
object type to resolve lookups, one for natural-key clashes, conversion, rows built.
`write`: bulk inserts of the CRM rows, the ImportedRecord links and the problems; the
caller wraps it in one transaction together with the job's counters, so a crash loses at
most this batch.
"""

from __future__ import annotations

import uuid
from collections import defaultdict, deque
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import DataError, IntegrityError
from django.utils import timezone

from common.ids import uuid7_many

from ..mapping import sobject_of_id
from ..mapping.base import Converted, ObjectMapping
from ..mapping.custom import CustomField
from ..models import ImportedRecord, ImportJob, ImportProblem, PendingLink, Severity
from . import lookups, updates
from .bulk import RowWriter
from .links import resolve_custom_lookups
from .owners import OwnerDirectory
from .tally import Tally
from .writer import BATCHES_IN_FLIGHT


@dataclass
class Pending:
    """A converted record on its way into the CRM."""

    sf_id: str
    converted: Converted
    matched_to: uuid.UUID | None = None
    created_pk: uuid.UUID | None = None
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (field, message)
    error: tuple[str, str] | None = None
    # Links whose target is not imported yet: (CRM field, Salesforce field, target Id, its type),
    # settled at the end of the job (engine/links.py).
    deferred: list[tuple[str, str, str, str]] = field(default_factory=list)
    # update_changed: the CRM record a changed Salesforce record is imported into, and when
    # the importer last wrote it; both_sides: changed in the CRM since as well (kept).
    update_of: uuid.UUID | None = None
    synced_at: object = None
    both_sides: bool = False

    @property
    def values(self) -> dict:
        return self.converted.values


@dataclass
class Plan:
    """One batch after `prepare`: every decision made and every row built, nothing written.

    The rows are also encoded for COPY here, in the preparing thread, so that the writer
    thread spends its time in the database. `tally` and `links` assume every new row goes
    in; `write` settles them again for rows the database refuses.
    """

    pending: list[Pending]
    converted: Tally  # skips and conversion errors: known before any write
    last_id: str  # the batch's highest Salesforce Id: the resume cursor once it commits
    rows: list[dict] = field(default_factory=list)
    row_values: list[tuple] | None = None
    tally: Tally = field(default_factory=Tally)
    links: list[dict] = field(default_factory=list)
    link_values: list[tuple] | None = None
    problem_values: list[tuple] | None = None
    pending_links: list[dict] = field(default_factory=list)
    pending_link_values: list[tuple] | None = None
    # One instant for the batch's rows and their links: a record whose updated_at is later
    # than its link's synced_at was changed in the CRM since (undo, delta re-import).
    stamp: object = field(default_factory=timezone.now)
    # A delta re-import's extras (engine/delta.py): rows Salesforce reports deleted, Ids asked
    # for again that did not come, and the retry chunk this batch completes.
    deleted_in_salesforce: int = 0
    not_fetched: int = 0
    retries_done: int | None = None


class BatchImporter:
    def __init__(
        self,
        job: ImportJob,
        mapping: ObjectMapping,
        owners: OwnerDirectory | None = None,
        custom_fields: tuple[CustomField, ...] = (),
        fetch_more=None,
        value_overrides: dict | None = None,
        update_changed: bool = False,
    ):
        self.job = job
        self.mapping = mapping
        self.owners = owners or OwnerDirectory({}, {})
        # What the query does not return (a Lightning note's body and links), fetched per batch.
        self.fetch_more = fetch_more
        self.value_overrides = value_overrides or None  # {Salesforce field: {key: CRM value}}
        self.update_changed = update_changed
        has_custom_fields = any(f.name == "custom_fields" for f in mapping.model._meta.concrete_fields)
        self.custom_fields = custom_fields if has_custom_fields else ()
        self.model = mapping.model
        self.content_type = ContentType.objects.get_for_model(self.model)
        self.sf_field_of_fk = {crm_fk: sf_field for sf_field, crm_fk, _ in mapping.references}
        for poly in mapping.polymorphic:
            for crm_fk, _target in poly.targets.values():
                self.sf_field_of_fk.setdefault(crm_fk, poly.sf)
        self.rows = RowWriter(self.model)
        self.links = RowWriter(ImportedRecord)
        self.problems = RowWriter(ImportProblem)
        self.pending_links_writer = RowWriter(PendingLink)
        self.created_by_id = job.started_by.user_id if job.started_by_id else None

        # Natural keys taken by the batches being written while the next one is prepared
        # (writer.BATCHES_IN_FLIGHT of them): not in the database yet, but already spoken for.
        self.in_flight_keys: dict[str, str] = {}
        self._keys_in_flight: deque[dict[str, str]] = deque(maxlen=BATCHES_IN_FLIGHT)

    def problem(self, sf_id: str, field_name: str, message: str, severity: str) -> dict:
        return {
            "org_id": self.job.org_id,
            "job_id": self.job.pk,
            "object_type": self.mapping.sobject,
            "salesforce_id": sf_id or "",
            "field": field_name[:80],
            "message": message,
            "severity": severity,
        }

    # -- the pipeline ------------------------------------------------------------------------
    def prepare(self, records: list[dict]) -> Plan:
        """Read-only: skip known Ids, convert, resolve links, settle natural keys, build rows."""
        converted = Tally()
        pending = self._skip_known_and_convert(records, converted)
        self._resolve_references(pending)
        resolve_custom_lookups(pending)
        updates.mark_both_sides(self.model, pending)
        if self.mapping.natural_key:
            self._keys_in_flight.append(self._apply_natural_key(pending))
            self.in_flight_keys = {k: v for keys in self._keys_in_flight for k, v in keys.items()}
        plan = Plan(pending, converted, last_id=(records[-1].get("Id") or "") if records else "")
        new = [p for p in pending if p.error is None and p.matched_to is None and p.update_of is None]
        for p, key in zip(new, uuid7_many(len(new)), strict=True):
            p.created_pk = key
            plan.rows.append(self._row(p, key, plan.stamp))
        plan.row_values = self.rows.encode(plan.rows)
        self._settle(plan)
        return plan

    def write(self, plan: Plan, with_problems: bool = True) -> Tally:
        """The batch's inserts; the caller holds the transaction (and, without
        `with_problems`, writes the plan's problems itself)."""
        try:
            self.rows.insert(plan.rows, plan.row_values)
        except (IntegrityError, DataError):
            self._insert_one_by_one(plan)
            self._settle(plan)
        if any(p.update_of is not None for p in plan.pending):
            updates.apply(self.model, self.content_type.pk, plan)
            self._settle(plan)  # an update the database refused is an error now
        # No savepoint of their own (two round trips each): these rows only fail with the
        # whole batch, whose transaction then rolls back.
        self.links.insert(plan.links, plan.link_values, savepoint=False)
        if with_problems:
            self.problems.insert(plan.tally.problems, plan.problem_values, savepoint=False)
        self.pending_links_writer.insert(plan.pending_links, plan.pending_link_values, savepoint=False)
        return plan.tally

    def _row(self, p: Pending, key: uuid.UUID, stamp) -> dict:
        owners, converted = self.owners, p.converted
        row = {
            **converted.values,
            "id": key,
            "org_id": self.job.org_id,
            # Who created it in Salesforce, when a member matches; else the admin importing.
            "created_by_id": owners.user(converted.creator_id) or self.created_by_id,
            "updated_at": stamp,
        }
        if self.mapping.has_owner:
            row["owner_id"] = owners.member(converted.owner_id)
        return row

    def _skip_known_and_convert(self, records: list[dict], tally: Tally) -> list[Pending]:
        ids = [r.get("Id") for r in records if r.get("Id")]
        known = lookups.links(self.mapping.sobject, ids)
        seen = set(known)
        if self.fetch_more is not None:  # only for records not imported before: no wasted calls
            self.fetch_more([r for r in records if r.get("Id") and r["Id"] not in seen])
        pending = []
        for record in records:
            sf_id = record.get("Id")
            if not sf_id:
                tally.errors += 1
                tally.problems.append(self.problem("", "Id", "A record came without an Id.", Severity.ERROR))
                continue
            link = known.get(sf_id)
            updating = self.update_changed and link is not None and link[1] == ImportedRecord.Outcome.IMPORTED
            if sf_id in seen and not updating:  # imported (or matched) by an earlier run
                tally.skipped += 1
                continue
            seen.add(sf_id)
            known.pop(sf_id, None)  # the same Id twice in a batch: the second one is skipped
            converted = self.mapping.convert(record, self.custom_fields, self.value_overrides)
            if converted.problems:
                tally.problems.extend(
                    self.problem(sf_id, p.field, p.message, p.severity) for p in converted.problems
                )
            if converted.ok:
                pending.append(Pending(sf_id, converted, update_of=link[0] if updating else None))
                if updating:
                    pending[-1].synced_at = link[2]
                    if self.mapping.has_owner:
                        pending[-1].values["owner_id"] = self.owners.member(converted.owner_id)
            else:
                tally.errors += 1  # an update the mapping refuses leaves the old record as it was
        return pending

    def _resolve_references(self, pending: list[Pending]) -> None:
        wanted = defaultdict(set)
        for p in pending:
            for target, sf_id in p.converted.references.values():
                wanted[target].add(sf_id)
        resolved = {target: lookups.imported(target, sf_ids) for target, sf_ids in wanted.items()}
        self_references, parent_field = self.mapping.self_references, self.mapping.parent_field
        for p in pending:
            missing = []
            for crm_fk, (target, sf_id) in p.converted.references.items():
                object_id = resolved[target].get(sf_id)
                if object_id is not None:
                    p.values[f"{crm_fk}_id"] = object_id
                    continue
                sf_field = self.sf_field_of_fk.get(crm_fk, crm_fk)
                if crm_fk in self_references:
                    # A parent later in Id order (or in this very batch): linked at the job's end.
                    p.deferred.append((crm_fk, sf_field, sf_id, target))
                elif crm_fk == parent_field:
                    p.error = (
                        sf_field,
                        f"Its parent {target} {sf_id} was not imported, so it has nowhere to go.",
                    )
                else:
                    missing.append(f"{sf_field} {sf_id}")
            if missing:
                fields = ", ".join(m.split(" ")[0] for m in missing)
                p.warnings.append(
                    (fields, f"Linked record(s) not imported, link left empty: {', '.join(missing)}.")
                )

    def _apply_natural_key(self, pending: list[Pending]) -> dict[str, str]:
        """Match, keep or disambiguate each record's key; returns the keys this batch takes."""
        key = self.mapping.natural_key
        keyed = [(p, key.normalize(p.values.get(key.field))) for p in pending if p.error is None]
        keyed = [(p, k) for p, k in keyed if k]
        if not keyed:
            return {}
        keys = {k for _, k in keyed}
        rows = lookups.natural_keys(self.model, key.field, keys, key.case_insensitive)
        existing = {key.normalize(value): pk for pk, value in rows}
        # CRM rows already linked to some Salesforce record belong to that record.
        owner = lookups.owners(self.content_type.pk, existing.values())
        claimed: dict[str, str] = {}  # key -> Salesforce Id that took it in this batch
        for p, k in keyed:
            crm_pk = existing.get(k)
            taken_by = claimed.get(k) or self.in_flight_keys.get(k)
            if p.update_of is not None and crm_pk == p.update_of:
                claimed[k] = p.sf_id  # an update keeping its own key
            elif taken_by:
                self._disambiguate(p, f"Salesforce record {taken_by}")
            elif crm_pk is not None and crm_pk in owner:
                self._disambiguate(p, f"Salesforce record {owner[crm_pk]}")
            elif crm_pk is not None and key.match_existing and p.update_of is None:
                p.matched_to = crm_pk
                claimed[k] = p.sf_id
            elif crm_pk is not None:
                self._disambiguate(p, "a record that was already in the CRM")
            else:
                claimed[k] = p.sf_id
        return claimed

    def _disambiguate(self, p: Pending, other: str) -> None:
        key = self.mapping.natural_key
        value = p.values.get(key.field)
        if key.on_duplicate == "suffix":
            p.values[key.field] = self.mapping.disambiguate(value, p.sf_id)
            done = f"imported as '{p.values[key.field]}'"
        else:
            p.values[key.field] = ""
            done = f"imported without a {key.field}"
        p.warnings.append((key.field, f"'{value}' is also the {key.field} of {other}: {done}."))

    def _insert_one_by_one(self, plan: Plan) -> None:
        """The batch insert failed: find the culprits so the rest of the batch still lands."""
        rows = {row["id"]: row for row in plan.rows}
        for p in plan.pending:
            if p.created_pk is None:
                continue
            try:
                # The same writer as the batch (not save(), whose auto_now would move updated_at
                # past the link's synced_at and make the record look edited in the CRM).
                self.rows.insert([rows[p.created_pk]])
            except (IntegrityError, DataError) as exc:
                p.error, p.created_pk = ("", f"The CRM refused this record: {_first_line(exc)}"), None

    def _settle(self, plan: Plan) -> None:
        """Each record's bucket, its problems and its ImportedRecord link."""
        base = plan.converted
        tally = Tally(skipped=base.skipped, errors=base.errors, problems=list(base.problems))
        links, pending_links = [], []
        link_of = {
            "org_id": self.job.org_id,
            "salesforce_object_type": self.mapping.sobject,
            "content_type_id": self.content_type.pk,
            "import_job_id": self.job.pk,
        }
        imported, matched = ImportedRecord.Outcome.IMPORTED, ImportedRecord.Outcome.MATCHED
        for p in plan.pending:
            converted = p.converted
            if p.error is not None:
                tally.errors += 1
                tally.problems.append(self.problem(p.sf_id, p.error[0], p.error[1], Severity.ERROR))
                continue
            if p.warnings:
                tally.problems.extend(self.problem(p.sf_id, f, m, Severity.WARNING) for f, m in p.warnings)
            if converted.unknown:
                tally.unknown_values.update(converted.unknown)  # counted in C, not per item
            if p.update_of is not None:
                if p.both_sides:
                    tally.skipped += 1
                    tally.problems.append(self.problem(p.sf_id, "", updates.BOTH_SIDES, Severity.WARNING))
                else:
                    tally.updated += 1
                    pending_links += self._pending_links(p)
                continue
            if p.matched_to is not None:
                tally.matched += 1
                object_id, outcome, synced_at = p.matched_to, matched, None
            else:
                tally.imported += 1
                object_id, outcome, synced_at = p.created_pk, imported, plan.stamp
                owner = converted.owner_id
                if owner and self.mapping.has_owner and self.owners.member(owner) is None:
                    tally.unmatched_owners[owner] += 1
                pending_links += self._pending_links(p)
            links.append(
                {
                    **link_of,
                    "salesforce_id": p.sf_id,
                    "object_id": object_id,
                    "outcome": outcome,
                    "salesforce_owner_id": converted.owner_id[:18],
                    "synced_at": synced_at,
                }
            )
        plan.tally, plan.links, plan.pending_links = tally, links, pending_links
        plan.link_values = self.links.encode(links)
        plan.problem_values = self.problems.encode(tally.problems)
        plan.pending_link_values = self.pending_links_writer.encode(pending_links)

    def _pending_links(self, p: Pending) -> list[dict]:
        unresolved = p.converted.unresolved_lookups
        if not p.deferred and not unresolved:  # most records: every link resolved
            return []
        deferred = p.deferred + [
            (f"custom_fields.{api}", api, sf_id, sobject_of_id(sf_id) or "") for api, sf_id in unresolved
        ]
        link_of = {
            "org_id": self.job.org_id,
            "job_id": self.job.pk,
            "content_type_id": self.content_type.pk,
            "object_id": p.created_pk or p.update_of,
            "salesforce_object_type": self.mapping.sobject,
            "salesforce_id": p.sf_id,
        }
        return [
            {
                **link_of,
                "field": crm_field,
                "salesforce_field": sf_field[:80],
                "target_salesforce_id": target[:18],
                "target_salesforce_object_type": target_type,
            }
            for crm_field, sf_field, target, target_type in deferred
        ]


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
