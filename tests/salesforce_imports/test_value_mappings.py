"""Value mappings (NOTES 8.7 "Values"): the API (GET/PUT and the mappable fields), its
validation, `overrides_for` for the engine, and the import page's "Picklist values" section."""

import pytest
from django.test import Client

from common.models import Role
from common.rls import org_context
from opportunity.models import Stage
from salesforce_imports import value_mappings
from salesforce_imports.mapping.picklists import STAGE, Picklist, picklist_key
from salesforce_imports.models import ImportJob, ImportPreferences, JobMode, JobStatus

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/api/salesforce/value-mappings/"
FIELDS_URL = "/api/salesforce/value-mappings/fields/"
PAGE = "/settings/salesforce/import"
SAVE = "/settings/salesforce/import/value-mappings"

GOOD = {
    "Opportunity": {
        "StageName": {"Closed - Lost (legacy)": "CLOSED_LOST", "Discovery": "QUALIFICATION"},
        "LeadSource": {"Trade Show": "CAMPAIGN"},
    },
    "Lead": {"Status": {"Nurture": "RECYCLED"}},
    "Case": {"Status": {"On Hold": "WORKING"}},
    "Task": {"Status": {"Blocked": "WAITING"}},
}


def put(api, body):
    return api.put(URL, body, format="json")


def stored(org_id):
    with org_context(org_id):
        prefs = ImportPreferences.objects.filter(org_id=org_id).first()
        return prefs.value_mappings if prefs else {}


@pytest.fixture
def member_profile(make_member):
    return make_member("Acme", email="user@acme.test", role=Role.USER)


# ----------------------------------------------------------------------------------- the API


def test_get_is_empty_then_put_replaces_and_get_returns_it(admin_api, api_for, member_profile, admin_profile):
    assert admin_api.get(URL).json() == {}
    response = put(admin_api, GOOD)
    assert response.status_code == 200, response.content
    assert response.json() == GOOD
    for profile in (admin_profile, member_profile):  # any member reads them
        got = api_for(profile).get(URL)
        assert got.status_code == 200 and got.json() == GOOD
    assert stored(admin_profile.org_id) == GOOD

    # PUT replaces (not merges); empty objects are dropped from what is stored.
    response = put(admin_api, {"Opportunity": {"Type": {"Partner Deal": "NEW_BUSINESS"}, "StageName": {}}})
    assert response.status_code == 200
    assert response.json() == {"Opportunity": {"Type": {"Partner Deal": "NEW_BUSINESS"}}}
    assert admin_api.get(URL).json() == {"Opportunity": {"Type": {"Partner Deal": "NEW_BUSINESS"}}}
    assert put(admin_api, {}).json() == {} and admin_api.get(URL).json() == {}


def test_fields_lists_each_picklist_field_with_its_crm_choices(api_for, member_profile):
    response = api_for(member_profile).get(FIELDS_URL)
    assert response.status_code == 200
    rows = {(row["object_type"], row["field"]): row for row in response.json()}
    for row in rows.values():
        assert set(row) == {"object_type", "field", "crm_field", "choices"}
    stage = rows[("Opportunity", "StageName")]
    assert stage["crm_field"] == "stage"
    assert stage["choices"] == [{"value": value, "label": label} for value, label in Stage.choices]
    # Plain Picklist converters and the functions built on one (status with IsClosed...) are in.
    for key in [
        ("Account", "Industry"),
        ("Opportunity", "LeadSource"),
        ("Opportunity", "Type"),
        ("Lead", "Status"),
        ("Lead", "Industry"),
        ("Case", "Status"),
        ("Case", "Priority"),
        ("Order", "Status"),
        ("Quote", "Status"),
        ("Task", "Status"),
        ("Task", "Priority"),
    ]:
        assert key in rows, key
    # Not picklists: a text field, and Quote.Discount (a percent whose converter fills a choice field).
    assert ("Opportunity", "Name") not in rows
    assert ("Quote", "Discount") not in rows
    assert not any(object_type == "Product2" for object_type, _field in rows)


def test_put_names_a_crm_value_the_field_does_not_have(admin_api, admin_profile):
    response = put(admin_api, {"Opportunity": {"StageName": {"Lost - old": "CLOSED_LOST_X"}}})
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert detail.startswith("'CLOSED_LOST_X' is not a CRM value of Opportunity.StageName: choose from ")
    assert "PROSPECTING, QUALIFICATION, PROPOSAL, NEGOTIATION, CLOSED_WON, CLOSED_LOST" in detail
    # A label is not a value: "Closed Lost" is how the CRM shows CLOSED_LOST, not what it stores.
    response = put(admin_api, {"Opportunity": {"StageName": {"Lost - old": "Closed Lost"}}})
    assert response.status_code == 400 and "'Closed Lost' is not a CRM value" in response.json()["detail"]
    assert stored(admin_profile.org_id) == {}


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (["not", "an", "object"], "The body must be an object"),
        ("StageName", "The body must be an object"),
        ({"Oportunity": {"StageName": {"A": "PROSPECTING"}}}, "'Oportunity' is not an object type"),
        ({"Product2": {"Family": {"A": "B"}}}, "it has no picklist fields to map"),
        ({"Opportunity": ["StageName"]}, "The mappings of Opportunity must be an object"),
        ({"Opportunity": {"Stage": {"A": "PROSPECTING"}}}, "'Stage' is not a field the import reads"),
        ({"Opportunity": {"Name": {"A": "PROSPECTING"}}}, "'Name' is not a picklist field of Opportunity"),
        ({"Quote": {"Discount": {"10": "PERCENTAGE"}}}, "'Discount' is not a picklist field of Quote"),
        ({"Opportunity": {"StageName": ["A"]}}, "The mappings of Opportunity.StageName must be an object"),
        ({"Opportunity": {"StageName": {"A": 3}}}, "must be a string"),
        ({"Opportunity": {"StageName": {"A": None}}}, "must be a string"),
        ({"Opportunity": {"StageName": {"A": ["PROSPECTING"]}}}, "must be a string"),
        ({"Opportunity": {"StageName": {"": "PROSPECTING"}}}, "An empty Salesforce value cannot be mapped"),
        (
            {"Opportunity": {"StageName": {"   ": "PROSPECTING"}}},
            "An empty Salesforce value cannot be mapped",
        ),
        ({"Lead": {"Status": {"Nurture": "CLOSED_LOST"}}}, "'CLOSED_LOST' is not a CRM value of Lead.Status"),
        (
            {"Opportunity": {"StageName": {"Lost old": "CLOSED_LOST", "lost  OLD": "CLOSED_WON"}}},
            "are the same Salesforce value",
        ),
    ],
)
def test_put_refuses_with_a_400_naming_the_problem(admin_api, admin_profile, body, says):
    assert put(admin_api, GOOD).status_code == 200
    response = put(admin_api, body)
    assert response.status_code == 400, response.content
    assert says in response.json()["detail"]
    assert stored(admin_profile.org_id) == GOOD  # nothing of a refused body is stored


def test_members_cannot_put(api_for, member_profile, admin_api, admin_profile):
    assert put(admin_api, GOOD).status_code == 200
    member = api_for(member_profile)
    response = put(member, {})
    assert response.status_code == 403
    assert stored(admin_profile.org_id) == GOOD
    assert Client().get(URL).status_code in (401, 403)  # and nobody signed out reads them


def test_another_org_neither_sees_nor_changes_them(admin_api, api_for, admin_profile, other_admin_profile):
    assert put(admin_api, GOOD).status_code == 200
    other = api_for(other_admin_profile)
    assert other.get(URL).json() == {}
    mine = {"Case": {"Priority": {"P1": "HIGH"}}}
    assert put(other, mine).json() == mine
    assert admin_api.get(URL).json() == GOOD
    assert other.get(URL).json() == mine
    with org_context(admin_profile.org_id):
        assert value_mappings.overrides_for(admin_profile.org_id)["Opportunity"]["StageName"]
    with org_context(other_admin_profile.org_id):
        assert value_mappings.overrides_for(other_admin_profile.org_id) == {
            "Case": {"Priority": {"p1": "HIGH"}}
        }


# --------------------------------------------------------------------------- overrides_for


def test_overrides_for_normalises_keys_as_the_picklists_do(admin_api, admin_profile):
    body = {
        "Opportunity": {"StageName": {"  Closed\t-  LOST (Legacy) ": "CLOSED_LOST", "Straße": "PROPOSAL"}},
        "Task": {"Status": {"Blocked": "WAITING"}},
    }
    assert put(admin_api, body).status_code == 200
    assert admin_api.get(URL).json() == body  # stored as the admin typed them
    with org_context(admin_profile.org_id):
        overrides = value_mappings.overrides_for(admin_profile.org_id)
    assert overrides == {
        "Opportunity": {"StageName": {"closed - lost (legacy)": "CLOSED_LOST", "strasse": "PROPOSAL"}},
        "Task": {"Status": {"blocked": "WAITING"}},
    }
    # The key a raw value is looked up by is the one Picklist uses for its own table.
    raw = "closed -   Lost (LEGACY)"
    assert value_mappings.normalise(raw) == " ".join(raw.split()).casefold()
    assert value_mappings.normalise(raw) in overrides["Opportunity"]["StageName"]
    custom = Picklist(Stage, {raw: Stage.CLOSED_LOST}, default=Stage.PROSPECTING)
    assert value_mappings.normalise(raw) in custom.table
    assert value_mappings.normalise("Closed Won") in STAGE.table
    for sample in ["  A\u00a0 b ", "STRASSE", "Straße", "x\ty\nz", 12]:
        assert (
            value_mappings.normalise(sample)
            == picklist_key(sample)
            == " ".join(str(sample).split()).casefold()
        )


def test_overrides_for_leaves_out_entries_that_are_no_longer_valid(admin_profile):
    org_id = admin_profile.org_id
    with org_context(org_id):
        ImportPreferences.objects.create(
            org_id=org_id,
            value_mappings={
                "Opportunity": {
                    "StageName": {"Old": "GONE_STAGE", "Fine": "CLOSED_WON", "": "PROSPECTING"},
                    "Name": {"x": "y"},
                },
                "Widget__c": {"Status": {"a": "b"}},
                "Case": "not an object",
            },
        )
        assert value_mappings.overrides_for(org_id) == {"Opportunity": {"StageName": {"fine": "CLOSED_WON"}}}


def test_overrides_for_refuses_to_run_outside_the_orgs_context(admin_profile, other_admin_profile):
    with pytest.raises(RuntimeError, match="org_context"):
        value_mappings.overrides_for(admin_profile.org_id)
    with org_context(other_admin_profile.org_id), pytest.raises(RuntimeError):
        value_mappings.overrides_for(admin_profile.org_id)


def test_overrides_for_an_org_without_mappings_is_empty(admin_profile):
    with org_context(admin_profile.org_id):
        assert value_mappings.overrides_for(admin_profile.org_id) == {}


# ------------------------------------------------------------------------------ the import page


def page_client(profile, **kwargs):
    client = Client(**kwargs)
    client.force_login(profile.user)
    return client


UNKNOWN = [
    {
        "object_type": "Opportunity",
        "field": "StageName",
        "value": "Closed - Lost (legacy)",
        "count": 37,
        "mapped_to": "CLOSED_LOST",
    },
    {"object_type": "Lead", "field": "Status", "value": "Nurture", "count": 5, "mapped_to": "ASSIGNED"},
]


def ended_job(org_id, unknown_values, **kw):
    with org_context(org_id):
        return ImportJob.objects.create(
            org_id=org_id,
            status=kw.pop("status", JobStatus.COMPLETED),
            object_types=["Opportunity", "Lead"],
            unknown_values=unknown_values,
            **kw,
        )


def section(page: str) -> str:
    start = page.index('id="value-mappings"')
    return page[start : page.index("</details>", start)]


def test_page_before_any_import_says_values_come_later(admin_profile):
    page = section(page_client(admin_profile).get(PAGE).content.decode())
    assert "Picklist values" in page
    assert "appear here after the first import or preview" in page
    assert "None yet" in page


def test_page_says_so_when_the_last_job_met_no_unknown_value(admin_profile):
    ended_job(admin_profile.org_id, UNKNOWN)  # an older job's values are not the last job's
    ended_job(admin_profile.org_id, [], mode=JobMode.PREVIEW)
    page = section(page_client(admin_profile).get(PAGE).content.decode())
    assert "The last preview" in page and "met no picklist value the CRM did not know" in page
    assert "Closed - Lost (legacy)" not in page


def test_page_lists_the_last_ended_jobs_unknown_values_and_an_admin_maps_one(admin_profile, admin_api):
    org_id = admin_profile.org_id
    job = ended_job(org_id, UNKNOWN, mode=JobMode.PREVIEW)
    admin = page_client(admin_profile)
    page = section(admin.get(PAGE).content.decode())
    assert "From the last preview" in page and f"/settings/salesforce/import/{job.pk}" in page
    assert "Closed - Lost (legacy)" in page and "Opportunity.StageName" in page and ">37<" in page
    assert "Nurture" in page and "Lead.Status" in page and ">5<" in page
    assert '<td data-label="Imported as">Closed lost</td>' in page  # what it became, by its CRM label
    assert 'name="crm_value"' in page and 'value="CLOSED_WON"' in page  # the stage choices
    assert 'value="RECYCLED"' in page  # ... and the lead status choices
    assert "not mapped" in page

    response = admin.post(
        SAVE,
        {
            "object_type": "Opportunity",
            "field": "StageName",
            "value": "Closed - Lost (legacy)",
            "crm_value": "CLOSED_WON",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith(f"{PAGE}#value-mappings")
    assert admin_api.get(URL).json() == {
        "Opportunity": {"StageName": {"Closed - Lost (legacy)": "CLOSED_WON"}}
    }
    # Merged, not replaced: a second value keeps the first; the same value in other spacing replaces it.
    admin.post(SAVE, {"object_type": "Lead", "field": "Status", "value": "Nurture", "crm_value": "RECYCLED"})
    admin.post(
        SAVE,
        {
            "object_type": "Opportunity",
            "field": "StageName",
            "value": "closed -  lost (LEGACY)",
            "crm_value": "CLOSED_LOST",
        },
    )
    assert admin_api.get(URL).json() == {
        "Opportunity": {"StageName": {"closed -  lost (LEGACY)": "CLOSED_LOST"}},
        "Lead": {"Status": {"Nurture": "RECYCLED"}},
    }
    response = admin.get(PAGE)
    page = section(response.content.decode())
    assert "now imports as CLOSED_LOST" in response.content.decode()
    assert 'id="stored-value-mappings"' in page and "Recycled" in page
    assert '<option value="RECYCLED" selected>' in page  # the select shows the saved choice


def test_page_removes_a_saved_mapping(admin_profile, admin_api):
    assert put(admin_api, GOOD).status_code == 200
    admin = page_client(admin_profile)
    page = section(admin.get(PAGE).content.decode())
    assert "Discovery" in page and "Remove" in page
    response = admin.post(
        SAVE, {"object_type": "Opportunity", "field": "StageName", "value": "Discovery", "crm_value": ""}
    )
    assert response.status_code == 302
    expected = {
        **GOOD,
        "Opportunity": {**GOOD["Opportunity"], "StageName": {"Closed - Lost (legacy)": "CLOSED_LOST"}},
    }
    assert admin_api.get(URL).json() == expected
    # Removing the last one of a type leaves no empty objects behind.
    for object_type, field, value in [("Lead", "Status", "Nurture"), ("Case", "Status", "On Hold")]:
        admin.post(SAVE, {"object_type": object_type, "field": field, "value": value, "crm_value": ""})
    assert set(admin_api.get(URL).json()) == {"Opportunity", "Task"}


def test_page_refuses_a_bad_choice_with_a_message(admin_profile):
    ended_job(admin_profile.org_id, UNKNOWN)
    response = page_client(admin_profile).post(
        SAVE,
        {"object_type": "Opportunity", "field": "StageName", "value": "X", "crm_value": "CLOSED_LOST_X"},
        follow=True,
    )
    assert "is not a CRM value of Opportunity.StageName" in response.content.decode()
    assert stored(admin_profile.org_id) == {}


def test_page_form_needs_csrf_and_an_admin_and_members_read_only(admin_profile, member_profile):
    ended_job(admin_profile.org_id, UNKNOWN)
    form = {"object_type": "Opportunity", "field": "StageName", "value": "X", "crm_value": "CLOSED_WON"}
    assert page_client(admin_profile, enforce_csrf_checks=True).post(SAVE, form).status_code == 403
    member = page_client(member_profile)
    assert member.post(SAVE, form).status_code == 403
    page = section(member.get(PAGE).content.decode())
    assert "Closed - Lost (legacy)" in page  # members see the values...
    assert 'name="crm_value"' not in page and "Only an org admin" in page  # ...read-only
    assert stored(admin_profile.org_id) == {}


def test_page_skips_a_running_job_and_shows_only_its_orgs_values(admin_profile, other_admin_profile):
    ended_job(admin_profile.org_id, UNKNOWN)
    ended_job(
        admin_profile.org_id,
        [
            {
                "object_type": "Case",
                "field": "Status",
                "value": "Running value",
                "count": 1,
                "mapped_to": "NEW",
            }
        ],
        status=JobStatus.IN_PROGRESS,
    )
    page = section(page_client(admin_profile).get(PAGE).content.decode())
    assert "Closed - Lost (legacy)" in page and "Running value" not in page
    other = section(page_client(other_admin_profile).get(PAGE).content.decode())
    assert "Closed - Lost (legacy)" not in other and "appear here after the first import" in other
