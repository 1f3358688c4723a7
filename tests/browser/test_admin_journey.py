"""An admin's whole journey in a real browser (Debian's Chromium driven by Playwright):
sign in, connect Salesforce (the sandbox org's consent page), import with live progress,
look at the problems and the history, import again, then walk the imported records."""

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from accounts.models import Account
from common.rls import org_context

from .helpers import shot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]


def test_admin_connects_imports_and_reimports(admin_profile, live_server, running_worker, browser_page):
    page = browser_page
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(admin_profile.user.email)
    page.get_by_label("Password").fill("pass-12345")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Acme")).to_be_visible()

    page.get_by_role("link", name="Settings → Salesforce").first.click()
    expect(page.get_by_text("Not connected.")).to_be_visible()
    page.get_by_role("button", name="Connect to Salesforce").click()
    page.get_by_role("button", name="Allow").click()  # the sandbox org's consent page
    expect(page.get_by_text("Salesforce is connected.")).to_be_visible()
    expect(page.get_by_text(running_worker.url)).to_be_visible()
    shot(page, "1-connected")

    page.get_by_role("link", name="Import data").click()
    expect(page.get_by_text("Contacts link to Accounts: import Accounts first or together.")).to_be_visible()
    shot(page, "2-import-form")
    page.get_by_role("button", name="Start Import").click()
    # htmx swaps in the progress card and polls it until the job ends; no page reload.
    card = page.locator("section[id^=job-]")
    expect(card).to_be_visible()
    expect(card.locator(".badge")).to_have_text("Completed", timeout=120_000)
    expect(card).to_contain_text("100%")
    expect(card.locator("tr[data-object=OrderItem]")).to_contain_text("done")
    card.get_by_text(re.compile(r"not imported.*warning.*details")).click()
    expect(card.get_by_role("link", name="Download all problems (CSV)")).to_be_visible()
    shot(page, "3-import-completed")

    with page.expect_download() as download:
        card.get_by_role("link", name="Download all problems (CSV)").click()
    csv_text = Path(download.value.path()).read_text()
    assert csv_text.startswith("object_type,salesforce_id,field,severity,message")

    page.get_by_role("link", name="Import again").click()
    first_card_id = page.locator("section[id^=job-]").get_attribute("id")  # "Last import"
    page.get_by_role("button", name="Start Import").click()
    expect(page.locator("#import-form")).to_have_count(0)  # swapped for the new job's card
    card = page.locator("section[id^=job-]")
    expect(card).not_to_have_id(first_card_id)
    expect(card.locator(".badge")).to_have_text("Completed", timeout=120_000)
    # Only what changed (nothing) and what failed because of another record is fetched again.
    expect(card).to_contain_text(re.compile(r"· 0 imported, 0 matched, 0 skipped, [0-9]+ errors"))
    page.goto(f"{live_server.url}/settings/salesforce/import/history")
    expect(page.locator("tbody tr")).to_have_count(2)
    expect(page.locator("tbody .badge-COMPLETED")).to_have_count(2)
    shot(page, "4-history")
    page.locator("tbody tr").last.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Problems")).to_be_visible()
    shot(page, "5-job-detail")

    page.goto(f"{live_server.url}/accounts/")
    expect(page.locator("tbody tr").first).to_be_visible()
    shot(page, "6-accounts")
    walk_an_imported_account(page, live_server, admin_profile)
    visit_a_contacts_activities_and_a_converted_lead(page, live_server, admin_profile)


def walk_an_imported_account(page, live_server, admin_profile):
    """From an imported account's page to one of its contacts, then to one of its deals'
    line items, checking a custom field under its Salesforce label on the way."""
    with org_context(admin_profile.org_id):
        candidates = Account.objects.filter(
            contacts__isnull=False, opportunities__line_items__isnull=False
        ).distinct()
        # ("Region__c" cannot be a JSON key lookup: Django reads its "__" as a transform.)
        account = next((a for a in candidates if a.custom_fields.get("Region__c")), None)
        assert account is not None, "the sandbox org should have such an account"
        contact = account.contacts.order_by("last_name").first()
        deal = account.opportunities.filter(line_items__isnull=False).first()
        line = deal.line_items.order_by("sort_order").first()
    page.goto(f"{live_server.url}/accounts/?q={quote(account.name)}")
    page.get_by_role("link", name=account.name, exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(account.name)
    region = page.locator("[data-custom-field=Region__c]")
    expect(region.locator("dt")).to_have_text("Region")  # the label describe gave, not Region__c
    expect(region.locator("dd")).to_have_text(account.custom_fields["Region__c"])
    expect(page.get_by_text("Imported from Salesforce")).to_be_visible()
    shot(page, "7-account")

    contacts = page.locator("section.related", has=page.get_by_role("heading", name=re.compile("^Contacts")))
    contacts.get_by_role("link", name=str(contact)).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(str(contact))
    expect(page.get_by_role("link", name=account.name).first).to_be_visible()  # back to its account
    shot(page, "8-contact")

    page.go_back()
    deals = page.locator(
        "section.related", has=page.get_by_role("heading", name=re.compile("^Opportunities"))
    )
    deals.get_by_role("link", name=deal.name).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(deal.name)
    lines = page.locator("section", has=page.get_by_role("heading", name=re.compile("^Line items")))
    expect(lines).to_contain_text(line.name)
    shot(page, "9-opportunity")


def visit_a_contacts_activities_and_a_converted_lead(page, live_server, admin_profile):
    """The sales history came along: a contact's tasks, and a lead that became an account."""
    from activities.models import Task
    from leads.models import Lead

    with org_context(admin_profile.org_id):
        task = Task.objects.filter(contact__isnull=False, subject__gt="").select_related("contact").first()
        lead = Lead.objects.filter(is_converted=True, converted_account__isnull=False).first()
        assert task is not None and lead is not None, "the sandbox org should hold both"
        contact, account_name = task.contact, lead.converted_account.name
    page.goto(f"{live_server.url}/contacts/{contact.pk}/")
    tasks = page.locator("section.related", has=page.get_by_role("heading", name=re.compile("^Tasks")))
    expect(tasks).to_contain_text(str(task))
    shot(page, "10-contact-activities")
    tasks.get_by_role("link", name=str(task)).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(str(task))

    page.goto(f"{live_server.url}/leads/?q={quote(lead.last_name)}")
    page.locator(f"a[href$='/leads/{lead.pk}/']").first.click()  # the row links to the lead
    expect(page.get_by_role("heading", level=1)).to_have_text(str(lead))
    expect(page.locator("main")).to_contain_text("Converted")
    page.get_by_role("link", name=account_name).first.click()  # what the lead became
    expect(page.get_by_role("heading", level=1)).to_have_text(account_name)
    shot(page, "11-converted-lead-account")
