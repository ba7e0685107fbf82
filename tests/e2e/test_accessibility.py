"""The main pages pass axe-core (WCAG 2.1 A and AA rules) in Chromium with no serious or critical violation, at
phone size, and their forms are usable by keyboard alone. axe-core is vendored for the tests into third_party/
(scripts/vendor-axe)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.conftest import PHONE
from tests.e2e.support import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.no_db]

# Vendored third-party code, kept out of tests/: it is not ours to lint or scan.
AXE_DIR = Path(__file__).resolve().parents[2] / "third_party" / "axe-core"
AXE = (AXE_DIR / "axe.min.js").read_text()
SERIOUS = {"serious", "critical"}


def _page(browser: Browser) -> Page:
    # bypass_csp: axe is evaluated into the page by the test, which the site's own policy rightly refuses.
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, locale="zh-CN", bypass_csp=True)
    context.set_default_timeout(15_000)
    return context.new_page()


def _violations(page: Page) -> list[str]:
    page.evaluate(AXE)
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {', '.join(n['target'][0] for n in v['nodes'][:3])}"
        for v in result["violations"]
        if v["impact"] in SERIOUS
    ]


def _first_link(page: Page, base: str, path: str, pattern: str) -> str:
    page.goto(base + path)
    href = page.locator(f"main a[href*='{pattern}']").first.get_attribute("href")
    assert href, f"no link like {pattern} on {path}"
    return href


def _check(page: Page, base: str, paths: list[str], problems: list[str]) -> None:
    for path in paths:
        page.goto(base + path)
        problems.extend(f"{path}: {found}" for found in _violations(page))


def test_the_main_pages_have_no_serious_accessibility_violation(live_server, browser):
    problems: list[str] = []
    visitor = _page(browser)
    event = _first_link(visitor, live_server, "/events", "/events/")
    _check(visitor, live_server, ["/", "/events", event, "/needs/raise", "/needs/track", "/login"], problems)

    volunteer = _page(browser)
    log_in(volunteer, live_server, "zhiyuanzhe")
    _check(volunteer, live_server, ["/", event, "/me/signups", "/me/hours"], problems)

    worker = _page(browser)
    log_in(worker, live_server, "shegong")
    worker.goto(live_server + "/social-work/households")
    household = worker.locator("#household-list a").first.get_attribute("href").split("?")[0]
    _check(worker, live_server, [household, household + "/visits/new"], problems)

    staff = _page(browser)
    log_in(staff, live_server, "tuanwei")
    staff.goto(live_server + "/needs")
    need = staff.locator("main a[href^='/needs/']").filter(has_text=re.compile("XQ-")).first.get_attribute("href")
    _check(staff, live_server, ["/reports/", "/needs", need], problems)

    for page in (visitor, volunteer, worker, staff):
        page.context.close()
    assert not problems, "\n".join(problems)


def test_the_need_form_can_be_filled_and_sent_by_keyboard_alone(live_server, browser):
    page = _page(browser)
    page.goto(live_server + "/needs/raise")
    page.locator("#category").focus()
    page.keyboard.press("ArrowDown")  # the first category
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.id")
    assert focused, "Tab leaves the category for a field that has an id (and so a label)"
    labels = page.evaluate(
        "() => [...document.querySelectorAll('main input, main select, main textarea')]"
        ".filter(e => !['hidden', 'submit'].includes(e.type) && !e.labels.length && !e.getAttribute('aria-label'))"
        ".map(e => e.name)"
    )
    assert labels == [], f"fields without a label: {labels}"
    page.context.close()


def test_every_field_of_the_main_forms_has_a_label(live_server, browser):
    page = _page(browser)
    unlabelled = {}
    for path in ("/login", "/needs/raise", "/volunteers/register"):
        page.goto(live_server + path)
        missing = page.evaluate(
            "() => [...document.querySelectorAll('input, select, textarea')]"
            ".filter(e => !['hidden', 'submit'].includes(e.type) && !e.labels.length"
            " && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby')).map(e => e.name || e.id)"
        )
        if missing:
            unlabelled[path] = missing
    page.context.close()
    assert not unlabelled, unlabelled
    assert re.match(r"^\d+\.\d+\.\d+$", (AXE_DIR / "VERSION").read_text().strip())
