"""The record pages' "where it came from" box and custom field labels, for Salesforce.

Host apps never import this app (NOTES 6): `common.provenance` holds the hooks and
`SalesforceImportsConfig.ready` registers the two providers below.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from common import provenance

# CRM model (app_label.ModelName) -> the Salesforce object it is imported from.
SALESFORCE_OBJECT_TYPES = {
    "accounts.Account": "Account",
    "contacts.Contact": "Contact",
    "opportunity.Opportunity": "Opportunity",
    "opportunity.OpportunityLineItem": "OpportunityLineItem",
    "invoices.Product": "Product2",
    "invoices.ProductPrice": "PricebookEntry",
    "invoices.Estimate": "Quote",
    "invoices.EstimateLineItem": "QuoteLineItem",
    "orders.Order": "Order",
    "orders.OrderLineItem": "OrderItem",
    "leads.Lead": "Lead",
    "cases.Case": "Case",
    "activities.Task": "Task",
    "activities.Event": "Event",
    # A CRM note comes from a classic Note or a Lightning note (ContentNote); provenance
    # is found through ImportedRecord's content type, whichever it was.
    "activities.Note": "Note",
}

LABELS = {"imported": "Imported from Salesforce", "matched": "Matched to a Salesforce record"}


def salesforce_object_type(model_cls) -> str | None:
    return SALESFORCE_OBJECT_TYPES.get(model_cls._meta.label)


def record_provenance(obj) -> list[dict]:
    """One entry per Salesforce record that became (or was matched to) `obj`."""
    from .models import ImportedRecord, SalesforceConnection

    org_id = getattr(obj, "org_id", None)
    if org_id is None or salesforce_object_type(type(obj)) is None:
        return []
    content_type = ContentType.objects.get_for_model(obj)
    records = list(
        ImportedRecord.objects.filter(org_id=org_id, content_type=content_type, object_id=obj.pk)
        .order_by("created_at")
        .values("salesforce_id", "salesforce_object_type", "outcome", "import_job_id")
    )
    if not records:
        return []
    connection = SalesforceConnection.objects.filter(org_id=org_id).values_list("instance_url", flat=True)
    instance_url = (connection.first() or "").rstrip("/")
    return [
        {
            "source": "Salesforce",
            "label": LABELS.get(record["outcome"], LABELS["imported"]),
            "outcome": record["outcome"],
            "object_type": record["salesforce_object_type"],
            "external_id": record["salesforce_id"],
            "external_url": f"{instance_url}/{record['salesforce_id']}" if instance_url else None,
            "job_url": reverse("salesforce-job", args=[record["import_job_id"]])
            if record["import_job_id"]
            else None,
        }
        for record in records
    ]


def custom_field_labels(model_cls, org_id) -> dict[str, str]:
    """{api_name: label} from the definitions describe gave at import time.

    Expects `models.CustomFieldDefinition` with `org`, `object_type` (the Salesforce
    object's API name), `api_name` and `label`; until it exists there are no labels.
    """
    from . import models

    definition = getattr(models, "CustomFieldDefinition", None)
    object_type = salesforce_object_type(model_cls)
    if definition is None or object_type is None or org_id is None:
        return {}
    rows = definition._default_manager.filter(org_id=org_id, object_type=object_type)
    return {api_name: label for api_name, label in rows.values_list("api_name", "label") if label}


def custom_field_targets(model_cls, org_id) -> dict[str, type]:
    """{api_name: CRM model} for lookup custom fields whose target is a CRM model.

    Uses `CustomFieldDefinition.reference_to` (describe's referenceTo list) when it has it.
    """
    from django.apps import apps

    from . import models

    definition = getattr(models, "CustomFieldDefinition", None)
    object_type = salesforce_object_type(model_cls)
    if definition is None or object_type is None or org_id is None:
        return {}
    if "reference_to" not in {f.name for f in definition._meta.get_fields()}:
        return {}
    by_object = {sf: label for label, sf in SALESFORCE_OBJECT_TYPES.items()}
    rows = definition._default_manager.filter(org_id=org_id, object_type=object_type, field_type="reference")
    targets = {}
    for api_name, reference_to in rows.values_list("api_name", "reference_to"):
        crm = [by_object[t] for t in reference_to or [] if t in by_object]
        if len(crm) == 1:  # a polymorphic lookup cannot be linked from the id alone
            targets[api_name] = apps.get_model(crm[0])
    return targets


def register() -> None:
    provenance.register(record_provenance)
    provenance.register_custom_field_labels(custom_field_labels)
    provenance.register_custom_field_targets(custom_field_targets)
