"""The host read API shows owners, custom fields, prices, line items and hierarchy
(NOTES 8.1, 8.2, 8.4), for the caller's org only, without a query per row."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Account
from common.rls import org_context
from contacts.models import Contact
from invoices.models import Estimate, EstimateLineItem, Product, ProductPrice
from opportunity.models import Opportunity, OpportunityLineItem
from orders.models import Order, OrderLineItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(admin_profile):
    org = admin_profile.org
    user = admin_profile.user
    user.first_name, user.last_name = "Ada", "Admin"
    user.save()
    with org_context(org.pk):
        parent = Account.objects.create(org=org, name="Parent Co")
        account = Account.objects.create(
            org=org, name="Child Co", parent=parent, owner=admin_profile, custom_fields={"Tier__c": "Gold"}
        )
        boss = Contact.objects.create(org=org, last_name="Boss", account=account)
        contact = Contact.objects.create(org=org, last_name="Report", reports_to=boss, owner=admin_profile)
        product = Product.objects.create(org=org, name="Widget", price=Decimal("10.00"), currency="USD")
        ProductPrice.objects.create(
            org=org,
            product=product,
            price_book="Standard Price Book",
            is_standard=True,
            currency="USD",
            unit_price=Decimal("10.00"),
        )
        ProductPrice.objects.create(
            org=org,
            product=product,
            price_book="Partner",
            currency="EUR",
            unit_price=Decimal("8.50"),
            is_active=False,
        )
        opp = Opportunity.objects.create(org=org, name="Big deal", account=account, owner=admin_profile)
        OpportunityLineItem.objects.create(
            org=org,
            opportunity=opp,
            product=product,
            name="Widget",
            quantity=Decimal("3"),
            unit_price=Decimal("10.00"),
            total=Decimal("30.00"),
            sort_order=1,
        )
        OpportunityLineItem.objects.create(org=org, opportunity=opp, name="Setup", sort_order=0)
        order = Order.objects.create(org=org, name="O-1", order_number="00000100", account=account)
        OrderLineItem.objects.create(org=org, order=order, product=product, name="Widget", sort_order=0)
        estimate = Estimate.objects.create(org=org, title="Quote", estimate_number="Q-1", owner=admin_profile)
        EstimateLineItem.objects.create(org=org, estimate=estimate, product=product, name="Widget")
    return {
        "parent": parent,
        "account": account,
        "boss": boss,
        "contact": contact,
        "product": product,
        "opp": opp,
        "order": order,
        "estimate": estimate,
    }


def test_owner_is_an_object_and_custom_fields_are_shown(admin_api, admin_profile, records):
    body = admin_api.get(f"/api/accounts/{records['account'].pk}/").json()
    assert body["owner"] == {
        "id": str(admin_profile.pk),
        "email": admin_profile.user.email,
        "name": "Ada Admin",
    }
    assert body["custom_fields"] == {"Tier__c": "Gold"}
    assert body["parent"] == str(records["parent"].pk)
    assert "org" not in body
    parent = admin_api.get(f"/api/accounts/{records['parent'].pk}/").json()
    assert parent["owner"] is None and parent["parent"] is None and parent["custom_fields"] == {}


def test_contact_reports_to(admin_api, records):
    body = admin_api.get(f"/api/contacts/{records['contact'].pk}/").json()
    assert body["reports_to"] == str(records["boss"].pk)
    assert body["owner"]["email"]


def test_product_prices(admin_api, records):
    body = admin_api.get(f"/api/products/{records['product'].pk}/").json()
    assert (body["price"], body["currency"]) == ("10.00", "USD")
    assert body["prices"] == [
        {
            "price_book": "Standard Price Book",
            "is_standard": True,
            "currency": "USD",
            "unit_price": "10.00",
            "is_active": True,
        },
        {
            "price_book": "Partner",
            "is_standard": False,
            "currency": "EUR",
            "unit_price": "8.50",
            "is_active": False,
        },
    ]
    assert "owner" not in body  # products have no owner in Salesforce's sense here
    assert body["custom_fields"] == {}


@pytest.mark.parametrize("kind", ["opp", "order", "estimate"])
def test_line_items_in_detail(admin_api, records, kind):
    path = {"opp": "opportunities", "order": "orders", "estimate": "estimates"}[kind]
    body = admin_api.get(f"/api/{path}/{records[kind].pk}/").json()
    items = body["line_items"]
    assert items and set(items[0]) == {
        "id",
        "product",
        "name",
        "quantity",
        "unit_price",
        "total",
        "sort_order",
    }
    if kind == "opp":
        assert [(i["name"], i["sort_order"]) for i in items] == [("Setup", 0), ("Widget", 1)]
        assert items[0]["product"] is None
        assert items[1] | {"id": None} == {
            "id": None,
            "product": str(records["product"].pk),
            "name": "Widget",
            "quantity": "3.00",
            "unit_price": "10.00",
            "total": "30.00",
            "sort_order": 1,
        }
    else:
        assert items[0]["product"] == str(records["product"].pk)


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("accounts", "account"),
        ("contacts", "contact"),
        ("opportunities", "opp"),
        ("products", "product"),
        ("orders", "order"),
        ("estimates", "estimate"),
    ],
)
def test_another_orgs_record_is_a_404(api_for, other_admin_profile, records, path, key):
    client = api_for(other_admin_profile)
    assert client.get(f"/api/{path}/{records[key].pk}/").status_code == 404
    assert client.get(f"/api/{path}/").json()["count"] == 0


@pytest.mark.parametrize("path", ["accounts", "contacts", "opportunities", "products", "orders", "estimates"])
def test_lists_do_not_query_per_row(admin_api, admin_profile, records, path, django_assert_max_num_queries):
    org = admin_profile.org
    with CaptureQueriesContext(connection) as few:
        admin_api.get(f"/api/{path}/")
    with org_context(org.pk):
        product = records["product"]
        for i in range(15):
            account = Account.objects.create(org=org, name=f"Bulk {i}", owner=admin_profile)
            Contact.objects.create(
                org=org, last_name=f"Bulk {i}", owner=admin_profile, reports_to=records["boss"]
            )
            extra = Product.objects.create(org=org, name=f"Bulk {i}")
            ProductPrice.objects.create(org=org, product=extra, price_book="Standard", is_standard=True)
            opp = Opportunity.objects.create(org=org, name=f"Bulk {i}", account=account, owner=admin_profile)
            OpportunityLineItem.objects.create(org=org, opportunity=opp, product=product)
            order = Order.objects.create(org=org, name=f"Bulk {i}", owner=admin_profile)
            OrderLineItem.objects.create(org=org, order=order, product=product)
            estimate = Estimate.objects.create(org=org, title=f"Bulk {i}", estimate_number=f"B-{i}")
            EstimateLineItem.objects.create(org=org, estimate=estimate, product=product)
    # auth (user, profile, org context) + count + page + one prefetch: never one per row
    with django_assert_max_num_queries(9) as many:
        body = admin_api.get(f"/api/{path}/").json()
    assert body["count"] >= 16
    assert len(many) == len(few)
