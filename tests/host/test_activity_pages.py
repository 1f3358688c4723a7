"""Leads, cases, tasks, events and notes through the read API and the pages (NOTES 8.5,
8.6): shapes, org scoping, ?q= search, record pages and the related lists they add to
the account, contact, opportunity, order and estimate pages; bounded queries."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Account
from activities.models import Event, Note, Task
from cases.models import Case
from common.rls import org_context
from contacts.models import Contact
from invoices.models import Estimate
from leads.models import Lead
from opportunity.models import Opportunity
from orders.models import Order
from salesforce_imports.models import ImportedRecord, ImportJob, SalesforceConnection
from salesforce_imports.provenance import salesforce_object_type

pytestmark = pytest.mark.django_db

START = dt.datetime(2024, 3, 1, 9, 30, tzinfo=dt.UTC)
KINDS = ["lead", "case", "task", "event", "note"]
PATHS = {"lead": "leads", "case": "cases", "task": "tasks", "event": "events", "note": "notes"}


@pytest.fixture
def client(admin_profile):
    client = Client()
    client.force_login(admin_profile.user)
    return client


@pytest.fixture
def world(admin_profile):
    org = admin_profile.org
    user = admin_profile.user
    user.first_name, user.last_name = "Ada", "Admin"
    user.save()
    with org_context(org.pk):
        account = Account.objects.create(org=org, name="Edge Communications")
        contact = Contact.objects.create(org=org, first_name="Rose", last_name="Gonzalez", account=account)
        opp = Opportunity.objects.create(org=org, name="Emergency Generator", account=account)
        order = Order.objects.create(
            org=org, name="Generator order", order_number="00000100", account=account
        )
        estimate = Estimate.objects.create(org=org, title="Generator quote", estimate_number="Q-0001")
        converted = Lead.objects.create(
            org=org,
            first_name="Rosa",
            last_name="Gonzales",
            email="rosa@edge.test",
            company="Edge Communications",
            status="CONVERTED",
            lead_source="WEBSITE",
            industry="ELECTRONICS",
            annual_revenue=Decimal("5000000.00"),
            is_converted=True,
            converted_at=dt.date(2023, 6, 1),
            converted_account=account,
            converted_contact=contact,
            converted_opportunity=opp,
            owner=admin_profile,
            custom_fields={"Rating__c": "Hot"},
        )
        open_lead = Lead.objects.create(
            org=org,
            first_name="Bertha",
            last_name="Boxer",
            email="bertha@farmers.test",
            company="Farmers Coop",
        )
        case = Case.objects.create(
            org=org,
            case_number="00001001",
            name="Generator will not start",
            status="ESCALATED",
            priority="HIGH",
            origin="PHONE",
            account=account,
            contact=contact,
            owner=admin_profile,
        )
        other_case = Case.objects.create(org=org, case_number="00001002", name="Billing question")
        task = Task.objects.create(
            org=org,
            subject="Call about the generator",
            status="COMPLETED",
            kind="CALL",
            due_date=dt.date(2024, 2, 1),
            contact=contact,
            account=account,
            case=case,
            owner=admin_profile,
            is_archived=True,
        )
        event = Event.objects.create(
            org=org,
            subject="Site visit",
            start=START,
            end=START + dt.timedelta(hours=2),
            location="Austin plant",
            contact=contact,
            opportunity=opp,
            account=account,
        )
        note = Note.objects.create(
            org=org,
            title="Visit summary",
            body="Line one\nLine two",
            account=account,
            opportunity=opp,
            case=case,
            order=order,
            estimate=estimate,
            lead=open_lead,
        )
        order_task = Task.objects.create(org=org, subject="Ship the order", order=order, estimate=estimate)
        lead_event = Event.objects.create(org=org, subject="Intro call", lead=open_lead, is_all_day=True)
    return locals() | {"lead": converted}


def page(client, obj):
    response = client.get(obj.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def section(html, title):
    match = re.search(rf"<h2[^>]*>{re.escape(title)}\b.*?</section>", html, re.S)
    assert match, f"no section {title!r}"
    return match.group(0)


def link(obj, text=None):
    return f'href="{obj.get_absolute_url()}">{text or obj}</a>'


# --- API ------------------------------------------------------------------------------


def test_lead_api_shape(admin_api, admin_profile, world):
    body = admin_api.get(f"/api/leads/{world['lead'].pk}/").json()
    assert body["owner"] == {
        "id": str(admin_profile.pk),
        "email": admin_profile.user.email,
        "name": "Ada Admin",
    }
    assert body["custom_fields"] == {"Rating__c": "Hot"}
    assert (body["status"], body["is_converted"], body["converted_at"]) == ("CONVERTED", True, "2023-06-01")
    assert body["converted_account"] == str(world["account"].pk)
    assert body["converted_contact"] == str(world["contact"].pk)
    assert body["converted_opportunity"] == str(world["opp"].pk)
    assert body["annual_revenue"] == "5000000.00" and "org" not in body
    listing = admin_api.get("/api/leads/").json()
    assert listing["count"] == 2
    assert [r["last_name"] for r in listing["results"]] == ["Boxer", "Gonzales"]
    assert listing["results"][0]["owner"] is None


def test_case_api_shape(admin_api, world):
    body = admin_api.get(f"/api/cases/{world['case'].pk}/").json()
    assert (body["case_number"], body["name"], body["status"], body["priority"], body["origin"]) == (
        "00001001",
        "Generator will not start",
        "ESCALATED",
        "HIGH",
        "PHONE",
    )
    assert body["account"] == str(world["account"].pk) and body["contact"] == str(world["contact"].pk)
    assert body["closed_on"] is None and body["owner"]["name"] == "Ada Admin"


@pytest.mark.parametrize("kind", ["task", "event", "note"])
def test_activity_api_shows_every_link(admin_api, world, kind):
    obj = world[kind]
    body = admin_api.get(f"/api/{PATHS[kind]}/{obj.pk}/").json()
    for name in ("contact", "lead", "account", "opportunity", "case", "order", "estimate"):
        target = getattr(obj, f"{name}_id")
        assert body[name] == (str(target) if target else None), name
    assert body["custom_fields"] == {} and "org" not in body
    if kind == "task":
        assert (body["kind"], body["status"], body["due_date"], body["is_archived"]) == (
            "CALL",
            "COMPLETED",
            "2024-02-01",
            True,
        )
    elif kind == "event":
        assert body["start"] == "2024-03-01T09:30:00Z" and body["end"] == "2024-03-01T11:30:00Z"
        assert body["is_all_day"] is False and body["location"] == "Austin plant"
    else:
        assert body["body"] == "Line one\nLine two" and body["is_private"] is False


@pytest.mark.parametrize("kind", KINDS)
def test_another_orgs_record_is_a_404(api_for, other_admin_profile, world, kind):
    client = api_for(other_admin_profile)
    assert client.get(f"/api/{PATHS[kind]}/{world[kind].pk}/").status_code == 404
    assert client.get(f"/api/{PATHS[kind]}/").json()["count"] == 0


@pytest.mark.parametrize("kind", KINDS)
def test_api_lists_do_not_query_per_row(admin_api, admin_profile, world, kind, django_assert_max_num_queries):
    with CaptureQueriesContext(connection) as few:
        admin_api.get(f"/api/{PATHS[kind]}/")
    _grow(world, 15)
    with django_assert_max_num_queries(9) as many:
        body = admin_api.get(f"/api/{PATHS[kind]}/").json()
    assert body["count"] >= 16
    assert len(many) == len(few)


def test_api_needs_auth():
    from rest_framework.test import APIClient

    assert APIClient().get("/api/tasks/").status_code == 401


# --- list pages -----------------------------------------------------------------------

SEARCHES = [
    ("/leads/", "rosa gonz", ["Gonzales"], ["Boxer"]),
    ("/leads/", "bertha@farmers", ["Boxer"], ["Gonzales"]),
    ("/leads/", "farmers coop", ["Boxer"], ["Gonzales"]),
    ("/cases/", "00001002", ["Billing question"], ["Generator will not start"]),
    ("/cases/", "will not start", ["Generator will not start"], ["Billing question"]),
    ("/tasks/", "generator", ["Call about the generator"], ["Ship the order"]),
    ("/events/", "site", ["Site visit"], ["Intro call"]),
    ("/notes/", "summary", ["Visit summary"], ["Other note"]),
]


@pytest.mark.parametrize(("path", "q", "hits", "misses"), SEARCHES)
def test_list_search(client, world, path, q, hits, misses):
    with org_context(world["org"].pk):
        Note.objects.create(org=world["org"], title="Other note")
    html = client.get(path, {"q": q}).content.decode()
    assert "1 matching" in html
    for text in hits:
        assert text in html
    for text in misses:
        assert text not in html
    assert f'value="{q}"' in html


def test_list_rows_link_and_show_what_they_are_about(client, world):
    html = client.get("/leads/").content.decode()
    assert link(world["lead"], "Gonzales") in html and "Converted" in html
    html = client.get("/cases/").content.decode()
    assert link(world["case"], "00001001") in html and "Escalated" in html and "Rose Gonzalez" in html
    html = client.get("/tasks/").content.decode()
    assert link(world["task"], "Call about the generator") in html
    assert "Rose Gonzalez" in html and "Completed" in html and "Call" in html
    html = client.get("/events/").content.decode()
    assert link(world["lead_event"], "Intro call") in html and "Bertha Boxer" in html
    html = client.get("/notes/").content.decode()
    assert link(world["note"], "Visit summary") in html and "Bertha Boxer" in html


def test_nav_links_to_the_new_lists(client, world):
    nav = re.search(r'<nav aria-label="Main">.*?</nav>', client.get("/").content.decode(), re.S).group(0)
    for path in ("/leads/", "/cases/", "/tasks/", "/events/", "/notes/"):
        assert f'href="{path}"' in nav


@pytest.mark.parametrize("path", ["/leads/", "/cases/", "/tasks/", "/events/", "/notes/"])
def test_list_pages_do_not_query_per_row(client, world, path):
    with CaptureQueriesContext(connection) as few:
        assert client.get(path).status_code == 200
    _grow(world, 30)
    with CaptureQueriesContext(connection) as many:
        html = client.get(path).content.decode()
    assert len(many) == len(few)
    assert html.count("<tr>") > 30


# --- record pages ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_detail_needs_login_and_is_org_scoped(world, other_admin_profile, kind):
    url = world[kind].get_absolute_url()
    assert url.startswith(f"/{PATHS[kind]}/")
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    other = Client()
    other.force_login(other_admin_profile.user)
    assert other.get(url).status_code == 404


def test_converted_lead_page_links_what_it_became(client, world):
    html = page(client, world["lead"])
    assert "<h1>Rosa Gonzales</h1>" in html
    details = section(html, "Details")
    assert "Converted into account" in details and link(world["account"]) in details
    assert link(world["contact"]) in details and link(world["opp"]) in details
    assert "Website" in details and "Electronics" in details and "June 1, 2023" in details
    assert "Ada Admin" in section(html, "Record")
    assert "Rating__c" in section(html, "Custom fields")
    open_html = page(client, world["open_lead"])
    assert "Converted into" not in section(open_html, "Details")  # nothing to link
    assert link(world["lead_event"], "Intro call") in section(open_html, "Events")
    assert link(world["note"], "Visit summary") in section(open_html, "Notes")


def test_case_page_links_account_contact_and_activities(client, world):
    html = page(client, world["case"])
    details = section(html, "Details")
    assert "Subject" in details and "Generator will not start" in details and "Escalated" in details
    assert link(world["account"]) in details and link(world["contact"]) in details
    assert link(world["task"], "Call about the generator") in section(html, "Tasks")
    assert link(world["note"], "Visit summary") in section(html, "Notes")
    assert "None." in section(html, "Events")


def test_task_event_note_pages(client, world):
    details = section(page(client, world["task"]), "Details")
    assert link(world["contact"]) in details and link(world["case"]) in details
    assert "Archived" in details and "Opportunity" not in details  # empty links are left out
    details = section(page(client, world["event"]), "Details")
    assert "Austin plant" in details and link(world["opp"]) in details and "All day" in details
    details = section(page(client, world["note"]), "Details")
    assert "Line one<br>Line two" in details
    for key in ("account", "opp", "case", "order", "estimate", "open_lead"):
        assert link(world[key]) in details, key


def test_account_page_new_related_lists(client, world):
    html = page(client, world["account"])
    assert link(world["case"], "00001001") in section(html, "Cases")
    assert "Billing question" not in section(html, "Cases")
    converted = section(html, "Converted leads")
    assert link(world["lead"], "Rosa Gonzales") in converted and "Boxer" not in converted
    assert link(world["task"], "Call about the generator") in section(html, "Tasks")
    assert "Ship the order" not in section(html, "Tasks")
    assert link(world["event"], "Site visit") in section(html, "Events")
    assert link(world["note"], "Visit summary") in section(html, "Notes")


def test_contact_page_new_related_lists(client, world):
    html = page(client, world["contact"])
    assert link(world["case"], "00001001") in section(html, "Cases")
    assert link(world["lead"], "Rosa Gonzales") in section(html, "Converted leads")
    assert link(world["task"], "Call about the generator") in section(html, "Tasks")
    assert link(world["event"], "Site visit") in section(html, "Events")
    assert "None." in section(html, "Notes")


def test_opportunity_order_estimate_pages_new_related_lists(client, world):
    html = page(client, world["opp"])
    assert link(world["lead"], "Rosa Gonzales") in section(html, "Converted leads")
    assert link(world["event"], "Site visit") in section(html, "Events")
    assert link(world["note"], "Visit summary") in section(html, "Notes")
    assert "None." in section(html, "Tasks")
    for key in ("order", "estimate"):
        html = page(client, world[key])
        assert link(world["order_task"], "Ship the order") in section(html, "Tasks"), key
        assert link(world["note"], "Visit summary") in section(html, "Notes"), key
        assert "None." in section(html, "Events"), key


def test_provenance_of_new_kinds(client, world):
    org = world["org"]
    assert [salesforce_object_type(m) for m in (Lead, Case, Task, Event, Note)] == [
        "Lead",
        "Case",
        "Task",
        "Event",
        "Note",
    ]
    with org_context(org.pk):
        SalesforceConnection.objects.create(org=org, instance_url="https://acme.my.salesforce.com")
        job = ImportJob.objects.create(org=org)
        for key, sf_id, sf_type in [
            ("lead", "00Q5g00000AbCdEAA1", "Lead"),
            ("case", "5005g00000AbCdEAA1", "Case"),
            ("task", "00T5g00000AbCdEAA1", "Task"),
            ("event", "00U5g00000AbCdEAA1", "Event"),
            ("note", "0695g00000AbCdEAA1", "ContentNote"),  # a Lightning note is a CRM Note too
        ]:
            ImportedRecord.objects.create(
                org=org,
                salesforce_id=sf_id,
                salesforce_object_type=sf_type,
                content_type=ContentType.objects.get_for_model(world[key]),
                object_id=world[key].pk,
                outcome="imported",
                import_job=job,
            )
    for key, sf_id in [("lead", "00Q"), ("case", "500"), ("task", "00T"), ("event", "00U"), ("note", "069")]:
        box = section(page(client, world[key]), "Where it came from")
        assert "Imported from Salesforce" in box, key
        assert f'href="https://acme.my.salesforce.com/{sf_id}5g00000AbCdEAA1"' in box, key
        assert f'href="/settings/salesforce/import/{job.pk}"' in box, key
    assert "Created in this CRM." in section(page(client, world["open_lead"]), "Where it came from")


# --- speed ----------------------------------------------------------------------------


def _grow(world, n):
    """n more of every new kind, all linked to the account, contact, opportunity, order,
    estimate, case and open lead."""
    org = world["org"]
    links = {
        "account": world["account"],
        "contact": world["contact"],
        "opportunity": world["opp"],
        "order": world["order"],
        "estimate": world["estimate"],
        "case": world["case"],
        "lead": world["open_lead"],
    }
    owner = world["admin_profile"]
    with org_context(org.pk):
        for i in range(n):
            Lead.objects.create(
                org=org,
                last_name=f"L {i}",
                owner=owner,
                converted_account=world["account"],
                converted_contact=world["contact"],
                converted_opportunity=world["opp"],
            )
            Case.objects.create(
                org=org, name=f"Case {i}", account=world["account"], contact=world["contact"], owner=owner
            )
            Task.objects.create(org=org, subject=f"T {i}", owner=owner, **links)
            Event.objects.create(org=org, subject=f"E {i}", owner=owner, **links)
            Note.objects.create(org=org, title=f"N {i}", owner=owner, **links)


@pytest.mark.parametrize("key", ["account", "contact", "opp", "order", "estimate", "case", "open_lead"])
def test_detail_pages_do_not_query_per_row(client, world, key, django_assert_max_num_queries):
    url = world[key].get_absolute_url()
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _grow(world, 30)
    with django_assert_max_num_queries(30) as many:
        html = client.get(url).content.decode()
    # a count per list once it passes the cap, never one per row
    assert len(many) - len(few) <= len(re.findall(r"Showing the first 20 of", html))
    assert "Showing the first 20 of 3" in section(html, "Tasks")


@pytest.mark.parametrize("kind", ["task", "event", "note"])
def test_activity_pages_cost_a_fixed_number_of_queries(client, world, kind, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        page(client, world[kind])
