"""Mounted at /api/custom-fields/ (crm/urls.py): the definitions describe every host model's
custom fields, not only Salesforce's connection, so they are not under /api/salesforce/."""

from django.urls import path

from . import custom_fields

urlpatterns = [
    path("", custom_fields.CustomFieldListView.as_view(), name="custom-fields"),
]
