"""A social worker on a phone opens a seeded visit that recorded policies (the page answered 500 for any visit
with policies) and reads the policies by name."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_household_visit import HOUSEHOLD_ADDRESS, assert_no_sideways_scroll, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.no_db]


def test_a_visit_with_policies_opens_and_names_them(live_server, phone_page, screenshot):
    page = phone_page
    log_in(page, live_server, "shegong", "shanzhi-demo")
    page.goto(live_server + "/social-work/households")
    page.locator("#household-list a", has_text=HOUSEHOLD_ADDRESS).click()
    page.locator("#tab-visits").click()
    page.locator("#visits .visit", has_text="首次入户建档").click()
    expect(page).to_have_url(re.compile(r"/social-work/households/\d+/visits/\d+$"))
    main = page.locator("main")
    expect(main).to_contain_text("最低生活保障（低保）")
    expect(main).to_contain_text("医疗救助")
    assert_no_sideways_scroll(page)
    screenshot(page, "socialwork-visit-with-policies")
