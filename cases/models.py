from django.db import models
from django.urls import reverse

from common.models import BaseOrgModel, custom_fields_field, owner_field


class CaseStatus(models.TextChoices):
    NEW = "NEW", "New"
    WORKING = "WORKING", "Working"
    ESCALATED = "ESCALATED", "Escalated"
    CLOSED = "CLOSED", "Closed"


class CasePriority(models.TextChoices):
    HIGH = "HIGH", "High"
    MEDIUM = "MEDIUM", "Medium"
    LOW = "LOW", "Low"


class CaseOrigin(models.TextChoices):
    PHONE = "PHONE", "Phone"
    EMAIL = "EMAIL", "Email"
    WEB = "WEB", "Web"
    OTHER = "OTHER", "Other"


class Case(BaseOrgModel):
    """A support case (Salesforce Case); `name` is its Subject."""

    case_number = models.CharField(max_length=40, blank=True)
    name = models.CharField(max_length=255, blank=True, verbose_name="subject")
    status = models.CharField(max_length=10, choices=CaseStatus.choices, default=CaseStatus.NEW)
    priority = models.CharField(max_length=6, choices=CasePriority.choices, default=CasePriority.MEDIUM)
    origin = models.CharField(max_length=6, choices=CaseOrigin.choices, default=CaseOrigin.OTHER)
    case_type = models.CharField(max_length=100, blank=True, verbose_name="type")
    account = models.ForeignKey(
        "accounts.Account", null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    closed_on = models.DateTimeField(null=True, blank=True, help_text="Salesforce ClosedDate")
    description = models.TextField(blank=True)
    owner = owner_field()
    custom_fields = custom_fields_field()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return " ".join(part for part in (self.case_number, self.name) if part)

    def get_absolute_url(self):
        return reverse("case-detail", args=[self.pk])
