"""Users, queues, owners, hierarchy, prices, opportunity line items and custom fields."""

from decimal import Decimal
from pathlib import Path

import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest

from sfsandbox import ids
from sfsandbox.data import Org
from sfsandbox.generator import DELETED_USER_IDS, USERS, user_emails
from sfsandbox.generator.custom import EXACT_CONTRACT_VALUE, UNKNOWN_REGION

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "sample-data" / "salesforce"


def test_users_have_the_documented_emails():
    org = Org(200, seed=1)
    users = [org.record_at("User", i) for i in range(org.generated_count("User"))]
    assert [u["Email"] for u in users] == user_emails() == [u[2] for u in USERS]
    assert users[1]["Email"] == "Maria.Garcia@Example.COM"  # mixed case
    assert [u["IsActive"] for u in users].count(False) == 1 and users[2]["IsActive"] is False
    assert users[0]["Name"] == "Sandbox User" and users[0]["Id"] == org.user_id
    assert "IsDeleted" not in org.objects["User"].by_lower_name  # users are deactivated
    assert Org(200, seed=1, users=3).generated_count("User") == 3
    assert Org(200, seed=1, users=12).record_at("User", 10)["Email"] == "user10@example.com"


def test_queue_and_owners(sfsandbox):
    sf = sfsandbox.simple_salesforce(sfsandbox.issue_tokens()["access_token"])
    queues = sf.query("SELECT Id, Name, Type FROM Group WHERE Type = 'Queue'")["records"]
    assert [(q["Name"], q["Type"]) for q in queues] == [("Order Fulfilment", "Queue")]
    owners = [r["OwnerId"] for r in sf.query_all_iter("SELECT Id, OwnerId FROM Order")]
    assert owners.count(queues[0]["Id"]) >= 1
    users = {r["Id"] for r in sf.query_all_iter("SELECT Id FROM User")}
    assert sum(owner in users for owner in owners) > len(owners) / 2
    org = sfsandbox.org
    all_owners = [
        org.record_at(name, i)["OwnerId"]
        for name in ("Account", "Contact", "Opportunity", "Quote")
        for i in range(org.generated_count(name))
    ]
    assert not any(o.startswith("00G") for o in all_owners)  # only Orders can be queued
    assert any(o in DELETED_USER_IDS for o in all_owners)
    for name in (
        "Product2",
        "Pricebook2",
        "PricebookEntry",
        "OrderItem",
        "QuoteLineItem",
        "OpportunityLineItem",
    ):
        assert org.objects[name].get("OwnerId") is None, name
        assert org.objects[name].get("CreatedById") is not None, name


def test_audit_dates_are_spread_and_salesforce_formatted():
    org = Org(2000, seed=3)
    created = [org.record_at("Account", i)["CreatedDate"] for i in range(0, 200, 10)]
    assert len({c[:4] for c in created}) >= 5
    assert all(len(c) == 28 and c.endswith(".000+0000") for c in created)
    record = org.record_at("Account", 5)
    assert record["CreatedDate"] <= record["LastModifiedDate"] <= record["SystemModstamp"]


def _chains_end(org, object_name, field, index):
    seen = set()
    current = org.record_at(object_name, index)
    while current is not None and current.get(field):
        assert current["Id"] not in seen, "cycle"
        seen.add(current["Id"])
        current = org.get(object_name, current[field])


@pytest.mark.parametrize(("object_name", "field"), [("Account", "ParentId"), ("Contact", "ReportsToId")])
def test_hierarchy_parents_after_children_dangling_no_cycles(object_name, field):
    org = Org(3000, seed=5)
    after = dangling = 0
    for i in range(org.generated_count(object_name)):
        record = org.record_at(object_name, i)
        parent = record[field]
        if parent is None:
            continue
        after += parent > record["Id"]
        found = org.get(object_name, parent)
        dangling += found is None or found["IsDeleted"]
        _chains_end(org, object_name, field, i)
    assert after >= 10
    assert dangling >= 2


def test_price_books_and_entries_multi_currency():
    org = Org(3000, seed=2, multi_currency=True)
    books = [org.record_at("Pricebook2", i) for i in range(org.generated_count("Pricebook2"))]
    assert [(b["Name"], b["IsStandard"], b["IsActive"]) for b in books][:2] == [
        ("Standard Price Book", True, True),
        ("Partner Price Book", False, True),
    ]
    entries = [org.record_at("PricebookEntry", i) for i in range(org.generated_count("PricebookEntry"))]
    keys = [(e["Product2Id"], e["Pricebook2Id"], e["CurrencyIsoCode"]) for e in entries]
    assert len(keys) == len(set(keys))  # one entry per product, book and currency
    assert {e["CurrencyIsoCode"] for e in entries} == {"USD", "EUR"}
    standard = {(p, c) for p, b, c in keys if b == books[0]["Id"]}
    assert all((p, c) in standard for p, b, c in keys)  # standard entry first
    priced = {p for p, _, _ in keys}
    assert len(priced) < org.generated_count("Product2")  # some products have no price
    assert any(not e["IsActive"] for e in entries)
    product = org.get("Product2", entries[0]["Product2Id"])
    assert entries[0]["Name"] == product["Name"] and entries[0]["ProductCode"] == product["ProductCode"]
    assert "CurrencyIsoCode" not in Org(200, seed=2).record_at("PricebookEntry", 0)


def test_line_items_follow_their_entries_and_parents():
    org = Org(3000, seed=4, multi_currency=True)
    for object_name, parent_field, parent_object in (
        ("OpportunityLineItem", "OpportunityId", "Opportunity"),
        ("OrderItem", "OrderId", "Order"),
        ("QuoteLineItem", "QuoteId", "Quote"),
    ):
        for i in range(0, org.generated_count(object_name), 13):
            line = org.record_at(object_name, i)
            entry = org.get("PricebookEntry", line["PricebookEntryId"])
            parent = org.get(parent_object, line[parent_field])
            assert entry["Product2Id"] == line["Product2Id"]
            assert entry["CurrencyIsoCode"] == line["CurrencyIsoCode"] == parent["CurrencyIsoCode"]
            assert entry["Pricebook2Id"] == parent["Pricebook2Id"]
    line = org.record_at("OpportunityLineItem", 0)
    opportunity = org.get("Opportunity", line["OpportunityId"])
    product = org.get("Product2", line["Product2Id"])
    assert line["Name"] == f"{opportunity['Name']} {product['Name']}"
    items = [org.record_at("OpportunityLineItem", j) for j in range(3)]
    mine = [r for r in items if r["OpportunityId"] == opportunity["Id"]]
    assert [r["SortOrder"] for r in mine] == [1, 2]
    assert opportunity["HasOpportunityLineItem"] is True
    assert opportunity["Amount"] == round(sum(r["TotalPrice"] for r in mine), 2)


def test_relationship_fields_over_rest_and_bulk(sfsandbox):
    sf = sfsandbox.simple_salesforce(sfsandbox.issue_tokens()["access_token"])
    rows = list(sf.query_all_iter("SELECT Id, Product2.Name, Opportunity.Name FROM OpportunityLineItem"))
    assert len(rows) == sfsandbox.org.count("OpportunityLineItem") > 0
    first = sfsandbox.org.record_at("OpportunityLineItem", 0)
    assert rows[0]["Product2"]["Name"] == sfsandbox.org.get("Product2", first["Product2Id"])["Name"]
    csv_pages = list(
        sf.bulk2.OrderItem.query("SELECT Id, Product2.Name, PricebookEntry.UnitPrice FROM OrderItem")
    )
    header, *lines = csv_pages[0].splitlines()
    assert header == '"Id","Product2.Name","PricebookEntry.UnitPrice"'
    item = sfsandbox.org.record_at("OrderItem", 0)
    name = sfsandbox.org.get("Product2", item["Product2Id"])["Name"]
    assert lines[0].startswith(f'"{item["Id"]}","{name}",')
    owners = sf.query(
        f"SELECT Id, Owner.Name, Owner.Type FROM Order WHERE OwnerId IN ('{ids.make_id('Group', 0)}')"
    )["records"]
    assert owners and owners[0]["Owner"]["attributes"]["type"] == "Name"
    assert owners[0]["Owner"]["Type"] == "Queue"


def test_hidden_custom_field_is_refused(sfsandbox):
    sf = sfsandbox.simple_salesforce(sfsandbox.issue_tokens()["access_token"])
    with pytest.raises(SalesforceMalformedRequest) as error:
        sf.query("SELECT Id, Internal_Score__c FROM Account")
    assert error.value.content[0]["errorCode"] == "INVALID_FIELD"
    assert "No such column 'Internal_Score__c' on entity 'Account'" in error.value.content[0]["message"]


def test_custom_field_values_are_messy_and_exact(sandbox_factory):
    sandbox = sandbox_factory(records=2000, seed=1)
    org = sandbox.org
    accounts = [org.record_at("Account", i) for i in range(org.generated_count("Account"))]
    assert any(a["Region__c"] == UNKNOWN_REGION for a in accounts)
    assert any(a["Segments__c"] and "Legacy Tier" in a["Segments__c"].split(";") for a in accounts)
    assert any(
        a["Primary_Contact__c"] and org.get("Contact", a["Primary_Contact__c"])["IsDeleted"] for a in accounts
    )
    exact = [
        i
        for i in range(org.generated_count("Opportunity"))
        if org.record_at("Opportunity", i)["Contract_Value__c"] == EXACT_CONTRACT_VALUE
    ]
    assert exact
    opportunity_id = org.record_at("Opportunity", exact[0])["Id"]
    import requests

    tokens = sandbox.issue_tokens()
    body = requests.get(
        sandbox.url + "/services/data/v62.0/query/",
        params={"q": f"SELECT Contract_Value__c FROM Opportunity WHERE Id = '{opportunity_id}'"},
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=10,
    ).text
    assert '"Contract_Value__c":1234567890123456.78' in body  # a JSON number, every digit kept
    assert float(Decimal("1234567890123456.78")) != Decimal("1234567890123456.78")


def test_generation_is_deterministic_with_new_objects():
    one, again = Org(1000, seed=9, multi_currency=True), Org(1000, seed=9, multi_currency=True)
    for name in ("User", "Group", "PricebookEntry", "OpportunityLineItem", "Account"):
        assert one.record_at(name, 1) == again.record_at(name, 1), name
    assert one.record_at("Account", 1) != Org(1000, seed=10).record_at("Account", 1)


@pytest.mark.skipif(not (SAMPLES / "heroku-tdx25-agentforce").exists(), reason="sample data not present")
def test_sample_price_books_and_line_items_keep_their_references():
    from sfsandbox.sample_data import load_sample_data

    org = Org(0, seed=1)
    report = load_sample_data(org, SAMPLES / "heroku-tdx25-agentforce")
    assert report.inserted["PricebookEntry"] == 11 and report.inserted["OrderItem"] == 5
    book = next(iter(org._inserted["Pricebook2"].values()))
    assert book["IsStandard"] is True
    for entry in org._inserted["PricebookEntry"].values():
        assert org.get("Product2", entry["Product2Id"])["Name"] == entry["Name"]
        assert entry["Pricebook2Id"] == book["Id"]
    for item in org._inserted["OrderItem"].values():
        entry = org.get("PricebookEntry", item["PricebookEntryId"])
        assert entry is not None and item["Product2Id"] == entry["Product2Id"]
