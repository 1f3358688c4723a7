"""The org clock and the index of what changed since the org was generated.

Timestamps:

* Generated records are the org as of its generation time `GENERATED_AT` (`generator.NOW`,
  2025-06-01T00:00:00Z): every generated CreatedDate, LastModifiedDate and SystemModstamp is at
  or before it.
* The org clock (`OrgClock`) is "now" for everything that happens at run time: inserted,
  changed, added and deleted records get its time as their stamps. It starts after
  `GENERATED_AT` and only moves forward; each mutation moves it at least a minute.
* So a record whose stamp is after `GENERATED_AT` is one that changed at run time, and every
  such record is in `ObjectChanges.log`. A query for `SystemModstamp > T` (or
  LastModifiedDate, CreatedDate) with T at or after `GENERATED_AT` needs only the log: the
  unchanged generated records are skipped without being built (see `candidates`).
"""

from __future__ import annotations

import bisect
import datetime as dt
import time

from sfsandbox.generator import NOW, format_datetime

GENERATED_AT = NOW
GENERATED_AT_TEXT = format_datetime(NOW)
MUTATION_STEP = 60  # seconds each mutation moves the clock forward by default


def parse_clock(text: str) -> int:
    """Epoch seconds of an ISO datetime ('2025-06-01T01:00:00Z', '...000+0000')."""
    value = text.strip().replace("Z", "+00:00")
    if len(value) > 5 and value[-5] in "+-" and value[-3] != ":":
        value = value[:-2] + ":" + value[-2:]
    parsed = dt.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return int(parsed.timestamp())


class OrgClock:
    """The org's "now", in whole seconds (Salesforce stamps carry .000 milliseconds).

    `OrgClock()` follows real time, so a client that remembers its own start time (minus a
    margin for clock skew) sees the changes made after it; `OrgClock(start)` is frozen at
    `start` and moves only when a mutation (or `advance`) moves it, for tests that want
    exact timestamps. Either way `now()` never goes back and is after `GENERATED_AT`.
    """

    def __init__(self, start: int | str | None = None):
        if isinstance(start, str):
            start = None if start == "real" else parse_clock(start)
        self.follows_real_time = start is None
        floor = int(time.time()) if start is None else int(start)
        if floor <= GENERATED_AT:
            raise ValueError(f"the org clock must start after {GENERATED_AT_TEXT}")
        self._floor = floor

    def now(self) -> int:
        if self.follows_real_time:
            self._floor = max(self._floor, int(time.time()))
        return self._floor

    def now_text(self) -> str:
        return format_datetime(self.now())

    def advance(self, seconds: int = MUTATION_STEP) -> int:
        """Move the clock at least `seconds` forward; returns the new time."""
        self._floor = self.now() + max(0, int(seconds))
        return self._floor


class ObjectChanges:
    """What happened to one object at run time.

    * `overrides`: generated index -> fields that differ from the generated record.
    * `deleted_list` / `deleted_set`: generated indices that are soft-deleted (the generated
      ones plus those deleted at run time). The generator keeps its own lists untouched, so
      no other record's values move when one is deleted.
    * `log_stamps` / `log_keys`: every run-time write (insert, change, add, delete) as
      (SystemModstamp text, 15-char Id), sorted by stamp.
    * `added`: records added after the generated range (their indices follow it).
    """

    __slots__ = ("overrides", "deleted_list", "deleted_set", "log_stamps", "log_keys", "added", "_own")

    def __init__(self, deleted_list: list[int], deleted_set):
        self.overrides: dict[int, dict] = {}
        self.deleted_list = deleted_list
        self.deleted_set = deleted_set
        self.log_stamps: list[str] = []
        self.log_keys: list[str] = []
        self.added = 0
        self._own = False  # deleted_list/set are the generator's until the first run-time delete

    def touch(self, key15: str, stamp: str) -> None:
        if not self.log_stamps or stamp >= self.log_stamps[-1]:
            self.log_stamps.append(stamp)
            self.log_keys.append(key15)
            return
        slot = bisect.bisect_right(self.log_stamps, stamp)
        self.log_stamps.insert(slot, stamp)
        self.log_keys.insert(slot, key15)

    def keys_since(self, stamp: str, inclusive: bool) -> set[str]:
        """15-char Ids written at run time at `stamp` or later (after it unless inclusive)."""
        find = bisect.bisect_left if inclusive else bisect.bisect_right
        return set(self.log_keys[find(self.log_stamps, stamp) :])

    def delete_generated(self, index: int) -> None:
        if not self._own:
            self.deleted_list = list(self.deleted_list)
            self.deleted_set = set(self.deleted_set)
            self._own = True
        if index not in self.deleted_set:
            bisect.insort(self.deleted_list, index)
            self.deleted_set.add(index)

    def override(self, index: int, values: dict) -> None:
        self.overrides.setdefault(index, {}).update(values)
