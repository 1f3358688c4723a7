"""Leases in-process: the heartbeat's own schedule, the cross-org sweep and its RLS policy."""

import time
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from common.rls import org_context
from salesforce_imports import leases
from salesforce_imports.engine.heartbeat import Heartbeat
from salesforce_imports.models import ImportJob, JobStatus

pytestmark = pytest.mark.django_db(transaction=True)


def make_job(profile, **fields):
    with org_context(profile.org_id):
        return ImportJob.objects.create(org_id=profile.org_id, object_types=["Account"], **fields)


def stale(minutes=5):
    return timezone.now() - timedelta(minutes=minutes)


def test_heartbeat_reports_on_its_own_schedule_while_the_runner_is_busy(admin_profile):
    job = make_job(admin_profile)
    with org_context(admin_profile.org_id):
        assert leases.claim(job.pk, runner="busy/1") == leases.Claim.TAKEN
        claimed_at = ImportJob.objects.get(pk=job.pk).heartbeat_at
        with Heartbeat(job.pk, "busy/1", interval=0.1) as heartbeat:
            time.sleep(0.6)  # the runner is "in a slow call": it reports nothing itself
            beat_at = ImportJob.objects.get(pk=job.pk).heartbeat_at
        assert beat_at > claimed_at + timedelta(seconds=0.3)
        assert not heartbeat.lost.is_set()


def test_heartbeat_notices_a_takeover_and_stops(admin_profile):
    job = make_job(admin_profile)
    with org_context(admin_profile.org_id):
        leases.claim(job.pk, runner="old/1")
        with Heartbeat(job.pk, "old/1", interval=0.1) as heartbeat:
            ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=stale())
            assert leases.claim(job.pk, runner="new/1") == leases.Claim.TAKEN
            assert heartbeat.lost.wait(2)
        assert ImportJob.objects.get(pk=job.pk).runner == "new/1"


def test_sweep_finds_stalled_jobs_of_every_org_and_queues_each_once(admin_profile, other_admin_profile):
    dead = make_job(admin_profile, status=JobStatus.IN_PROGRESS, runner="gone/1", heartbeat_at=stale())
    lost_message = make_job(other_admin_profile, created_at=stale())  # queued, never picked up
    queued = []
    requeued = leases.requeue_stalled_jobs(lambda *args: queued.append(args))  # no org context at all
    assert sorted(requeued) == sorted([str(dead.pk), str(lost_message.pk)])
    assert (str(dead.pk), str(admin_profile.org_id), "gone/1", False) in queued
    assert (str(lost_message.pk), str(other_admin_profile.org_id), None, False) in queued
    # A second sweep (another worker, a moment later) does not queue them again.
    assert leases.requeue_stalled_jobs(lambda *args: queued.append(args)) == []
    assert len(queued) == 2


def test_sweep_leaves_live_and_fresh_jobs_alone(admin_profile, other_admin_profile):
    make_job(admin_profile, status=JobStatus.IN_PROGRESS, runner="alive/1", heartbeat_at=timezone.now())
    make_job(other_admin_profile)  # just queued: its message is on its way
    assert leases.requeue_stalled_jobs(lambda *args: pytest.fail(f"queued {args}")) == []


def test_restarted_worker_takes_its_own_job_back_before_the_lease(admin_profile):
    job = make_job(
        admin_profile, status=JobStatus.IN_PROGRESS, runner="node-a/41", heartbeat_at=timezone.now()
    )
    queued = []
    assert leases.requeue_stalled_jobs(lambda *a: queued.append(a), dead_runner_prefix="node-a/") == [
        str(job.pk)
    ]
    assert queued == [(str(job.pk), str(admin_profile.org_id), "node-a/41", False)]
    with org_context(admin_profile.org_id):
        assert leases.claim(job.pk, runner="node-a/77", takeover_from="node-a/41") == leases.Claim.TAKEN


def test_sweep_ends_a_stalled_job_the_admin_cancelled(admin_profile):
    job = make_job(
        admin_profile,
        status=JobStatus.IN_PROGRESS,
        runner="gone/1",
        heartbeat_at=stale(),
        cancel_requested=True,
    )
    with org_context(admin_profile.org_id):
        ImportJob.objects.filter(pk=job.pk).update(progress={"Account": {"status": "in_progress"}})
    assert leases.requeue_stalled_jobs(lambda *a: pytest.fail("a cancelled job was queued")) == []
    with org_context(admin_profile.org_id):
        job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and job.completed_at
    assert job.progress["Account"]["status"] == "cancelled"


@pytest.mark.postgres
def test_the_sweep_policy_opens_only_reads_and_only_inside_its_transaction(
    admin_profile, other_admin_profile
):
    """The app role (not superuser, not BYPASSRLS) sees another org's jobs only in a
    transaction that set app.job_sweep, cannot change them there, and never afterwards."""
    theirs = make_job(other_admin_profile)
    with org_context(admin_profile.org_id):
        assert not ImportJob.unscoped.filter(pk=theirs.pk).exists()
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('app.job_sweep', 'on', true)")
            assert ImportJob.unscoped.filter(pk=theirs.pk).exists()
            assert ImportJob.unscoped.filter(pk=theirs.pk).update(status=JobStatus.CANCELLED) == 0
        assert not ImportJob.unscoped.filter(pk=theirs.pk).exists()
    with org_context(other_admin_profile.org_id):
        assert ImportJob.objects.get(pk=theirs.pk).status == JobStatus.PENDING
