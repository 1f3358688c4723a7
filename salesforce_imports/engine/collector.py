"""Python's memory while a job streams records through the worker: the garbage collector,
and where the C allocator puts big blocks."""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc


@contextlib.contextmanager
def fewer_collections():
    """Python's cyclic garbage collector, tuned for a long stream of short-lived records.

    With the default threshold (700 new objects) a batch of 2,000 records triggers hundreds
    of collections, and the older generations, full of Django's and the mapping's long-lived
    objects, are scanned again and again: measured here, 10-15% of the worker's CPU on a
    100,000-record import. For the job, what is alive at its start is moved out of the
    collector's sight (gc.freeze, after a collection so that no garbage is frozen with it)
    and collections come every 50,000 allocations; reference counting still frees the records
    themselves at once. A worker runs many jobs: both are undone at the end.
    """
    thresholds = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


# Blocks of this size and more get their own mapping from the C allocator, handed back to the
# system when freed (glibc's M_MMAP_THRESHOLD).
BIG_BLOCK_BYTES = 1 << 20
_M_MMAP_THRESHOLD = -3  # mallopt's parameter number, from glibc's malloc.h


@functools.cache  # once per process
def big_blocks_back_to_the_system() -> None:
    """A REST page is several MB of JSON text, read in one thread and freed in another; glibc
    serves such blocks from its heaps once its adaptive threshold has risen past them, and the
    freed space, scattered between live small objects, never goes back: measured here, a
    REST-only import's worker grew by 90 MB within one object type of a 1,000,000-record org
    while the live Python objects stayed at 15 MB. A fixed threshold keeps every page-sized
    block in its own mapping: the 200,000-record REST-only bench peaked at 175 MB instead of
    208-217 MB, at the same speed in interleaved runs. Once per process; elsewhere than glibc
    nothing is done."""
    try:
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (macOS, musl): its own allocator, as it is
        return
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt(_M_MMAP_THRESHOLD, BIG_BLOCK_BYTES)
