"""On a phone, a volunteer finds an event, signs up, is put on the waitlist, and is promoted when the volunteer
holding the only place cancels. The event and the first sign-up are prepared through the API of the live server
(the seeded database is shared by every browser test, so the event is our own, with a unique title)."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.e2e, pytest.mark.no_db]

PHONE_WIDTH = 390
LOCAL = ZoneInfo("Asia/Shanghai")


def api(base: str, method: str, path: str, body: dict | None = None, token: str | None = None) -> dict:
    request = urllib.request.Request(
        base + path,
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        raw = response.read()
        return json.loads(raw) if raw else {}


def token(base: str, username: str, password: str = "shanzhi-demo") -> str:
    return api(base, "POST", "/api/v1/auth/token", {"username": username, "password": password})["access_token"]


def assert_no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{page.url} is {width}px wide on a {PHONE_WIDTH}px phone"


def test_a_volunteer_is_waitlisted_on_a_phone_and_promoted_when_someone_cancels(live_server, phone_page, screenshot):
    staff = token(live_server, "tuanwei")
    community = api(live_server, "GET", "/api/v1/communities?q=" + urllib.parse.quote("同声"), token=staff)["items"][0]
    title = f"同声河涌清漂 {uuid.uuid4().hex[:6]}"
    day = (datetime.now(LOCAL) + timedelta(days=20)).date()
    start = datetime.combine(day, datetime.min.time()).replace(hour=19)
    event = api(live_server, "POST", "/api/v1/events", token=staff, body={
        "title": title,
        "kind": "cleanup",
        "community_id": community["id"],
        "place": "同声社区河涌",
        "signup_opens_at": (datetime.now(LOCAL) - timedelta(hours=1)).isoformat(),
        "signup_closes_at": (start - timedelta(hours=2)).isoformat(),
        "status": "published",
        "sessions": [{"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat(),
                      "roles": [{"name": "清漂队员", "capacity": 1}]}],
    })
    role_id = event["sessions"][0]["roles"][0]["id"]
    first = token(live_server, "chenjiaxin")
    place = api(live_server, "POST", "/api/v1/signups", {"role_id": role_id}, token=first)
    assert place["status"] == "confirmed"

    page = phone_page
    page.goto(live_server + "/login")
    page.locator("input[name=login]").fill("zhiyuanzhe")
    page.locator("input[name=password]").fill("shanzhi-demo")
    page.locator("main [type=submit]").click()
    expect(page.locator("#who")).to_have_count(1)

    page.goto(live_server + "/events")
    page.locator("main input[name=q]").fill(title)
    page.locator("main form[role=search] [type=submit]").click()
    expect(page.locator(".event-item")).to_have_count(1)
    assert_no_sideways_scroll(page)
    screenshot(page, "events-1-found")

    page.locator(".event-item").click()
    expect(page.locator("#event-title")).to_have_text(title)
    page.locator(f"#role-{role_id} button.sign-up").click()
    badge = page.locator(f"#role-{role_id} .signup-status")
    expect(badge).to_have_attribute("data-status", "waitlisted")
    expect(badge).to_contain_text("1")
    expect(page.locator(".alert-warning")).to_be_visible()
    assert_no_sideways_scroll(page)
    screenshot(page, "events-2-waitlisted")

    api(live_server, "DELETE", f"/api/v1/signups/{place['id']}", token=first)

    page.goto(live_server + "/me/signups")
    mine = page.locator(f".my-signup[data-event='{title}'] .signup-status")
    expect(mine).to_have_attribute("data-status", "confirmed")
    assert_no_sideways_scroll(page)
    screenshot(page, "events-3-promoted")

    page.goto(live_server + f"/events/{event['id']}")
    expect(page.locator(f"#role-{role_id} .signup-status")).to_have_attribute("data-status", "confirmed")
    screenshot(page, "events-4-event-confirmed")
