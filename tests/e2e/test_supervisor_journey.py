"""The social-work station supervisor (zhanzhang) on a phone: sees which workers and communities have overdue
follow-ups, opens a household file of the station, reviews the visits logged there and who looked at the file.
Only reads: the files and follow-ups other journeys work on stay as seeded."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.support import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.no_db]

PHONE_WIDTH = 390
HOUSEHOLD_ADDRESS = "新兴社区东街12号"  # 陈桂英's household in seeds/socialwork.json, at a point of the station


def fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{page.url} is {width}px wide on a {PHONE_WIDTH}px phone"


def test_a_supervisor_reviews_overdue_work_visits_and_who_looked(live_server, phone_page, screenshot):
    page = phone_page
    log_in(page, live_server, "zhanzhang")
    page.locator("main a[href='/social-work/']").first.click()
    per_worker = page.locator("#supervisor-overdue")
    expect(per_worker).to_be_visible()
    expect(per_worker.locator("tbody tr td.text-end").first).to_have_text(re.compile(r"[1-9]\d*"))  # seeded overdue
    fits(page)
    screenshot(page, "supervisor-1-overdue-per-worker")

    page.goto(live_server + "/social-work/households")
    page.locator("#household-list a", has_text=HOUSEHOLD_ADDRESS).click()
    expect(page.locator("#household-head")).to_have_text("陈桂英")
    assert "13926010001" not in page.content()  # numbers masked for the supervisor too, until revealed

    page.locator("#tab-visits").click()
    visits = page.locator("#visits")
    expect(visits).to_be_visible()
    visits.locator("a[href*='/visits/']").first.click()
    expect(page).to_have_url(re.compile(r"/households/\d+/visits/\d+$"))
    fits(page)
    screenshot(page, "supervisor-2-visit")

    page.go_back()
    page.locator("#tab-looked").click()  # only the station's supervisor has this tab
    looks = page.locator("#looked .look")
    expect(looks.first).to_be_visible()
    expect(page.locator("#looked")).to_contain_text("zhanzhang")  # their own reading of the file is recorded too
    fits(page)
    screenshot(page, "supervisor-3-who-looked")
