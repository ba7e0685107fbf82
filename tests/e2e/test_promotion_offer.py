"""On a phone, a waitlisted volunteer is offered a freed place (the event asks promoted volunteers to confirm), reads
the notice in their inbox, follows its link and accepts the place. The event and the other sign-up are prepared
through the API of the live server; the notice goes out as the scheduler sends it (`reminders.dispatch`)."""

from __future__ import annotations

import re
import urllib.parse
import uuid
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.test_household_visit import log_in
from tests.e2e.test_outbox import dispatch
from tests.e2e.test_signup_waitlist import LOCAL, api, assert_no_sideways_scroll, token
from tests.reminders.conftest import free_port

pytestmark = [pytest.mark.e2e, pytest.mark.no_db]


def test_a_volunteer_accepts_an_offered_place_from_the_notice_link(live_server, live_env, phone_page, screenshot):
    staff = token(live_server, "tuanwei")
    community = api(live_server, "GET", "/api/v1/communities?q=" + urllib.parse.quote("同声"), token=staff)["items"][0]
    title = f"同声长者探访 {uuid.uuid4().hex[:6]}"
    start = datetime.combine((datetime.now(LOCAL) + timedelta(days=10)).date(), datetime.min.time()).replace(hour=9)
    event = api(live_server, "POST", "/api/v1/events", token=staff, body={
        "title": title,
        "kind": "cleanup",
        "community_id": community["id"],
        "place": "同声社区长者饭堂",
        "signup_opens_at": (datetime.now(LOCAL) - timedelta(hours=1)).isoformat(),
        "signup_closes_at": (start - timedelta(hours=2)).isoformat(),
        "status": "published",
        "promotion_confirm_hours": 24,
        "sessions": [{"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat(),
                      "roles": [{"name": "探访员", "capacity": 1}]}],
    })
    assert event["promotion_confirm_hours"] == 24
    role_id = event["sessions"][0]["roles"][0]["id"]
    first = token(live_server, "chenjiaxin")
    place = api(live_server, "POST", "/api/v1/signups", {"role_id": role_id}, token=first)
    assert place["status"] == "confirmed"
    volunteer = token(live_server, "zhiyuanzhe")
    waiting = api(live_server, "POST", "/api/v1/signups", {"role_id": role_id}, token=volunteer)
    assert waiting["status"] == "waitlisted"

    api(live_server, "DELETE", f"/api/v1/signups/{place['id']}", token=first)
    offered = api(live_server, "GET", f"/api/v1/signups/{waiting['id']}", token=volunteer)
    assert offered["status"] == "offered" and offered["offer_expires_at"]
    dispatch(live_env, free_port())  # the inbox copy goes out (email has nowhere to go here)

    page = phone_page
    log_in(page, live_server, "zhiyuanzhe", "shanzhi-demo")
    page.goto(live_server + "/notifications")
    notice = page.locator(".list-group-item", has_text=title).first
    expect(notice).to_be_visible()
    assert_no_sideways_scroll(page)
    screenshot(page, "offer-1-inbox")
    link = re.search(r"https?://\S+/signups/\d+/offer", notice.inner_text())
    assert link is not None, notice.inner_text()
    assert link.group(0).endswith(f"/signups/{waiting['id']}/offer")

    page.goto(link.group(0))
    expect(page.locator("#offer .accept-offer")).to_be_visible()
    assert_no_sideways_scroll(page)
    screenshot(page, "offer-2-offer-page")
    page.locator("#offer .accept-offer").click()

    mine = page.locator(f".my-signup[data-event='{title}'] .signup-status")
    expect(mine).to_have_attribute("data-status", "confirmed")
    expect(page.locator(".alert-success")).to_be_visible()
    assert_no_sideways_scroll(page)
    screenshot(page, "offer-3-accepted")
    assert api(live_server, "GET", f"/api/v1/signups/{waiting['id']}", token=volunteer)["status"] == "confirmed"
