"""The org the record-page and list-page tests look at: an account with its parent and child,
contacts (a manager and a report), a product with a price, a deal, an order and a quote with
line items; `grow` adds many more around them, for the tests that count queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from accounts.models import Account
from common.rls import org_context
from contacts.models import Contact
from invoices.models import Estimate, EstimateLineItem, Product, ProductPrice
from opportunity.models import Opportunity, OpportunityLineItem
from orders.models import Order, OrderLineItem

CREATED = dt.datetime(2019, 5, 3, 14, 2, tzinfo=dt.UTC)


@pytest.fixture
def client(admin_profile):
    client = Client()
    client.force_login(admin_profile.user)
    return client


@pytest.fixture
def data(admin_profile):
    org = admin_profile.org
    user = admin_profile.user
    user.first_name, user.last_name = "Ada", "Admin"
    user.save()
    with org_context(org.pk):
        parent = Account.objects.create(org=org, name="Holding Group")
        account = Account.objects.create(
            org=org,
            name="Edge Communications",
            parent=parent,
            industry="ELECTRONICS",
            annual_revenue=Decimal("139000000.00"),
            owner=admin_profile,
            created_at=CREATED,
            created_by=user,
            custom_fields={
                "SLA__c": "Gold",
                "Regions__c": ["EMEA", "APAC"],
                "Primary__c": {"salesforce_id": "0035g00000XyZabAAB", "id": None},
                "Active__c": True,
            },
        )
        child = Account.objects.create(org=org, name="Edge Austin", parent=account)
        boss = Contact.objects.create(org=org, first_name="Rose", last_name="Gonzalez", account=account)
        report = Contact.objects.create(org=org, first_name="Sean", last_name="Forbes", reports_to=boss)
        product = Product.objects.create(
            org=org, name="GenWatt Diesel", sku="GC1060", price=Decimal("100.00")
        )
        ProductPrice.objects.create(
            org=org, product=product, price_book="Partner Prices", currency="EUR", unit_price=Decimal("85.00")
        )
        opp = Opportunity.objects.create(
            org=org, name="Emergency Generator", account=account, stage="CLOSED_WON", owner=admin_profile
        )
        OpportunityLineItem.objects.create(
            org=org,
            opportunity=opp,
            product=product,
            name="GenWatt line",
            quantity=2,
            total=Decimal("200.00"),
        )
        order = Order.objects.create(
            org=org,
            name="Generator order",
            order_number="00000100",
            account=account,
            contact=boss,
            opportunity=opp,
        )
        OrderLineItem.objects.create(org=org, order=order, product=product, name="Order line")
        estimate = Estimate.objects.create(
            org=org,
            title="Generator quote",
            estimate_number="Q-0001",
            account=account,
            contact=boss,
            opportunity=opp,
        )
        EstimateLineItem.objects.create(org=org, estimate=estimate, product=product, name="Quote line")
    return {
        "org": org,
        "parent": parent,
        "account": account,
        "child": child,
        "boss": boss,
        "report": report,
        "product": product,
        "opp": opp,
        "order": order,
        "estimate": estimate,
    }


def grow(data, n):
    """n more of everything around the account, its contact, opportunity and product."""
    org, account, boss, opp, product = (data[k] for k in ("org", "account", "boss", "opp", "product"))
    with org_context(org.pk):
        for i in range(n):
            Account.objects.create(org=org, name=f"Sub {i}", parent=account)
            Contact.objects.create(org=org, last_name=f"C {i}", account=account, reports_to=boss)
            o = Opportunity.objects.create(org=org, name=f"O {i}", account=account)
            OpportunityLineItem.objects.create(
                org=org, opportunity=data["opp"], product=product, sort_order=i
            )
            OpportunityLineItem.objects.create(org=org, opportunity=o, product=product)
            order = Order.objects.create(
                org=org, name=f"Ord {i}", account=account, contact=boss, opportunity=opp
            )
            OrderLineItem.objects.create(org=org, order=order, product=product)
            e = Estimate.objects.create(
                org=org,
                title=f"E {i}",
                estimate_number=f"E-{i}",
                account=account,
                contact=boss,
                opportunity=opp,
            )
            EstimateLineItem.objects.create(org=org, estimate=e, product=product)
            ProductPrice.objects.create(org=org, product=product, price_book=f"Book {i}")
            Product.objects.create(org=org, name=f"P {i}", sku=f"P{i}")
