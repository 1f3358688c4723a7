"""Read-ahead: while a client digests one page, a thread builds the records that follow.

Records are built in blocks of 1,024 generated indices and a few blocks per object are
kept, so the next page of an Id-ordered query is served from memory. A read of a block
the thread is about to build waits for it: two threads building the same records would
only share the GIL (every record built twice, and the sandbox shares the bench machine's
cores with the importer).
"""

from __future__ import annotations

import queue
import threading
from collections import OrderedDict

BLOCK_BITS = 10
BLOCK_SIZE = 1 << BLOCK_BITS
MAX_BLOCKS_PER_OBJECT = 8  # bounded: about 8,000 records per object stay cached
BLOCK_WAIT_SECONDS = 30.0  # a read waits this long for a queued block, then builds its record


class ReadAhead:
    def __init__(self, factory, counts: dict[str, int], object_names):
        self._factory = factory
        self._counts = counts
        self._blocks: dict[str, OrderedDict[int, list[dict]]] = {name: OrderedDict() for name in object_names}
        # Its own lock, not the org's: a mutation holding that one may wait for a block.
        self._lock = threading.Lock()
        self._pending: dict[tuple[str, int], threading.Event] = {}  # queued blocks, set once built
        self._queue: queue.SimpleQueue | None = None

    def record(self, object_name: str, index: int) -> dict | None:
        """The generated record if its block is built (or being built), else None."""
        block = self._blocks[object_name].get(index >> BLOCK_BITS)
        if block is None and self._pending:
            block = self._wait_for_block(object_name, index >> BLOCK_BITS)
        return block[index & (BLOCK_SIZE - 1)] if block is not None else None

    def _wait_for_block(self, object_name: str, block: int) -> list[dict] | None:
        ready = self._pending.get((object_name, block))
        if ready is None or not ready.wait(BLOCK_WAIT_SECONDS):
            return None
        return self._blocks[object_name].get(block)

    def request(self, object_name: str, start_index: int, count: int) -> None:
        """Queue the blocks of generated records [start, start + count).

        Whole blocks only: the block `start` falls in was mostly built for the page that
        ended there, and its rest is built when asked for. No more blocks than are kept, or
        the first would be dropped before being read (a 50,000-row Bulk page).
        """
        end = min(start_index + count, self._counts[object_name])
        first = -(-start_index // BLOCK_SIZE)
        last = min((end - 1) >> BLOCK_BITS, first + MAX_BLOCKS_PER_OBJECT - 2)
        with self._lock:
            if self._queue is None:
                self._queue = queue.SimpleQueue()
                threading.Thread(target=self._work, name="sfsandbox-read-ahead", daemon=True).start()
            for block in range(first, last + 1):
                key = (object_name, block)
                if block not in self._blocks[object_name] and key not in self._pending:
                    self._pending[key] = threading.Event()
                    self._queue.put(key)

    def _work(self) -> None:
        assert self._queue is not None
        while True:
            object_name, block = self._queue.get()
            first = block << BLOCK_BITS
            last = min(first + BLOCK_SIZE, self._counts[object_name])
            try:
                records = [self._factory.build(object_name, i) for i in range(first, last)]
            except Exception:  # noqa: BLE001 - the reader builds the record itself, and raises there
                records = []
            with self._lock:  # built or not, a reader waiting for the block goes on
                blocks = self._blocks[object_name]
                if records:
                    blocks[block] = records
                while len(blocks) > MAX_BLOCKS_PER_OBJECT:
                    blocks.popitem(last=False)
                self._pending.pop((object_name, block)).set()
