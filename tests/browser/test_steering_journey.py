"""Steering an import in a real browser: preview, map an unknown stage, import, undo."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Account
from common.rls import org_context
from opportunity.models import Opportunity
from salesforce_imports.models import ImportJob

from .helpers import shot, sign_in_and_connect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]


def test_admin_previews_maps_a_stage_imports_and_undoes(
    admin_profile, live_server, running_worker_with_odd_stages, browser_page
):
    page = browser_page
    sign_in_and_connect(page, live_server, admin_profile)

    page.goto(f"{live_server.url}/settings/salesforce/import")
    for box in page.locator("input[name=object_types]").all():
        box.uncheck()
    page.get_by_label("Accounts", exact=True).check()
    page.get_by_label("Opportunities and their products").check()
    page.get_by_role("button", name="Preview").click()
    card = page.locator("section[id^=job-]")
    expect(card.get_by_role("heading")).to_contain_text("Preview")
    expect(card.locator(".badge")).to_have_text("Completed", timeout=120_000)
    expect(card).to_contain_text("would be:")
    with org_context(admin_profile.org_id):
        assert Account.objects.count() == Opportunity.objects.count() == 0  # a preview writes nothing
    shot(page, "s1-preview")

    # The preview met stages the CRM does not know: map the first one.
    page.reload()
    if page.locator("#value-mappings").get_attribute("open") is None:
        page.locator("#value-mappings summary").click()  # folded when many values are listed
    row = page.locator("#unknown-values tr[data-field=StageName]").first
    shot(page, "s1b-values")
    expect(row).to_be_visible()
    stage = row.locator("th code").inner_text()
    row.locator("select").select_option("NEGOTIATION")
    row.get_by_role("button", name="Save").click()
    if page.locator("#value-mappings").get_attribute("open") is None:
        page.locator("#value-mappings summary").click()
    expect(page.locator("#unknown-values tr[data-field=StageName]").first).to_contain_text("Negotiation")
    shot(page, "s2-mapped")

    page.get_by_role("button", name="Import now").click()
    card = page.locator("section[id^=job-]").first
    expect(card.get_by_role("heading")).to_contain_text("Import")
    expect(card.locator(".badge")).to_have_text("Completed", timeout=120_000)
    with org_context(admin_profile.org_id):
        job = ImportJob.objects.filter(mode="import").get()
        mapped = next(u for u in job.unknown_values if u["value"] == stage)
        assert mapped["mapped_to"] == "NEGOTIATION"
        assert Opportunity.objects.filter(stage="NEGOTIATION").count() >= mapped["count"]
        imported_accounts = Account.objects.count()
    assert imported_accounts > 0

    page.goto(f"{live_server.url}/settings/salesforce/import/{job.pk}")
    page.locator("#undo summary").click()
    page.get_by_role("button", name="Yes, undo this import").click()
    expect(page.locator("section[id^=job-] .badge").first).to_have_text(re.compile("Undone"), timeout=120_000)
    with org_context(admin_profile.org_id):
        assert Account.objects.count() == 0 and Opportunity.objects.count() == 0
        assert ImportJob.objects.get(pk=job.pk).undone_count > 0
    shot(page, "s3-undone")
