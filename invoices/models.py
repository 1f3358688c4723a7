from django.db import models
from django.urls import reverse

from common.models import BaseOrgModel, custom_fields_field, owner_field

MONEY = {"max_digits": 14, "decimal_places": 2}


class Product(BaseOrgModel):
    name = models.CharField(max_length=255)
    sku = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True)
    price = models.DecimalField(**MONEY, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    category = models.CharField(max_length=100, blank=True)
    is_active = models.BooleanField(default=True)
    custom_fields = custom_fields_field()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("org", "sku", name="product_org_sku_unique", condition=~models.Q(sku=""))
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("product-detail", args=[self.pk])


class ProductPrice(BaseOrgModel):
    """One price book entry of a product (Salesforce PricebookEntry)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="prices")
    price_book = models.CharField(max_length=255, help_text="The price book's name")
    is_standard = models.BooleanField(default=False, db_default=False)
    currency = models.CharField(max_length=3, blank=True)
    unit_price = models.DecimalField(**MONEY, null=True, blank=True)
    is_active = models.BooleanField(default=True, db_default=True)
    custom_fields = custom_fields_field()

    class Meta:
        ordering = ["-is_standard", "price_book", "currency"]

    def __str__(self):
        return f"{self.price_book} {self.currency} {self.unit_price}".strip()


class EstimateStatus(models.TextChoices):
    DRAFT = "Draft"
    SENT = "Sent"
    VIEWED = "Viewed"
    ACCEPTED = "Accepted"
    DECLINED = "Declined"
    EXPIRED = "Expired"


class DiscountType(models.TextChoices):
    PERCENTAGE = "PERCENTAGE", "Percentage"
    FIXED = "FIXED", "Fixed amount"


class Estimate(BaseOrgModel):
    title = models.CharField(max_length=255)
    estimate_number = models.CharField(max_length=50)
    status = models.CharField(max_length=10, choices=EstimateStatus.choices, default=EstimateStatus.DRAFT)
    account = models.ForeignKey("accounts.Account", null=True, blank=True, on_delete=models.SET_NULL)
    contact = models.ForeignKey("contacts.Contact", null=True, blank=True, on_delete=models.SET_NULL)
    opportunity = models.ForeignKey(
        "opportunity.Opportunity", null=True, blank=True, on_delete=models.SET_NULL
    )
    subtotal = models.DecimalField(**MONEY, null=True, blank=True)
    discount_type = models.CharField(max_length=10, choices=DiscountType.choices, blank=True)
    discount_value = models.DecimalField(**MONEY, null=True, blank=True)
    tax_amount = models.DecimalField(**MONEY, null=True, blank=True)
    total_amount = models.DecimalField(**MONEY, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    issue_date = models.DateField(null=True, blank=True)
    expiry_date = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    owner = owner_field()
    custom_fields = custom_fields_field()

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint("org", "estimate_number", name="estimate_org_number_unique")]

    def __str__(self):
        return f"{self.estimate_number} {self.title}"

    def get_absolute_url(self):
        return reverse("estimate-detail", args=[self.pk])


class EstimateLineItem(BaseOrgModel):
    estimate = models.ForeignKey(Estimate, on_delete=models.CASCADE, related_name="line_items")
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.SET_NULL)
    name = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    quantity = models.DecimalField(max_digits=14, decimal_places=2, default=1)
    unit_price = models.DecimalField(**MONEY, null=True, blank=True)
    discount = models.DecimalField(**MONEY, null=True, blank=True)
    total = models.DecimalField(**MONEY, null=True, blank=True)
    sort_order = models.PositiveIntegerField(default=0)
    custom_fields = custom_fields_field()

    class Meta:
        ordering = ["estimate", "sort_order"]
