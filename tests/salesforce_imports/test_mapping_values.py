"""The value converters of salesforce_imports.mapping.values and the picklist tables of
salesforce_imports.mapping.picklists (pure, no DB)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from accounts.models import Account, Industry
from contacts.models import Contact
from invoices.models import Estimate, EstimateLineItem
from opportunity.models import Opportunity
from orders.models import Order
from salesforce_imports.mapping import picklists
from salesforce_imports.mapping import values as v


def run(converter, raw, field):
    """(value, warnings) or raises v.Invalid."""
    warnings = []
    return converter(raw, field, warnings.append), warnings


def field(model, name):
    return model._meta.get_field(name)


# ---------------------------------------------------------------------------------------- picklists

STAGE_TABLE = [
    ("Prospecting", "PROSPECTING"),
    ("Qualification", "QUALIFICATION"),
    ("Needs Analysis", "QUALIFICATION"),
    ("Value Proposition", "PROPOSAL"),
    ("Id. Decision Makers", "PROPOSAL"),
    ("Perception Analysis", "PROPOSAL"),
    ("Proposal/Price Quote", "PROPOSAL"),
    ("Negotiation/Review", "NEGOTIATION"),
    ("Closed Won", "CLOSED_WON"),
    ("Closed Lost", "CLOSED_LOST"),
]


@pytest.mark.parametrize(("sf", "crm"), STAGE_TABLE)
def test_stage_table(sf, crm):
    assert run(picklists.opportunity_stage, (sf, None, None), field(Opportunity, "stage")) == (crm, [])


@pytest.mark.parametrize(
    ("closed", "won", "crm"),
    [
        (True, True, "CLOSED_WON"),
        ("true", "true", "CLOSED_WON"),
        (True, False, "CLOSED_LOST"),
        ("true", "false", "CLOSED_LOST"),
        (False, False, "PROSPECTING"),
        (None, None, "PROSPECTING"),
        ("", "", "PROSPECTING"),
    ],
)
def test_unknown_stage_is_decided_by_is_closed_and_is_won(closed, won, crm):
    value, warnings = run(
        picklists.opportunity_stage, ("Closed/Won", closed, won), field(Opportunity, "stage")
    )
    assert value == crm
    assert len(warnings) == 1 and "'Closed/Won'" in warnings[0]


def test_empty_stage_is_the_default_without_warning():
    assert run(picklists.opportunity_stage, ("", "", ""), field(Opportunity, "stage")) == ("PROSPECTING", [])


@pytest.mark.parametrize(
    ("sf", "crm"),
    [
        ("New Customer", "NEW_BUSINESS"),
        ("Existing Customer - Upgrade", "UPSELL"),
        ("Existing Customer - Replacement", "EXISTING_BUSINESS"),
        ("Existing Customer - Downgrade", "EXISTING_BUSINESS"),
        ("Renewal", "RENEWAL"),
        ("", ""),
        (None, ""),
    ],
)
def test_opportunity_type_table(sf, crm):
    assert run(picklists.OPPORTUNITY_TYPE, sf, field(Opportunity, "opportunity_type")) == (crm, [])


@pytest.mark.parametrize(
    ("sf", "crm"),
    [
        ("Web", "WEBSITE"),
        ("Phone Inquiry", "CALL"),
        ("Partner Referral", "PARTNER"),
        ("Purchased List", "CAMPAIGN"),
        ("Other", "OTHER"),
        ("Email", "EMAIL"),
        ("Existing Customer", "EXISTING CUSTOMER"),
        ("Public Relations", "PUBLIC RELATIONS"),
        ("", ""),
        (None, ""),
    ],
)
def test_lead_source_table(sf, crm):
    assert run(picklists.LEAD_SOURCE, sf, field(Opportunity, "lead_source")) == (crm, [])


@pytest.mark.parametrize(("sf", "crm"), [(label, value) for value, label in Industry.choices])
def test_every_standard_industry_maps_to_its_choice(sf, crm):
    assert run(picklists.INDUSTRY, sf, field(Account, "industry")) == (crm, [])


@pytest.mark.parametrize(
    ("sf", "crm"),
    [("Draft", "DRAFT"), ("Activated", "ACTIVATED"), ("", "DRAFT"), (None, "DRAFT")],
)
def test_order_status_table(sf, crm):
    assert run(picklists.ORDER_STATUS, sf, field(Order, "status")) == (crm, [])


@pytest.mark.parametrize(
    ("sf", "crm"),
    [
        ("Draft", "Draft"),
        ("Needs Review", "Draft"),
        ("In Review", "Draft"),
        ("Approved", "Sent"),
        ("Presented", "Sent"),
        ("Accepted", "Accepted"),
        ("Denied", "Declined"),
        ("Rejected", "Declined"),
        (None, "Draft"),
    ],
)
def test_quote_status_table(sf, crm):
    assert run(picklists.QUOTE_STATUS, sf, field(Estimate, "status")) == (crm, [])


@pytest.mark.parametrize(
    ("picklist", "model", "name", "default"),
    [
        (picklists.INDUSTRY, Account, "industry", ""),
        (picklists.OPPORTUNITY_TYPE, Opportunity, "opportunity_type", ""),
        (picklists.LEAD_SOURCE, Opportunity, "lead_source", "OTHER"),
        (picklists.ORDER_STATUS, Order, "status", "DRAFT"),
        (picklists.QUOTE_STATUS, Estimate, "status", "Draft"),
    ],
)
def test_unknown_picklist_value_is_the_default_with_a_warning_naming_it(picklist, model, name, default):
    value, warnings = run(picklist, "Galactic Federation", field(model, name))
    assert value == default
    assert len(warnings) == 1 and "'Galactic Federation'" in warnings[0]


@pytest.mark.parametrize(
    "picklist",
    [
        picklists.INDUSTRY,
        picklists.STAGE,
        picklists.OPPORTUNITY_TYPE,
        picklists.LEAD_SOURCE,
        picklists.ORDER_STATUS,
    ],
)
def test_picklist_tables_only_produce_crm_choices(picklist):
    allowed = set(picklist.choices.values) | {""}
    assert set(picklist.table.values()) <= allowed
    assert picklist.default in allowed
    assert all(type(value) is str for value in picklist.table.values())


def test_picklist_ignores_case_and_spacing():
    assert run(picklists.INDUSTRY, "  food   & beverage ", field(Account, "industry")) == (
        "FOOD_AND_BEVERAGE",
        [],
    )


# ---------------------------------------------------------------------------------------- countries


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("United States", "US"),
        ("USA", "US"),
        ("US", "US"),
        ("U.S.A.", "US"),
        ("united states of america", "US"),
        ("Deutschland", "DE"),
        ("Germany", "DE"),
        ("United Kingdom", "GB"),
        ("UK", "GB"),
        ("Great Britain", "GB"),
        ("Canada", "CA"),
        ("The Netherlands", "NL"),
        ("Russia", "RU"),
        ("Korea, Republic of", "KR"),
        ("Viet Nam", "VN"),
        ("Türkiye", "TR"),
        ("日本", "JP"),
        ("  france  ", "FR"),
    ],
)
def test_country_resolves_to_alpha_2(name, code):
    assert run(v.country, name, field(Account, "country")) == (code, [])


@pytest.mark.parametrize("name", ["Atlantis", "Narnia", "XX"])
def test_unresolvable_country_is_empty_with_a_warning(name):
    value, warnings = run(v.country, name, field(Account, "country"))
    assert value == ""
    assert len(warnings) == 1 and repr(name) in warnings[0]


def test_country_aliases_are_real_codes():
    import pycountry

    for code in v.COUNTRY_ALIASES.values():
        assert pycountry.countries.get(alpha_2=code) is not None


def test_currency():
    assert run(v.currency, "eur", field(Account, "currency")) == ("EUR", [])
    value, warnings = run(v.currency, "XYZW", field(Account, "currency"))
    assert value == "" and len(warnings) == 1


# --------------------------------------------------------------------------------------------- text


def test_text_is_stripped_and_unicode_kept():
    name = field(Account, "name")
    for raw in ["Café 😀 👩‍👩‍👧", "東京株式会社", "שלום עולם", "e\u0301e\u0301", "\u202eevil\u202c"]:
        assert run(v.text, f"  {raw}\n", name) == (raw, [])


def test_too_long_text_is_truncated_to_max_length_with_a_warning():
    value, warnings = run(v.text, "x" * 300, field(Account, "name"))
    assert value == "x" * field(Account, "name").max_length
    assert len(warnings) == 1 and "truncated" in warnings[0] and len(warnings[0]) < 200


def test_truncation_keeps_a_letter_with_its_combining_mark():
    limit = field(Account, "postcode").max_length
    value, _ = run(v.text, "a" * (limit - 1) + "e\u0301xyz", field(Account, "postcode"))
    assert value == "a" * (limit - 1)


def test_nul_is_removed_with_a_warning():
    value, warnings = run(v.text, "ab\x00c", field(Account, "name"))
    assert value == "abc" and len(warnings) == 1


def test_numbers_as_text_and_null_text():
    assert run(v.text, 12345, field(Account, "postcode")) == ("12345", [])
    assert run(v.text, None, field(Account, "postcode")) == ("", [])
    with pytest.raises(v.Invalid):
        run(v.text, {"a": 1}, field(Account, "name"))


@pytest.mark.parametrize("raw", ["not-an-email", "a@b", "x@" + "a" * 300 + ".com", "two@@signs.com"])
def test_invalid_email_is_dropped_with_a_warning(raw):
    value, warnings = run(v.email, raw, field(Contact, "email"))
    assert value == ""
    assert len(warnings) == 1 and "not a valid email" in warnings[0]


def test_valid_email_is_kept():
    assert run(v.email, " Ada@Example.com ", field(Contact, "email")) == ("Ada@Example.com", [])


# ------------------------------------------------------------------------------------------ numbers


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (0.1, Decimal("0.10")),
        ("0.1", Decimal("0.10")),
        (1234.565, Decimal("1234.57")),
        ("1234.565", Decimal("1234.57")),
        (5, Decimal("5.00")),
        ("1e3", Decimal("1000.00")),
        ("-0", Decimal("0.00")),
        ("9999999999999.994", Decimal("9999999999999.99")),
    ],
)
def test_decimal_is_rounded_to_the_columns_places(raw, expected):
    value, warnings = run(v.decimal, raw, field(Account, "annual_revenue"))
    assert value == expected and str(value) == str(expected) and warnings == []


@pytest.mark.parametrize(
    "raw",
    ["abc", "1,000", "1_000", "NaN", "Infinity", float("nan"), float("inf"), True, [], "10000000000000"],
)
def test_bad_or_too_large_decimal_is_an_error(raw):
    with pytest.raises(v.Invalid):
        run(v.decimal, raw, field(Account, "annual_revenue"))


def test_rounding_up_past_the_integer_digits_is_an_error():
    with pytest.raises(v.Invalid):
        run(v.decimal, "9999999999999.995", field(Account, "annual_revenue"))


def test_negative_is_an_error_only_where_the_crm_forbids_it():
    with pytest.raises(v.Invalid, match="minimum"):
        run(v.decimal, -5, field(Account, "annual_revenue"))
    assert run(v.decimal, -5, field(EstimateLineItem, "quantity")) == (Decimal("-5.00"), [])


def test_null_decimal_is_null_or_the_model_default():
    assert run(v.decimal, "", field(Account, "annual_revenue")) == (None, [])
    assert run(v.decimal, None, field(EstimateLineItem, "quantity")) == (Decimal(1), [])


@pytest.mark.parametrize(("raw", "expected"), [(0, 0), (100, 100), ("50", 50), (10.0, 10), ("10.5", 11)])
def test_probability(raw, expected):
    assert run(v.integer, raw, field(Opportunity, "probability")) == (expected, [])


@pytest.mark.parametrize("raw", [101, "101", -1, 100.5, "ten"])
def test_probability_out_of_range_is_an_error(raw):
    with pytest.raises(v.Invalid):
        run(v.integer, raw, field(Opportunity, "probability"))


@pytest.mark.parametrize(("raw", "expected"), [("0000000123", 123), ("OI-0042", 42), (7, 7), (None, 0)])
def test_autonumber(raw, expected):
    assert run(v.autonumber, raw, field(EstimateLineItem, "sort_order")) == (expected, [])


@pytest.mark.parametrize("raw", ["abc", "99999999999999999999", {"x": 1}])
def test_unparseable_autonumber_is_zero_with_a_warning(raw):
    value, warnings = run(v.autonumber, raw, field(EstimateLineItem, "sort_order"))
    assert value == 0 and len(warnings) == 1


def test_line_position_prefers_sort_order():
    position = field(EstimateLineItem, "sort_order")
    assert run(v.line_position, ("3", "00000009"), position) == (3, [])
    assert run(v.line_position, (None, "00000009"), position) == (9, [])


@pytest.mark.parametrize(
    ("raw", "expected"), [(True, True), ("true", True), ("TRUE", True), (False, False), ("false", False)]
)
def test_boolean(raw, expected):
    assert run(v.boolean, raw, field(Contact, "do_not_call")) == (expected, [])


def test_null_boolean_is_the_model_default_and_garbage_is_an_error():
    assert run(v.boolean, "", field(Account, "is_active")) == (True, [])
    assert run(v.boolean, None, field(Contact, "do_not_call")) == (False, [])
    with pytest.raises(v.Invalid):
        run(v.boolean, "maybe", field(Contact, "do_not_call"))


# -------------------------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-01-31", date(2024, 1, 31)),
        ("2020-12-22T21:16:01Z", date(2020, 12, 22)),
        (" 2024-02-29 ", date(2024, 2, 29)),
    ],
)
def test_date(raw, expected):
    assert run(v.date_value, raw, field(Opportunity, "closed_on")) == (expected, [])


@pytest.mark.parametrize("raw", ["2024-02-30", "31/01/2024", "yesterday", 20240131, "2024-13-01"])
def test_bad_date_is_an_error(raw):
    with pytest.raises(v.Invalid, match="not a date"):
        run(v.date_value, raw, field(Opportunity, "closed_on"))


@pytest.mark.parametrize(
    "raw",
    [
        "2024-01-31T12:00:00.000Z",
        "2024-01-31T12:00:00.000+0000",
        "2024-01-31T12:00:00Z",
        "2024-01-31T13:00:00+01:00",
    ],
)
def test_datetime_is_aware_utc(raw):
    value, _ = run(v.datetime_value, raw, field(Order, "activated_date"))
    assert value == datetime(2024, 1, 31, 12, tzinfo=UTC) and value.utcoffset().total_seconds() == 0


def test_bad_datetime_is_an_error():
    with pytest.raises(v.Invalid):
        run(v.datetime_value, "2024-01-31T25:00:00Z", field(Order, "activated_date"))
