"""The administrator on a phone: opens an account for a new member of staff and grants them a role; when a stranger
tries passwords on that account, the admin sees the logins slowed in the audit log and on the account, and lifts
the wait. Works on an account of its own, so the demo logins other journeys use are left as they were."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.e2e, pytest.mark.no_db]

PHONE_WIDTH = 390
WRONG_PASSWORDS = 5  # LOGIN_THROTTLE_AFTER's default: the fifth failure in a row slows the account's logins


def log_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(base + "/login")
    page.fill("#login", username)
    page.fill("#password", password)
    page.locator("main #submit").click()


def fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{page.url} is {width}px wide on a {PHONE_WIDTH}px phone"


def test_an_admin_opens_an_account_grants_a_role_and_sees_a_strangers_password_guessing(
    live_server, phone_page, browser, screenshot
):
    page = phone_page
    username = f"e2e-{uuid.uuid4().hex[:8]}"
    log_in(page, live_server, "admin", "shanzhi-admin")
    expect(page).to_have_url(live_server + "/")

    page.goto(live_server + "/admin/users/new")
    page.fill("#username", username)
    page.fill("#display_name", "周晓岚")
    page.fill("#password", "Lishui-e2e-2026!")
    page.select_option("#roles", ["volunteer"])
    page.locator("main #submit").click()
    expect(page.locator("main h1")).to_contain_text("周晓岚")
    detail_url = page.url

    page.select_option("#role", "league_staff")
    page.locator("main #submit").click()
    roles = page.locator("main .list-group-item")
    expect(roles.filter(has_text="团委")).to_have_count(1)  # the role granted, shown on the account
    fits(page)
    screenshot(page, "admin-1-role-granted")

    stranger = browser.new_context(viewport={"width": PHONE_WIDTH, "height": 844}, locale="zh-CN")
    try:
        guesser = stranger.new_page()
        for attempt in range(WRONG_PASSWORDS):
            log_in(guesser, live_server, username, f"guess-{attempt}")
            expect(guesser.locator("main .alert-danger, main .invalid-feedback").first).to_be_visible()
    finally:
        stranger.close()

    page.goto(live_server + "/admin/audit?action=throttle")
    entries = page.locator("#audit-entries .list-group-item")
    expect(entries.filter(has_text=username).first).to_be_visible()
    fits(page)
    screenshot(page, "admin-2-throttle-in-audit-log")

    page.goto(detail_url)
    expect(page.locator("main dl")).to_contain_text("登录")  # "logins slowed until ..."
    page.get_by_role("button", name="启用并解锁账号").click()
    expect(page.locator("main dl")).to_contain_text("正常")
    fits(page)
    screenshot(page, "admin-3-unlocked")
