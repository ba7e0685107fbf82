"""Pages that overflowed a 390 px phone: the users list (admin), a household's print page (social worker), the
event list's filter and the visit form's date and time. Nothing may stick out sideways, no input may be clipped."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_household_visit import HOUSEHOLD_ADDRESS, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.no_db]

PHONE_WIDTH = 390

# Elements whose right edge passes the screen, and inputs whose content is wider than their box (a date input
# whose date or picker button is cut off). Hidden elements and the collapsed menu do not count.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const visible = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const sticking = [...document.querySelectorAll('main *, body > *')].filter(el => visible(el)
      && !el.closest('.collapse:not(.show)') && el.getBoundingClientRect().right > width + 0.5)
    .map(el => el.tagName + (el.id ? '#' + el.id : '') + '.' + el.className);
  // A date or time input narrower than it wants to be cuts its text or its picker button off.
  const natural = el => {
    const copy = el.cloneNode();
    copy.style.width = 'auto'; copy.style.position = 'absolute'; copy.style.visibility = 'hidden';
    document.body.appendChild(copy);
    const wanted = copy.getBoundingClientRect().width;
    copy.remove();
    return wanted;
  };
  const clipped = [...document.querySelectorAll('input, select')].filter(el => visible(el)
      && (el.scrollWidth > el.clientWidth + 1 || (/^(date|time|datetime-local)$/.test(el.type)
          && natural(el) > el.getBoundingClientRect().width + 1))).map(el => el.name || el.id);
  return {scrollWidth: document.documentElement.scrollWidth, sticking, clipped};
}"""


def assert_fits(page: Page) -> None:
    found = page.evaluate(OVERFLOW)
    assert found["scrollWidth"] <= PHONE_WIDTH, f"{page.url} is {found['scrollWidth']}px wide"
    assert not found["sticking"], f"{page.url}: past the right edge: {found['sticking'][:5]}"
    assert not found["clipped"], f"{page.url}: clipped inputs: {found['clipped']}"


def test_the_users_list_reads_on_a_phone(live_server, phone_page, screenshot):
    page = phone_page
    log_in(page, live_server, "admin", "shanzhi-admin")
    page.goto(live_server + "/admin/users")
    expect(page.locator("#user-list")).to_be_visible()
    screenshot(page, "phone-users")
    assert_fits(page)
    # a name reads on one line, not one character a line
    name = page.locator("#user-list [data-user] .user-name").first
    assert name.bounding_box()["height"] < 2 * 24
    page.goto(live_server + "/admin/audit")
    expect(page.locator("#audit-entries a").first).to_be_visible()  # records are named and linked
    screenshot(page, "phone-audit")
    assert_fits(page)


def test_the_event_filter_fits_a_phone(live_server, phone_page, screenshot):
    page = phone_page
    log_in(page, live_server, "zhiyuanzhe", "shanzhi-demo")
    page.goto(live_server + "/events")
    page.fill("#event-filters input[name=from]", "2026-05-12")
    screenshot(page, "phone-event-filter")
    assert_fits(page)


def test_a_household_print_page_and_the_visit_form_fit_a_phone(live_server, phone_page, screenshot):
    page = phone_page
    log_in(page, live_server, "shegong", "shanzhi-demo")
    page.goto(live_server + "/social-work/households")
    page.locator("#household-list a", has_text=HOUSEHOLD_ADDRESS).click()
    expect(page.locator("#household-head")).to_be_visible()
    file_url = page.url.split("?")[0]
    page.goto(file_url + "/print")
    screenshot(page, "phone-household-print")
    assert_fits(page)
    page.goto(file_url + "/visits/new")
    page.fill("#visited_at", "2026-05-12T09:30")
    screenshot(page, "phone-visit-form")
    assert_fits(page)


def test_the_check_in_code_is_centred(live_server, phone_page, screenshot):
    page = phone_page
    log_in(page, live_server, "tuanwei", "shanzhi-demo")
    page.goto(live_server + "/sessions/1/qr")
    code = page.locator("#qr svg path").first  # the drawn modules, not the box around them
    expect(code).to_be_visible()
    screenshot(page, "phone-qr")
    box = code.bounding_box()
    width = page.evaluate("document.documentElement.clientWidth")
    assert abs((box["x"] + box["width"] / 2) - width / 2) <= 2, box
    assert 200 <= box["width"] <= 320
    assert_fits(page)


@pytest.mark.parametrize("width", [1280, 1440])
def test_a_long_menu_in_english_keeps_the_account_buttons_on_a_laptop_screen(live_server, browser, screenshot, width):
    """The administrator's menu in English is ~1,650 px on one line: past 1,200 px (where the menu stops folding) it
    pushed the language and log-out buttons off the screen, out of reach under `overflow-x: hidden`. It wraps."""
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="en-US")
    try:
        page = context.new_page()
        log_in(page, live_server, "admin", "shanzhi-admin")
        screenshot(page, f"menu-english-{width}")
        assert page.evaluate("document.querySelector('nav').scrollWidth") <= width
        for control in (
            page.locator("#logout"),
            page.locator("#language-switch button"),
            page.locator("nav .nav-link").last,
        ):
            box = control.bounding_box()
            assert box is not None and box["x"] + box["width"] <= width, control
    finally:
        context.close()
