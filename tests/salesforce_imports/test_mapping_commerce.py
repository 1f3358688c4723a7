"""The mapping tables of products, price book entries, orders, quotes and their line items
(salesforce_imports.mapping, pure, no DB)."""

from datetime import UTC, date, datetime
from decimal import Decimal

from salesforce_imports.mapping import mapping_for

from .mapping_helpers import as_bulk_csv, problems


def test_product():
    record = {"Name": "Widget", "ProductCode": "W-1", "IsActive": "false", "Family": "Hardware"}
    converted = mapping_for("Product2").convert(record)
    assert converted.ok
    assert converted.values == {
        "name": "Widget",
        "sku": "W-1",
        "description": "",
        "is_active": False,
        "category": "Hardware",
        "currency": "",
    }


def test_order_and_order_item():
    order = {
        "OrderNumber": "00000100",
        "Status": "Activated",
        "AccountId": "001000000000001AAA",
        "BillToContactId": "003000000000001AAA",
        "OpportunityId": None,
        "EffectiveDate": "2024-10-08",
        "ActivatedDate": "2024-10-09T08:30:00.000+0000",
        "TotalAmount": 350,
        "ShippingCountry": "Deutschland",
        "EndDate": "2025-01-01",
    }
    converted = mapping_for("Order").convert(order)
    assert converted.ok and converted.problems == []
    assert converted.values["status"] == "ACTIVATED"
    assert converted.values["activated_date"] == datetime(2024, 10, 9, 8, 30, tzinfo=UTC)
    assert converted.values["total_amount"] == Decimal("350.00")
    assert converted.values["shipping_country"] == "DE" and converted.values["billing_country"] == ""
    assert converted.references == {
        "account": ("Account", "001000000000001AAA"),
        "contact": ("Contact", "003000000000001AAA"),
    }
    assert mapping_for("Order").convert(as_bulk_csv(order)) == converted

    item = {"OrderId": "801000000000001AAA", "Product2Id": "01t000000000001AAA", "Quantity": 2,
            "UnitPrice": 10.5, "TotalPrice": 21, "OrderItemNumber": "0000000123",
            "Description": "\n  First line  \nsecond"}  # fmt: skip
    line = mapping_for("OrderItem").convert(item)
    assert line.ok and line.problems == []
    assert line.values == {
        "name": "First line",
        "description": "First line  \nsecond",
        "quantity": Decimal("2.00"),
        "unit_price": Decimal("10.50"),
        "total": Decimal("21.00"),
        "sort_order": 123,
    }
    assert line.references == {
        "order": ("Order", "801000000000001AAA"),
        "product": ("Product2", "01t000000000001AAA"),
    }
    assert mapping_for("OrderItem").parent_field == "order"


def test_unknown_order_status_is_draft_with_a_warning():
    converted = mapping_for("Order").convert({"Status": "Shipped to the moon"})
    assert (
        converted.ok
        and converted.values["status"] == "DRAFT"
        and problems(converted) == [("Status", "warning")]
    )


def test_quote_and_line_item():
    quote = {
        "Name": "Q for Acme",
        "QuoteNumber": "00000007",
        "Status": "Presented",
        "AccountId": "001000000000001AAA",
        "ContactId": "003000000000001AAA",
        "OpportunityId": "006000000000001AAA",
        "Subtotal": 100,
        "TotalPrice": 90,
        "Discount": 10,
        "Tax": 0,
        "ExpirationDate": "2024-12-31",
        "Description": "Thanks",
        "CreatedDate": "2024-11-30T23:30:00.000Z",
    }
    converted = mapping_for("Quote").convert(quote)
    assert converted.ok and converted.problems == []
    assert converted.values == {
        "title": "Q for Acme",
        "estimate_number": "00000007",
        "status": "Sent",
        "subtotal": Decimal("100.00"),
        "total_amount": Decimal("90.00"),
        "discount_value": Decimal("10.00"),
        "discount_type": "PERCENTAGE",
        "tax_amount": Decimal("0.00"),
        "expiry_date": date(2024, 12, 31),
        "notes": "Thanks",
        "issue_date": date(2024, 11, 30),
        "currency": "",
        "created_at": datetime(2024, 11, 30, 23, 30, tzinfo=UTC),  # Salesforce's, not the import's
    }
    assert set(converted.references) == {"account", "contact", "opportunity"}
    assert mapping_for("Quote").convert(as_bulk_csv(quote)) == converted
    assert mapping_for("Quote").convert({**quote, "Discount": None}).values["discount_type"] == ""

    line = mapping_for("QuoteLineItem").convert({"QuoteId": "0Q0000000000001AAA", "SortOrder": None,
                                                 "LineNumber": "00000004", "Quantity": "3"})  # fmt: skip
    assert line.ok and line.values["sort_order"] == 4 and line.values["quantity"] == Decimal("3.00")
    assert line.references == {"estimate": ("Quote", "0Q0000000000001AAA")}
    assert mapping_for("QuoteLineItem").parent_field == "estimate"


def test_line_items_are_named_after_their_product_else_their_description():
    for sobject in ("OrderItem", "QuoteLineItem", "OpportunityLineItem"):
        mapping = mapping_for(sobject)
        product = {"attributes": {"type": "Product2"}, "Name": "GenWatt Diesel 200kW"}
        named = mapping.convert({"Product2": product, "Description": "Second line\nmore"})
        assert named.values["name"] == "GenWatt Diesel 200kW", sobject
        csv = mapping.convert({"Product2.Name": "GenWatt Diesel 200kW", "Description": ""})
        assert csv.values["name"] == "GenWatt Diesel 200kW", sobject  # Bulk CSV's dotted column
        unnamed = mapping.convert({"Product2": None, "Description": "\n  Install on site \nday 2"})
        assert unnamed.values["name"] == "Install on site", sobject
        assert mapping.convert({"Product2": None}).values["name"] == "", sobject


def test_opportunity_line_item():
    line = mapping_for("OpportunityLineItem").convert(
        {
            "OpportunityId": "006000000000001AAA",
            "Product2Id": "01t000000000001AAA",
            "Product2": {"Name": "Widget"},
            "Quantity": 2.5,
            "UnitPrice": 100,
            "ListPrice": 120,
            "Discount": 12.5,
            "TotalPrice": 218.75,
            "ServiceDate": "2025-03-01",
            "SortOrder": 3,
            "CreatedDate": "2020-01-02T03:04:05.000+0000",
        }
    )
    assert line.ok, line.problems
    assert line.values | {"created_at": None} == {
        "name": "Widget",
        "description": "",
        "quantity": Decimal("2.50"),
        "unit_price": Decimal("100.00"),
        "list_price": Decimal("120.00"),
        "discount": Decimal("12.50"),
        "total": Decimal("218.75"),
        "service_date": date(2025, 3, 1),
        "sort_order": 3,
        "created_at": None,
    }
    assert line.values["created_at"] == datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert line.references == {
        "opportunity": ("Opportunity", "006000000000001AAA"),
        "product": ("Product2", "01t000000000001AAA"),
    }


def test_price_book_entry_keeps_an_unknown_currency_with_a_warning():
    mapping = mapping_for("PricebookEntry")
    entry = {
        "Product2Id": "01t000000000001AAA",
        "Pricebook2Id": "01s000000000001AAA",
        "Pricebook2": {"Name": "Standard Price Book", "IsStandard": True},
        "UnitPrice": 9.5,
        "IsActive": True,
        "CurrencyIsoCode": "EUR",
    }
    converted = mapping.convert(entry)
    assert converted.ok and converted.problems == []
    assert converted.values["price_book"] == "Standard Price Book" and converted.values["is_standard"] is True
    assert converted.values["unit_price"] == Decimal("9.50") and converted.values["currency"] == "EUR"
    odd = mapping.convert({**entry, "CurrencyIsoCode": "XBT"})  # a code ISO 4217 lacks
    assert odd.ok and odd.values["currency"] == "XBT"
    assert problems(odd) == [("CurrencyIsoCode", "warning")]
    nameless = mapping.convert({**entry, "Pricebook2": None})  # price books' names hidden from the user
    assert nameless.values["price_book"] == "Price book 01s000000000001AAA"


def test_quote_without_number_is_an_error():
    converted = mapping_for("Quote").convert({"Name": "Q", "QuoteNumber": ""})
    assert not converted.ok and problems(converted) == [("QuoteNumber", "error")]
