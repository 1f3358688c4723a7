"""The pages' Content-Security-Policy: strict, and nothing on the main pages breaks it, htmx's
live progress included (Debian's Chromium reports every violation it blocks)."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import Account
from common.rls import org_context

from .helpers import shot

# Chromium reports each blocked load, inline script or style to the page as this event;
# the listener (added before any page script runs) hands it to the test through the console.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || event.documentURI}:${event.lineNumber}`);
});
"""


def directives_of(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
def test_every_page_answer_carries_the_strict_policy(client, admin_profile, settings):
    settings.SALESFORCE_LOGIN_URL = "https://login.salesforce.com"
    responses = {"/login/": client.get("/login/")}
    client.force_login(admin_profile.user)
    for path in ("/", "/accounts/", "/settings/salesforce", "/settings/salesforce/import"):
        responses[path] = client.get(path)
    for path, response in responses.items():
        assert response.status_code == 200, path
        header = response["Content-Security-Policy"]
        assert "unsafe" not in header, (path, header)  # no 'unsafe-inline', 'unsafe-eval'...
        directives = directives_of(header)
        for directive in ("default-src", "script-src", "style-src", "base-uri", "connect-src"):
            assert directives[directive] == ["'self'"], (path, directive)
        assert directives["object-src"] == ["'none'"]
        assert directives["frame-ancestors"] == ["'none'"]
        # Connect answers with a redirect to the consent page, which may send the user on to
        # the org's My Domain or an SSO page: Salesforce's origins and no other.
        assert directives["form-action"] == [
            "'self'",
            "https://login.salesforce.com",
            "https://*.salesforce.com",
            "https://*.force.com",
        ]


@pytest.mark.django_db
def test_templates_and_htmx_need_nothing_inline(client, admin_profile):
    client.force_login(admin_profile.user)
    page = client.get("/settings/salesforce/import").content.decode()
    assert """<meta name="htmx-config" content='{"includeIndicatorStyles":false}'>""" in page
    assert "<style" not in page and " style=" not in page
    scripts = [chunk.split(">", 1)[0] for chunk in page.split("<script")[1:]]
    assert scripts and all(" src=" in attributes for attributes in scripts), scripts


ROOT = Path(__file__).resolve().parents[2]
# What the policy blocks in markup: style attributes and elements, inline scripts (a script
# without src), event-handler attributes and javascript: URLs.
INLINE = re.compile(
    r"""\sstyle\s*=|<style[\s>]|<script(?![^>]*\ssrc=)[^>]*>|\son[a-z]+\s*=|javascript:""",
    re.IGNORECASE,
)


def test_no_template_holds_what_the_policy_blocks():
    templates = [
        path
        for path in ROOT.glob("**/templates/**/*.html")
        if ".venv" not in path.parts and "var" not in path.parts
    ]
    assert len(templates) > 10
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()[:80]}"
        for path in templates
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if INLINE.search(line)
    ]
    assert found == []


@pytest.mark.browser
@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_main_pages_and_live_progress_break_no_policy(
    admin_profile, live_server, running_worker, browser_page
):
    page = browser_page
    violations = []
    page.on("console", lambda message: _collect(message.text, violations))
    page.add_init_script(REPORT_VIOLATIONS)

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(admin_profile.user.email)
    page.get_by_label("Password").fill("pass-12345")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Acme")).to_be_visible()
    # The watch works: an inline style, as htmx would inject without its config, is reported.
    page.evaluate("document.head.insertAdjacentHTML('beforeend', '<style>main { color: red; }</style>')")
    page.wait_for_timeout(200)
    assert any("style-src" in text for text in violations), violations
    violations.clear()

    # Connect: a form posted here, redirected to the sandbox's consent page (form-action).
    page.goto(f"{live_server.url}/settings/salesforce")
    page.get_by_role("button", name="Connect to Salesforce").click()
    page.get_by_role("button", name="Allow").click()
    expect(page.get_by_text("Salesforce is connected.")).to_be_visible()

    # The import page and htmx: the form swapped for the job's card, polled every second.
    page.get_by_role("link", name="Import data").click()
    page.get_by_role("button", name="Start Import").click()
    card = page.locator("section[id^=job-]")
    expect(card.locator(".badge")).to_have_text("Completed", timeout=120_000)
    shot(page, "csp-import-completed")

    page.goto(f"{live_server.url}/settings/salesforce/import/history")
    page.locator("tbody tr").first.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Problems")).to_be_visible()

    page.goto(f"{live_server.url}/accounts/")
    expect(page.locator("tbody tr").first).to_be_visible()
    with org_context(admin_profile.org_id):
        account = Account.objects.exclude(custom_fields={}).first() or Account.objects.first()
    page.goto(f"{live_server.url}/accounts/{account.pk}/")
    expect(page.get_by_role("heading", name=account.name)).to_be_visible()
    for path in ("/contacts/", "/opportunities/", "/tasks/"):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("main")).to_be_visible()

    assert violations == []


def _collect(text: str, violations: list) -> None:
    # Chromium's own console line ("Refused to apply inline style because it violates the
    # following Content Security Policy directive...") and our listener's both count.
    if "Content Security Policy" in text or text.startswith("CSP violation"):
        violations.append(text)
