"""The org: generated records (lazy) plus records inserted at run time (sample data, tests).

Both populations are read in Id order through `scan`, which merges the generated range
(Ids computed from indices) with the sorted inserted Ids, so ORDER BY Id and `Id > x`
never need the whole object in memory.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Iterator

from sfsandbox import ids
from sfsandbox.changes import ObjectChanges, OrgClock
from sfsandbox.generator import NOW, OrgShape, RecordFactory, format_datetime
from sfsandbox.read_ahead import ReadAhead
from sfsandbox.schema import OBJECT_NAMES, ObjectDef, build_objects
from sfsandbox.schema.activities import ARCHIVABLE, TASK_CLOSED_STATUSES

_CLOSED_STATUSES = {"Task": TASK_CLOSED_STATUSES, "Case": frozenset({"Closed"})}
# Inserted records of these objects get their picklist defaults (Lead.Status, Case.Priority...).
_DEFAULTED = frozenset({"Lead", "Case", "Task", "Event", "ContentNote"})

# A position in an object's Id-ordered stream: (next generated index, next inserted slot).
Position = tuple[int, int]


_PARENT_CACHE = 50_000  # generated records kept for relationship reads (a few tens of MB)


class Org:
    def __init__(
        self,
        records: int = 5000,
        seed: int = 1,
        *,
        multi_currency: bool = False,
        hidden_fields: dict[str, list[str]] | None = None,
        messy_rate: float | None = None,
        deleted_rate: float | None = None,
        read_ahead: bool = False,
        users: int | None = None,
        clock: int | str | None = None,
    ):
        kwargs = {}
        if messy_rate is not None:
            kwargs["messy_rate"] = messy_rate
        if deleted_rate is not None:
            kwargs["deleted_rate"] = deleted_rate
        self.records = records
        self.seed = seed
        self.multi_currency = multi_currency
        self.shape = OrgShape.build(records, seed, users=users, multi_currency=multi_currency, **kwargs)
        self.factory = RecordFactory(self.shape, multi_currency=multi_currency)
        self.objects: dict[str, ObjectDef] = build_objects(
            multi_currency=multi_currency, hidden_fields=hidden_fields
        )
        self.org_id = ids.to_18(f"00D{ids.GENERATED_POD}" + ids.encode_index(seed % 10**6))
        self.user_id = ids.make_id("User", 0)
        self._lock = threading.Lock()
        # The org clock and what changed at run time (sfsandbox.changes, sfsandbox.mutate).
        self.clock = OrgClock(clock)
        self.changes = {
            name: ObjectChanges(
                self.shape.deleted.get(name, []), self.shape.deleted_sets.get(name, frozenset())
            )
            for name in OBJECT_NAMES
        }
        self._inserted: dict[str, dict[str, dict]] = {name: {} for name in OBJECT_NAMES}
        self._inserted_order: dict[str, list[str]] = {name: [] for name in OBJECT_NAMES}
        self._next_insert_index = dict.fromkeys(OBJECT_NAMES, 0)
        # Read-ahead: while a client digests one page, a background thread builds the
        # records that follow, so the next page is served from memory.
        self.read_ahead = read_ahead
        self._ahead = ReadAhead(self.factory, self.shape.counts, OBJECT_NAMES)
        self._parents: dict[tuple[str, int], dict] = {}  # see _built
        if read_ahead:  # a server: list the archived activities before the first query needs them
            threading.Thread(target=self._index_archived, name="sfsandbox-archive", daemon=True).start()

    def _index_archived(self) -> None:
        for name in ARCHIVABLE:
            self._archived(name)

    # -- sizes ---------------------------------------------------------------------------
    def generated_count(self, object_name: str) -> int:
        return self.shape.counts[object_name]

    def count(
        self, object_name: str, include_deleted: bool = False, include_archived: bool | None = None
    ) -> int:
        """Rows /query (or /queryAll with include_deleted) returns for a bare SELECT.

        /query leaves out archived Tasks and Events, /queryAll returns them:
        `include_archived` defaults to `include_deleted`. `count(name, False, True)` is what
        `queryAll ... WHERE IsDeleted = false` returns.
        """
        if include_archived is None:
            include_archived = include_deleted
        end = (self.shape.counts[object_name], len(self._inserted_order[object_name]))
        return self.count_window(
            object_name,
            (0, 0),
            end,
            None if include_deleted else False,
            exclude_archived=not include_archived,
        )

    def archived_ids(self, object_name: str) -> list[str]:
        """Ids of the archived (and so /queryAll-only) records of a Task or Event."""
        generated = [ids.make_id(object_name, i) for i in self._archived(object_name)[0]]
        return generated + [r["Id"] for r in self._inserted[object_name].values() if r.get("IsArchived")]

    def _archived(self, object_name: str) -> tuple[list[int], frozenset[int]]:
        with self._lock:
            return self.factory.archived_indices(object_name)

    def archived_test(self, object_name: str):
        """A function telling whether a row reference from `scan` is archived, or None."""
        if object_name not in ARCHIVABLE:
            return None
        archived = self._archived(object_name)[1]
        return lambda ref: ref in archived if isinstance(ref, int) else bool(ref.get("IsArchived"))

    def deleted_ids(self, object_name: str) -> list[str]:
        generated = [ids.make_id(object_name, i) for i in self.changes[object_name].deleted_list]
        return generated + [r["Id"] for r in self._inserted[object_name].values() if r["IsDeleted"]]

    def messy(self, object_name: str) -> dict[str, list[str]]:
        """{Id: [kinds]} of the deliberately messy generated records of an object."""
        return {
            ids.make_id(object_name, index): list(kinds)
            for index, kinds in sorted(self.shape.messy.get(object_name, {}).items())
        }

    # -- records -------------------------------------------------------------------------
    def record_at(self, object_name: str, index: int) -> dict:
        """The generated record (shared when read ahead: callers must not mutate it)."""
        record = self._ahead.record(object_name, index) or self._built(object_name, index)
        override = self.changes[object_name].overrides.get(index)
        return {**record, **override} if override else record

    def _built(self, object_name: str, index: int) -> dict:
        """A generated record outside the read-ahead blocks: mostly a parent that a query's
        relationship field reads (Product2.Name of every line item), so the same few are
        asked for again and again. Generation is deterministic and changes are applied on
        top (record_at), so keeping the last ones built is always right."""
        key = (object_name, index)
        record = self._parents.get(key)
        if record is None:
            record = self.factory.build(object_name, index)
            if len(self._parents) >= _PARENT_CACHE:
                self._parents.clear()  # cheaper than LRU bookkeeping on every read
            self._parents[key] = record
        return record

    def prefetch(self, object_name: str, start_index: int, count: int) -> None:
        """Ask the read-ahead thread for generated records [start, start + count)."""
        if self.read_ahead and count > 0:
            self._ahead.request(object_name, start_index, count)

    def get(self, object_name: str, record_id: str) -> dict | None:
        index = ids.index_from_id(object_name, record_id)
        if index is not None and index < self.shape.counts[object_name]:
            return self.record_at(object_name, index)
        return self._inserted[object_name].get(record_id[:15])

    def insert(self, object_name: str, values: dict, record_id: str | None = None) -> str:
        """Add a record (sample data, tests). Missing fields are null, system fields filled."""
        obj = self.objects[object_name]
        with self._lock:
            if record_id is None:
                index = self._next_insert_index[object_name]
                self._next_insert_index[object_name] = index + 1
                record_id = ids.make_id(object_name, index, pod=ids.INSERTED_POD)
            elif len(record_id) == 15:
                record_id = ids.to_18(record_id)
            now = self.clock.now_text()
            record: dict = {}
            for field_def in obj.fields:
                default = False if field_def.type == "boolean" else None
                record[field_def.name] = default
            record.update(
                {
                    "Id": record_id,
                    "IsDeleted": False,
                    "CreatedById": self.user_id,
                    "LastModifiedById": self.user_id,
                    "CreatedDate": now,
                    "LastModifiedDate": now,
                    "SystemModstamp": now,
                }
            )
            if "OwnerId" in record:
                record["OwnerId"] = self.user_id
            if self.multi_currency:
                record["CurrencyIsoCode"] = "USD"
            for key, value in values.items():
                field_def = obj.get(key)
                if field_def is not None and field_def.name != "Id":
                    record[field_def.name] = value
            if object_name in _DEFAULTED:  # picklist defaults, as Salesforce applies them on insert
                for field_def in obj.fields:
                    if field_def.default_value is not None and record.get(field_def.name) is None:
                        record[field_def.name] = field_def.default_value
            if object_name == "Case" and record.get("ContactId") and not record.get("AccountId"):
                contact = (
                    self.get("Contact", record["ContactId"])
                    if ids.looks_like_id(record["ContactId"])
                    else None
                )
                record["AccountId"] = contact.get("AccountId") if contact else None
            if object_name in _CLOSED_STATUSES and record.get("Status") is not None:
                # IsClosed follows Status, as Salesforce sets it.
                record["IsClosed"] = record.get("Status") in _CLOSED_STATUSES[object_name]
            if object_name in ARCHIVABLE:
                record["IsArchived"] = _archived_by_rule(object_name, record)
            if object_name == "ContentNote":
                from sfsandbox.content import note_fields_from_content

                record.update(note_fields_from_content(record))
            if object_name in ("Contact", "User", "Lead"):  # Name is computed from its parts
                record["Name"] = (
                    " ".join(p for p in (record.get("FirstName"), record.get("LastName")) if p) or None
                )
            key15 = record_id[:15]
            store = self._inserted[object_name]
            if key15 not in store:
                bisect.insort(self._inserted_order[object_name], key15)
            store[key15] = record
            self.changes[object_name].touch(key15, record["SystemModstamp"] or now)
        return record_id

    def mutate(self, spec: dict) -> dict:
        """Change, add and delete records now (see sfsandbox.mutate); returns what changed."""
        from sfsandbox.mutate import apply_mutation

        with self._lock:
            return apply_mutation(self, spec)

    def is_deleted(self, object_name: str, index: int) -> bool:
        return index in self.changes[object_name].deleted_set

    # -- Id-ordered access ---------------------------------------------------------------
    def _generated_id15(self, object_name: str, index: int) -> str:
        return ids.make_id(object_name, index)[:15]

    def _generated_bound(self, object_name: str, id15: str, inclusive_of_equal: bool) -> int:
        """First generated index whose Id is > id15 (or >= when inclusive_of_equal)."""
        low, high = 0, self.shape.counts[object_name]
        while low < high:
            middle = (low + high) // 2
            candidate = self._generated_id15(object_name, middle)
            if candidate < id15 or (candidate == id15 and not inclusive_of_equal):
                low = middle + 1
            else:
                high = middle
        return low

    def id_window(
        self, object_name: str, lower: tuple[str, bool] | None, upper: tuple[str, bool] | None
    ) -> tuple[Position, Position]:
        """Start and end positions of the rows whose Ids fall within the bounds."""
        order = self._inserted_order[object_name]
        start: Position = (0, 0)
        end: Position = (self.shape.counts[object_name], len(order))
        if lower is not None:
            value, inclusive = lower
            start = (
                self._generated_bound(object_name, value, inclusive),
                (bisect.bisect_left if inclusive else bisect.bisect_right)(order, value),
            )
        if upper is not None:
            value, inclusive = upper
            end = (
                self._generated_bound(object_name, value, not inclusive),
                (bisect.bisect_right if inclusive else bisect.bisect_left)(order, value),
            )
        return start, end

    def count_window(
        self,
        object_name: str,
        start: Position,
        end: Position,
        deleted_filter: bool | None,
        *,
        exclude_archived: bool = False,
    ) -> int:
        """Rows in a window without building any: deleted (and archived) flags come from indices."""
        generated = max(0, end[0] - start[0])
        deleted_list = self.changes[object_name].deleted_list
        low, high = bisect.bisect_left(deleted_list, start[0]), bisect.bisect_left(deleted_list, end[0])
        generated_deleted = max(0, high - low)
        order = self._inserted_order[object_name][start[1] : end[1]]
        store = self._inserted[object_name]
        if exclude_archived and object_name in ARCHIVABLE:
            # Archived rows are left out whatever their deleted flag.
            archived_list, archived = self._archived(object_name)
            generated -= bisect.bisect_left(archived_list, end[0]) - bisect.bisect_left(
                archived_list, start[0]
            )
            generated_deleted -= sum(1 for index in deleted_list[low:high] if index in archived)
            order = [key for key in order if not store[key].get("IsArchived")]
        inserted_deleted = sum(1 for key in order if store[key]["IsDeleted"])
        if deleted_filter is None:
            return generated + len(order)
        if deleted_filter:
            return generated_deleted + inserted_deleted
        return generated - generated_deleted + len(order) - inserted_deleted

    def scan(
        self, object_name: str, start: Position, end: Position
    ) -> Iterator[tuple[Position, bool, object]]:
        """Yield (position after the row, is_deleted, row reference) in Id order.

        A row reference is an int (generated index) or the inserted record's dict;
        `materialize` turns it into the record.
        """
        gen, ins = start
        gen_end, ins_end = end
        order = self._inserted_order[object_name]
        store = self._inserted[object_name]
        deleted = self.changes[object_name].deleted_set
        next_inserted = order[ins] if ins < ins_end else None
        while gen < gen_end or next_inserted is not None:
            if next_inserted is not None and (
                gen >= gen_end or next_inserted < self._generated_id15(object_name, gen)
            ):
                record = store[next_inserted]
                ins += 1
                next_inserted = order[ins] if ins < ins_end else None
                yield (gen, ins), record["IsDeleted"], record
            else:
                index = gen
                gen += 1
                yield (gen, ins), index in deleted, index

    def materialize(self, object_name: str, reference: object) -> dict:
        if isinstance(reference, int):
            return self.record_at(object_name, reference)
        return reference  # type: ignore[return-value]


def _archived_by_rule(object_name: str, record: dict) -> bool:
    """Salesforce's archive criteria for an inserted Task or Event (see generator.activities)."""
    from sfsandbox.generator.activities import ARCHIVE_AGE_DAYS

    cutoff = format_datetime(NOW - ARCHIVE_AGE_DAYS * 86400)  # datetimes in this form sort as text
    if object_name == "Event":
        if record.get("ActivityDateTime"):
            return record["ActivityDateTime"] <= cutoff
        return bool(record.get("ActivityDate")) and record["ActivityDate"][:10] <= cutoff[:10]
    if not record.get("IsClosed"):
        return False
    if record.get("ActivityDate"):
        return record["ActivityDate"][:10] <= cutoff[:10]
    return (record.get("CreatedDate") or "") <= cutoff
