import hashlib

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from common.models import BaseOrgModel, Org, OrgScopedManager, Profile

from .crypto import EncryptedTextField


class SalesforceConnection(BaseOrgModel):
    """The org's one link to its Salesforce org: where it is and the tokens to reach it."""

    instance_url = models.URLField(max_length=255)
    access_token = EncryptedTextField(blank=True)
    refresh_token = EncryptedTextField(blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    token_expires_at = models.DateTimeField(
        null=True, blank=True, help_text="When the access token is refreshed before use."
    )
    identity_url = models.URLField(max_length=255, blank=True)
    sf_org_id = models.CharField(max_length=18, blank=True)
    sf_user_id = models.CharField(max_length=18, blank=True)
    sf_username = models.CharField(max_length=255, blank=True)
    scope = models.CharField(max_length=255, blank=True)
    connected_by = models.ForeignKey(
        Profile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    connected_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    inactive_reason = models.CharField(max_length=255, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org"], name="salesforce_connection_one_per_org")]

    def __str__(self):
        return f"{self.org_id} -> {self.instance_url}"


class OAuthState(models.Model):
    """A pending Connect: the `state` we sent to Salesforce and the PKCE verifier.

    Under forced row-level security like every org-scoped table (migration 0012): the org
    that started the Connect sees its rows through the usual org policy. The callback is a
    browser redirect with no org yet, so a second policy shows it the one unexpired row
    whose hash equals the transaction-local setting `app.oauth_state_hash`, which only
    `connection_service` sets, from the state the browser presents; it sees no other row.
    Only a SHA-256 of the state is stored, the verifier is encrypted, and a row is
    single-use and expires after ten minutes.
    """

    state_hash = models.CharField(max_length=64, unique=True)
    binding_hash = models.CharField(
        max_length=64, default="", help_text="SHA-256 of the browser-binding cookie"
    )
    code_verifier = EncryptedTextField()
    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"OAuth state for org {self.org_id}"

    @staticmethod
    def hash(state: str) -> str:
        return hashlib.sha256(state.encode()).hexdigest()


class JobStatus(models.TextChoices):
    PENDING = "PENDING"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"
    UNDOING = "UNDOING"  # an ended import whose records are being removed again
    UNDONE = "UNDONE"


class JobMode(models.TextChoices):
    IMPORT = "import"
    PREVIEW = "preview"  # the whole pipeline, writing nothing to the CRM or ImportedRecord


# While one of these runs, the org can start nothing else (one runner of either kind).
ACTIVE_STATUSES = (JobStatus.PENDING, JobStatus.IN_PROGRESS, JobStatus.UNDOING)


class ImportJob(BaseOrgModel):
    status = models.CharField(max_length=12, choices=JobStatus.choices, default=JobStatus.PENDING)
    mode = models.CharField(max_length=8, choices=JobMode.choices, default=JobMode.IMPORT)
    # Delta re-import: records changed in Salesforce since their import are updated here.
    update_changed = models.BooleanField(default=False)
    object_types = models.JSONField(default=list)
    include_custom_fields = models.BooleanField(default=True)  # "custom_fields": false leaves them out
    started_by = models.ForeignKey(
        Profile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    total_records = models.PositiveIntegerField(default=0)
    imported_count = models.PositiveIntegerField(default=0)
    matched_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    deleted_in_salesforce = models.PositiveIntegerField(default=0)  # counted, never applied
    undone_count = models.PositiveIntegerField(default=0)
    kept_count = models.PositiveIntegerField(default=0)  # what undo kept (changed or referenced)
    api_calls = models.PositiveIntegerField(default=0)
    api_calls_estimate = models.PositiveIntegerField(null=True, blank=True)
    # [{object_type, field, value, count, mapped_to}]: picklist values the built-in tables lacked
    unknown_values = models.JSONField(default=list, blank=True)
    # {object type: {status, total, imported, matched, skipped, errors, warnings, last_id}}
    progress = models.JSONField(default=dict)
    failure_reason = models.TextField(blank=True)
    cancel_requested = models.BooleanField(default=False)
    # Which worker process runs it, and when that process last reported (a heartbeat
    # thread, every IMPORT_HEARTBEAT_SECONDS): a job whose heartbeat is older than
    # IMPORT_JOB_LEASE_SECONDS is queued again by the sweep and taken over (leases.py).
    runner = models.CharField(max_length=255, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # When a sweep last queued it again: many workers sweep, one requeue per lease period.
    requeued_at = models.DateTimeField(null=True, blank=True)
    # {Salesforce user or queue Id: records imported without owner because it maps to nobody};
    # one warning per entry when the job ends (never one per record).
    unmatched_owners = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One running job per org, enforced by the database, not only by the API.
            models.UniqueConstraint(
                fields=["org"],
                condition=models.Q(status__in=["PENDING", "IN_PROGRESS", "UNDOING"]),
                name="import_job_one_active_per_org",
            )
        ]

    def __str__(self):
        return f"Import {self.pk} ({self.status})"

    @property
    def is_active(self):
        return self.status in ACTIVE_STATUSES


class ImportedRecord(models.Model):
    """Which CRM record a Salesforce record became (or was matched to): the dedup key."""

    class Outcome(models.TextChoices):
        IMPORTED = "imported"
        MATCHED = "matched"

    id = models.BigAutoField(primary_key=True)
    # Single-column indexes on org and content_type would only repeat the leading columns
    # of the unique and CRM-side indexes below, and slow down every batch insert.
    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+", db_index=False)
    salesforce_id = models.CharField(max_length=18)
    salesforce_object_type = models.CharField(max_length=40)
    # No database-level constraint on content_type and import_job: each would be one more
    # lookup per inserted row in the hottest table; Django still applies on_delete.
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, db_index=False, db_constraint=False
    )
    object_id = models.UUIDField()
    crm_record = GenericForeignKey("content_type", "object_id")
    outcome = models.CharField(max_length=8, choices=Outcome.choices, default=Outcome.IMPORTED)
    # The record's Salesforce owner (OwnerId), so a user mapped later can be given their records.
    salesforce_owner_id = models.CharField(max_length=18, blank=True, default="")
    # When the importer last wrote the CRM record (it sets the record's updated_at to the same
    # instant): a record whose updated_at is later was changed in the CRM since.
    synced_at = models.DateTimeField(null=True, blank=True)
    import_job = models.ForeignKey(
        ImportJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrgScopedManager()
    unscoped = models.Manager()  # noqa: DJ012 - a manager, not a field

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["org", "salesforce_object_type", "salesforce_id"], name="imported_record_unique_sf_id"
            )
        ]
        indexes = [models.Index(fields=["org", "content_type", "object_id"], name="imported_record_crm_idx")]

    def __str__(self):
        return f"{self.salesforce_object_type} {self.salesforce_id} -> {self.object_id}"


class Severity(models.TextChoices):
    ERROR = "error"
    WARNING = "warning"


class ImportProblem(models.Model):
    """One error or warning about one record (or the job): cheap to write, paged to read."""

    id = models.BigAutoField(primary_key=True)
    # (job, id) below serves every read; no separate org or job index to maintain.
    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+", db_index=False)
    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="problems", db_index=False)
    object_type = models.CharField(max_length=40)
    salesforce_id = models.CharField(max_length=18, blank=True)
    field = models.CharField(max_length=80, blank=True)
    message = models.TextField()
    severity = models.CharField(max_length=7, choices=Severity.choices)

    objects = OrgScopedManager()
    unscoped = models.Manager()  # noqa: DJ012 - a manager, not a field

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["job", "id"], name="import_problem_job_idx")]

    def __str__(self):
        return f"{self.severity}: {self.object_type} {self.salesforce_id}: {self.message[:60]}"


class ChunkStatus(models.TextChoices):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    FAILED = "failed"


class ImportChunk(BaseOrgModel):
    """One Salesforce Id range of one object type of a job, imported by whichever worker
    claims it (IMPORT_PARALLELISM > 1, engine/chunks.py). Its lease works like the job's:
    `runner` and `heartbeat_at`, taken by one conditional UPDATE; `last_id` is its resume
    cursor; its counters are also added to the job's in every batch's transaction."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="chunks")
    sobject = models.CharField(max_length=40)
    number = models.PositiveSmallIntegerField()
    # [id_from, id_to) in Salesforce's Id order; "" is open (below the first, above the last).
    id_from = models.CharField(max_length=18, blank=True)
    id_to = models.CharField(max_length=18, blank=True)
    status = models.CharField(max_length=12, choices=ChunkStatus.choices, default=ChunkStatus.PENDING)
    last_id = models.CharField(max_length=18, blank=True)
    imported = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    api_calls = models.PositiveIntegerField(default=0)
    # [[Salesforce field, value, CRM value it got, records]]: merged into the job's
    # unknown_values by the runner that continues the job once every chunk is done.
    unknown_values = models.JSONField(default=list, blank=True)
    failure_reason = models.TextField(blank=True)
    runner = models.CharField(max_length=255, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # Times a runner took it: one that keeps losing its database (or its worker) ends FAILED
    # past IMPORT_DATABASE_RETRIES instead of being dispatched again for ever.
    claims = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["job", "sobject", "number"]
        constraints = [
            models.UniqueConstraint(fields=["job", "sobject", "number"], name="import_chunk_unique_number")
        ]

    def __str__(self):
        return f"{self.sobject} chunk {self.number} of {self.job_id} ({self.status})"


from .org_metadata import (  # noqa: E402 - models of this app kept in their own module
    CustomFieldDefinition,
    ImportPreferences,
    PendingLink,
    SalesforceUser,
)

__all__ = [
    "ACTIVE_STATUSES",
    "ChunkStatus",
    "CustomFieldDefinition",
    "ImportChunk",
    "ImportJob",
    "ImportPreferences",
    "ImportProblem",
    "ImportedRecord",
    "JobStatus",
    "OAuthState",
    "PendingLink",
    "SalesforceConnection",
    "SalesforceUser",
    "Severity",
]
