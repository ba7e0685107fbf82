"""On a phone: a volunteer changes their password; the session on their other device ends at once, and an admin's
"log out everywhere" ends the new one too."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, run_flask
from tests.e2e.support import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.no_db]


def _phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN")
    context.set_default_timeout(15_000)
    return context, context.new_page()


def test_a_password_change_and_log_out_everywhere_end_the_other_sessions(live_server, live_env, browser, screenshot):
    run_flask(live_env, "users", "create", "liangxiao", "--password", "old-password-1", "--role", "volunteer")
    (first, phone), (second, tablet) = _phone(browser), _phone(browser)
    try:
        log_in(phone, live_server, "liangxiao", "old-password-1")
        log_in(tablet, live_server, "liangxiao", "old-password-1")

        phone.goto(live_server + "/profile")
        phone.locator("#change-password").click()
        phone.fill("#current_password", "old-password-1")
        phone.fill("#new_password", "new-password-2")
        screenshot(phone, "password-change")
        phone.locator("main #submit").click()
        expect(phone.locator(".alert-success")).to_be_visible()
        expect(phone.locator("#logout")).to_have_count(1)  # still signed in (the menu is folded on a phone)

        tablet.goto(live_server + "/profile")
        expect(tablet).to_have_url(live_server + "/login?next=/profile")

        admin_context, admin = _phone(browser)
        log_in(admin, live_server, "admin", "shanzhi-admin")
        admin.goto(live_server + "/admin/users?q=liangxiao")
        admin.locator("main a", has_text="liangxiao").first.click()
        admin.locator("#log-out-everywhere button").click()
        expect(admin.locator(".alert-success")).to_be_visible()
        screenshot(admin, "log-out-everywhere")
        admin_context.close()

        phone.goto(live_server + "/profile")
        expect(phone).to_have_url(live_server + "/login?next=/profile")
    finally:
        first.close()
        second.close()
