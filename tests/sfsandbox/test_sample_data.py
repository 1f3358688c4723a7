from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "sample-data" / "salesforce"

pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared sample data absent")


def test_heroku_export_keeps_real_ids_or_resolves_them_through_nested_objects(sfsandbox_factory):
    sandbox = sfsandbox_factory(records=0, sample_data=SAMPLES / "heroku-tdx25-agentforce")
    sf = sandbox.simple_salesforce()
    contacts = sf.query("SELECT Id, Email, AccountId FROM Contact")["records"]
    assert len(contacts) == 11
    assert {c["AccountId"] for c in contacts} == {"001bn00001SAFMvAAP"}
    assert sum(c["Email"] == "info@salesforce.com" for c in contacts) == 7
    order = sf.query("SELECT OrderNumber, AccountId FROM Order WHERE OrderNumber = '00000103'")
    # The export names the order's account by its source-org Id plus a nested {"Name": ...}:
    # the loader points it at the loaded account of that name.
    account = sf.query("SELECT Id FROM Account WHERE Name = 'John HouseHold'")["records"][0]
    assert order["records"][0]["AccountId"] == account["Id"]


@pytest.mark.parametrize("folder", ["apex-recipes", "lwc-recipes"])
def test_recipes_resolve_references_and_lowercase_fields(sfsandbox_factory, folder):
    sandbox = sfsandbox_factory(records=0, sample_data=SAMPLES / folder)
    sf = sandbox.simple_salesforce()
    accounts = {r["Id"] for r in sf.query("SELECT Id FROM Account")["records"]}
    opportunities = sf.query("SELECT Name, AccountId, Amount, CloseDate FROM Opportunity")
    assert opportunities["totalSize"] > 0
    for record in opportunities["records"]:
        assert record["AccountId"] in accounts
        assert isinstance(record["Amount"], float) and len(record["CloseDate"]) == 10
