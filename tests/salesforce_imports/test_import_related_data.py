"""Owners, original dates, hierarchy, prices, deal line items and custom fields, imported from
the sandbox org and checked record by record against what the sandbox holds."""

import json
import re
from datetime import datetime
from decimal import Decimal

import pytest

from accounts.models import Account
from common.models import Role
from common.rls import org_context
from contacts.models import Contact
from invoices.models import Product, ProductPrice
from opportunity.models import Opportunity, OpportunityLineItem
from orders.models import Order
from salesforce_imports.models import CustomFieldDefinition, ImportedRecord, ImportProblem, JobStatus
from sfsandbox.ids import make_id

from .test_import_engine import run, start

pytestmark = pytest.mark.django_db(transaction=True)

OWNED = {"Account": Account, "Contact": Contact, "Opportunity": Opportunity, "Order": Order}


def sf_records(sandbox, sobject):
    org = sandbox.org
    return [
        org.record_at(sobject, i)
        for i in range(org.generated_count(sobject))
        if not org.is_deleted(sobject, i)
    ]


def crm_ids(sobject) -> dict[str, object]:
    return dict(
        ImportedRecord.objects.filter(salesforce_object_type=sobject).values_list(
            "salesforce_id", "object_id"
        )
    )


def sf_user_id(index: int) -> str:
    return make_id("User", index)


@pytest.fixture
def imported(sandbox_factory, admin_api, admin_profile, connect, make_member):
    sandbox = sandbox_factory(records=400, seed=21)
    members = {
        1: make_member("Acme", email="maria.garcia@example.com", role=Role.USER),  # Salesforce: mixed case
        2: make_member("Acme", email="james.wilson@example.com", role=Role.USER),  # inactive there
        4: make_member("Acme", email="chen.wei@example.com", role=Role.USER),
    }
    assert connect(admin_api)["Location"].endswith("result=connected")
    job = run(admin_profile, start(admin_api))
    assert job.status == JobStatus.COMPLETED, job.failure_reason
    return sandbox, job, {sf_user_id(i): profile for i, profile in members.items()}


def test_owners_are_members_matched_by_email_and_unmatched_ones_warned_once(imported, admin_profile):
    sandbox, job, members = imported
    unmatched = {}
    with org_context(admin_profile.org_id):
        for sobject, model in OWNED.items():
            owner_of = dict(model.objects.values_list("pk", "owner_id"))
            ids = crm_ids(sobject)
            for record in sf_records(sandbox, sobject):
                if record["Id"] not in ids:
                    continue  # an error record
                member = members.get(record["OwnerId"])
                assert owner_of[ids[record["Id"]]] == (member.pk if member else None), (sobject, record["Id"])
                if member is None:
                    unmatched[record["OwnerId"]] = unmatched.get(record["OwnerId"], 0) + 1
        warnings = list(ImportProblem.objects.filter(job=job, object_type="User", field="OwnerId"))
    # Quotes are owned too: count theirs from the link rows the engine remembers.
    with org_context(admin_profile.org_id):
        for owner in ImportedRecord.objects.filter(
            salesforce_object_type="Quote", outcome="imported"
        ).values_list("salesforce_owner_id", flat=True):
            if owner not in members:
                unmatched[owner] = unmatched.get(owner, 0) + 1
    assert len(warnings) == len(unmatched)  # one per Salesforce user or queue, never one per record
    counts = {w.salesforce_id: int(re.search(r"owns (\d+) imported", w.message).group(1)) for w in warnings}
    assert counts == unmatched
    queue = make_id("Group", 0)
    assert queue in counts and "queue" in next(w.message for w in warnings if w.salesforce_id == queue)
    assert sf_user_id(3) in counts  # priya: no CRM member has her email


def test_created_by_and_created_at_come_from_salesforce(imported, admin_profile):
    sandbox, _job, members = imported
    with org_context(admin_profile.org_id):
        accounts = {a.pk: a for a in Account.objects.all()}
        ids = crm_ids("Account")
        creators_seen = set()
        for record in sf_records(sandbox, "Account"):
            account = accounts.get(ids.get(record["Id"]))
            if account is None:
                continue
            member = members.get(record["CreatedById"])
            expected = member.user_id if member else admin_profile.user_id
            assert account.created_by_id == expected, record["Id"]
            creators_seen.add(bool(member))
            created = datetime.strptime(record["CreatedDate"], "%Y-%m-%dT%H:%M:%S.%f%z")
            assert account.created_at == created
    assert creators_seen == {True, False}  # both kinds of creator were met


def test_parents_and_managers_are_linked_whatever_the_order(imported, admin_profile):
    sandbox, job, _members = imported
    for sobject, model, sf_field, crm_field in (
        ("Account", Account, "ParentId", "parent_id"),
        ("Contact", Contact, "ReportsToId", "reports_to_id"),
    ):
        with org_context(admin_profile.org_id):
            ids = crm_ids(sobject)
            linked = dict(model.objects.values_list("pk", crm_field))
            warned = set(
                ImportProblem.objects.filter(
                    job=job, object_type=sobject, field__contains=sf_field
                ).values_list("salesforce_id", flat=True)
            )
        later_parents = 0
        for record in sf_records(sandbox, sobject):
            if record["Id"] not in ids or not record.get(sf_field):
                continue
            target = ids.get(record[sf_field])
            assert linked[ids[record["Id"]]] == target, (sobject, record["Id"])
            if target is None:
                assert record["Id"] in warned  # a parent that was never imported: said once
            elif record[sf_field] > record["Id"]:
                later_parents += 1
        assert later_parents > 0, f"the sandbox should hold {sobject} parents that sort after their child"


def test_price_book_entries_become_prices_and_the_standard_one_the_product_price(imported, admin_profile):
    sandbox, _job, _members = imported
    books = {r["Id"]: r for r in sf_records(sandbox, "Pricebook2")}
    with org_context(admin_profile.org_id):
        product_ids = crm_ids("Product2")
        price_ids = crm_ids("PricebookEntry")
        prices = {p.pk: p for p in ProductPrice.objects.all()}
        products = {p.pk: p for p in Product.objects.all()}
    standard = {}
    entries = sf_records(sandbox, "PricebookEntry")
    assert entries and len(prices) == len(price_ids)
    for entry in entries:
        price = prices[price_ids[entry["Id"]]]
        book = books[entry["Pricebook2Id"]]
        assert price.product_id == product_ids[entry["Product2Id"]]
        assert (price.price_book, price.is_standard, price.is_active) == (
            book["Name"],
            book["IsStandard"],
            entry["IsActive"],
        )
        assert price.unit_price == Decimal(str(entry["UnitPrice"])).quantize(Decimal("0.01"))
        if book["IsStandard"] and entry["IsActive"]:
            standard[entry["Product2Id"]] = price.unit_price
    assert standard
    for sf_id, unit_price in standard.items():
        assert products[product_ids[sf_id]].price == unit_price


def test_opportunity_line_items_are_named_after_their_product(imported, admin_profile, admin_api):
    sandbox, _job, _members = imported
    products = {r["Id"]: r["Name"] for r in sf_records(sandbox, "Product2")}
    with org_context(admin_profile.org_id):
        ids = crm_ids("OpportunityLineItem")
        lines = {line.pk: line for line in OpportunityLineItem.objects.all()}
        opportunity_ids = crm_ids("Opportunity")
    records = sf_records(sandbox, "OpportunityLineItem")
    assert records and len(lines) == len(ids)
    with org_context(admin_profile.org_id):
        refused = set(
            ImportProblem.objects.filter(
                job=_job, object_type="OpportunityLineItem", severity="error"
            ).values_list("salesforce_id", flat=True)
        )
    assert {r["Id"] for r in records if r["Id"] not in ids} == refused  # each with its reason
    for record in records:
        if record["Id"] not in ids:
            continue
        line = lines[ids[record["Id"]]]
        assert line.opportunity_id == opportunity_ids[record["OpportunityId"]]
        assert line.name == products[record["Product2Id"]][:255]
        assert line.quantity == Decimal(str(record["Quantity"])).quantize(Decimal("0.01"))
    some = records[0]
    body = admin_api.get(f"/api/opportunities/{opportunity_ids[some['OpportunityId']]}/").json()
    assert any(item["name"] == products[some["Product2Id"]] for item in body["line_items"])


def test_custom_fields_come_typed_with_lookups_resolved_and_numbers_exact(imported, admin_profile, admin_api):
    sandbox, job, _members = imported
    with org_context(admin_profile.org_id):
        account_ids, contact_ids = crm_ids("Account"), crm_ids("Contact")
        accounts = {a.pk: a for a in Account.objects.all()}
        definitions = {d.api_name: d for d in CustomFieldDefinition.objects.filter(object_type="Account")}
    assert "Internal_Score__c" not in definitions  # hidden by field-level security: never read
    assert (
        definitions["Region__c"].label == "Region"
        and definitions["Segments__c"].field_type == "multipicklist"
    )
    assert definitions["Tier__c"].calculated
    resolved = 0
    for record in sf_records(sandbox, "Account"):
        account = accounts.get(account_ids.get(record["Id"]))
        if account is None:
            continue
        custom = account.custom_fields
        assert set(custom) == set(definitions)
        segments = record.get("Segments__c")
        assert custom["Segments__c"] == (segments.split(";") if segments else None)
        assert custom["Region__c"] == record.get("Region__c")  # an unknown value is kept as its API value
        assert custom["Is_Strategic__c"] is record["Is_Strategic__c"]
        if record.get("Credit_Limit__c") is not None:
            assert Decimal(str(custom["Credit_Limit__c"])) == Decimal(str(record["Credit_Limit__c"]))
        contact = record.get("Primary_Contact__c")
        if contact:
            # Contacts are imported after accounts: the lookup is settled at the job's end.
            expected = str(contact_ids[contact]) if contact in contact_ids else None
            assert custom["Primary_Contact__c"] == {"salesforce_id": contact, "id": expected}
            resolved += expected is not None
    assert resolved > 0

    # Numbers keep every digit Salesforce sent, in the database and in the API.
    with org_context(admin_profile.org_id):
        opportunity_ids = crm_ids("Opportunity")
    exact = [
        r
        for r in sf_records(sandbox, "Opportunity")
        if r.get("Contract_Value__c") is not None and r["Id"] in opportunity_ids
    ]
    assert exact
    for record in exact[:20]:
        response = admin_api.get(f"/api/opportunities/{opportunity_ids[record['Id']]}/")
        body = json.loads(response.content, parse_float=Decimal)
        assert body["custom_fields"]["Contract_Value__c"] == Decimal(str(record["Contract_Value__c"]))


def test_eighteen_digit_numbers_survive_the_copy_the_database_and_the_api(admin_profile, admin_api):
    """1234567890123456.78 (a Number(18,2) value) has more digits than a float holds."""
    from salesforce_imports.engine.bulk import RowWriter

    value = Decimal("1234567890123456.78")
    row = {
        "id": __import__("uuid").uuid4(),
        "org_id": admin_profile.org_id,
        "name": "Big deal",
        "custom_fields": {"Contract_Value__c": value, "Tags__c": ["a", "b"], "Ratio__c": Decimal("0.10")},
    }
    with org_context(admin_profile.org_id):
        writer = RowWriter(Opportunity)
        writer.insert([row], writer.encode([row]))
        stored = Opportunity.objects.get(pk=row["id"]).custom_fields
    assert stored == {"Contract_Value__c": value, "Tags__c": ["a", "b"], "Ratio__c": Decimal("0.10")}
    response = admin_api.get(f"/api/opportunities/{row['id']}/")
    assert b'"Contract_Value__c":1234567890123456.78' in response.content.replace(b" ", b"")
