"""A volunteer on a phone: logs in (Chinese by default), switches to English, logs out."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.e2e, pytest.mark.no_db]

SEED = Path(__file__).resolve().parents[2] / "seeds" / "lishui.json"
PHONE_WIDTH = 390


def demo_user(username: str) -> dict:
    users = json.loads(SEED.read_text(encoding="utf-8"))["users"]
    return next(user for user in users if user["username"] == username)


def assert_no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{page.url} is {width}px wide on a {PHONE_WIDTH}px phone"


def open_menu(page: Page) -> None:
    """On a phone the language buttons and the logout button sit in the collapsed navbar."""
    toggler = page.locator(".navbar-toggler")
    expect(toggler).to_be_visible()
    toggler.click()
    expect(page.locator("#mainnav")).to_have_class(re.compile(r"\bshow\b"))


def test_a_volunteer_logs_in_switches_to_english_and_logs_out_on_a_phone(live_server, phone_page, screenshot):
    page = phone_page
    volunteer = demo_user("zhiyuanzhe")

    page.goto(live_server + "/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    assert_no_sideways_scroll(page)
    screenshot(page, "01-welcome-zh")

    page.locator("main").get_by_role("link", name="登录").click()
    expect(page).to_have_url(live_server + "/login")
    expect(page.locator("main h1")).to_have_text("登录")
    assert_no_sideways_scroll(page)

    page.locator("input[name=login]").fill(volunteer["username"])
    page.locator("input[name=password]").fill(volunteer["password"])
    screenshot(page, "02-login-zh")
    page.locator("main [type=submit]").click()

    expect(page).to_have_url(live_server + "/")
    expect(page.locator("main h1")).to_contain_text(volunteer["display_name"])
    expect(page.locator("#who")).to_have_text(volunteer["display_name"])
    assert_no_sideways_scroll(page)
    screenshot(page, "03-home-zh")

    open_menu(page)
    screenshot(page, "04-menu-open-zh")
    page.locator("form#language-switch button[value=en]").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(live_server + "/")
    expect(page.locator("main h1")).to_contain_text(volunteer["display_name"])
    expect(page.locator("button#logout")).to_have_text("Log out")
    assert_no_sideways_scroll(page)
    screenshot(page, "05-home-en")

    open_menu(page)
    page.locator("button#logout").click()

    expect(page).to_have_url(live_server + "/login")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("main h1")).to_have_text("Log in")
    expect(page.locator("main [type=submit]")).to_have_value("Log in")
    expect(page.locator("#who")).to_have_count(0)
    assert_no_sideways_scroll(page)
    screenshot(page, "06-logged-out-en")


def test_a_wrong_password_shows_an_error_and_stays_on_the_login_page(live_server, phone_page, screenshot):
    page = phone_page
    page.goto(live_server + "/login")
    expect(page.locator("main h1")).to_have_text("登录")

    page.locator("input[name=login]").fill("zhiyuanzhe")
    page.locator("input[name=password]").fill("not-the-password")
    page.locator("main [type=submit]").click()

    expect(page).to_have_url(live_server + "/login")
    error = page.locator("main .invalid-feedback")
    expect(error).to_be_visible()
    expect(error).to_contain_text("用户名或密码错误")
    expect(page.locator("input[name=password]")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator("#who")).to_have_count(0)
    assert_no_sideways_scroll(page)
    screenshot(page, "07-wrong-password-zh")
