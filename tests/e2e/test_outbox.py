"""An administrator finds a notice that could not be sent in the outbox, reads why, cancels it, thinks again and
sends it once more; the mail server is back and it goes out. The dispatch runs as the scheduler would run it
(`flask scheduler run-once reminders.dispatch` on the served database), against a closed port and then a real
local SMTP server (aiosmtpd)."""

from __future__ import annotations

import uuid

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, run_flask
from tests.e2e.test_household_visit import log_in
from tests.e2e.test_signup_waitlist import api, assert_no_sideways_scroll, token
from tests.reminders.conftest import SmtpSink, free_port

pytestmark = [pytest.mark.e2e, pytest.mark.no_db]


def dispatch(env: dict[str, str], mail_port: int) -> str:
    return run_flask(
        {**env, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(mail_port), "NOTIFY_MAX_ATTEMPTS": "1"},
        "scheduler", "run-once", "reminders.dispatch",
    )


def test_an_admin_retries_a_failed_email_from_the_outbox(live_server, live_env, browser, phone_page, screenshot):
    username = f"outbox{uuid.uuid4().hex[:6]}"
    api(live_server, "POST", "/api/v1/users", token=token(live_server, "admin", "shanzhi-admin"), body={
        "username": username, "password": "shanzhi-demo-1", "display_name": "邮件测试员",
        "email": f"{username}@example.org", "roles": ["league_staff"],
    })

    # The demo users have email addresses, so the seeded town has notices of its own due: they go first (and fail:
    # nothing listens on that port), so that the counts below are this test's notice alone.
    dispatch(live_env, free_port())

    # The user asks for a test notice; the mail server is down when the scheduler sends it.
    page = phone_page
    log_in(page, live_server, username, "shanzhi-demo-1")
    page.goto(live_server + "/notifications/preferences")
    page.locator("form[action$='/notifications/test'] button").click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert "failed 1" in dispatch(live_env, free_port())  # nothing listens there

    admin = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN")
    admin_page = admin.new_page()
    try:
        log_in(admin_page, live_server, "admin", "shanzhi-admin")
        admin_page.goto(f"{live_server}/admin/outbox?status=failed&q={username}")
        rows = admin_page.locator("#outbox-rows > li")
        expect(rows).to_have_count(1)
        failed = rows.first
        expect(failed).to_contain_text("邮件")
        expect(failed).to_contain_text("SMTP")  # the last error, in full
        expect(failed.locator(".badge")).to_have_text("发送失败")
        assert_no_sideways_scroll(admin_page)
        screenshot(admin_page, "outbox-failed-phone")

        failed.get_by_role("button", name="重发").click()
        expect(admin_page.locator(".alert-success")).to_be_visible()
        admin_page.goto(f"{live_server}/admin/outbox?q={username}&channel=email")
        row = admin_page.locator("#outbox-rows > li")
        expect(row.locator(".badge")).to_have_text("待发送")

        # Second thoughts: cancelled before the scheduler takes it, then sent again after all.
        row.get_by_role("button", name="取消").click()
        expect(row.locator(".badge")).to_have_text("已取消")
        expect(admin_page.locator("#outbox-counts")).to_contain_text("已取消")
        row.get_by_role("button", name="重发").click()
        expect(row.locator(".badge")).to_have_text("待发送")

        # The mail server is back: the next dispatch delivers it, once, with the outbox row's id.
        sink = SmtpSink()
        server = Controller(sink, hostname="127.0.0.1", port=free_port())
        server.start()
        try:
            assert "sent 1" in dispatch(live_env, server.port)
        finally:
            server.stop()
        assert len(sink.messages) == 1 and sink.messages[0]["To"].endswith(f"<{username}@example.org>")
        admin_page.reload()
        expect(admin_page.locator("#outbox-rows > li .badge")).to_have_text("已发送")
        row_id = sink.ids()[0]
        expect(admin_page.locator("#outbox-rows")).to_contain_text(f"#{row_id}")

        screenshot(admin_page, "outbox-after-retry-phone")
    finally:
        admin.close()
