"""CurrencyType: the org's currencies, only in multi-currency orgs.

Fields and types: Salesforce Field Reference, CurrencyType
(https://developer.salesforce.com/docs/platform/field-reference/references/field-reference/salesforce-field-reference-currencytype.html).
"This object is not available in single-currency organizations" and "Your client application
can't delete this object": Object Reference, CurrencyType
(https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_objects_currencytype.htm).
"""

import csv
import io

import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest, SalesforceResourceNotFound

from sfsandbox import ids
from sfsandbox.data import Org
from sfsandbox.testing import running_sandbox

ADMIN = "005Sx0000000000IAA"  # the sandbox user set the currencies up
SETUP = "2018-01-01T00:00:00.000+0000"  # the first instant of the org's history
# (Id, IsoCode, ConversionRate, DecimalPlaces, IsActive, IsCorporate), in Id order.
EXPECTED = [
    ("01LSx0000000000MAA", "USD", 1.0, 2, True, True),
    ("01LSx0000000001MAA", "EUR", 0.92, 2, True, False),
    ("01LSx0000000002MAA", "GBP", 0.79, 2, True, False),
    ("01LSx0000000003MAA", "JPY", 157.0, 0, True, False),
]
FIELDS = "Id, IsoCode, ConversionRate, DecimalPlaces, IsActive, IsCorporate"
UNSUPPORTED = (
    "sObject type 'CurrencyType' is not supported. If you are attempting to use a custom "
    "object, be sure to append the '__c' after the entity name. Please reference your WSDL "
    "or the describe call for the appropriate names."
)


@pytest.fixture(scope="module")
def multi():
    with running_sandbox(records=200, seed=1, multi_currency=True) as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def single():
    with running_sandbox(records=200, seed=1) as sandbox:
        yield sandbox


def _rows(records):
    keys = ("Id", "IsoCode", "ConversionRate", "DecimalPlaces", "IsActive", "IsCorporate")
    return [tuple(r[k] for k in keys) for r in records]


def test_generated_records_are_the_orgs_currencies():
    org = Org(200, seed=1, multi_currency=True)
    records = [org.record_at("CurrencyType", i) for i in range(org.generated_count("CurrencyType"))]
    assert _rows(records) == EXPECTED
    for record in records:
        assert ids.looks_like_id(record["Id"]) and record["Id"].startswith("01L")
        assert ids.index_from_id("CurrencyType", record["Id"]) == records.index(record)
        assert (record["CreatedById"], record["LastModifiedById"]) == (ADMIN, ADMIN)
        assert record["CreatedDate"] == record["LastModifiedDate"] == record["SystemModstamp"] == SETUP
        assert "IsDeleted" not in record and "CurrencyIsoCode" not in record
    assert org.count("CurrencyType") == org.count("CurrencyType", include_deleted=True) == 4
    assert org.deleted_ids("CurrencyType") == []
    # A record of the org carries only currencies the org has, and none predates its currency.
    used = {
        org.record_at(name, i)["CurrencyIsoCode"]
        for name, obj in org.objects.items()
        if obj.get("CurrencyIsoCode") is not None
        for i in range(org.generated_count(name))
    }
    assert used == {"USD", "EUR", "GBP", "JPY"}
    assert min(org.record_at("Account", i)["CreatedDate"] for i in range(20)) >= SETUP


def test_eur_prices_follow_the_eur_conversion_rate():
    org = Org(2000, seed=1, multi_currency=True)
    entries = [org.record_at("PricebookEntry", i) for i in range(org.generated_count("PricebookEntry"))]
    usd = {(e["Pricebook2Id"], e["Product2Id"]): e for e in entries if e["CurrencyIsoCode"] == "USD"}
    eur = [e for e in entries if e["CurrencyIsoCode"] == "EUR"]
    assert eur
    for entry in eur:
        base = usd[(entry["Pricebook2Id"], entry["Product2Id"])]["UnitPrice"]
        assert entry["UnitPrice"] == pytest.approx(base * 0.92, abs=0.01)


def test_single_currency_org_has_no_currency_type():
    org = Org(200, seed=1)
    assert "CurrencyType" not in org.objects and "CurrencyType" not in org.shape.counts
    assert "CurrencyType" not in Org(0, seed=1).objects
    assert Org(0, seed=1, multi_currency=True).count("CurrencyType") == 4  # setup, not records


def test_corporate_currency_query_returns_exactly_usd(multi):
    sf = multi.simple_salesforce()
    result = sf.query("SELECT IsoCode FROM CurrencyType WHERE IsCorporate = true")
    assert result["totalSize"] == 1 and result["done"] is True
    assert [dict(r) for r in result["records"]] == [
        {
            "attributes": {
                "type": "CurrencyType",
                "url": "/services/data/v62.0/sobjects/CurrencyType/01LSx0000000000MAA",
            },
            "IsoCode": "USD",
        }
    ]


def test_query_all_rows_count_and_filters(multi):
    sf = multi.simple_salesforce()
    assert _rows(sf.query(f"SELECT {FIELDS} FROM CurrencyType")["records"]) == EXPECTED
    ordered = sf.query("SELECT IsoCode FROM CurrencyType ORDER BY IsoCode")["records"]
    assert [r["IsoCode"] for r in ordered] == ["EUR", "GBP", "JPY", "USD"]
    assert _rows(sf.query_all(f"SELECT {FIELDS} FROM CurrencyType")["records"]) == EXPECTED
    assert sf.query("SELECT COUNT() FROM CurrencyType")["totalSize"] == 4
    assert sf.query("SELECT COUNT() FROM CurrencyType WHERE IsActive = true")["totalSize"] == 4
    assert sf.query("SELECT COUNT() FROM CurrencyType WHERE IsCorporate = false")["totalSize"] == 3
    zero = sf.query("SELECT IsoCode FROM CurrencyType WHERE DecimalPlaces = 0")["records"]
    assert [r["IsoCode"] for r in zero] == ["JPY"]
    rated = sf.query("SELECT IsoCode, ConversionRate FROM CurrencyType WHERE ConversionRate < 1")
    assert [(r["IsoCode"], r["ConversionRate"]) for r in rated["records"]] == [("EUR", 0.92), ("GBP", 0.79)]
    creator = sf.query("SELECT CreatedBy.Name FROM CurrencyType WHERE IsoCode = 'EUR'")["records"][0]
    assert creator["CreatedBy"]["Name"] == "Sandbox User"
    record = sf.CurrencyType.get("01LSx0000000003MAA")
    assert (record["IsoCode"], record["DecimalPlaces"], record["SystemModstamp"]) == ("JPY", 0, SETUP)


def test_no_is_deleted_field(multi):
    sf = multi.simple_salesforce()
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.query("SELECT Id FROM CurrencyType WHERE IsDeleted = false")
    error = raised.value.content[0]
    assert error["errorCode"] == "INVALID_FIELD"
    assert "No such column 'IsDeleted' on entity 'CurrencyType'" in error["message"]
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.query("SELECT CurrencyIsoCode FROM CurrencyType")
    assert raised.value.content[0]["errorCode"] == "INVALID_FIELD"


def test_describe_and_global_describe(multi):
    sf = multi.simple_salesforce()
    listed = {o["name"]: o for o in sf.describe()["sobjects"]}
    assert listed["CurrencyType"]["keyPrefix"] == "01L"
    described = sf.CurrencyType.describe()
    assert (described["name"], described["label"], described["labelPlural"]) == (
        "CurrencyType",
        "Currency Type",
        "Currency Types",
    )
    assert described["deletable"] is False and described["undeletable"] is False
    assert described["queryable"] is True
    fields = {f["name"]: f for f in described["fields"]}
    assert sorted(fields) == sorted(
        [
            "Id",
            "IsoCode",
            "ConversionRate",
            "DecimalPlaces",
            "IsActive",
            "IsCorporate",
            "CreatedById",
            "CreatedDate",
            "LastModifiedById",
            "LastModifiedDate",
            "SystemModstamp",
        ]
    )
    shape = {
        name: (f["type"], f["length"], f["precision"], f["scale"], f["digits"]) for name, f in fields.items()
    }
    assert shape["Id"] == ("id", 18, 0, 0, 0)
    assert shape["IsoCode"] == ("picklist", 40, 0, 0, 0)
    assert shape["ConversionRate"] == ("double", 0, 18, 6, 0)
    assert shape["DecimalPlaces"] == ("int", 0, 0, 0, 9)
    assert shape["IsActive"][0] == shape["IsCorporate"][0] == "boolean"
    assert shape["CreatedById"] == ("reference", 18, 0, 0, 0)
    assert fields["CreatedById"]["referenceTo"] == ["User"]
    assert {shape[n][0] for n in ("CreatedDate", "LastModifiedDate", "SystemModstamp")} == {"datetime"}
    assert fields["Id"]["label"] == "Currency Type ID"
    assert fields["IsCorporate"]["label"] == "Corporate Currency"
    assert fields["IsoCode"]["restrictedPicklist"] is True
    assert [v["value"] for v in fields["IsoCode"]["picklistValues"]] == ["USD", "EUR", "GBP", "JPY"]
    assert all(fields[n]["nillable"] is False for n in ("IsoCode", "ConversionRate", "DecimalPlaces"))
    # CurrencyIsoCode on the other objects offers exactly the org's currencies.
    account = {f["name"]: f for f in sf.Account.describe()["fields"]}
    assert [v["value"] for v in account["CurrencyIsoCode"]["picklistValues"]] == ["USD", "EUR", "GBP", "JPY"]


def test_bulk_query(multi):
    sf = multi.simple_salesforce()
    pages = list(sf.bulk2.CurrencyType.query(f"SELECT {FIELDS} FROM CurrencyType", wait=0))
    rows = [row for page in pages for row in csv.DictReader(io.StringIO(page))]
    assert [(r["IsoCode"], r["ConversionRate"], r["DecimalPlaces"], r["IsCorporate"]) for r in rows] == [
        ("USD", "1.0", "2", "true"),
        ("EUR", "0.92", "2", "false"),
        ("GBP", "0.79", "2", "false"),
        ("JPY", "157.0", "0", "false"),
    ]


def test_single_currency_org_rejects_currency_type(single):
    sf = single.simple_salesforce()
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.query("SELECT IsoCode FROM CurrencyType WHERE IsCorporate = true")
    assert raised.value.status == 400
    assert raised.value.content == [
        {
            "message": (
                "\nSELECT IsoCode FROM CurrencyType WHERE IsCorporate = true\n"
                + " " * 20
                + "^\nERROR at Row:1:Column:21\n"
                + UNSUPPORTED
            ),
            "errorCode": "INVALID_TYPE",
        }
    ]
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.query("SELECT COUNT() FROM CurrencyType")
    assert raised.value.content[0]["errorCode"] == "INVALID_TYPE"
    assert "CurrencyType" not in {o["name"] for o in sf.describe()["sobjects"]}
    with pytest.raises(SalesforceResourceNotFound):
        sf.CurrencyType.describe()
    bulk = single.session().post(
        single.url + "/services/data/v62.0/jobs/query",
        json={"operation": "query", "query": "SELECT IsoCode FROM CurrencyType"},
        headers={"Authorization": f"Bearer {sf.session_id}"},
        timeout=10,
    )
    assert bulk.status_code == 400 and bulk.json()[0]["errorCode"] == "INVALID_TYPE"
