"""The Chinese holiday calendar with its overrides, recurrence rules, the reception rule's hook, the month and
agenda pages."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from tests.events.conftest import NOW
from volunteer_app.core.policy import SYSTEM
from volunteer_app.core.time import to_local
from volunteer_app.events import calendar
from volunteer_app.events.calendar import Rule, load_calendar
from volunteer_app.organisations.reception import ReceptionRule, holiday_filter

TUESDAY, SATURDAY = 1, 5


def test_the_package_knows_national_day_and_its_make_up_working_days(app):
    cal = load_calendar({2025})
    assert cal.is_holiday(date(2025, 10, 7))
    assert cal.is_makeup_workday(date(2025, 9, 28)) and not cal.is_holiday(date(2025, 9, 28))
    assert not cal.is_holiday(date(2025, 10, 14))


def test_overrides_add_and_remove_dates_the_package_does_not_know(app):
    calendar.set_override(SYSTEM, day=date(2026, 2, 24), kind="holiday", note="春节延长")
    calendar.set_override(SYSTEM, day=date(2026, 2, 28), kind="workday", note="调休上班")
    calendar.set_override(SYSTEM, day=date(2026, 10, 1), kind="ordinary", note="test")
    cal = load_calendar({2026})
    assert cal.is_holiday(date(2026, 2, 24))
    assert cal.is_makeup_workday(date(2026, 2, 28))
    assert not cal.is_holiday(date(2026, 10, 1))


def test_every_tuesday_afternoon_skips_national_day_week(app):
    rule = Rule(frequency="weekly", weekdays=(TUESDAY,), nth=None, starts_on=date(2025, 9, 1))
    assert rule.dates(date(2025, 9, 23), date(2025, 10, 21)) == [
        date(2025, 9, 23),
        date(2025, 9, 30),
        date(2025, 10, 14),
        date(2025, 10, 21),
    ]


def test_make_up_working_days_are_added_when_the_rule_says_so(app):
    rule = Rule(
        frequency="weekly", weekdays=(0, 1, 2, 3, 4), nth=None, starts_on=date(2025, 9, 1), add_makeup_workdays=True
    )
    dates = rule.dates(date(2025, 9, 26), date(2025, 10, 12))
    assert date(2025, 9, 28) in dates and date(2025, 10, 11) in dates  # Sunday and Saturday worked
    assert date(2025, 10, 1) not in dates and date(2025, 10, 9) in dates


def test_the_first_saturday_of_the_month(app):
    rule = Rule(frequency="monthly", weekdays=(SATURDAY,), nth=1, starts_on=date(2026, 1, 1))
    assert rule.dates(date(2026, 1, 1), date(2026, 4, 30)) == [
        date(2026, 1, 3),
        date(2026, 2, 7),
        date(2026, 3, 7),
        date(2026, 4, 4),
    ]


def test_the_reception_rule_uses_the_same_calendar(app):
    assert holiday_filter() is calendar.is_public_holiday
    rule = ReceptionRule(weekday=TUESDAY, start=time(14, 30), end=time(17, 30))
    days = [r.day for r in rule.next_dates(date(2025, 9, 29), count=3)]
    assert days == [date(2025, 9, 30), date(2025, 10, 14), date(2025, 10, 21)]


def test_a_recurring_event_generates_its_sessions_ahead_once(client, staff, token_for, make_event):
    event = make_event(title="党建星期二", kind="party_tuesday", status="draft", sessions=[])
    headers = token_for(staff)
    rule = {
        "frequency": "weekly",
        "weekdays": [TUESDAY],
        "start_time": "14:30",
        "end_time": "17:30",
        "starts_on": NOW.date().isoformat(),
        "weeks_ahead": 4,
        "roles": [{"name": "入户走访", "capacity": 6}],
    }
    assert client.put(f"/api/v1/events/{event.id}/recurrence", json=rule, headers=headers).status_code == 200
    first = client.post(f"/api/v1/events/{event.id}/recurrence/generate", headers=headers).get_json()
    assert 3 <= first["count"] <= 5
    assert all(s["roles"][0]["capacity"] == 6 for s in first["sessions"])
    again = client.post(f"/api/v1/events/{event.id}/recurrence/generate", headers=headers).get_json()
    assert again["count"] == 0
    bad = client.put(f"/api/v1/events/{event.id}/recurrence", json={**rule, "end_time": "10:00"}, headers=headers)
    assert bad.status_code == 422


def test_holiday_overrides_through_the_api_and_the_page(client, staff, token_for, login, make_user):
    headers = token_for(staff)
    created = client.post(
        "/api/v1/holiday-overrides", json={"day": "2027-02-06", "kind": "workday", "note": "调休"}, headers=headers
    )
    assert created.status_code == 201
    assert client.get("/api/v1/holiday-overrides", headers=headers).get_json()["total"] == 1
    assert client.get("/api/v1/holiday-overrides", headers=token_for(make_user())).status_code == 403
    login(staff)
    assert "2027-02-06" in client.get("/admin/holidays").get_data(as_text=True)
    assert client.delete(f"/api/v1/holiday-overrides/{created.get_json()['id']}", headers=headers).status_code == 204


@pytest.mark.parametrize("url", ["/calendar?month=2025-10", "/calendar/agenda", "/calendar?month=bad"])
def test_the_calendar_pages_answer(client, login, make_user, event, url):
    login(make_user("volunteer"))
    response = client.get(url)
    assert response.status_code == 200
    if "2025-10" in url:
        assert "holiday" in response.get_data(as_text=True)


# The official 2026 schedule, written as overrides so the tests do not depend on the holiday package's release:
# New Year 1-3 January (4 January worked); Spring Festival 15-23 February (14 and 28 February worked); Mid-Autumn
# 25-27 September; National Day 1-7 October (20 September and 10 October worked).
def _calendar_2026():
    overrides = {}
    for first, last in [
        (date(2026, 1, 1), date(2026, 1, 3)),
        (date(2026, 2, 15), date(2026, 2, 23)),
        (date(2026, 9, 25), date(2026, 9, 27)),
        (date(2026, 10, 1), date(2026, 10, 7)),
    ]:
        overrides.update({date.fromordinal(n): "holiday" for n in range(first.toordinal(), last.toordinal() + 1)})
    for day in (date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 9, 20), date(2026, 10, 10)):
        overrides[day] = "workday"
    return calendar.HolidayCalendar({2025, 2026, 2027}, overrides)


def _series(*weekdays, **options):
    return Rule(frequency="weekly", weekdays=weekdays, nth=None, starts_on=date(2025, 12, 1), **options)


def test_a_tuesday_series_gets_only_the_make_up_day_that_replaces_its_removed_tuesday(app):
    cal = _calendar_2026()
    tuesdays = _series(TUESDAY, add_makeup_workdays=True)
    # Spring Festival removes Tuesday 17 February: the nearer of its two make-up days (Saturday 14) replaces it.
    assert tuesdays.dates(date(2026, 2, 1), date(2026, 3, 10), cal) == [
        date(2026, 2, 3),
        date(2026, 2, 10),
        date(2026, 2, 14),
        date(2026, 2, 24),
        date(2026, 3, 3),
        date(2026, 3, 10),
    ]
    # National Day removes Tuesday 6 October; 20 September lies nearer the Mid-Autumn holiday, which removed no
    # Tuesday, so only 10 October is added.
    autumn = tuesdays.dates(date(2026, 9, 14), date(2026, 10, 20), cal)
    assert date(2026, 10, 10) in autumn and date(2026, 9, 20) not in autumn and date(2026, 10, 6) not in autumn
    # New Year removes no Tuesday: its make-up Sunday is not a session.
    assert date(2026, 1, 4) not in tuesdays.dates(date(2025, 12, 28), date(2026, 1, 10), cal)


def test_make_up_days_replace_as_many_occurrences_as_the_holiday_removed_and_no_more(app):
    cal = _calendar_2026()
    mondays = _series(0, add_makeup_workdays=True)  # Spring Festival removes Monday 16 and Monday 23 February
    dates = mondays.dates(date(2026, 2, 9), date(2026, 3, 2), cal)
    assert dates == [date(2026, 2, 9), date(2026, 2, 14), date(2026, 2, 28), date(2026, 3, 2)]
    thursdays = _series(3, add_makeup_workdays=True)  # Spring Festival removes Thursday 19 February only
    assert thursdays.dates(date(2026, 2, 9), date(2026, 3, 5), cal) == [
        date(2026, 2, 12),
        date(2026, 2, 14),
        date(2026, 2, 26),
        date(2026, 3, 5),
    ]
    fridays = _series(4, add_makeup_workdays=True)  # Mid-Autumn removes 25 September, National Day 2 October
    assert {date(2026, 9, 20), date(2026, 10, 10)} <= set(fridays.dates(date(2026, 9, 14), date(2026, 10, 20), cal))


def test_no_make_up_day_unless_the_series_asks_for_it_and_skips_holidays(app):
    cal = _calendar_2026()
    asked_not = _series(TUESDAY).dates(date(2026, 2, 1), date(2026, 3, 1), cal)
    assert date(2026, 2, 14) not in asked_not and date(2026, 2, 17) not in asked_not
    kept_all = _series(TUESDAY, skip_holidays=False, add_makeup_workdays=True)
    kept = kept_all.dates(date(2026, 2, 1), date(2026, 3, 1), cal)
    assert date(2026, 2, 17) in kept and date(2026, 2, 14) not in kept and date(2026, 2, 28) not in kept


def test_a_make_up_day_inside_the_window_replaces_an_occurrence_removed_before_it(app):
    # Planned from 8 October on: Tuesday 6 October is already behind, yet 10 October still replaces it.
    dates = _series(TUESDAY, add_makeup_workdays=True).dates(date(2026, 10, 8), date(2026, 10, 20), _calendar_2026())
    assert dates == [date(2026, 10, 10), date(2026, 10, 13), date(2026, 10, 20)]


def test_generating_a_tuesday_series_adds_only_its_replacing_make_up_day(app, make_event):
    for day, kind in [(date(2026, 2, 14), "workday"), (date(2026, 2, 28), "workday")] + [
        (date(2026, 2, d), "holiday") for d in range(15, 24)
    ]:
        calendar.set_override(SYSTEM, day=day, kind=kind)
    event = make_event(title="党建星期二", kind="party_tuesday", status="draft", sessions=[])
    calendar.set_recurrence(
        SYSTEM,
        event.id,
        frequency="weekly",
        weekdays=[TUESDAY],
        start_time=time(14, 30),
        end_time=time(17, 30),
        starts_on=date(2026, 2, 1),
        until=date(2026, 3, 3),
        add_makeup_workdays=True,
        weeks_ahead=8,
        roles=[{"name": "入户走访", "capacity": 6}],
    )
    now = datetime(2026, 1, 31, tzinfo=UTC)
    added = calendar.generate_sessions(SYSTEM, event.id, now=now)
    assert [to_local(s.starts_at).date() for s in added] == [
        date(2026, 2, 3),
        date(2026, 2, 10),
        date(2026, 2, 14),
        date(2026, 2, 24),
        date(2026, 3, 3),
    ]


def test_the_recurrence_form_says_which_make_up_days_are_added(client, login, staff, event):
    login(staff)
    page = client.get(f"/events/{event.id}/recurrence?lang=en").get_data(as_text=True)
    assert "same holiday" in page or "同一假期" in page
