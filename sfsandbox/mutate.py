"""Changing, adding and deleting records between two imports (`POST /_sandbox/mutate`).

A mutation moves the org clock forward (a minute by default) and stamps everything it
writes with the new time: changed records get new values in a few ordinary fields plus
`LastModifiedDate` = `SystemModstamp` = now and `LastModifiedById` = the sandbox user;
added records are the generator's next records (Ids after the existing ones) created now;
deleted records become soft-deleted (`IsDeleted` true, only queryAll returns them) with
`SystemModstamp` and `LastModifiedDate` = the deletion time. Random picks are deterministic
in (org seed, object, mutation seed) and the org's state.
"""

from __future__ import annotations

import bisect
import random

from sfsandbox import ids
from sfsandbox import wordlists as words
from sfsandbox.changes import MUTATION_STEP
from sfsandbox.generator import format_date, format_datetime
from sfsandbox.schema.activities import ARCHIVABLE, TASK_CLOSED_STATUSES

# Fields a user edits, per object, in the order they are tried; other objects use _GENERIC.
_PLANS = {
    "Account": ("Name", "Phone", "Description", "Industry", "NumberOfEmployees", "Website"),
    "Contact": ("Title", "Phone", "Email", "Department", "Description"),
    "Opportunity": ("StageName", "Amount", "CloseDate", "Description", "Name"),
    "Lead": ("Status", "Phone", "Title", "Company", "Description"),
    "Case": ("Status", "Priority", "Subject", "Description"),
    "Task": ("Priority", "Subject", "Description"),
    "Event": ("Subject", "Location", "Description"),
    "Product2": ("Name", "Description"),
    "Note": ("Title", "Body"),
}
_GENERIC = ("Description", "Name", "Title", "Subject", "Quantity", "UnitPrice", "Status")
_SYSTEM = frozenset(
    {
        "Id",
        "IsDeleted",
        "CreatedDate",
        "CreatedById",
        "LastModifiedDate",
        "LastModifiedById",
        "SystemModstamp",
    }
)
# Objects whose next generated record would point at parents that do not exist.
_NOT_ADDABLE = frozenset({"ContentDocumentLink", "CurrencyType", "Group", "Pricebook2", "PricebookEntry"})
_KEYS = frozenset({"object", "change", "add", "delete", "seed", "update", "delete_ids", "advance", "ids"})
MAX_LISTED_IDS = 10_000  # the HTTP answer lists Ids up to this many (else counts only)
_SUBJECTS = ("Follow-up call", "Send revised quote", "Renewal discussion", "Check delivery", "Demo")


class MutationError(Exception):
    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def _amount(value, rng: random.Random) -> int:
    return max(1, round((value or 1000) * rng.uniform(0.8, 1.3)))


def new_value(org, object_name: str, field_def, current, rng: random.Random, today: str):
    """A realistic new value for a field a user edits."""
    name, kind = field_def.name, field_def.type
    if kind == "picklist" and field_def.picklist_values:
        options = [v for v in field_def.picklist_values if v != current] or list(field_def.picklist_values)
        value = rng.choice(options)
    elif kind == "phone":
        value = rng.choice(org.factory._phones)
    elif kind == "email":
        first, last = rng.choice(words.FIRST_NAMES), rng.choice(words.LAST_NAMES)
        value = f"{first}.{last}@{rng.choice(words.EMAIL_DOMAINS)}".lower()
    elif kind == "url":
        value = f"https://www.{rng.choice(words.COMPANY_WORDS).lower()}.example.com"
    elif kind in ("int", "double", "currency", "percent"):
        value = _amount(current, rng)
    elif kind == "date":
        value = format_date(org.clock.now() + rng.randint(7, 120) * 86400)
    elif kind == "textarea":
        value = f"Updated {today}: {rng.choice(words.LOREM).strip()}"
    elif name in ("Name", "Company") and object_name in ("Account", "Lead"):
        parts = (
            rng.choice(words.COMPANY_WORDS),
            rng.choice(words.COMPANY_KINDS),
            rng.choice(words.COMPANY_SUFFIXES),
        )
        value = " ".join(parts)
    elif name == "Title" and object_name in ("Contact", "Lead"):
        value = rng.choice(words.TITLES)
    elif name == "Department":
        value = rng.choice(words.DEPARTMENTS)
    elif name == "Subject":
        value = rng.choice(_SUBJECTS)
    elif name == "Location":
        value = rng.choice(words.CITIES)[0]
    else:
        value = f"{current or ''} (updated {today})".strip()
    if isinstance(value, str) and field_def.length:
        value = value.strip()[: field_def.length]
    return value


def _derived(object_name: str, values: dict) -> dict:
    """Fields Salesforce keeps in step with the ones changed (IsClosed follows Status...)."""
    extra = {}
    if object_name == "Task" and "Status" in values:
        extra["IsClosed"] = values["Status"] in TASK_CLOSED_STATUSES
    if object_name == "Case" and "Status" in values:
        extra["IsClosed"] = values["Status"] == "Closed"
    if object_name == "Opportunity" and "StageName" in values:
        extra["IsClosed"] = values["StageName"] in ("Closed Won", "Closed Lost")
        extra["IsWon"] = values["StageName"] == "Closed Won"
    return extra


class _Mutation:
    def __init__(self, org, object_name: str, stamp: str):
        self.org, self.name, self.stamp = org, object_name, stamp
        self.obj = org.objects[object_name]
        self.changes = org.changes[object_name]
        self.generated = org.shape.counts[object_name]
        self.order = org._inserted_order[object_name]
        self.store = org._inserted[object_name]

    # -- addressing: a position is a generated index, or generated + slot of an inserted record
    def position_of(self, record_id: str) -> int | None:
        if not ids.looks_like_id(record_id):
            return None
        index = ids.index_from_id(self.name, ids.to_18(record_id[:15]))
        if index is not None and index < self.generated:
            return index
        key = record_id[:15]
        if key in self.store:
            return self.generated + self.order.index(key)
        return None

    def is_deleted(self, position: int) -> bool:
        if position < self.generated:
            return position in self.changes.deleted_set
        return bool(self.store[self.order[position - self.generated]]["IsDeleted"])

    def current(self, position: int) -> dict:
        if position < self.generated:
            return self.org.record_at(self.name, position)
        return self.store[self.order[position - self.generated]]

    def write(self, position: int, values: dict) -> str:
        values = {
            **values,
            "LastModifiedDate": self.stamp,
            "SystemModstamp": self.stamp,
            "LastModifiedById": self.org.user_id,
        }
        if position < self.generated:
            key = ids.make_id(self.name, position)[:15]
            self.changes.override(position, values)
        else:
            key = self.order[position - self.generated]
            record = self.store[key]
            record.update(values)
            if self.name in ("Contact", "Lead", "User") and {"FirstName", "LastName"} & values.keys():
                record["Name"] = (
                    " ".join(p for p in (record.get("FirstName"), record.get("LastName")) if p) or None
                )
        self.changes.touch(key, self.stamp)
        return ids.to_18(key)

    def delete(self, position: int) -> str:
        if position < self.generated:
            self.changes.delete_generated(position)
        return self.write(position, {"IsDeleted": True})

    def change(self, position: int, rng: random.Random) -> str:
        record = self.current(position)
        plan = [
            f
            for f in (self.obj.get(n) for n in _PLANS.get(self.name, _GENERIC))
            if f is not None and f.updateable and not f.calculated
        ]
        values: dict = {}
        if plan:
            for field_def in rng.sample(plan, rng.randint(1, min(3, len(plan)))):
                values[field_def.name] = new_value(
                    self.org, self.name, field_def, record.get(field_def.name), rng, self.stamp[:10]
                )
        values.update(_derived(self.name, values))
        return self.write(position, values)

    def add(self) -> str:
        index = self.generated + self.changes.added
        self.changes.added += 1
        record = dict(self.org.factory.build(self.name, index))
        record.update(
            {
                "IsDeleted": False,
                "CreatedDate": self.stamp,
                "CreatedById": self.org.user_id,
                "LastModifiedDate": self.stamp,
                "LastModifiedById": self.org.user_id,
                "SystemModstamp": self.stamp,
            }
        )
        if self.name in ARCHIVABLE:
            from sfsandbox.data import _archived_by_rule

            record["IsArchived"] = _archived_by_rule(self.name, record)
        key = record["Id"][:15]
        bisect.insort(self.order, key)
        self.store[key] = record
        self.changes.touch(key, self.stamp)
        return record["Id"]

    def pick(self, count: int, rng: random.Random) -> list[int]:
        """`count` live positions, deterministic in rng and the org's state."""
        total = self.generated + len(self.order)
        live = total - len(self.changes.deleted_list) - sum(1 for r in self.store.values() if r["IsDeleted"])
        count = min(count, max(0, live))
        if total <= 200_000:
            return rng.sample([p for p in range(total) if not self.is_deleted(p)], count)
        picked: list[int] = []
        seen: set[int] = set()
        while len(picked) < count:
            for position in rng.sample(range(total), min(total, (count - len(picked)) * 11 // 10 + 16)):
                if position not in seen and not self.is_deleted(position):
                    seen.add(position)
                    picked.append(position)
                    if len(picked) == count:
                        break
        return picked


def _how_many(value, live: int, what: str) -> int:
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise MutationError("INVALID_MUTATION", f"{what} must be a count or a fraction between 0 and 1")
    if isinstance(value, float):
        if value > 1:
            raise MutationError("INVALID_MUTATION", f"{what} as a fraction must be at most 1")
        return round(value * live)
    return value


def apply_mutation(org, spec: dict) -> dict:
    """Apply one mutation (the caller holds the org lock); returns every Id it wrote.

    `"object"` names one object, or is a list of names or `"*"` (every object): then the
    counts or fractions apply to each object (skipping deletes and adds where they do not
    apply) and every write shares one clock time.
    """
    if not isinstance(spec, dict):
        raise MutationError("INVALID_MUTATION", "a mutation is a JSON object")
    unknown = set(spec) - _KEYS
    if unknown:
        raise MutationError("INVALID_MUTATION", f"unknown keys: {', '.join(sorted(unknown))}")
    wanted = spec.get("object")
    several = wanted == "*" or isinstance(wanted, list)
    if several and (spec.get("update") or spec.get("delete_ids")):
        raise MutationError("INVALID_MUTATION", "update and delete_ids need a single object")
    names = list(org.objects) if wanted == "*" else wanted if isinstance(wanted, list) else [wanted]
    runs = []
    for wanted_name in names:
        object_name = next((n for n in org.objects if n.lower() == str(wanted_name).lower()), None)
        if object_name is None:
            raise MutationError("NOT_FOUND", f"unknown object {wanted_name!r}", status=404)
        if several and org.count(object_name, include_deleted=True) == 0:
            continue
        runs.append((object_name, _prepare(org, object_name, spec, lenient=several)))
    advance = spec.get("advance", MUTATION_STEP)
    if isinstance(advance, bool) or not isinstance(advance, int) or advance < 0:
        raise MutationError("INVALID_MUTATION", "advance is a number of seconds")
    before = org.clock.now_text()
    stamp = format_datetime(org.clock.advance(advance))
    results = {name: run(stamp) for name, run in runs}
    answer: dict = {"object": wanted if several else runs[0][0], "before": before, "now": stamp}
    kinds = ("changed", "added", "deleted")
    if not several:
        return {**answer, **results[runs[0][0]]}
    answer["counts"] = {kind: sum(r["counts"][kind] for r in results.values()) for kind in kinds}
    for kind in kinds:
        answer[kind] = [record_id for r in results.values() for record_id in r[kind]]
    answer["objects"] = {name: r["counts"] for name, r in results.items()}
    return answer


def _prepare(org, object_name: str, spec: dict, lenient: bool):
    """Check one object's part of a mutation; returns run(stamp), which writes it."""
    work = _Mutation(org, object_name, "")
    deletable = work.obj.get("IsDeleted") is not None
    updates = spec.get("update") or {}
    delete_ids = spec.get("delete_ids") or []
    if not isinstance(updates, dict) or not isinstance(delete_ids, list):
        raise MutationError("INVALID_MUTATION", "update is {Id: {field: value}}, delete_ids a list of Ids")
    if (delete_ids or spec.get("delete")) and not deletable and not lenient:
        raise MutationError("CANNOT_DELETE", f"{object_name} records cannot be deleted")
    # Validate everything before writing anything.
    update_plan = []
    for record_id, values in updates.items():
        position = work.position_of(record_id)
        if position is None:
            raise MutationError("NOT_FOUND", f"no {object_name} with Id {record_id}", status=404)
        if not isinstance(values, dict):
            raise MutationError("INVALID_MUTATION", f"update of {record_id} must be an object")
        clean = {}
        for key, value in values.items():
            field_def = work.obj.get(key)
            if field_def is None:
                raise MutationError(
                    "INVALID_FIELD", f"No such column '{key}' on sobject of type {object_name}"
                )
            if field_def.name in _SYSTEM or not field_def.updateable or field_def.calculated:
                raise MutationError(
                    "INVALID_FIELD_FOR_INSERT_UPDATE", f"Unable to create/update fields: {field_def.name}"
                )
            clean[field_def.name] = value
        update_plan.append((position, {**clean, **_derived(object_name, clean)}))
    delete_plan = []
    for record_id in delete_ids:
        position = work.position_of(str(record_id))
        if position is None:
            raise MutationError("NOT_FOUND", f"no {object_name} with Id {record_id}", status=404)
        if work.is_deleted(position):
            raise MutationError("ENTITY_IS_DELETED", f"entity is deleted: {record_id}")
        delete_plan.append(position)
    live = org.count(object_name, include_deleted=False, include_archived=True)
    n_change = _how_many(spec.get("change"), live, "change")
    n_delete = _how_many(spec.get("delete"), live, "delete") if deletable else 0
    n_add = _how_many(spec.get("add"), live, "add")
    addable = object_name not in _NOT_ADDABLE and work.generated > 0
    if n_add and not addable:
        if not lenient:
            raise MutationError("CANNOT_ADD", f"records cannot be added to {object_name} by mutation")
        n_add = 0
    seed = f"{org.seed}:{object_name}:{spec.get('seed', 0)}:{len(work.changes.log_keys)}"

    def run(stamp: str) -> dict:
        work.stamp = stamp
        rng = random.Random(seed)
        picked = work.pick(n_delete + n_change, rng) if n_delete + n_change else []
        explicit = set(delete_plan) | {p for p, _ in update_plan}
        picked = [p for p in picked if p not in explicit]
        changed = [work.write(p, values) for p, values in update_plan]
        changed += [work.change(p, rng) for p in picked[n_delete:]]
        deleted = [work.delete(p) for p in delete_plan + picked[:n_delete]]
        added = [work.add() for _ in range(n_add)]
        return {
            "counts": {"changed": len(changed), "added": len(added), "deleted": len(deleted)},
            "changed": changed,
            "added": added,
            "deleted": deleted,
        }

    return run


def changes_since(org, object_name: str, since: str) -> dict[str, list[str]]:
    """Ids written after `since` (a stamp in Salesforce's form), sorted, by what a delta sees.

    `added`: created after `since` and not deleted; `deleted`: soft-deleted after it;
    `changed`: the others (existing before `since`, changed after it).
    """
    found: dict[str, list[str]] = {"changed": [], "added": [], "deleted": []}
    for key in sorted(org.changes[object_name].keys_since(since, inclusive=False)):
        record = org.get(object_name, key)
        if record is None:
            continue
        kind = (
            "deleted" if record.get("IsDeleted") else "added" if record["CreatedDate"] > since else "changed"
        )
        found[kind].append(record["Id"])
    return found
