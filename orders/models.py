from django.db import models
from django.urls import reverse

from common.models import BaseOrgModel, custom_fields_field, owner_field

MONEY = {"max_digits": 14, "decimal_places": 2, "null": True, "blank": True}


class OrderStatus(models.TextChoices):
    DRAFT = "DRAFT", "Draft"
    ACTIVATED = "ACTIVATED", "Activated"
    COMPLETED = "COMPLETED", "Completed"
    CANCELLED = "CANCELLED", "Cancelled"


class Order(BaseOrgModel):
    name = models.CharField(max_length=255, blank=True)
    order_number = models.CharField(max_length=50, blank=True)
    status = models.CharField(max_length=10, choices=OrderStatus.choices, default=OrderStatus.DRAFT)
    account = models.ForeignKey("accounts.Account", null=True, blank=True, on_delete=models.SET_NULL)
    contact = models.ForeignKey("contacts.Contact", null=True, blank=True, on_delete=models.SET_NULL)
    opportunity = models.ForeignKey(
        "opportunity.Opportunity", null=True, blank=True, on_delete=models.SET_NULL
    )
    currency = models.CharField(max_length=3, blank=True)
    subtotal = models.DecimalField(**MONEY)
    total_amount = models.DecimalField(**MONEY)
    discount_amount = models.DecimalField(**MONEY)
    tax_amount = models.DecimalField(**MONEY)
    order_date = models.DateField(null=True, blank=True)
    activated_date = models.DateTimeField(null=True, blank=True)
    shipped_date = models.DateField(null=True, blank=True)
    billing_address_line = models.CharField(max_length=255, blank=True)
    billing_city = models.CharField(max_length=100, blank=True)
    billing_state = models.CharField(max_length=100, blank=True)
    billing_postcode = models.CharField(max_length=20, blank=True)
    billing_country = models.CharField(max_length=2, blank=True)
    shipping_address_line = models.CharField(max_length=255, blank=True)
    shipping_city = models.CharField(max_length=100, blank=True)
    shipping_state = models.CharField(max_length=100, blank=True)
    shipping_postcode = models.CharField(max_length=20, blank=True)
    shipping_country = models.CharField(max_length=2, blank=True)
    description = models.TextField(blank=True)
    owner = owner_field()
    custom_fields = custom_fields_field()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.order_number or self.name

    def get_absolute_url(self):
        return reverse("order-detail", args=[self.pk])


class OrderLineItem(BaseOrgModel):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="line_items")
    product = models.ForeignKey("invoices.Product", null=True, blank=True, on_delete=models.SET_NULL)
    name = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    quantity = models.DecimalField(max_digits=14, decimal_places=2, default=1)
    unit_price = models.DecimalField(**MONEY)
    total = models.DecimalField(**MONEY)
    sort_order = models.PositiveIntegerField(default=0)
    custom_fields = custom_fields_field()

    class Meta:
        ordering = ["order", "sort_order"]
