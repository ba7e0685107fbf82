"""On a phone, a visitor who has not logged in sees what is on from the home page, opens an event (its roles and
places, no roster), follows "log in to sign up" to the login page with next= back to the event, and after logging
in is back on the event with the sign-up button. The event is our own, made through the API of the live server."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.e2e.test_signup_waitlist import LOCAL, api, assert_no_sideways_scroll, token

pytestmark = [pytest.mark.e2e, pytest.mark.no_db]


def test_a_visitor_finds_an_event_from_home_and_is_sent_to_log_in_to_sign_up(live_server, phone_page, screenshot):
    staff = token(live_server, "tuanwei")
    leader = token(live_server, "duizhang")
    community = api(live_server, "GET", "/api/v1/communities?q=%E7%99%BD%E5%B2%97", token=staff)["items"][0]  # 白岗
    title = f"白岗河涌护河 {uuid.uuid4().hex[:6]}"
    start = datetime.combine((datetime.now(LOCAL) + timedelta(days=1)).date(), datetime.min.time()).replace(hour=19)
    event = api(live_server, "POST", "/api/v1/events", token=staff, body={
        "title": title,
        "kind": "cleanup",
        "community_id": community["id"],
        "place": "白岗社区河涌",
        "signup_opens_at": (datetime.now(LOCAL) - timedelta(hours=1)).isoformat(),
        "signup_closes_at": (start - timedelta(hours=2)).isoformat(),
        "status": "published",
        "sessions": [{"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat(),
                      "roles": [{"name": "护河队员", "capacity": 5}]}],
    })
    role_id = event["sessions"][0]["roles"][0]["id"]
    place = api(live_server, "POST", "/api/v1/signups", {"role_id": role_id}, token=leader)
    assert place["status"] == "confirmed"

    page = phone_page
    page.goto(live_server + "/")
    expect(page.locator("#register")).to_be_visible()
    listed = page.locator("#upcoming-events .event-item", has_text=title)
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text("1 / 5")
    assert_no_sideways_scroll(page)
    screenshot(page, "visitor-1-home")

    listed.click()
    expect(page.locator("#event-title")).to_have_text(title)
    role = page.locator(f"#role-{role_id}")
    expect(role).to_contain_text("护河队员")
    expect(page.locator("main")).not_to_contain_text("何志强")  # the confirmed volunteer's name stays private
    expect(page.locator(f"main a[href*='/roles/{role_id}/signups']")).to_have_count(0)
    assert_no_sideways_scroll(page)
    screenshot(page, "visitor-2-event")

    role.locator("a.log-in-to-sign-up").click()
    expect(page.locator("input[name=login]")).to_be_visible()
    url = urlsplit(page.url)
    assert url.path == "/login" and parse_qs(url.query)["next"] == [f"/events/{event['id']}"]
    screenshot(page, "visitor-3-login")

    page.locator("input[name=login]").fill("zhiyuanzhe")
    page.locator("input[name=password]").fill("shanzhi-demo")
    page.locator("main [type=submit]").click()
    expect(page.locator("#event-title")).to_have_text(title)
    expect(page.locator(f"#role-{role_id} button.sign-up")).to_be_visible()
