"""The per-object mapping tables of salesforce_imports.mapping (pure, no DB): the registry, the
sales and service objects (accounts, contacts, deals, leads, cases, activities, notes) and what
every table shares; products, price books, orders and quotes are in test_mapping_commerce.py."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from salesforce_imports.mapping import IMPORT_ORDER, MAPPINGS, mapping_for

from .mapping_helpers import as_bulk_csv, problems

ACCOUNT_JSON = {
    "attributes": {"type": "Account", "url": "/services/data/v62.0/sobjects/Account/001000000000001AAA"},
    "Id": "001000000000001AAA",
    "Name": "  Acme Ünïcødé 😀 株式会社 ",
    "Website": "https://acme.example",
    "Phone": "+1 415 555 0100",
    "Industry": "Technology",
    "NumberOfEmployees": 120,
    "AnnualRevenue": 1500000.5,
    "Description": "שלום — line one\nline two",
    "BillingStreet": "1 Main St",
    "BillingCity": "Springfield",
    "BillingState": "IL",
    "BillingPostalCode": "62701",
    "BillingCountry": "USA",
    "CurrencyIsoCode": "USD",
}


def test_registry_and_import_order():
    assert IMPORT_ORDER == [
        ("Product2", "PricebookEntry"),
        ("Account", None),
        ("Contact", None),
        ("Opportunity", "OpportunityLineItem"),
        ("Lead", None),
        ("Case", None),
        ("Order", "OrderItem"),
        ("Quote", "QuoteLineItem"),
        ("Task", None),
        ("Event", None),
        ("Note", "ContentNote"),
    ]
    assert set(MAPPINGS) == {name for pair in IMPORT_ORDER for name in pair if name}
    assert all(mapping_for(name).sobject == name for name in MAPPINGS)
    with pytest.raises(KeyError, match="Campaign"):
        mapping_for("Campaign")


def test_account_from_json():
    converted = mapping_for("Account").convert(ACCOUNT_JSON)
    assert converted.ok and converted.problems == []
    assert converted.values == {
        "name": "Acme Ünïcødé 😀 株式会社",
        "website": "https://acme.example",
        "phone": "+1 415 555 0100",
        "industry": "TECHNOLOGY",
        "number_of_employees": 120,
        "annual_revenue": Decimal("1500000.50"),
        "description": "שלום — line one\nline two",
        "address_line": "1 Main St",
        "city": "Springfield",
        "state": "IL",
        "postcode": "62701",
        "country": "US",
        "currency": "USD",
    }
    assert converted.references == {}


def test_account_csv_strings_equal_json():
    mapping = mapping_for("Account")
    assert mapping.convert(as_bulk_csv(ACCOUNT_JSON)) == mapping.convert(ACCOUNT_JSON)


def test_missing_keys_are_null():
    converted = mapping_for("Account").convert({"Name": "Only a name"})
    assert converted.ok
    assert converted.values["industry"] == "" and converted.values["annual_revenue"] is None


def test_field_names_match_case_insensitively():
    converted = mapping_for("Account").convert({"name": "lower", "billingcountry": "Deutschland"})
    assert converted.values["name"] == "lower" and converted.values["country"] == "DE"


def test_records_of_one_shape_read_case_insensitively_each_get_their_own_values():
    # The reader remembers a query shape's lower-cased keys, never a record's values.
    first = mapping_for("Account").convert({"name": "First", "billingcountry": "Deutschland"})
    second = mapping_for("Account").convert({"name": "Second", "billingcountry": "France"})
    assert (first.values["name"], first.values["country"]) == ("First", "DE")
    assert (second.values["name"], second.values["country"]) == ("Second", "FR")


def test_relationship_field_read_nested_flat_and_in_other_case():
    line = mapping_for("OpportunityLineItem")
    for record in (
        {"Product2": {"Name": "Nested"}},
        {"Product2.Name": "Nested"},
        {"product2": {"name": "Nested"}},
        {"PRODUCT2.NAME": "Nested"},
    ):
        assert line.convert({**record, "OpportunityId": "006000000000001AAA"}).values["name"] == "Nested"


def test_account_without_name_is_an_error():
    converted = mapping_for("Account").convert({**ACCOUNT_JSON, "Name": "   "})
    assert not converted.ok and ("Name", "error") in problems(converted)


def test_negative_annual_revenue_is_an_error():
    converted = mapping_for("Account").convert({**ACCOUNT_JSON, "AnnualRevenue": -1})
    assert not converted.ok and problems(converted) == [("AnnualRevenue", "error")]
    assert "-1" in converted.problems[0].message


def test_unknown_industry_and_country_are_warnings():
    converted = mapping_for("Account").convert(
        {**ACCOUNT_JSON, "Industry": "Space Mining", "BillingCountry": "Mars"}
    )
    assert converted.ok
    assert problems(converted) == [("Industry", "warning"), ("BillingCountry", "warning")]
    assert converted.values["industry"] == "" and converted.values["country"] == ""


def test_long_name_is_truncated_with_a_warning():
    converted = mapping_for("Account").convert({"Name": "N" * 1000})
    assert converted.ok and problems(converted) == [("Name", "warning")]
    assert len(converted.values["name"]) == 255


def test_contact():
    record = {
        "Id": "003000000000001AAA",
        "FirstName": "Ada",
        "LastName": "Lovelace",
        "Email": "ada@example.com",
        "DoNotCall": True,
        "AccountId": "001000000000001AAA",
        "MailingCountry": "United Kingdom",
        "Title": None,
    }
    converted = mapping_for("Contact").convert(record)
    assert converted.ok and converted.problems == []
    assert converted.values["do_not_call"] is True and converted.values["country"] == "GB"
    assert converted.values["title"] == ""
    assert converted.references == {"account": ("Account", "001000000000001AAA")}
    assert mapping_for("Contact").convert(as_bulk_csv(record)) == converted


def test_contact_invalid_email_is_imported_without_it():
    converted = mapping_for("Contact").convert({"LastName": "X", "Email": "not an email"})
    assert converted.ok and converted.values["email"] == ""
    assert problems(converted) == [("Email", "warning")] and "'not an email'" in converted.problems[0].message


def test_contact_without_last_name_is_an_error():
    converted = mapping_for("Contact").convert({"FirstName": "Ada", "LastName": None})
    assert not converted.ok and problems(converted) == [("LastName", "error")]


def test_empty_reference_is_not_a_reference():
    assert mapping_for("Contact").convert({"LastName": "X", "AccountId": ""}).references == {}


OPPORTUNITY_JSON = {
    "Id": "006000000000001AAA",
    "Name": "Big deal",
    "AccountId": "001000000000001AAA",
    "StageName": "Closed Won",
    "IsClosed": True,
    "IsWon": True,
    "Amount": 12345.678,
    "Probability": 100,
    "CloseDate": "2024-03-31",
    "LeadSource": "Web",
    "Type": "New Customer",
    "Description": None,
}


def test_opportunity():
    converted = mapping_for("Opportunity").convert(OPPORTUNITY_JSON)
    assert converted.ok and converted.problems == []
    assert converted.values == {
        "name": "Big deal",
        "stage": "CLOSED_WON",
        "amount": Decimal("12345.68"),
        "probability": 100,
        "closed_on": date(2024, 3, 31),
        "lead_source": "WEBSITE",
        "opportunity_type": "NEW_BUSINESS",
        "description": "",
        "currency": "",
    }
    assert converted.references == {"account": ("Account", "001000000000001AAA")}
    assert mapping_for("Opportunity").convert(as_bulk_csv(OPPORTUNITY_JSON)) == converted


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"Amount": -0.01}, "Amount"),
        ({"Probability": 101}, "Probability"),
        ({"CloseDate": "2024-02-31"}, "CloseDate"),
        ({"Amount": "12 dollars"}, "Amount"),
        ({"Amount": 10**10}, "Amount"),
        ({"Name": None}, "Name"),
    ],
)
def test_opportunity_errors(change, field):
    converted = mapping_for("Opportunity").convert({**OPPORTUNITY_JSON, **change})
    assert not converted.ok and problems(converted) == [(field, "error")]


def test_unknown_lead_source_type_and_stage_are_warnings():
    record = {**OPPORTUNITY_JSON, "StageName": "Won!", "LeadSource": "Carrier pigeon", "Type": "Barter"}
    converted = mapping_for("Opportunity").convert(record)
    assert converted.ok
    assert problems(converted) == [("StageName", "warning"), ("LeadSource", "warning"), ("Type", "warning")]
    assert (
        converted.values["stage"],
        converted.values["lead_source"],
        converted.values["opportunity_type"],
    ) == (
        "CLOSED_WON",
        "OTHER",
        "",
    )


def test_owner_and_creator_are_read_for_the_engine_to_map():
    account = mapping_for("Account").convert(
        {"Name": "Acme", "OwnerId": "005000000000001AAA", "CreatedById": "005000000000002AAA"}
    )
    assert (account.owner_id, account.creator_id) == ("005000000000001AAA", "005000000000002AAA")
    assert "OwnerId" in mapping_for("Account").audit_fields
    assert "OwnerId" not in mapping_for("OrderItem").audit_fields  # line items have no owner
    bad_date = mapping_for("Account").convert({"Name": "Acme", "CreatedDate": "yesterday"})
    assert bad_date.ok and "created_at" not in bad_date.values
    assert problems(bad_date) == [("CreatedDate", "warning")]


def test_soql_fields():
    assert mapping_for("Opportunity").soql_fields[:1] == ["Id"]
    for mapping in MAPPINGS.values():
        fields = mapping.soql_fields
        assert fields[0] == "Id" and len(fields) == len(set(fields))
        assert {row.sf for row in mapping.fields} - mapping.fetched_fields <= set(fields)
        assert not mapping.fetched_fields & set(fields)  # filled in by the engine, never selected
        assert {sf for sf, _crm, _target in mapping.references} <= set(fields)
        assert mapping.optional_fields <= set(fields)
    assert {"IsClosed", "IsWon", "AccountId", "CurrencyIsoCode"} <= set(
        mapping_for("Opportunity").soql_fields
    )
    assert {"SortOrder", "LineNumber", "QuoteId", "Product2Id"} <= set(
        mapping_for("QuoteLineItem").soql_fields
    )
    assert "CurrencyIsoCode" in mapping_for("Quote").optional_fields


def test_natural_keys():
    keys = {name: mapping.natural_key for name, mapping in MAPPINGS.items() if mapping.natural_key}
    assert {
        name: (k.field, k.case_insensitive, k.match_existing, k.on_duplicate) for name, k in keys.items()
    } == {
        "Product2": ("sku", False, True, "clear"),
        "Account": ("name", True, True, "suffix"),
        "Contact": ("email", True, True, "clear"),
        "Quote": ("estimate_number", False, False, "suffix"),
    }
    assert keys["Account"].normalize("  ACME Corp ") == "acme corp"
    assert keys["Product2"].normalize(" Sku-1 ") == "Sku-1"
    assert keys["Contact"].normalize("") is None and keys["Contact"].normalize(None) is None


@pytest.mark.parametrize(
    ("sobject", "length"), [("Account", 10), ("Account", 255), ("Quote", 50), ("Quote", 3)]
)
def test_disambiguate_fits_the_column(sobject, length):
    mapping = mapping_for(sobject)
    limit = mapping.model_field(mapping.natural_key.field).max_length
    value = mapping.disambiguate("N" * length, "001000000000ABCDEF")
    assert len(value) <= limit and value.endswith(" (001000000000ABCDEF)")  # the whole Id
    assert mapping.disambiguate("N" * length, "001000000000ABCDEF") == value  # stable


def test_convert_never_raises_on_odd_input():
    for mapping in MAPPINGS.values():
        for record in [{}, {"Name": {"nested": 1}}, {1: 2}, {"Id": None, "AccountId": 5}]:
            assert isinstance(mapping.convert(record).problems, list)
        converted = mapping.convert(None)  # not even a dict
        assert not converted.ok and converted.problems[0].field == ""


def test_activity_links_follow_the_key_prefix():
    task = mapping_for("Task").convert(
        {
            "Subject": "Call",
            "WhoId": "00Q000000000001AAA",  # a lead
            "WhatId": "701000000000001AAA",  # a campaign: no such kind in the CRM
            "AccountId": "001000000000001AAA",
            "TaskSubtype": "Call",
            "Status": "Waiting on someone else",
        }
    )
    assert task.ok
    assert task.references == {
        "lead": ("Lead", "00Q000000000001AAA"),
        "account": ("Account", "001000000000001AAA"),
    }
    assert task.values["kind"] == "CALL" and task.values["status"] == "WAITING"
    assert task.values["custom_fields"]["WhatId"] == {
        "salesforce_id": "701000000000001AAA",
        "id": None,
        "object_type": "Campaign",
    }
    assert problems(task) == [("WhatId", "warning")]  # one warning for the record
    deal = mapping_for("Task").convert({"WhatId": "006000000000001AAA", "AccountId": "001000000000001AAA"})
    assert set(deal.references) == {"opportunity", "account"} and deal.problems == []
    odd = mapping_for("Task").convert({"Status": "Done-ish", "IsClosed": True, "Priority": "Urgent"})
    assert odd.values["status"] == "COMPLETED" and odd.values["priority"] == "NORMAL"
    assert problems(odd) == [("Status", "warning"), ("Priority", "warning")]


def test_an_event_that_ends_before_it_starts_is_refused_with_the_reason():
    event = mapping_for("Event").convert(
        {"StartDateTime": "2025-01-02T10:00:00.000+0000", "EndDateTime": "2025-01-02T09:00:00.000+0000"}
    )
    assert not event.ok and problems(event) == [("EndDateTime", "error")]
    assert "before it starts" in event.problems[0].message
    all_day = mapping_for("Event").convert({"ActivityDate": "2025-03-04", "IsAllDayEvent": True})
    assert all_day.ok and all_day.values["start"] == datetime(2025, 3, 4, tzinfo=UTC)


def test_lead_status_and_conversion():
    lead = mapping_for("Lead")
    converted = lead.convert(
        {
            "LastName": "Ng",
            "Status": "Working - Contacted",
            "IsConverted": True,
            "ConvertedDate": "2024-05-01",
            "ConvertedAccountId": "001000000000001AAA",
            "ConvertedContactId": "003000000000001AAA",
        }
    )
    assert (
        converted.ok
        and converted.values["status"] == "CONVERTED"
        and converted.values["is_converted"] is True
    )
    assert converted.values["converted_at"] == date(2024, 5, 1)
    assert set(converted.references) == {"converted_account", "converted_contact"}
    assert lead.convert({"LastName": "Ng", "Status": "Closed - Not Converted"}).values["status"] == "CLOSED"
    unknown = lead.convert({"LastName": "Ng", "Status": "Nurturing"})
    assert unknown.values["status"] == "ASSIGNED" and problems(unknown) == [("Status", "warning")]
    assert not lead.convert({"FirstName": "No", "LastName": ""}).ok


def test_case_status_falls_back_on_is_closed():
    case = mapping_for("Case")
    values = case.convert({"Status": "Escalated", "Priority": "High", "Origin": "Web"}).values
    assert (values["status"], values["priority"], values["origin"]) == ("ESCALATED", "HIGH", "WEB")
    closed = case.convert({"Status": "Resolved by bot", "IsClosed": True, "Origin": "Chat"})
    assert closed.values["status"] == "CLOSED" and closed.values["origin"] == "OTHER"
    assert problems(closed) == [("Status", "warning"), ("Origin", "warning")]


def test_notes_over_the_size_limit_or_unreadable_are_errors_and_links_come_from_the_document_links():
    from activities.models import NOTE_BODY_MAX_LENGTH

    note = mapping_for("ContentNote")
    shared = note.convert(
        {
            "Title": "Kick-off",
            "Content": "<p>Agenda</p>",
            "ContentDocumentLinks": ["005000000000001AAA", "001000000000001AAA", "003000000000001AAA"],
        }
    )
    assert shared.ok and shared.values["body"] == "<p>Agenda</p>"
    assert shared.references == {
        "account": ("Account", "001000000000001AAA"),
        "contact": ("Contact", "003000000000001AAA"),
    }
    assert shared.problems == []  # the owner's library link (a User) is no warning
    too_big = note.convert({"Title": "Log", "Content": "x" * (NOTE_BODY_MAX_LENGTH + 1)})
    assert not too_big.ok and "more than the CRM's" in too_big.problems[0].message
    unreadable = note.convert(
        {"Title": "Gone", "Content": None, "BodyError": "SalesforceResourceNotFound: 404"}
    )
    assert not unreadable.ok
    classic = mapping_for("Note").convert(
        {"Title": "Call notes", "Body": "Hi", "ParentId": "500000000000001AAA"}
    )
    assert classic.ok and classic.references == {"case": ("Case", "500000000000001AAA")}
