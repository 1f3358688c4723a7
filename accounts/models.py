from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse

from common.models import BaseOrgModel, ci_key, ci_unique, custom_fields_field, owner_field


class Industry(models.TextChoices):
    AGRICULTURE = "AGRICULTURE", "Agriculture"
    APPAREL = "APPAREL", "Apparel"
    BANKING = "BANKING", "Banking"
    BIOTECHNOLOGY = "BIOTECHNOLOGY", "Biotechnology"
    CHEMICALS = "CHEMICALS", "Chemicals"
    COMMUNICATIONS = "COMMUNICATIONS", "Communications"
    CONSTRUCTION = "CONSTRUCTION", "Construction"
    CONSULTING = "CONSULTING", "Consulting"
    EDUCATION = "EDUCATION", "Education"
    ELECTRONICS = "ELECTRONICS", "Electronics"
    ENERGY = "ENERGY", "Energy"
    ENGINEERING = "ENGINEERING", "Engineering"
    ENTERTAINMENT = "ENTERTAINMENT", "Entertainment"
    ENVIRONMENTAL = "ENVIRONMENTAL", "Environmental"
    FINANCE = "FINANCE", "Finance"
    FOOD_AND_BEVERAGE = "FOOD_AND_BEVERAGE", "Food & Beverage"
    GOVERNMENT = "GOVERNMENT", "Government"
    HEALTHCARE = "HEALTHCARE", "Healthcare"
    HOSPITALITY = "HOSPITALITY", "Hospitality"
    INSURANCE = "INSURANCE", "Insurance"
    MACHINERY = "MACHINERY", "Machinery"
    MANUFACTURING = "MANUFACTURING", "Manufacturing"
    MEDIA = "MEDIA", "Media"
    NOT_FOR_PROFIT = "NOT_FOR_PROFIT", "Not For Profit"
    RECREATION = "RECREATION", "Recreation"
    RETAIL = "RETAIL", "Retail"
    SHIPPING = "SHIPPING", "Shipping"
    TECHNOLOGY = "TECHNOLOGY", "Technology"
    TELECOMMUNICATIONS = "TELECOMMUNICATIONS", "Telecommunications"
    TRANSPORTATION = "TRANSPORTATION", "Transportation"
    UTILITIES = "UTILITIES", "Utilities"
    OTHER = "OTHER", "Other"


class Account(BaseOrgModel):
    name = models.CharField(max_length=255)
    name_key = ci_key("name", 255)
    website = models.CharField(max_length=255, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    industry = models.CharField(max_length=32, choices=Industry.choices, blank=True)
    number_of_employees = models.PositiveIntegerField(null=True, blank=True)
    annual_revenue = models.DecimalField(
        max_digits=15, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(max_length=3, blank=True)
    address_line = models.CharField(max_length=255, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    owner = owner_field()
    custom_fields = custom_fields_field()

    class Meta:
        ordering = ["name"]
        constraints = [
            ci_unique("name", "account"),
            models.CheckConstraint(
                condition=models.Q(annual_revenue__gte=0) | models.Q(annual_revenue__isnull=True),
                name="account_annual_revenue_not_negative",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("account-detail", args=[self.pk])
