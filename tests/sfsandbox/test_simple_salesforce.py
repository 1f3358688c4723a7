"""simple-salesforce as a real client: query, query_all_iter, bulk2 query and download."""

import csv
import io

from simple_salesforce.exceptions import SalesforceMalformedRequest


def test_query_and_query_all_iter(sandbox):
    sf = sandbox.simple_salesforce()
    org = sandbox.org
    count = sf.query("SELECT COUNT() FROM Contact WHERE IsDeleted = false")
    assert count["totalSize"] == org.count("Contact")
    rows = list(
        sf.query_all_iter(
            "SELECT Id, FirstName, LastName, Email, AccountId "
            "FROM Contact WHERE IsDeleted = false ORDER BY Id",
            headers={"Sforce-Query-Options": "batchSize=200"},
        )
    )
    assert len(rows) == org.count("Contact")
    assert rows[0]["Id"] == org.record_at("Contact", 0)["Id"]
    deleted = list(sf.query_all_iter("SELECT Id FROM Contact WHERE IsDeleted = true", include_deleted=True))
    assert {r["Id"] for r in deleted} == set(org.deleted_ids("Contact"))
    assert sf.api_usage["api-usage"].total == 100000


def test_errors_surface_as_simple_salesforce_exceptions(sandbox):
    sf = sandbox.simple_salesforce()
    try:
        sf.query("SELECT Nope FROM Account")
    except SalesforceMalformedRequest as error:
        assert error.content[0]["errorCode"] == "INVALID_FIELD"
    else:
        raise AssertionError("expected INVALID_FIELD")


def test_bulk2_query_pages_by_locator(sandbox):
    sf = sandbox.simple_salesforce()
    pages = list(sf.bulk2.Contact.query("SELECT Id, Email, DoNotCall FROM Contact", max_records=150, wait=0))
    rows = [row for page in pages for row in csv.DictReader(io.StringIO(page))]
    assert len(pages) > 1
    assert len(rows) == sandbox.org.count("Contact")
    assert {row["DoNotCall"] for row in rows} <= {"true", "false"}


def test_bulk2_download_and_query_all(sandbox, tmp_path):
    sf = sandbox.simple_salesforce()
    results = sf.bulk2.Account.download(
        "SELECT Id, Name, Website FROM Account", str(tmp_path), max_records=100, wait=0
    )
    total = sum(r["number_of_records"] for r in results)
    assert total == sandbox.org.count("Account")
    assert results[-1]["locator"] == ""
    with open(results[0]["file"], encoding="utf-8") as handle:
        assert handle.readline().strip() == '"Id","Name","Website"'
    everything = list(sf.bulk2.Account.query_all("SELECT Id, IsDeleted FROM Account", wait=0))
    rows = list(csv.DictReader(io.StringIO(everything[0])))
    assert sum(row["IsDeleted"] == "true" for row in rows) == len(sandbox.org.deleted_ids("Account"))
