"""The Chinese holiday calendar with its overrides, recurrence rules, the reception rule's hook, the month and
agenda pages."""

from __future__ import annotations

from datetime import date, time

import pytest

from tests.events.conftest import NOW
from volunteer_app.core.policy import SYSTEM
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
