"""A volunteer on a phone opens their profile from the menu, sees the demo address in use, gives a new one and
sees it wait for confirmation while the old one stays in use."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.test_household_visit import assert_no_sideways_scroll, log_in
from tests.e2e.test_signup_waitlist import api, token

pytestmark = [pytest.mark.e2e, pytest.mark.no_db]


def test_a_volunteer_changes_their_email_address_on_a_phone(live_server, phone_page, screenshot):
    # The served town is shared by the browser tests: the language test leaves this volunteer's choice at English.
    api(live_server, "PATCH", "/api/v1/me", {"locale": "zh_CN"}, token=token(live_server, "zhiyuanzhe"))
    page = phone_page
    log_in(page, live_server, "zhiyuanzhe", "shanzhi-demo")
    page.locator(".navbar-toggler").click()
    page.locator("#who").click()
    expect(page.locator("h1")).to_have_text("个人资料")
    expect(page.locator("#email-in-use")).to_have_text("zhiyuanzhe@example.org")
    assert_no_sideways_scroll(page)
    screenshot(page, "profile")

    page.fill("#email", "liang.zixuan@example.org")
    page.locator("#profile #submit").click()
    expect(page.locator(".alert-info")).to_contain_text("liang.zixuan@example.org")
    expect(page.locator("#pending-email")).to_contain_text("liang.zixuan@example.org")
    expect(page.locator("#email-in-use")).to_have_text("zhiyuanzhe@example.org")
    assert_no_sideways_scroll(page)
    screenshot(page, "profile-email-pending")
