"""The loop of the whole article, on phones: a resident raises a need without an account (点单), League staff
dispatch it to the team paired with the community (派单), the team's leader accepts it, turns it into an event and
closes it with what was done (接单), and the resident rates the handling from the status page (评单)."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import PHONE
from tests.e2e.support import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.no_db]

PAIRED_TEAM = "里水义工联"  # paired with 草场 in seeds/lishui.json


def phone(browser: Browser) -> Page:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN")
    context.set_default_timeout(15_000)
    return context.new_page()


def fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def test_a_need_goes_from_raising_to_rating_on_phones(live_server, browser, screenshot):
    what = f"草场村口垃圾桶满溢，已经三天没人清运 {uuid.uuid4().hex[:6]}"

    # 点单: a resident, no account.
    resident = phone(browser)
    resident.goto(live_server + "/needs/raise")
    resident.select_option("#category", "environment")
    resident.select_option("#community_id", label="里水镇 · 草场")
    resident.fill("#description", what)
    resident.fill("#place", "草场村口")
    resident.fill("#contact_name", "王阿姨")
    resident.fill("#contact_phone", "13712345678")
    resident.check("#may_contact")
    fits_the_phone(resident)
    resident.locator("main #submit").click()
    number = resident.locator("#tracking-number").input_value().strip()
    assert re.fullmatch(r"XQ-[0-9A-Z]{4}-[0-9A-Z]{4}", number), number
    screenshot(resident, "need-journey-1-raised")

    # 派单: League staff find it and dispatch it; the paired team is offered first.
    staff = phone(browser)
    log_in(staff, live_server, "tuanwei")
    staff.goto(f"{live_server}/needs?q={number}")
    staff.get_by_role("link", name=re.compile(number)).first.click()
    need_url = staff.url
    staff.locator("#action-assign summary").click()
    teams = staff.locator("select[name=assign-assignee] optgroup").first.locator("option")
    first_team = teams.first.inner_text()
    assert PAIRED_TEAM in first_team and "★" in first_team, first_team
    staff.select_option("select[name=assign-assignee]", value=teams.first.get_attribute("value"))
    staff.locator("#action-assign button[type=submit], #action-assign input[type=submit]").click()
    expect(staff.locator(".need-status").first).to_have_attribute("data-status", "assigned")
    fits_the_phone(staff)
    screenshot(staff, "need-journey-2-dispatched")

    # 接单: the team's leader accepts, turns it into an event, and closes it.
    leader = phone(browser)
    log_in(leader, live_server, "duizhang")
    leader.goto(need_url)
    leader.locator("#action-accept button").click()
    expect(leader.locator(".need-status").first).to_have_attribute("data-status", "accepted")
    leader.locator("#action-event summary").click()
    leader.locator("#action-event button[type=submit], #action-event input[type=submit]").click()
    expect(leader).to_have_url(re.compile(r"/events/\d+$"))  # the team's draft event, to add sessions and roles to
    expect(leader.locator("main")).to_contain_text(number)  # it keeps the link back to the need
    screenshot(leader, "need-journey-3-event")
    leader.goto(need_url)
    expect(leader.locator(".need-status").first).to_have_attribute("data-status", "in_progress")
    expect(leader.locator("main a[href*='/events/']").first).to_be_visible()
    leader.locator("#action-close summary").click()
    leader.fill("#action-close textarea[name=close-outcome]", "队员清运了垃圾，并与村委约定每日清运。")
    leader.locator("#action-close button[type=submit], #action-close input[type=submit]").click()
    expect(leader.locator(".need-status").first).to_have_attribute("data-status", "closed")
    screenshot(leader, "need-journey-4-closed")

    # 评单: the resident rates it from the status page, which shows no one's personal data.
    resident.goto(f"{live_server}/needs/track/{number}")
    body = resident.locator("main")
    expect(body).to_contain_text("队员清运了垃圾")
    for private in ("王阿姨", "13712345678", "何队长"):
        expect(body).not_to_contain_text(private)
    five = resident.locator("input[name=stars][value='5']").get_attribute("id")
    resident.locator(f"label[for='{five}']").click()  # the stars are buttons over radio inputs
    resident.fill("textarea[name=comment]", "清运很及时，谢谢！")
    resident.locator("main form button[type=submit], main form input[type=submit]").last.click()
    expect(resident.locator("main")).to_contain_text("清运很及时")
    fits_the_phone(resident)
    screenshot(resident, "need-journey-5-rated")
    for page in (resident, staff, leader):
        page.context.close()
