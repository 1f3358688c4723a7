from django.db import models
from django.urls import reverse

from common.models import BaseOrgModel, ci_key, ci_unique, custom_fields_field, owner_field


class Contact(BaseOrgModel):
    first_name = models.CharField(max_length=255, blank=True)
    last_name = models.CharField(max_length=255)
    email = models.EmailField(max_length=254, blank=True)
    email_key = ci_key("email", 254)
    phone = models.CharField(max_length=40, blank=True)
    title = models.CharField(max_length=128, blank=True)
    department = models.CharField(max_length=80, blank=True)
    do_not_call = models.BooleanField(default=False)
    account = models.ForeignKey(
        "accounts.Account", null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    address_line = models.CharField(max_length=255, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    description = models.TextField(blank=True)
    reports_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="direct_reports"
    )
    owner = owner_field()
    custom_fields = custom_fields_field()

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [ci_unique("email", "contact", condition=~models.Q(email=""))]

    def __str__(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_absolute_url(self):
        return reverse("contact-detail", args=[self.pk])
