"""Unknown picklist values are listed on the job once each, and an admin's value mapping
applies before the built-in tables."""

import pytest

from common.rls import org_context
from opportunity.models import Opportunity
from salesforce_imports.models import ImportPreferences, JobStatus
from sfsandbox import wordlists

from .test_import_engine import run, start
from .test_import_related_data import crm_ids, sf_records

pytestmark = pytest.mark.django_db(transaction=True)

UNKNOWN_STAGES = set(wordlists.UNKNOWN_PICKLIST[("Opportunity", "StageName")])


def unknown_stage_deals(sandbox):
    return [r for r in sf_records(sandbox, "Opportunity") if r.get("StageName") in UNKNOWN_STAGES]


def test_each_unknown_value_is_listed_once_with_its_count_and_what_it_became(
    sandbox_factory, admin_api, admin_profile, connect
):
    sandbox = sandbox_factory(records=1500, seed=11)
    assert connect(admin_api)["Location"].endswith("result=connected")
    job = run(admin_profile, start(admin_api, ["Account", "Opportunity"]))
    assert job.status == JobStatus.COMPLETED
    with org_context(admin_profile.org_id):
        imported = crm_ids("Opportunity")
    expected = {}
    for record in unknown_stage_deals(sandbox):
        if record["Id"] in imported:
            expected[record["StageName"]] = expected.get(record["StageName"], 0) + 1
    assert expected, "the sandbox should hold deals at stages the CRM does not know"
    listed = {u["value"]: u for u in job.unknown_values if u["field"] == "StageName"}
    assert {value: u["count"] for value, u in listed.items()} == expected
    assert all(u["object_type"] == "Opportunity" and u["mapped_to"] for u in listed.values())
    body = admin_api.get(f"/api/salesforce/import/{job.pk}/").json()
    assert body.get("unknown_values", job.unknown_values) == job.unknown_values


def test_a_value_mapping_wins_over_the_built_in_table_and_stays_listed(
    sandbox_factory, admin_api, admin_profile, connect
):
    sandbox = sandbox_factory(records=1500, seed=11)
    assert connect(admin_api)["Location"].endswith("result=connected")
    stage = sorted({r["StageName"] for r in unknown_stage_deals(sandbox)})[0]
    with org_context(admin_profile.org_id):
        ImportPreferences.objects.create(
            org_id=admin_profile.org_id,
            value_mappings={"Opportunity": {"StageName": {f"  {stage.upper()} ": "NEGOTIATION"}}},
        )
    job = run(admin_profile, start(admin_api, ["Account", "Opportunity"]))
    with org_context(admin_profile.org_id):
        ids = crm_ids("Opportunity")
        stages = dict(Opportunity.objects.values_list("pk", "stage"))
    mapped = [r for r in unknown_stage_deals(sandbox) if r["StageName"] == stage and r["Id"] in ids]
    assert mapped and all(stages[ids[r["Id"]]] == "NEGOTIATION" for r in mapped)
    listed = next(u for u in job.unknown_values if u["value"] == stage)
    assert listed["mapped_to"] == "NEGOTIATION" and listed["count"] == len(mapped)


def test_a_preview_lists_unknown_values_too(sandbox_factory, admin_api, admin_profile, connect):
    sandbox_factory(records=1500, seed=11)
    assert connect(admin_api)["Location"].endswith("result=connected")
    response = admin_api.post(
        "/api/salesforce/import/",
        {"object_types": ["Account", "Opportunity"], "mode": "preview"},
        format="json",
    )
    job = run(admin_profile, response.json()["id"])
    assert job.mode == "preview" and any(u["field"] == "StageName" for u in job.unknown_values)
