"""The import page's API budget in a real browser: htmx loads the estimate of the chosen
types with the form and again when a box changes, under the page's own scripts only."""

import pytest
from playwright.sync_api import expect

from salesforce_imports.services import SELECTABLE_TYPES

from ..salesforce_imports.test_api_budget import estimate_of
from ..salesforce_imports.test_import_engine import run
from .helpers import shot, sign_in_and_connect

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_import_page_shows_the_estimate_in_a_browser(
    admin_profile, admin_api, live_server, sandbox_factory, settings, browser_page
):
    """htmx loads the estimate with the form and again when a box changes (no inline script)."""
    settings.SALESFORCE_REDIRECT_URI = f"{live_server.url}/api/salesforce/callback/"
    sandbox = sandbox_factory(records=300, seed=7)
    page = browser_page
    sign_in_and_connect(page, live_server, admin_profile)
    page.goto(f"{live_server.url}/settings/salesforce/import")
    budget_area = page.locator("#budget-estimate")
    expect(budget_area).to_contain_text("API budget: about", timeout=30_000)
    expect(budget_area).to_contain_text("kept in reserve")
    everything = int(budget_area.locator("[data-estimated-calls]").get_attribute("data-estimated-calls"))
    assert everything == estimate_of(admin_api, SELECTABLE_TYPES)["estimated_calls"]

    for box in page.locator("input[name=object_types]").all():
        if box.get_attribute("value") != "Account":
            box.uncheck()
    accounts_only = estimate_of(admin_api, ["Account"])["estimated_calls"]
    expect(budget_area.locator("[data-estimated-calls]")).to_have_attribute(
        "data-estimated-calls", str(accounts_only), timeout=30_000
    )
    shot(page, "budget-estimate")

    sandbox.set_faults(daily_limit=sandbox.stats()["api_calls"] + 40)
    page.reload()
    expect(budget_area).to_contain_text("Start would be refused", timeout=30_000)
    sandbox.set_faults(limits_broken=2)
    page.reload()
    expect(budget_area).to_contain_text("API budget not checked", timeout=30_000)
    expect(budget_area).to_contain_text("no DailyApiRequests")
    shot(page, "budget-not-checked")

    # A finished preview's summary shows the import's estimate for the preview's types.
    sandbox.set_faults({})
    response = admin_api.post(
        "/api/salesforce/import/", {"object_types": ["Account"], "mode": "preview"}, format="json"
    )
    assert response.status_code == 202, response.content
    run(admin_profile, response.json()["id"])
    page.goto(f"{live_server.url}/settings/salesforce/import/{response.json()['id']}")
    summary = page.locator(".preview-next .budget-estimate")
    expect(summary).to_contain_text("API budget: about", timeout=30_000)
    assert summary.locator("[data-estimated-calls]").get_attribute("data-estimated-calls") == str(
        estimate_of(admin_api, ["Account"])["estimated_calls"]
    )
    expect(page.get_by_role("button", name="Import now")).to_be_visible()  # the form is still there
    shot(page, "budget-preview")
