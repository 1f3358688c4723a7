from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse

from accounts.models import Industry
from common.models import BaseOrgModel, custom_fields_field, owner_field
from opportunity.models import LeadSource


class LeadStatus(models.TextChoices):
    ASSIGNED = "ASSIGNED", "Assigned"
    IN_PROCESS = "IN_PROCESS", "In process"
    CONVERTED = "CONVERTED", "Converted"
    RECYCLED = "RECYCLED", "Recycled"
    CLOSED = "CLOSED", "Closed"


class Lead(BaseOrgModel):
    """A prospect (Salesforce Lead). No natural key: duplicates are kept (NOTES 8.6).

    A converted lead stays a lead, linked to the account, contact and opportunity it
    became (`converted_*`); it is never turned into a second contact."""

    first_name = models.CharField(max_length=255, blank=True)
    last_name = models.CharField(max_length=255)
    email = models.EmailField(max_length=254, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    title = models.CharField(max_length=128, blank=True)
    company = models.CharField(max_length=255, blank=True)
    website = models.CharField(max_length=255, blank=True)
    industry = models.CharField(max_length=32, choices=Industry.choices, blank=True)
    status = models.CharField(max_length=12, choices=LeadStatus.choices, default=LeadStatus.ASSIGNED)
    lead_source = models.CharField(max_length=20, choices=LeadSource.choices, blank=True)
    number_of_employees = models.PositiveIntegerField(null=True, blank=True)
    annual_revenue = models.DecimalField(
        max_digits=15, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    address_line = models.CharField(max_length=255, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    description = models.TextField(blank=True)
    owner = owner_field()
    is_converted = models.BooleanField(default=False)
    converted_at = models.DateField(null=True, blank=True, help_text="Salesforce ConvertedDate")
    converted_account = models.ForeignKey(
        "accounts.Account", null=True, blank=True, on_delete=models.SET_NULL, related_name="converted_leads"
    )
    converted_contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="converted_leads"
    )
    converted_opportunity = models.ForeignKey(
        "opportunity.Opportunity",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="converted_leads",
    )
    custom_fields = custom_fields_field()

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(annual_revenue__gte=0) | models.Q(annual_revenue__isnull=True),
                name="lead_annual_revenue_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}".strip() or self.company

    def get_absolute_url(self):
        return reverse("lead-detail", args=[self.pk])
