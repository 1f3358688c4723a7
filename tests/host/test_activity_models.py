"""Leads, cases, tasks, events and notes (NOTES 8.6): fields, defaults, the database's
own checks and row-level security on the new tables."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, ProgrammingError, connection, transaction

from accounts.models import Account
from activities.models import NOTE_BODY_MAX_LENGTH, Event, Note, Task
from cases.models import Case
from common.models import Org
from common.rls import org_context
from contacts.models import Contact
from invoices.models import Estimate
from leads.models import Lead
from opportunity.models import Opportunity
from orders.models import Order

pytestmark = pytest.mark.django_db

NEW_TABLES = ("leads_lead", "cases_case", "activities_task", "activities_event", "activities_note")


@pytest.fixture
def org(admin_profile):
    with org_context(admin_profile.org.pk):
        yield admin_profile.org


def test_defaults(org):
    lead = Lead.objects.create(org=org, last_name="Kim")
    case = Case.objects.create(org=org)
    task = Task.objects.create(org=org)
    event = Event.objects.create(org=org)
    note = Note.objects.create(org=org)
    assert (lead.status, lead.is_converted, lead.custom_fields) == ("ASSIGNED", False, {})
    assert (case.status, case.priority, case.origin) == ("NEW", "MEDIUM", "OTHER")
    assert (task.status, task.priority, task.kind, task.is_archived) == (
        "NOT_STARTED",
        "NORMAL",
        "TASK",
        False,
    )
    assert (event.is_all_day, event.is_archived) == (False, False)
    assert note.is_private is False


def test_lead_duplicates_are_kept(org):
    Lead.objects.create(org=org, last_name="Kim", email="kim@example.com", company="Acme")
    Lead.objects.create(org=org, last_name="Kim", email="KIM@example.com", company="Acme")
    assert Lead.objects.filter(email__iexact="kim@example.com").count() == 2


def test_lead_negative_revenue_refused(org):
    with pytest.raises(IntegrityError, match="lead_annual_revenue_not_negative"), transaction.atomic():
        Lead.objects.create(org=org, last_name="Kim", annual_revenue=Decimal("-1"))


def test_converted_lead_links_and_reverse_names(org):
    account = Account.objects.create(org=org, name="Edge")
    contact = Contact.objects.create(org=org, last_name="Rose", account=account)
    opp = Opportunity.objects.create(org=org, name="Deal", account=account)
    lead = Lead.objects.create(
        org=org,
        last_name="Rose",
        is_converted=True,
        status="CONVERTED",
        converted_at=dt.date(2024, 1, 2),
        converted_account=account,
        converted_contact=contact,
        converted_opportunity=opp,
    )
    assert list(account.converted_leads.all()) == [lead]
    assert list(contact.converted_leads.all()) == [lead]
    assert list(opp.converted_leads.all()) == [lead]
    contact.delete()
    lead.refresh_from_db()
    assert lead.converted_contact is None and lead.converted_account == account


def test_activity_links_every_kind(org):
    account = Account.objects.create(org=org, name="Edge")
    contact = Contact.objects.create(org=org, last_name="Rose")
    lead = Lead.objects.create(org=org, last_name="Kim")
    opp = Opportunity.objects.create(org=org, name="Deal")
    case = Case.objects.create(org=org, account=account, contact=contact, name="Broken")
    order = Order.objects.create(org=org, name="O")
    estimate = Estimate.objects.create(org=org, title="Q", estimate_number="Q-1")
    links = dict(
        contact=contact,
        lead=lead,
        account=account,
        opportunity=opp,
        case=case,
        order=order,
        estimate=estimate,
    )
    task = Task.objects.create(org=org, subject="Call", **links)
    event = Event.objects.create(org=org, subject="Meet", **links)
    note = Note.objects.create(org=org, title="Memo", **links)
    for obj in (account, contact, lead, opp, case, order, estimate):
        assert list(obj.tasks.all()) == [task]
        assert list(obj.events.all()) == [event]
    for obj in (account, contact, lead, opp, case, order):
        assert list(obj.notes.all()) == [note]
    assert list(estimate.attached_notes.all()) == [note]  # Estimate.notes is its text field
    assert list(account.cases.all()) == [case] and list(contact.cases.all()) == [case]
    account.delete()
    task.refresh_from_db()
    assert task.account is None and task.contact == contact


def test_event_end_before_start_refused_by_the_database(org):
    start = dt.datetime(2024, 3, 1, 10, tzinfo=dt.UTC)
    Event.objects.create(org=org, start=start, end=start)  # zero length is fine
    Event.objects.create(org=org, start=start)  # open-ended is fine
    Event.objects.create(org=org, end=start)
    with pytest.raises(IntegrityError, match="event_end_not_before_start"), transaction.atomic():
        Event.objects.create(org=org, start=start, end=start - dt.timedelta(minutes=1))


def test_note_body_size_limit_refused_by_the_database(org):
    Note.objects.create(org=org, body="é" * NOTE_BODY_MAX_LENGTH)  # characters, not bytes
    with pytest.raises(IntegrityError, match="note_body_size_limit"), transaction.atomic():
        Note.objects.create(org=org, body="x" * (NOTE_BODY_MAX_LENGTH + 1))


def test_orderings(org):
    day = dt.date(2024, 1, 1)
    late = Task.objects.create(org=org, subject="late", due_date=day + dt.timedelta(days=5))
    undated = Task.objects.create(org=org, subject="undated")
    early = Task.objects.create(org=org, subject="early", due_date=day)
    assert list(Task.objects.all()) == [late, early, undated]
    b = Lead.objects.create(org=org, first_name="B", last_name="Adams")
    a = Lead.objects.create(org=org, first_name="A", last_name="Adams")
    z = Lead.objects.create(org=org, first_name="A", last_name="Zed")
    assert list(Lead.objects.all()) == [a, b, z]


# --- row-level security on the new tables, as the app's non-superuser role ------------------


def _raw_count(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        return cursor.fetchone()[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_new_tables_force_rls_and_isolate_orgs():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relname = ANY(%s) AND relrowsecurity AND relforcerowsecurity",
            [list(NEW_TABLES)],
        )
        assert {r[0] for r in cursor.fetchall()} == set(NEW_TABLES)
    a = Org.objects.create(name="Org A")
    b = Org.objects.create(name="Org B")
    for org in (a, b):
        with org_context(org.pk):
            Lead.objects.create(org=org, last_name=org.name)
            Case.objects.create(org=org, name=org.name)
            Task.objects.create(org=org, subject=org.name)
            Event.objects.create(org=org, subject=org.name)
            Note.objects.create(org=org, title=org.name)
    for table in NEW_TABLES:
        assert _raw_count(table) == 0  # no context, no rows
        with org_context(a.pk):
            assert _raw_count(table) == 1
    with org_context(a.pk):
        assert [t.subject for t in Task.unscoped.all()] == ["Org A"]  # RLS, not the manager
        with pytest.raises(ProgrammingError, match="row-level security"), transaction.atomic():
            Note.unscoped.create(org=b, title="Sneaky")
