"""A new person registers as a volunteer on a phone and afterwards sees their ID number masked."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from volunteer_app.core.identity import check_character, mask_id_number

pytestmark = [pytest.mark.e2e, pytest.mark.no_db]

PHONE_WIDTH = 390
FIRST17 = f"440605{date(1999, 8, 8):%Y%m%d}136"
ID_NUMBER = FIRST17 + check_character(FIRST17)
MOBILE = "13700137136"


def assert_no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{page.url} is {width}px wide on a {PHONE_WIDTH}px phone"


def test_a_new_person_registers_as_a_volunteer_on_a_phone_and_sees_their_masked_id(live_server, phone_page, screenshot):
    page = phone_page
    page.goto(live_server + "/")
    page.locator("main a[href='/volunteers/register']").click()
    expect(page).to_have_url(live_server + "/volunteers/register")
    assert_no_sideways_scroll(page)

    # A first try with a mistyped ID number: the field says so and keeps what was typed elsewhere.
    page.fill("#username", "xinyigong")
    page.fill("#password", "li-shui-2026")
    page.fill("#name", "麦晓琳")
    page.fill("#phone", MOBILE)
    page.fill("#id_number", ID_NUMBER[:-1] + ("0" if ID_NUMBER[-1] != "0" else "1"))
    page.select_option("#political_status", "league_member")
    page.select_option("#community_id", label="里水镇 · 金溪")
    page.fill("#skills", "摄影，急救")
    page.get_by_label(re.compile("周末|Weekends")).check()
    page.locator("#register-form [type=submit]").click()
    expect(page.locator("#id_number")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator("#id_number ~ .invalid-feedback")).to_be_visible()
    expect(page.locator("#name")).to_have_value("麦晓琳")
    assert_no_sideways_scroll(page)
    screenshot(page, "volunteer-registration-error")

    page.fill("#id_number", ID_NUMBER)
    page.fill("#password", "li-shui-2026")
    screenshot(page, "volunteer-registration-form")
    page.locator("#register-form [type=submit]").click()

    expect(page).to_have_url(live_server + "/volunteers/me")
    expect(page.locator("main h1")).to_have_text("麦晓琳")
    expect(page.locator("#id_number-masked")).to_have_text(mask_id_number(ID_NUMBER))
    expect(page.locator("#phone-masked")).to_have_text("137****7136")
    expect(page.locator("#who")).to_have_count(1)
    content = page.content()
    assert ID_NUMBER not in content and MOBILE not in content
    assert_no_sideways_scroll(page)
    screenshot(page, "volunteer-registration-done")
