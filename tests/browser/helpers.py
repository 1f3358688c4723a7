"""What the browser tests share: screenshots (fixtures are in conftest.py)."""

from pathlib import Path

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def sign_in_and_connect(page, live_server, profile, sandbox_url=None):
    """Sign in, then connect Salesforce through the sandbox org's consent page."""
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(profile.user.email)
    page.get_by_label("Password").fill("pass-12345")
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/settings/salesforce")
    page.get_by_role("button", name="Connect to Salesforce").click()
    page.get_by_role("button", name="Allow").click()
    expect(page.get_by_text("Salesforce is connected.")).to_be_visible()
