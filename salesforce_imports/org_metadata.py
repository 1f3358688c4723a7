"""What an import learns about the Salesforce org besides its records, kept per CRM org:
its users and queues (owners), the admin's owner choices, its custom field definitions,
and the links that wait for their target to be imported. Re-exported by models.py."""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from common.models import BaseOrgModel, Org, OrgScopedManager, Profile


class SalesforceUser(BaseOrgModel):
    """A Salesforce User or Queue, as the last import read it, and the CRM member it maps to."""

    class Kind(models.TextChoices):
        USER = "User"
        QUEUE = "Queue"

    salesforce_id = models.CharField(max_length=18)
    kind = models.CharField(max_length=5, choices=Kind.choices, default=Kind.USER)
    name = models.CharField(max_length=255, blank=True)
    email = models.CharField(max_length=255, blank=True)  # as Salesforce has it, not validated
    is_active = models.BooleanField(default=True)
    # An admin's choice wins over the email match; `overridden` with no member means "nobody".
    overridden = models.BooleanField(default=False)
    member = models.ForeignKey(Profile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["name", "salesforce_id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "salesforce_id"], name="salesforce_user_unique_id")
        ]

    def __str__(self):
        return f"{self.kind} {self.name} ({self.salesforce_id})"


class ImportPreferences(BaseOrgModel):
    """The org's standing choices for imports."""

    owner_fallback = models.ForeignKey(
        Profile,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Owner of records whose Salesforce owner maps to no member.",
    )
    # {object type: {Salesforce field: {Salesforce value: CRM value}}}, applied before the
    # built-in picklist tables.
    value_mappings = models.JSONField(default=dict, blank=True)
    # {object type: ISO time}: when the last completed import of that type started. A
    # re-import asks Salesforce only for what changed since (minus a margin).
    delta_marks = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org"], name="import_preferences_one_per_org")]


class CustomFieldDefinition(BaseOrgModel):
    """A custom field (`__c`) of an imported Salesforce object, from describe at import time."""

    object_type = models.CharField(max_length=40)  # the Salesforce object: Account, Product2...
    api_name = models.CharField(max_length=80)
    label = models.CharField(max_length=255)
    field_type = models.CharField(max_length=40)  # describe's type: string, double, reference...
    picklist_values = models.JSONField(default=list, blank=True)
    reference_to = models.JSONField(default=list, blank=True)
    calculated = models.BooleanField(default=False)  # a formula field
    readable = models.BooleanField(default=True)  # False once describe stopped showing it

    class Meta:
        ordering = ["object_type", "api_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "object_type", "api_name"], name="custom_field_definition_unique"
            )
        ]

    def __str__(self):
        return f"{self.object_type}.{self.api_name}"


class PendingLink(models.Model):
    """A link from an imported CRM record to a Salesforce record not imported yet (a parent
    account later in Id order, a custom lookup to a type imported later). The job settles
    them in one set-based pass at its end; what is still missing then is warned about."""

    id = models.BigAutoField(primary_key=True)
    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+", db_index=False)
    job = models.ForeignKey(
        "salesforce_imports.ImportJob", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, db_constraint=False)
    object_id = models.UUIDField()  # the CRM record that holds the link
    salesforce_object_type = models.CharField(max_length=40)  # ... and its Salesforce type
    salesforce_id = models.CharField(max_length=18)  # ... and Id (for the warning)
    field = models.CharField(max_length=120)  # a FK ("parent") or "custom_fields.<API name>"
    salesforce_field = models.CharField(max_length=80)
    target_salesforce_id = models.CharField(max_length=18)
    target_salesforce_object_type = models.CharField(max_length=40, default="")  # from the key prefix

    objects = OrgScopedManager()
    unscoped = models.Manager()  # noqa: DJ012 - a manager, not a field

    def __str__(self):
        return f"{self.salesforce_id}.{self.field} -> {self.target_salesforce_id}"
