"""The fields an import fills beyond the basics (NOTES 8.1-8.4): owner, hierarchy,
custom fields, original creation dates, prices and opportunity line items."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, ProgrammingError, connection, transaction

from accounts.models import Account
from common.models import Org
from common.rls import org_context
from contacts.models import Contact
from invoices.models import Estimate, EstimateLineItem, Product, ProductPrice
from opportunity.models import Opportunity, OpportunityLineItem
from orders.models import Order, OrderLineItem

CUSTOM_FIELD_MODELS = [
    Account,
    Contact,
    Opportunity,
    Product,
    Estimate,
    EstimateLineItem,
    Order,
    OrderLineItem,
    ProductPrice,
    OpportunityLineItem,
]
OWNED_MODELS = [Account, Contact, Opportunity, Order, Estimate]


@pytest.fixture
def org(db):
    org = Org.objects.create(name="Fields Org")
    with org_context(org.pk):
        yield org


def test_models_carry_owner_and_custom_fields():
    for model in CUSTOM_FIELD_MODELS:
        field = model._meta.get_field("custom_fields")
        assert field.get_internal_type() == "JSONField", model
        assert field.get_default() == {}
    for model in OWNED_MODELS:
        owner = model._meta.get_field("owner")
        assert owner.related_model._meta.label == "common.Profile"
        assert owner.null
    assert not hasattr(Product, "owner")


def test_created_at_can_be_set_and_updated_at_is_the_crms(org):
    original = dt.datetime(2019, 3, 4, 5, 6, 7, tzinfo=dt.UTC)
    account = Account.objects.create(org=org, name="Old", created_at=original)
    account.refresh_from_db()
    assert account.created_at == original
    assert account.updated_at.year >= 2026
    fresh = Account.objects.create(org=org, name="New")
    assert fresh.created_at.year >= 2026


def test_owner_is_cleared_when_the_member_goes(org, make_member):
    profile = make_member("Fields Org")
    account = Account.objects.create(org=org, name="Owned", owner=profile)
    profile.delete()
    account.refresh_from_db()
    assert account.owner is None


def test_hierarchy_links_and_their_reverse_names(org):
    parent = Account.objects.create(org=org, name="Parent")
    child = Account.objects.create(org=org, name="Child", parent=parent)
    assert list(parent.children.all()) == [child]
    boss = Contact.objects.create(org=org, last_name="Boss")
    report = Contact.objects.create(org=org, last_name="Report", reports_to=boss)
    assert list(boss.direct_reports.all()) == [report]
    parent.delete()
    boss.delete()
    child.refresh_from_db()
    report.refresh_from_db()
    assert child.parent is None and report.reports_to is None


def test_product_prices_are_ordered_standard_first(org):
    product = Product.objects.create(org=org, name="Widget")
    ProductPrice.objects.create(org=org, product=product, price_book="Partner", currency="USD", unit_price=8)
    ProductPrice.objects.create(
        org=org, product=product, price_book="Standard", is_standard=True, currency="USD"
    )
    ProductPrice.objects.create(
        org=org, product=product, price_book="Standard", is_standard=True, currency="EUR", unit_price=9
    )
    prices = list(product.prices.all())
    assert [(p.price_book, p.currency) for p in prices] == [
        ("Standard", "EUR"),
        ("Standard", "USD"),
        ("Partner", "USD"),
    ]
    assert prices[0].is_active is True
    product.delete()
    assert ProductPrice.objects.count() == 0  # cascade


def test_opportunity_line_items(org):
    product = Product.objects.create(org=org, name="Widget")
    opp = Opportunity.objects.create(org=org, name="Deal")
    second = OpportunityLineItem.objects.create(org=org, opportunity=opp, product=product, sort_order=2)
    first = OpportunityLineItem.objects.create(
        org=org,
        opportunity=opp,
        name="Setup",
        quantity=Decimal("2.50"),
        discount=Decimal("12.5"),
        sort_order=1,
    )
    assert list(opp.line_items.all()) == [first, second]
    assert second.quantity == 1
    product.delete()
    second.refresh_from_db()
    assert second.product is None
    opp.delete()
    assert OpportunityLineItem.objects.count() == 0


@pytest.mark.parametrize("discount", [Decimal("-1"), Decimal("100.01")])
def test_line_item_discount_is_a_percentage(org, discount):
    opp = Opportunity.objects.create(org=org, name="Deal")
    with pytest.raises(IntegrityError), transaction.atomic():
        OpportunityLineItem.objects.create(org=org, opportunity=opp, discount=discount)


@pytest.mark.postgres
def test_an_insert_that_omits_custom_fields_gets_an_empty_object(org):
    """The importer COPYs only the columns it sets: the database default must fill in."""
    product = Product.objects.create(org=org, name="Widget")
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO invoices_productprice (id, org_id, product_id, price_book, currency, created_at,"
            " updated_at) VALUES (gen_random_uuid(), %s, %s, 'Standard', 'USD', now(), now())",
            [str(org.pk), str(product.pk)],
        )
        cursor.execute(
            "INSERT INTO accounts_account (id, org_id, name, website, phone, industry, currency,"
            " address_line, city, state, postcode, country, description, is_active, created_at,"
            " updated_at) VALUES (gen_random_uuid(), %s, 'Raw', '', '', '', '', '', '', '', '',"
            " '', '', true, now(), now())",
            [str(org.pk)],
        )
        opp = Opportunity.objects.create(org=org, name="Deal")
        cursor.execute(
            "INSERT INTO opportunity_opportunitylineitem (id, org_id, opportunity_id, name, description,"
            " created_at, updated_at) VALUES (gen_random_uuid(), %s, %s, '', '', now(), now())",
            [str(org.pk), str(opp.pk)],
        )
    price = ProductPrice.objects.get()
    assert (price.custom_fields, price.is_standard, price.is_active) == ({}, False, True)
    assert Account.objects.get(name="Raw").custom_fields == {}
    line = OpportunityLineItem.objects.get()
    assert (line.custom_fields, line.quantity, line.sort_order) == ({}, 1, 0)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("model", [ProductPrice, OpportunityLineItem])
def test_new_tables_are_isolated_per_org(model):
    a = Org.objects.create(name="RLS A")
    b = Org.objects.create(name="RLS B")
    for org in (a, b):
        with org_context(org.pk):
            product = Product.objects.create(org=org, name=f"P {org.name}")
            if model is ProductPrice:
                ProductPrice.objects.create(org=org, product=product, price_book="Standard")
            else:
                opp = Opportunity.objects.create(org=org, name=f"O {org.name}")
                OpportunityLineItem.objects.create(org=org, opportunity=opp, product=product)
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        assert cursor.fetchone()[0] == 0  # no context, no rows
        with org_context(a.pk):
            cursor.execute(f"SELECT org_id FROM {table}")
            assert [str(r[0]) for r in cursor.fetchall()] == [str(a.pk)]
            cursor.execute(f"UPDATE {table} SET custom_fields = '{{\"x\": 1}}'")
            assert cursor.rowcount == 1
            with pytest.raises(ProgrammingError, match="row-level security"), transaction.atomic():
                cursor.execute(
                    f"UPDATE {table} SET org_id = %s",
                    [str(b.pk)],
                )
    with org_context(b.pk):
        assert model.objects.get().custom_fields == {}
