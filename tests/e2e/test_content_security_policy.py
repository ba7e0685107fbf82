"""The pages keep to their Content-Security-Policy in a real browser: no inline script or style is refused (Chromium
reports each refusal as a `securitypolicyviolation` event and a console error), and what moved out of the templates
into static/js/app.js still works (Swagger UI starts, the household filters send their form, the tick-all box)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.e2e, pytest.mark.no_db]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective}: ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`);
});
"""


@pytest.fixture
def watched(browser):
    """A phone-sized page that records every refusal of the policy, page by page."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    context.set_default_timeout(15_000)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)

    def visit(url: str) -> Page:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        return page

    def refusals() -> list[str]:
        return [*page.evaluate("window.__cspViolations"), *console]

    visit.page, visit.refusals = page, refusals
    yield visit
    context.close()


def log_in(visit, base: str, username: str, password: str = "shanzhi-demo") -> None:
    page = visit(base + "/login")
    page.fill("#login", username)
    page.fill("#password", password)
    page.locator("main #submit").click()
    expect(page).to_have_url(base + "/")


def test_the_api_docs_start_under_the_policy(live_server, watched, screenshot):
    page = watched(live_server + "/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Shanzhi")
    expect(page.locator(".opblock").first).to_be_visible()
    screenshot(page, "csp-api-docs")
    assert watched.refusals() == []


def test_social_work_pages_keep_to_the_policy(live_server, watched, screenshot):
    log_in(watched, live_server, "shegong")
    refused = {}
    page = watched(live_server + "/social-work/households")
    # The filter selects send their form when changed (data-autosubmit, no onchange=).
    page.locator("select[name=status]").select_option(index=1)
    page.wait_for_url(re.compile(r"status="))
    refused["households"] = watched.refusals()
    page = watched(live_server + "/social-work/households")
    page.locator("table a, .list-group a").filter(has_text=re.compile(r"\S")).first.click()
    page.wait_for_load_state("networkidle")
    household_url = page.url.split("?")[0]
    refused["household"] = watched.refusals()
    for name, path in (("print", "/print"), ("coverage", None), ("ledgers", None)):
        url = household_url + path if path else live_server + f"/social-work/{name}"
        watched(url)
        refused[name] = watched.refusals()
    screenshot(watched.page, "csp-ledgers")
    assert all(found == [] for found in refused.values()), refused


def test_event_pages_keep_to_the_policy(live_server, watched, screenshot):
    log_in(watched, live_server, "duizhang")
    refused = {}
    for path in ("/", "/calendar", "/calendar/agenda", "/calendar/subscribe", "/events", "/coverage"):
        watched(live_server + path)
        refused[path] = watched.refusals()
    page = watched(live_server + "/calendar")
    expect(page.locator(".month-grid")).to_be_visible()
    screenshot(page, "csp-month")
    assert all(found == [] for found in refused.values()), refused


def test_the_attendance_sheet_and_check_in_code_keep_to_the_policy(live_server, watched, screenshot):
    log_in(watched, live_server, "duizhang")
    links = "els => [...new Set(els.map(e => e.href))]"
    sheets = []
    for event in watched(live_server + "/events").locator("main a[href*='/events/']").evaluate_all(links):
        sheets += watched(event).locator("a[href$='/attendance']").evaluate_all(links)
    page = next(
        page for page in (watched(sheet) for sheet in sheets) if page.locator("input.tick").count()
    )  # a sheet with volunteers on it (the demo's past events have them)
    attendance = page.url.removeprefix(live_server)
    boxes = page.locator("input.tick")
    page.locator("#tick-all").check()  # data-tick-all, no onclick=: ticks every row
    assert all(boxes.nth(i).is_checked() for i in range(boxes.count()))
    refused = watched.refusals()
    page = watched(live_server + attendance.replace("/attendance", "/qr"))
    expect(page.locator("#qr svg")).to_be_visible()
    screenshot(page, "csp-qr")
    assert refused == [] and watched.refusals() == []


def test_the_volunteers_certificate_keeps_to_the_policy(live_server, watched, screenshot):
    log_in(watched, live_server, "zhiyuanzhe")
    page = watched(live_server + "/me/hours/certificate")
    expect(page.locator("[data-print]")).to_be_visible()
    screenshot(page, "csp-certificate")
    assert watched.refusals() == []
