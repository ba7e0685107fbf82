"""A deputy on a phone: the reception they were on duty at, its visitors masked for them, and the needs they took
there, which they follow and answer; the public meeting page shows questions and commitments without names."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.support import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.no_db]

VISITOR_PHONE = "13926040001"  # a visitor of the seeded reception (seeds/needs.json)


def fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url


def test_a_deputy_follows_their_reception_and_answers_a_need(live_server, phone_page, screenshot):
    page = phone_page
    log_in(page, live_server, "daibiao")
    page.goto(live_server + "/receptions/recorded")
    page.locator("main a[href^='/receptions/']").filter(has_text=re.compile(r"\d")).first.click()
    body = page.locator("main")
    expect(body).to_contain_text("罗锦华")  # on duty
    assert VISITOR_PHONE not in page.content()  # visitors' phones are masked for a deputy
    fits(page)
    screenshot(page, "deputy-1-reception")

    page.goto(live_server + "/needs")
    page.locator("main a[href^='/needs/']").filter(has_text=re.compile("XQ-")).first.click()
    expect(page.locator(".need-status").first).to_be_visible()
    page.locator("#action-reply summary").click()
    page.locator("#action-reply textarea").fill("已与街道沟通，本周内安排维修。")
    page.locator("#action-reply button[type=submit], #action-reply input[type=submit]").click()
    expect(page.locator("#need-history")).to_contain_text("本周内安排维修")
    fits(page)
    screenshot(page, "deputy-2-need-answered")


def test_the_public_meeting_page_shows_questions_and_commitments_without_names(live_server, phone_page, screenshot):
    page = phone_page
    page.goto(live_server + "/meetings?when=past")
    links = page.locator("main a[href^='/meetings/']").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    meetings = [href for href in links if re.fullmatch(r"/meetings/\d+", href)]
    for href in meetings:  # the seeded meeting that made commitments
        page.goto(live_server + href)
        if page.locator("main progress.commitment-progress").count():
            break
    expect(page.locator("main progress.commitment-progress").first).to_be_visible()
    assert not re.search(r"1[3-9]\d{9}", page.locator("main").inner_text())  # no phone number of anyone
    fits(page)
    screenshot(page, "meeting-public")
