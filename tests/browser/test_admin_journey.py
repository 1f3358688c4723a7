"""An admin's whole journey in a real browser (Debian's Chromium driven by Playwright):
sign in, connect Salesforce (the sandbox org's consent page), import with live progress,
look at the problems and the history, import again."""

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from ..worker import WorkerProcess, use_redis_broker, worker_env

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser_page(monkeypatch):
    # Playwright's sync API keeps an event loop in this thread; the ORM calls the test's
    # fixtures make (in this same thread, never concurrently) are safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(30_000)
        yield page
        browser.close()


@pytest.fixture
def running_worker(sandbox_factory, tmp_path, settings, live_server):
    settings.SALESFORCE_REDIRECT_URI = f"{live_server.url}/api/salesforce/callback/"
    sandbox = sandbox_factory(records=400, seed=21)
    with use_redis_broker():
        worker = WorkerProcess(worker_env(sandbox), tmp_path / "worker.log").start()
        yield sandbox
        worker.stop()


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


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
    expect(card).to_contain_text(re.compile(r"· 0 imported, 0 matched, [1-9][0-9]* skipped"))
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
