"""On a phone, an organiser meets the rules of a whole event (issue 11, items 4 and 20): completing is refused while
a session is still to come, naming it; a session added in the past is saved with a warning; the recurrence form
says which make-up working days a series is held on. The event is made through the live server's API."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.test_signup_waitlist import LOCAL, api, assert_no_sideways_scroll, token

pytestmark = [pytest.mark.e2e, pytest.mark.no_db]


def test_an_organiser_cannot_complete_an_event_with_a_session_to_come(live_server, phone_page, screenshot):
    staff = token(live_server, "tuanwei")
    now = datetime.now(LOCAL).replace(second=0, microsecond=0)
    role = [{"name": "清洁队员", "capacity": 3}]
    title = f"金溪河涌清漂 {uuid.uuid4().hex[:6]}"
    event = api(live_server, "POST", "/api/v1/events", token=staff, body={
        "title": title,
        "kind": "cleanup",
        "place": "金溪河涌",
        "signup_opens_at": (now - timedelta(days=10)).isoformat(),
        "signup_closes_at": (now - timedelta(days=3)).isoformat(),
        "status": "published",
        "sessions": [
            {"starts_at": (now - timedelta(days=2)).isoformat(),
             "ends_at": (now - timedelta(days=2, hours=-3)).isoformat(), "roles": role},
            {"title": "第二场", "starts_at": (now + timedelta(days=5)).isoformat(),
             "ends_at": (now + timedelta(days=5, hours=3)).isoformat(), "roles": role},
        ],
    })

    page = phone_page
    page.goto(live_server + "/login")
    page.locator("input[name=login]").fill("tuanwei")
    page.locator("input[name=password]").fill("shanzhi-demo")
    page.locator("main [type=submit]").click()
    expect(page.locator("#who")).to_have_count(1)

    page.goto(live_server + f"/events/{event['id']}")
    page.locator("#organiser-actions button[value=completed]").click()
    expect(page.locator(".alert-danger")).to_contain_text("第二场")
    expect(page.locator("#event-title")).to_have_text(title)
    assert_no_sideways_scroll(page)
    screenshot(page, "event-rules-1-completing-refused")

    page.goto(live_server + f"/events/{event['id']}/sessions/new")
    past = now - timedelta(days=1)
    page.locator("input[name=title]").fill("补记的一场")
    page.locator("input[name=starts_at]").fill(past.strftime("%Y-%m-%dT%H:%M"))
    page.locator("input[name=ends_at]").fill((past + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.locator("main [type=submit]").click()
    expect(page.locator(".alert-warning")).to_contain_text("补记的一场")
    assert_no_sideways_scroll(page)
    screenshot(page, "event-rules-2-session-in-the-past")

    page.goto(live_server + f"/events/{event['id']}/recurrence")
    expect(page.locator("main")).to_contain_text("同一假期")
    page.locator("input[name=add_makeup_workdays]").scroll_into_view_if_needed()
    assert_no_sideways_scroll(page)
    screenshot(page, "event-rules-3-recurrence-form")
