"""The job's start: Salesforce calls side by side.

A job's start makes two calls per object type (its COUNT(), in the API budget's estimate
or the job, and its describe) that depend on nothing but the type. One after the other, in
a real org, they were 32 round trips of 150 ms before the first record; eight at a time
they take four. Each call still goes through the client (retries, token refresh, counted in
the job's calls). The Bulk jobs requested ahead are created the same way (engine/sources.py).
"""

from __future__ import annotations

import contextvars
import logging
from concurrent.futures import ThreadPoolExecutor

from django import db
from simple_salesforce.exceptions import SalesforceError

from ..mapping import mapping_for
from . import chunks

logger = logging.getLogger(__name__)

CONCURRENCY = 8  # calls in flight at once: a handful, well below Salesforce's concurrency limits


def at_once(call, items: list, concurrency: int = CONCURRENCY) -> list:
    """[call(item) for item in items], made side by side. Every call ends before this
    returns; the first failure in the items' order is raised, as one after the other would."""
    if len(items) < 2:
        return [call(item) for item in items]
    context = contextvars.copy_context()  # the org context, for token refreshes

    def run(item):
        try:
            return context.copy().run(call, item)
        finally:
            db.connections.close_all()  # this pool thread's connection, if a refresh opened one

    with ThreadPoolExecutor(max_workers=min(concurrency, len(items)), thread_name_prefix="at-once") as pool:
        futures = [pool.submit(run, item) for item in items]
    return [future.result() for future in futures]


def counts(client, sobjects: list[str]) -> list[int]:
    """Each type's COUNT() of what an import of it reads (the API budget's estimate makes
    these before the job and hands them over; the job counts those it was not handed)."""

    def count(sobject: str) -> int:
        where = f"FROM {sobject} WHERE IsDeleted = false"
        return client.count(where, query_all=mapping_for(sobject).query_all)

    return at_once(count, sobjects)


def count_all(runner, sobjects: list[str]) -> None:
    """Each type's COUNT() into its progress entry (a delta's query says its size)."""
    progress = runner.job.progress
    uncounted = [s for s in sobjects if progress[s]["total"] is None and s not in runner.deltas]
    for sobject, total in zip(uncounted, counts(runner.client, uncounted), strict=True):
        progress[sobject]["total"] = total


def describe_all(runner, sobjects: list[str]) -> None:
    """Every type still to import described (the client keeps the describes); its select
    list is still worked out at its turn, so its warnings come in their order. Up to a type
    that fans out: the runner that takes the job back describes the ones after it."""
    todo = []
    for sobject in sobjects:
        if runner.job.progress[sobject]["status"] != "done":
            todo.append(sobject)
            if chunks.should_split(runner, sobject):
                break

    def describe(sobject: str) -> None:
        try:
            runner.client.describe_fields(sobject)
        except SalesforceError:  # refused for this type: its turn describes it again and fails there
            logger.info("Describing %s ahead failed; it is described at its turn", sobject, exc_info=True)

    at_once(describe, todo)
