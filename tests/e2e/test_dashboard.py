"""The town dashboard on a phone, in Chromium: League staff open it at 390x844 and every chart is drawn (an SVG with
content inside each chart's container), with no console error and nothing refused by the Content-Security-Policy."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.test_content_security_policy import RECORD_VIOLATIONS

pytestmark = [pytest.mark.e2e, pytest.mark.no_db]


@pytest.fixture
def staff_phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, locale="zh-CN")
    context.set_default_timeout(15_000)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.console_errors = errors
    yield page
    context.close()


def test_league_staff_see_the_charts_drawn_on_a_phone(live_server, staff_phone, screenshot):
    page = staff_phone
    page.goto(live_server + "/login")
    page.fill("#login", "tuanwei")
    page.fill("#password", "shanzhi-demo")
    page.locator("main #submit").click()
    expect(page).to_have_url(live_server + "/")

    page.goto(live_server + "/reports/")
    page.wait_for_load_state("networkidle")
    charts = page.locator("[data-chart]")
    count = charts.count()
    assert count >= 5  # hours by month, by team, by community, events by kind and status, volunteers, coverage
    for i in range(count):
        chart = charts.nth(i)
        # ECharts' SVG renderer: an <svg> with drawn paths inside the container.
        expect(chart.locator("svg path").first).to_be_attached()
        assert chart.locator("svg path").count() > 3, chart.get_attribute("data-chart")
        box = chart.bounding_box()
        assert box and 0 < box["width"] <= 390 and box["height"] > 100
    # The seeded town served hours: the trend is drawn through them, and the table beside it holds them.
    expect(page.locator("#hours-by-month table tbody tr").first).to_be_visible()
    # Nothing wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.wait_for_timeout(300)  # a resize or a late draw would report its error by now
    screenshot(page, "dashboard-phone")
    page.screenshot(path="/tmp/h5_dashboard.png", full_page=True)
    assert page.evaluate("window.__cspViolations") == []
    assert page.console_errors == []
