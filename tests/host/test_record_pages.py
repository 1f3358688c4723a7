"""Record pages (NOTES 8.5): a page per host record, its related lists, line items,
custom fields under their labels and where it came from. The list pages are test_list_pages.py's."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Account
from common import provenance
from common.rls import org_context
from contacts.models import Contact
from invoices.models import Estimate, Product, ProductPrice
from opportunity.models import Opportunity
from orders.models import Order, OrderLineItem
from salesforce_imports.models import ImportedRecord, ImportJob, SalesforceConnection

from . import record_data
from .record_data import grow

# The shared fixtures, bound by assignment: pytest finds them in this module, and the tests'
# parameters of the same name are not taken for redefinitions of an unused import.
client, data = record_data.client, record_data.data

pytestmark = pytest.mark.django_db


def page(client, obj):
    response = client.get(obj.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def section(html, title):
    """The HTML of the card whose heading starts with `title`."""
    match = re.search(rf"<h2[^>]*>{re.escape(title)}\b.*?</section>", html, re.S)
    assert match, f"no section {title!r}"
    return match.group(0)


def test_detail_urls():
    assert Account(pk="6d0c8c57-5f1b-4d0b-9b5e-1b0a4b6c6e01").get_absolute_url() == (
        "/accounts/6d0c8c57-5f1b-4d0b-9b5e-1b0a4b6c6e01/"
    )
    for model, prefix in [
        (Contact, "/contacts/"),
        (Opportunity, "/opportunities/"),
        (Product, "/products/"),
        (Estimate, "/estimates/"),
        (Order, "/orders/"),
    ]:
        assert model(pk="6d0c8c57-5f1b-4d0b-9b5e-1b0a4b6c6e01").get_absolute_url().startswith(prefix)


@pytest.mark.parametrize("key", ["account", "boss", "opp", "product", "order", "estimate"])
def test_detail_needs_login_and_is_org_scoped(data, other_admin_profile, key):
    url = data[key].get_absolute_url()
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    other = Client()
    other.force_login(other_admin_profile.user)
    assert other.get(url).status_code == 404


def test_unknown_id_is_a_404(client):
    assert client.get("/accounts/6d0c8c57-5f1b-4d0b-9b5e-1b0a4b6c6e01/").status_code == 404


def test_account_page_fields_owner_created_and_related(client, data):
    html = page(client, data["account"])
    assert "<h1>Edge Communications</h1>" in html
    details = section(html, "Details")
    assert "Electronics" in details and "ELECTRONICS" not in details  # the choice's label
    assert "Annual revenue" in details and "139000000.00" in details
    assert f'href="{data["parent"].get_absolute_url()}">Holding Group</a>' in details
    record = section(html, "Record")
    assert "Ada Admin" in record
    assert 'datetime="2019-05-03T14:02:00+00:00"' in record  # Salesforce's CreatedDate, not today
    children = section(html, "Child accounts")
    assert f'href="{data["child"].get_absolute_url()}">Edge Austin</a>' in children
    contacts = section(html, "Contacts")
    assert f'href="{data["boss"].get_absolute_url()}">Rose Gonzalez</a>' in contacts
    assert "Sean" not in contacts  # reports to Rose, but is not on this account
    assert data["opp"].get_absolute_url() in section(html, "Opportunities")
    assert data["order"].get_absolute_url() in section(html, "Orders")
    assert data["estimate"].get_absolute_url() in section(html, "Estimates")
    assert "Created in this CRM." in section(html, "Where it came from")


def test_contact_page_manager_and_direct_reports(client, data):
    html = page(client, data["boss"])
    assert data["account"].get_absolute_url() in section(html, "Details")
    assert f'href="{data["report"].get_absolute_url()}">Sean Forbes</a>' in section(html, "Direct reports")
    assert data["order"].get_absolute_url() in section(html, "Orders")
    assert data["estimate"].get_absolute_url() in section(html, "Estimates")
    report = page(client, data["report"])
    assert f'href="{data["boss"].get_absolute_url()}">Rose Gonzalez</a>' in section(report, "Details")


def test_opportunity_page_line_items_link_their_products(client, data):
    html = page(client, data["opp"])
    assert "Closed won" in section(html, "Details")
    lines = section(html, "Line items")
    assert f'href="{data["product"].get_absolute_url()}">GenWatt Diesel</a>' in lines
    assert "GenWatt line" in lines and "200.00" in lines
    assert data["order"].get_absolute_url() in section(html, "Orders")
    assert data["estimate"].get_absolute_url() in section(html, "Estimates")


@pytest.mark.parametrize(("key", "line"), [("order", "Order line"), ("estimate", "Quote line")])
def test_order_and_estimate_pages(client, data, key, line):
    html = page(client, data[key])
    details = section(html, "Details")
    for linked in ("account", "boss", "opp"):
        assert data[linked].get_absolute_url() in details
    lines = section(html, "Line items")
    assert line in lines and data["product"].get_absolute_url() in lines


def test_product_page_prices_and_where_it_is_used(client, data):
    html = page(client, data["product"])
    assert "SKU" in section(html, "Details") and "GC1060" in html
    prices = section(html, "Prices")
    assert "Partner Prices" in prices and "85.00" in prices and "EUR" in prices
    assert data["opp"].get_absolute_url() in section(html, "On opportunities")
    assert data["order"].get_absolute_url() in section(html, "On orders")
    assert data["estimate"].get_absolute_url() in section(html, "On estimates")
    assert "Owner" not in section(html, "Record")


def test_custom_fields_render_by_kind_under_registered_labels(client, data):
    def labels(model_cls, org_id):
        assert org_id == data["org"].pk
        return {"SLA__c": "Service level", "Regions__c": "Regions"} if model_cls is Account else {}

    html = page(client, data["account"])
    custom = section(html, "Custom fields")
    assert "SLA__c" in custom and "Service level" not in custom  # no label: the API name
    provenance.register_custom_field_labels(labels)
    try:
        custom = section(page(client, data["account"]), "Custom fields")
    finally:
        provenance.unregister_custom_field_labels(labels)
    assert re.search(r"<dt[^>]*>Service level</dt>\s*<dd>Gold</dd>", custom)
    assert re.search(r"<dt[^>]*>Regions</dt>\s*<dd>EMEA; APAC</dd>", custom)
    assert re.search(r"<dt[^>]*>Primary__c</dt>\s*<dd>0035g00000XyZabAAB</dd>", custom)
    assert re.search(r"<dt[^>]*>Active__c</dt>\s*<dd>Yes</dd>", custom)


def test_no_custom_fields_no_section(client, data):
    assert "Custom fields" not in page(client, data["parent"])


def test_a_failing_provider_does_not_break_the_page(client, data):
    def broken(obj):
        raise RuntimeError("boom")

    provenance.register(broken)
    try:
        assert "Where it came from" in page(client, data["account"])
    finally:
        provenance.unregister(broken)


def _import(data, obj, salesforce_id, object_type, outcome="imported", job=None):
    with org_context(data["org"].pk):
        return ImportedRecord.objects.create(
            org=data["org"],
            salesforce_id=salesforce_id,
            salesforce_object_type=object_type,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=obj.pk,
            outcome=outcome,
            import_job=job,
        )


def test_provenance_links_to_salesforce_and_the_job(client, data):
    org = data["org"]
    with org_context(org.pk):
        SalesforceConnection.objects.create(org=org, instance_url="https://acme.my.salesforce.com")
        job = ImportJob.objects.create(org=org)
    _import(data, data["account"], "0015g00000AbCdEAA1", "Account", job=job)
    _import(data, data["boss"], "0035g00000AbCdEAA1", "Contact", outcome="matched", job=job)
    box = section(page(client, data["account"]), "Where it came from")
    assert "Imported from Salesforce" in box
    assert 'href="https://acme.my.salesforce.com/0015g00000AbCdEAA1"' in box
    assert f'href="/settings/salesforce/import/{job.pk}"' in box
    matched = section(page(client, data["boss"]), "Where it came from")
    assert "Matched to a Salesforce record" in matched and "Imported from" not in matched
    assert "Created in this CRM." in section(page(client, data["opp"]), "Where it came from")


def test_provenance_without_a_connection_shows_the_id_unlinked(data):
    _import(data, data["product"], "01t5g00000AbCdEAA1", "Product2")
    with org_context(data["org"].pk):
        entries = provenance.for_object(data["product"])
    assert entries == [
        {
            "source": "Salesforce",
            "label": "Imported from Salesforce",
            "outcome": "imported",
            "object_type": "Product2",
            "external_id": "01t5g00000AbCdEAA1",
            "external_url": None,
            "job_url": None,
        }
    ]


def test_salesforce_label_provider_reads_the_definitions(data):
    from salesforce_imports import models as sf_models
    from salesforce_imports.provenance import custom_field_labels, salesforce_object_type

    assert salesforce_object_type(Estimate) == "Quote"
    assert salesforce_object_type(OrderLineItem) == "OrderItem"
    assert salesforce_object_type(ProductPrice) == "PricebookEntry"
    definition = getattr(sf_models, "CustomFieldDefinition", None)
    if definition is None:
        assert custom_field_labels(Account, data["org"].pk) == {}
        pytest.skip("salesforce_imports.CustomFieldDefinition does not exist yet")
    fields = {f.name for f in definition._meta.get_fields()}
    assert {"org", "object_type", "api_name", "label"} <= fields
    with org_context(data["org"].pk):
        extra = {}
        if "field_type" in fields:
            extra["field_type"] = "string"
        definition._default_manager.create(
            org=data["org"], object_type="Account", api_name="SLA__c", label="Service level", **extra
        )
        definition._default_manager.create(
            org=data["org"], object_type="Contact", api_name="SLA__c", label="Not this one", **extra
        )
        assert custom_field_labels(Account, data["org"].pk) == {"SLA__c": "Service level"}


# --- speed ----------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["account", "boss", "opp", "product"])
def test_detail_pages_do_not_query_per_row(client, data, key, django_assert_max_num_queries):
    url = data[key].get_absolute_url()
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    grow(data, 30)
    with django_assert_max_num_queries(25) as many:
        html = client.get(url).content.decode()
    assert len(many) <= len(few) + 6  # a count per list once it passes the cap, never one per row
    if key == "account":
        assert "Showing the first 20 of 31" in section(html, "Child accounts")


def test_a_lookup_custom_field_links_to_the_crm_record(client, data):
    org = data["org"]
    with org_context(org.pk):
        Account.objects.filter(pk=data["account"].pk).update(
            custom_fields={"Primary__c": {"salesforce_id": "0035g00000XyZabAAB", "id": str(data["boss"].pk)}}
        )

    def targets(model_cls, org_id):
        return {"Primary__c": Contact}

    provenance.register_custom_field_targets(targets)
    try:
        custom = section(page(client, data["account"]), "Custom fields")
    finally:
        provenance.unregister_custom_field_targets(targets)
    assert f'<a href="{data["boss"].get_absolute_url()}">0035g00000XyZabAAB</a>' in custom


def test_salesforce_target_provider_reads_reference_to(data):
    from salesforce_imports import models as sf_models
    from salesforce_imports.provenance import custom_field_targets

    definition = getattr(sf_models, "CustomFieldDefinition", None)
    if definition is None or "reference_to" not in {f.name for f in definition._meta.get_fields()}:
        pytest.skip("salesforce_imports.CustomFieldDefinition has no reference_to yet")
    org = data["org"]
    with org_context(org.pk):
        make = definition._default_manager.create
        make(
            org=org,
            object_type="Account",
            api_name="Primary__c",
            label="P",
            field_type="reference",
            reference_to=["Contact"],
        )
        make(
            org=org,
            object_type="Account",
            api_name="Who__c",
            label="W",
            field_type="reference",
            reference_to=["Contact", "Account"],
        )
        make(
            org=org,
            object_type="Account",
            api_name="Boss__c",
            label="B",
            field_type="reference",
            reference_to=["User"],
        )
        make(org=org, object_type="Account", api_name="Text__c", label="T", field_type="string")
        assert custom_field_targets(Account, org.pk) == {"Primary__c": Contact}


def test_empty_address_parts_are_left_out(client, data):
    details = section(page(client, data["order"]), "Details")
    assert "Billing street" not in details and "Order number" in details
    with org_context(data["org"].pk):
        Order.objects.filter(pk=data["order"].pk).update(billing_city="Austin")
    details = section(page(client, data["order"]), "Details")
    assert "Billing city" in details and "Austin" in details and "Billing street" not in details
