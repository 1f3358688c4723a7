"""Batches written while the next ones are prepared (engine/writer.py): in order, at most
BATCHES_IN_FLIGHT waiting, nothing written after a batch that failed, and natural keys of
every batch still in flight kept apart from the one being prepared."""

from __future__ import annotations

import threading

import pytest
from django.utils import timezone

from accounts.models import Account
from common.rls import org_context
from salesforce_imports.engine.batch import BatchImporter
from salesforce_imports.engine.job import empty_progress
from salesforce_imports.engine.writer import BATCHES_IN_FLIGHT, BatchWriter
from salesforce_imports.mapping import mapping_for
from salesforce_imports.models import ImportJob, JobStatus
from sfsandbox.ids import make_id


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_batches_are_written_in_order_with_the_preparing_side_at_most_two_ahead():
    assert BATCHES_IN_FLIGHT == 2
    written, release = [], threading.Event()

    def write(number):
        release.wait(timeout=10)  # the writer is slow: the preparing side runs ahead
        written.append(number)

    ahead = []
    with BatchWriter(write) as writer:
        for number in range(1, 6):
            writer.submit(number)
            ahead.append(number - len(written))
            release.set()
    assert written == [1, 2, 3, 4, 5]
    assert ahead[:2] == [1, 2] and max(ahead) <= BATCHES_IN_FLIGHT


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_nothing_is_written_after_a_batch_that_failed_and_its_error_is_the_one_raised():
    written, second_started = [], threading.Event()
    third_queued = threading.Event()

    def write(number):
        if number == 2:
            second_started.set()
            third_queued.wait(timeout=10)  # batch 3 waits behind it when it fails
            raise RuntimeError("batch 2 refused")
        written.append(number)

    with pytest.raises(RuntimeError, match="batch 2 refused"), BatchWriter(write) as writer:
        writer.submit(1)
        writer.submit(2)
        second_started.wait(timeout=10)
        writer.submit(3)  # queued behind the failing batch: never written
        third_queued.set()
        writer.submit(4)  # waits for batch 2 and raises its error
    # A later batch committed after a failed one would move the resume cursor past its records.
    assert written == [1]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_name_taken_by_either_batch_still_in_flight_is_told_apart(admin_profile):
    """Batches 1 and 2 are prepared but not yet committed when batch 3 is prepared: an
    account named like one in batch 1 gets a told-apart name, not a clash the CRM refuses."""
    with org_context(admin_profile.org_id):
        job = ImportJob.objects.create(
            org_id=admin_profile.org_id,
            object_types=["Account"],
            status=JobStatus.IN_PROGRESS,
            heartbeat_at=timezone.now(),
            progress={"Account": empty_progress(3)},
        )
        importer = BatchImporter(job, mapping_for("Account"))
        names = ["Acme Rockets", "Globex", "Acme Rockets"]
        plans = [
            importer.prepare([{"attributes": {"type": "Account"}, "Id": make_id("Account", n), "Name": name}])
            for n, name in enumerate(names, start=1)
        ]
        for plan in plans:  # committed only now, in order, as the writer does
            importer.write(plan)
        assert sorted(Account.objects.values_list("name", flat=True)) == [
            "Acme Rockets",
            f"Acme Rockets ({make_id('Account', 3)})",
            "Globex",
        ]
        assert [plan.tally.imported for plan in plans] == [1, 1, 1]
