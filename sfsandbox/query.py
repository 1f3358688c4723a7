"""Running a parsed query: total size up front, then any page by offset.

Pages are addressed by offset (Salesforce's `nextRecordsUrl` ends in `-<offset>`, Bulk API
locators name a position) so a client that retries a page after a 503 gets the same rows.
Id-ordered results stream from checkpoints remembered at each page boundary; other
orderings are materialized once as a sorted list of row references.
"""

from __future__ import annotations

import bisect
import threading

from sfsandbox import ids
from sfsandbox.candidates import candidate_keys
from sfsandbox.content import narrow_link_window
from sfsandbox.data import Org, Position
from sfsandbox.soql import Query


class ResultSet:
    def __init__(self, org: Org, query: Query, *, include_deleted: bool):
        self.org = org
        self.query = query
        self.object_name = query.object_name
        self.include_deleted = include_deleted
        # /query never returns deleted rows; /queryAll returns them unless WHERE excludes.
        self.deleted_filter = query.deleted_filter if include_deleted else False
        self._always_empty = not include_deleted and query.deleted_filter is True
        # /query never returns archived Tasks and Events ("You cannot use query() as it
        # automatically filters out all records where isArchived is set to true"); /queryAll does.
        self._archived = None if include_deleted else org.archived_test(self.object_name)
        self._lock = threading.Lock()
        self._start, self._end = org.id_window(self.object_name, query.id_lower, query.id_upper)
        self._start, self._end = narrow_link_window(org, query, self._start, self._end)
        self._checkpoints: dict[int, Position] = {0: self._start}
        self._checkpoint_offsets = [0]
        self._sorted_refs: list | None = None
        matching = self._count_matching()
        available = max(0, matching - query.offset)
        self.total_size = available if query.limit is None else min(available, query.limit)

    def _accept(self, is_deleted: bool) -> bool:
        return self.deleted_filter is None or is_deleted == self.deleted_filter

    def _count_matching(self) -> int:
        if self._always_empty:
            return 0
        query = self.query
        keys = candidate_keys(self.org, self.object_name, query.where)
        if keys is not None:  # only these rows can match: read them, not the object
            self._sorted_refs = self._materialize_sorted(self._candidate_rows(keys))
            return len(self._sorted_refs)
        if not query.ordered_by_id:
            self._sorted_refs = self._materialize_sorted(self._scan_rows())
            return len(self._sorted_refs)
        if query.predicate is None:
            return self.org.count_window(
                self.object_name,
                self._start,
                self._end,
                self.deleted_filter,
                exclude_archived=self._archived is not None,
            )
        count = 0
        archived = self._archived
        for _, is_deleted, reference in self.org.scan(self.object_name, self._start, self._end):
            if archived is not None and archived(reference):
                continue
            if self._accept(is_deleted) and query.predicate(
                self.org.materialize(self.object_name, reference)
            ):
                count += 1
        return count

    def _scan_rows(self):
        for _, is_deleted, reference in self.org.scan(self.object_name, self._start, self._end):
            yield is_deleted, reference

    def _candidate_rows(self, keys: set[str]):
        """(is_deleted, reference) of the candidate Ids that exist and fall in the Id window, in Id order."""
        org, name = self.org, self.object_name
        lower, upper = self.query.id_lower, self.query.id_upper
        generated = org.generated_count(name)
        store = org._inserted[name]
        deleted = org.changes[name].deleted_set
        for key in sorted(keys):
            if lower is not None and (key < lower[0] or (key == lower[0] and not lower[1])):
                continue
            if upper is not None and (key > upper[0] or (key == upper[0] and not upper[1])):
                continue
            index = ids.index_from_id(name, key)
            if index is not None and index < generated:
                yield index in deleted, index
            elif key in store:
                yield store[key]["IsDeleted"], store[key]

    def _materialize_sorted(self, source) -> list:
        rows = []
        predicate = self.query.predicate
        archived = self._archived
        by_id = self.query.ordered_by_id
        for is_deleted, reference in source:
            if not self._accept(is_deleted) or (archived is not None and archived(reference)):
                continue
            if predicate is None and by_id:  # nothing to test or sort on: no record needed
                rows.append((None, reference))
                continue
            record = self.org.materialize(self.object_name, reference)
            if predicate is None or predicate(record):
                rows.append((record, reference))
        if by_id:  # the candidates came in Id order
            return [reference for _, reference in rows]
        # Stable sorts from the last key to the first give a multi-key ORDER BY.
        for item in reversed(self.query.order_by):
            name = item.field.name
            present = [r for r in rows if r[0].get(name) is not None]
            missing = [r for r in rows if r[0].get(name) is None]
            present.sort(key=lambda r, n=name: _sort_key(r[0][n]), reverse=item.descending)
            rows = missing + present if item.nulls_first else present + missing
        return [reference for _, reference in rows]

    def page(self, offset: int, size: int) -> list[dict]:
        """Records at [offset, offset + size) of the result (offset is after OFFSET n)."""
        size = max(0, min(size, self.total_size - offset))
        if size == 0:
            return []
        absolute = offset + self.query.offset
        if self._sorted_refs is not None:
            refs = self._sorted_refs[absolute : absolute + size]
            return [self.org.materialize(self.object_name, r) for r in refs]
        with self._lock:
            slot = bisect.bisect_right(self._checkpoint_offsets, absolute) - 1
            known = self._checkpoint_offsets[slot]
            position = self._checkpoints[known]
        records, end_position = self._stream(position, absolute - known, size)
        # The next page most likely starts where this one ended.
        self.org.prefetch(self.object_name, end_position[0], 2 * size)
        with self._lock:
            end_offset = absolute + len(records)
            if end_offset not in self._checkpoints:
                self._checkpoints[end_offset] = end_position
                bisect.insort(self._checkpoint_offsets, end_offset)
        return records

    def _stream(self, start: Position, skip: int, size: int) -> tuple[list[dict], Position]:
        predicate = self.query.predicate
        org, name = self.org, self.object_name
        records: list[dict] = []
        position = start
        archived = self._archived
        for position, is_deleted, reference in org.scan(name, start, self._end):  # noqa: B007
            if not self._accept(is_deleted) or (archived is not None and archived(reference)):
                continue
            if predicate is None and skip:
                skip -= 1  # skipping needs no record when nothing else filters
                continue
            record = org.materialize(name, reference)
            if predicate is not None and not predicate(record):
                continue
            if skip:
                skip -= 1
                continue
            records.append(record)
            if len(records) == size:
                break
        return records, position


def _sort_key(value):
    # SOQL sorts text case-insensitively.
    return value.casefold() if isinstance(value, str) else value
