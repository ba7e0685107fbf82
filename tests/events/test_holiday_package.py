"""The `holidays` release pinned in pyproject.toml knows the official schedule of the current year, so the
override table is only needed for what the State Council announces after a release."""

from __future__ import annotations

from datetime import date

from volunteer_app.events.calendar import load_calendar


def test_the_package_knows_the_official_2026_schedule(app):
    cal = load_calendar({2026})
    # Spring Festival: 15 to 23 February off, Saturday 14 and Saturday 28 February worked.
    assert all(cal.is_holiday(date(2026, 2, day)) for day in (16, 17, 18, 19, 20, 23))
    assert cal.is_makeup_workday(date(2026, 2, 14)) and cal.is_makeup_workday(date(2026, 2, 28))
    # National Day: 1 to 7 October off, Sunday 20 September and Saturday 10 October worked.
    assert all(cal.is_holiday(date(2026, 10, day)) for day in (1, 2, 5, 6, 7))
    assert cal.is_makeup_workday(date(2026, 9, 20)) and cal.is_makeup_workday(date(2026, 10, 10))
    assert not cal.is_holiday(date(2026, 10, 13))
