"""Tasks, events and notes: what happened with a record (NOTES 8.6).

Each links to what it is about through one nullable FK per kind the CRM holds (WhoId:
`contact`, `lead`; WhatId / AccountId / a note's parent: `account`, `opportunity`,
`case`, `order`, `estimate`). Reverse accessors are the model's plural: `account.tasks`,
`account.events`, `account.notes`, `contact.tasks`, ... except an estimate's notes,
`estimate.attached_notes` (Estimate has a text field `notes`).
"""

from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse

from common.models import BaseOrgModel, custom_fields_field, owner_field

# The CRM's limit on a note's body, in characters (enforced by a CHECK constraint).
NOTE_BODY_MAX_LENGTH = 131072


def _link(to):
    return models.ForeignKey(to, null=True, blank=True, on_delete=models.SET_NULL, related_name="%(class)ss")


class Activity(BaseOrgModel):
    """The links, owner and custom fields every task, event and note has."""

    contact = _link("contacts.Contact")
    lead = _link("leads.Lead")
    account = _link("accounts.Account")
    opportunity = _link("opportunity.Opportunity")
    case = _link("cases.Case")
    order = _link("orders.Order")
    estimate = _link("invoices.Estimate")
    owner = owner_field()
    custom_fields = custom_fields_field()

    LINKS = ("contact", "lead", "account", "opportunity", "case", "order", "estimate")

    class Meta:
        abstract = True

    @property
    def related_to(self):
        """Who or what this is about, for a list column: the first link that is set
        (select_related the LINKS to keep that free of queries)."""
        for name in self.LINKS:
            if getattr(self, f"{name}_id"):
                return getattr(self, name)
        return None


class TaskStatus(models.TextChoices):
    NOT_STARTED = "NOT_STARTED", "Not started"
    IN_PROGRESS = "IN_PROGRESS", "In progress"
    COMPLETED = "COMPLETED", "Completed"
    WAITING = "WAITING", "Waiting on someone else"
    DEFERRED = "DEFERRED", "Deferred"


class TaskPriority(models.TextChoices):
    HIGH = "HIGH", "High"
    NORMAL = "NORMAL", "Normal"
    LOW = "LOW", "Low"


class TaskKind(models.TextChoices):
    TASK = "TASK", "Task"
    CALL = "CALL", "Call"
    EMAIL = "EMAIL", "Email"


class Task(Activity):
    subject = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=12, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED)
    priority = models.CharField(max_length=6, choices=TaskPriority.choices, default=TaskPriority.NORMAL)
    due_date = models.DateField(null=True, blank=True)
    kind = models.CharField(max_length=5, choices=TaskKind.choices, default=TaskKind.TASK)
    description = models.TextField(blank=True)
    is_archived = models.BooleanField(default=False, help_text="Archived by Salesforce (older than a year)")

    class Meta:
        ordering = [models.F("due_date").desc(nulls_last=True), "-created_at"]

    def __str__(self):
        return self.subject or "(no subject)"

    def get_absolute_url(self):
        return reverse("task-detail", args=[self.pk])


class Event(Activity):
    subject = models.CharField(max_length=255, blank=True)
    start = models.DateTimeField(null=True, blank=True)
    end = models.DateTimeField(null=True, blank=True)
    is_all_day = models.BooleanField(default=False)
    location = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    is_archived = models.BooleanField(default=False, help_text="Archived by Salesforce (older than a year)")

    class Meta:
        ordering = [models.F("start").desc(nulls_last=True), "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True)
                | models.Q(start__isnull=True)
                | models.Q(end__gte=models.F("start")),
                name="event_end_not_before_start",
            ),
        ]

    def __str__(self):
        return self.subject or "(no subject)"

    def get_absolute_url(self):
        return reverse("event-detail", args=[self.pk])


class Note(Activity):
    """A note on a record: a classic Salesforce Note or a Lightning note (ContentNote)."""

    title = models.CharField(max_length=255, blank=True)
    body = models.TextField(blank=True, validators=[MaxLengthValidator(NOTE_BODY_MAX_LENGTH)])
    is_private = models.BooleanField(default=False)
    # Estimate already has a text field `notes` (its terms), so its notes are `attached_notes`.
    estimate = models.ForeignKey(
        "invoices.Estimate", null=True, blank=True, on_delete=models.SET_NULL, related_name="attached_notes"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("body"), NOTE_BODY_MAX_LENGTH),
                name="note_body_size_limit",
            ),
        ]

    def __str__(self):
        return self.title or "(untitled note)"

    def get_absolute_url(self):
        return reverse("note-detail", args=[self.pk])
