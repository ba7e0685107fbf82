"""A social worker (shegong) on a phone: sees what is due, opens a household file, logs a visit with a
follow-up, and the visit shows in the file. Then the admin sees the reads in the audit log."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.support import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.no_db]

PHONE_WIDTH = 390
HOUSEHOLD_ADDRESS = "新兴社区东街12号"  # 陈桂英's household in seeds/socialwork.json


def assert_no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{page.url} is {width}px wide on a {PHONE_WIDTH}px phone"


def test_a_social_worker_logs_a_visit_on_a_phone(live_server, phone_page, screenshot):
    page = phone_page
    log_in(page, live_server, "shegong")
    screenshot(page, "socialwork-home-card")

    page.goto(live_server + "/social-work/")
    expect(page.locator("#overdue .follow-up").first).to_be_visible()  # the seeds have overdue follow-ups
    assert_no_sideways_scroll(page)
    screenshot(page, "socialwork-due-and-overdue")

    page.goto(live_server + "/social-work/households")
    assert_no_sideways_scroll(page)
    screenshot(page, "socialwork-households")
    page.locator("#household-list a", has_text=HOUSEHOLD_ADDRESS).click()
    expect(page.locator("#household-head")).to_have_text("陈桂英")
    expect(page.locator("#prompts")).to_be_visible()
    content = page.content()
    assert "440605********" in content and "13926010001" not in content  # masked until revealed
    assert_no_sideways_scroll(page)
    screenshot(page, "socialwork-household-file")

    page.locator("#log-visit").click()
    expect(page.locator("#visit-form")).to_be_visible()
    page.select_option("#contact_type", "home")
    page.fill("#met", "陈桂英")
    page.fill("#purpose", "季度探访，了解复诊情况")
    page.locator("#needs label", has_text=re.compile("医疗|Medical")).click()
    page.select_option("#risk_level", "medium")
    page.fill("#measures", "讲解医疗救助，预约陪诊")
    page.fill("#follow_up_task", "陪同复诊")
    page.fill("#follow_up_due_on", "2099-12-31")
    assert_no_sideways_scroll(page)
    screenshot(page, "socialwork-visit-form")
    page.locator("#save-visit").click()

    expect(page).to_have_url(re.compile(r"/social-work/households/\d+\?tab=visits$"))
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#visits .visit").first).to_contain_text("季度探访，了解复诊情况")
    assert_no_sideways_scroll(page)
    screenshot(page, "socialwork-visit-saved")

    page.locator("#tab-follow-ups").click()
    expect(page.locator("#follow-ups")).to_contain_text("陪同复诊")
    screenshot(page, "socialwork-follow-ups")


def test_the_audit_log_shows_who_read_the_household(live_server, browser, screenshot):
    context = browser.new_context(viewport={"width": 1024, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server, "admin", "shanzhi-admin")
        page.goto(live_server + "/admin/audit?object_type=household&action=view")
        expect(page.locator("main")).to_contain_text("shegong")
        screenshot(page, "socialwork-audit-log")
    finally:
        context.close()
