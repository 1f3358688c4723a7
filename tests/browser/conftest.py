"""Browser fixtures: Debian's Chromium through Playwright, and a real worker on Redis."""

import shutil

import pytest
from playwright.sync_api import sync_playwright

from ..worker import WorkerProcess, use_redis_broker, worker_env

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


def _worker_on(sandbox, tmp_path):
    with use_redis_broker():
        worker = WorkerProcess(worker_env(sandbox), tmp_path / "worker.log").start()
        yield sandbox
        worker.stop()


@pytest.fixture
def running_worker(sandbox_factory, tmp_path, settings, live_server):
    settings.SALESFORCE_REDIRECT_URI = f"{live_server.url}/api/salesforce/callback/"
    yield from _worker_on(sandbox_factory(records=400, seed=21), tmp_path)


@pytest.fixture
def running_worker_with_odd_stages(sandbox_factory, tmp_path, settings, live_server):
    """An org whose deals include stages the CRM does not know (seed 11 has several)."""
    settings.SALESFORCE_REDIRECT_URI = f"{live_server.url}/api/salesforce/callback/"
    yield from _worker_on(sandbox_factory(records=1500, seed=11), tmp_path)
