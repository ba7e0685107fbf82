"""On a phone: the check-in page days before a session says when check-in opens (no button); a team leader's large
hours correction waits until town staff approve it; the volunteer's certificate shows the star level. The event
is our own (unique title); the corrected hours are those of a demo volunteer's past clean-up."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.test_household_visit import log_in
from tests.e2e.test_signup_waitlist import LOCAL, api, assert_no_sideways_scroll, token

pytestmark = [pytest.mark.e2e, pytest.mark.no_db]


def a_free_morning(base: str, volunteer: str) -> datetime:
    """9:00 on the first day from three days on whose morning the volunteer has no session: the demo's events have
    fixed dates, and a clash with one of them would refuse the sign-up on some days of the year and not others."""
    mine = api(base, "GET", "/api/v1/me/signups?upcoming=1&per_page=100", token=volunteer)["items"]
    taken = [(datetime.fromisoformat(s["starts_at"]), datetime.fromisoformat(s["ends_at"])) for s in mine]
    today = datetime.now(LOCAL).date()
    for days in range(3, 60):
        start = datetime.combine(today + timedelta(days=days), time(9), tzinfo=LOCAL)
        if not any(begins < start + timedelta(hours=3) and start < ends for begins, ends in taken):
            return start
    raise AssertionError("the demo volunteer has a session every morning for two months")


def test_check_in_before_the_window_says_when_it_opens(live_server, phone_page, screenshot):
    staff = token(live_server, "tuanwei")
    volunteer = token(live_server, "zhiyuanzhe")
    start = a_free_morning(live_server, volunteer)
    event = api(live_server, "POST", "/api/v1/events", token=staff, body={
        "title": f"金溪河涌清漂 {uuid.uuid4().hex[:6]}", "kind": "cleanup", "place": "金溪村口",
        "signup_opens_at": (datetime.now(LOCAL) - timedelta(hours=1)).isoformat(),
        "signup_closes_at": (start - timedelta(hours=2)).isoformat(), "status": "published",
        "sessions": [{"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=3)).isoformat(),
                      "roles": [{"name": "清漂队员", "capacity": 5}]}],
    })  # fmt: skip
    session = event["sessions"][0]
    api(live_server, "POST", "/api/v1/signups", {"role_id": session["roles"][0]["id"]}, token=volunteer)

    page = phone_page
    log_in(page, live_server, "tuanwei", "shanzhi-demo")
    page.goto(live_server + f"/sessions/{session['id']}/qr")
    check_in_url = page.locator("main code").inner_text()
    page.context.clear_cookies()

    log_in(page, live_server, "zhiyuanzhe", "shanzhi-demo")
    page.goto(check_in_url)
    expect(page.locator("#check-in-opens")).to_contain_text((start - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"))
    expect(page.locator("#scan")).to_have_count(0)
    assert_no_sideways_scroll(page)
    screenshot(page, "hours-1-check-in-not-yet")

    page.goto(live_server + "/me/hours/certificate")
    expect(page.locator("#cert-stars")).to_contain_text("★")
    assert_no_sideways_scroll(page)
    screenshot(page, "hours-2-certificate-stars")


def test_a_large_correction_counts_once_town_staff_approve_it(live_server, phone_page, screenshot):
    mine = api(live_server, "GET", "/api/v1/me/signups?per_page=100", token=token(live_server, "liusitong"))["items"]
    signup = next(s for s in mine if s["event"].startswith("里水义工联周六"))
    hours_before = api(live_server, "GET", "/api/v1/me/hours", token=token(live_server, "liusitong"))["hours"]

    page = phone_page
    log_in(page, live_server, "duizhang", "shanzhi-demo")  # leads the team that ran the clean-up
    for value, reason in (("0", "签到记录有误，先清零"), ("6", "补录全程，含准备和收尾")):
        page.goto(live_server + f"/signups/{signup['id']}/hours")
        page.fill("#hours", value)
        page.fill("#reason", reason)
        page.locator("main [type=submit]").click()
    expect(page.locator(".alert-warning")).to_be_visible()  # waits for a second staff member
    expect(page.locator(".pending-correction")).to_contain_text("补录全程")
    assert_no_sideways_scroll(page)
    screenshot(page, "hours-3-correction-pending")
    page.context.clear_cookies()

    log_in(page, live_server, "tuanwei", "shanzhi-demo")
    page.goto(live_server + "/hours-corrections")
    item = page.locator(".correction-item", has_text="刘思彤")
    expect(item).to_contain_text("补录全程")
    assert_no_sideways_scroll(page)
    screenshot(page, "hours-4-corrections-to-approve")
    item.locator("button.btn-outline-success").click()
    expect(page.locator(".alert-success")).to_be_visible()
    hours_after = api(live_server, "GET", "/api/v1/me/hours", token=token(live_server, "liusitong"))["hours"]
    assert hours_after == pytest.approx(hours_before - 4 + 6)  # the 4-hour session now counts 6 hours
