from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from common.models import BaseOrgModel, custom_fields_field, owner_field
from invoices.models import MONEY


class Stage(models.TextChoices):
    PROSPECTING = "PROSPECTING", "Prospecting"
    QUALIFICATION = "QUALIFICATION", "Qualification"
    PROPOSAL = "PROPOSAL", "Proposal"
    NEGOTIATION = "NEGOTIATION", "Negotiation"
    CLOSED_WON = "CLOSED_WON", "Closed won"
    CLOSED_LOST = "CLOSED_LOST", "Closed lost"


class LeadSource(models.TextChoices):
    NONE = "NONE", "None"
    CALL = "CALL", "Call"
    EMAIL = "EMAIL", "Email"
    EXISTING_CUSTOMER = "EXISTING CUSTOMER", "Existing customer"
    PARTNER = "PARTNER", "Partner"
    PUBLIC_RELATIONS = "PUBLIC RELATIONS", "Public relations"
    CAMPAIGN = "CAMPAIGN", "Campaign"
    WEBSITE = "WEBSITE", "Website"
    OTHER = "OTHER", "Other"


class OpportunityType(models.TextChoices):
    NEW_BUSINESS = "NEW_BUSINESS", "New business"
    EXISTING_BUSINESS = "EXISTING_BUSINESS", "Existing business"
    RENEWAL = "RENEWAL", "Renewal"
    UPSELL = "UPSELL", "Upsell"
    CROSS_SELL = "CROSS_SELL", "Cross-sell"


class Opportunity(BaseOrgModel):
    name = models.CharField(max_length=255)
    account = models.ForeignKey(
        "accounts.Account", null=True, blank=True, on_delete=models.SET_NULL, related_name="opportunities"
    )
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.PROSPECTING)
    amount = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(max_length=3, blank=True)
    probability = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    closed_on = models.DateField(null=True, blank=True)
    lead_source = models.CharField(max_length=20, choices=LeadSource.choices, blank=True)
    opportunity_type = models.CharField(max_length=20, choices=OpportunityType.choices, blank=True)
    description = models.TextField(blank=True)
    owner = owner_field()
    custom_fields = custom_fields_field()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "opportunities"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0) | models.Q(amount__isnull=True),
                name="opportunity_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(probability__lte=100) | models.Q(probability__isnull=True),
                name="opportunity_probability_at_most_100",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("opportunity-detail", args=[self.pk])


class OpportunityLineItem(BaseOrgModel):
    """A product on a deal (Salesforce OpportunityLineItem)."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="line_items")
    product = models.ForeignKey("invoices.Product", null=True, blank=True, on_delete=models.SET_NULL)
    name = models.CharField(max_length=255, blank=True)
    # Salesforce's Quantity is a double; kept like OrderLineItem/EstimateLineItem.quantity.
    quantity = models.DecimalField(max_digits=14, decimal_places=2, default=1, db_default=1)
    unit_price = models.DecimalField(**MONEY, null=True, blank=True)
    list_price = models.DecimalField(**MONEY, null=True, blank=True)
    total = models.DecimalField(**MONEY, null=True, blank=True)
    discount = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Percent",
    )
    service_date = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)
    sort_order = models.PositiveIntegerField(default=0, db_default=0)
    custom_fields = custom_fields_field()

    class Meta:
        ordering = ["sort_order"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(discount__gte=0, discount__lte=100) | models.Q(discount__isnull=True),
                name="opportunitylineitem_discount_percent",
            ),
        ]

    def __str__(self):
        return self.name or f"Line {self.sort_order}"
