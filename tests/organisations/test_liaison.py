"""Liaison stations, their reception rule and deputies."""

from __future__ import annotations

from datetime import date, time

import pytest

from volunteer_app.core.errors import Invalid
from volunteer_app.core.policy import SYSTEM
from volunteer_app.organisations import services as org
from volunteer_app.organisations.reception import ReceptionRule, set_holiday_filter

pytestmark = pytest.mark.usefixtures("english")


# ---------------------------------------------------------------------------------------------- liaison stations


TUESDAY = ReceptionRule(weekday=1, start=time(14, 30), end=time(17, 30), except_public_holidays=True)


def test_the_tuesday_rule_lists_the_next_weekly_dates():
    dates = TUESDAY.next_dates(date(2026, 11, 25), count=3)  # a Wednesday
    assert [r.day for r in dates] == [date(2026, 12, 1), date(2026, 12, 8), date(2026, 12, 15)]
    assert dates[0].start == time(14, 30) and dates[0].end == time(17, 30)
    assert TUESDAY.next_dates(date(2026, 12, 1), count=1)[0].day == date(2026, 12, 1)


def test_a_holiday_calendar_plugs_in_and_takes_holidays_off():
    new_year = date(2030, 1, 1)  # a Tuesday
    dates = TUESDAY.next_dates(date(2029, 12, 30), count=2, is_holiday=lambda d: d == new_year)
    assert [r.day for r in dates] == [date(2030, 1, 8), date(2030, 1, 15)]
    set_holiday_filter(lambda d: d == new_year)
    try:
        assert TUESDAY.next_dates(date(2029, 12, 30), count=1)[0].day == date(2030, 1, 8)
        keep = ReceptionRule(1, time(14, 30), time(17, 30), except_public_holidays=False)
        assert keep.next_dates(date(2029, 12, 30), count=1)[0].day == new_year
    finally:
        set_holiday_filter(None)


def test_a_calendar_that_marks_every_day_a_holiday_does_not_hang():
    assert TUESDAY.next_dates(date(2026, 1, 1), count=3, is_holiday=lambda d: True) == []


def test_a_liaison_station_keeps_its_rule_and_deputies(communities):
    station = org.create_liaison_station(
        SYSTEM,
        name="平东社区人大代表联络站",
        community_id=communities["同声"].id,
        reception_weekday=1,
        reception_start=time(14, 30),
        reception_end=time(17, 30),
        deputies=[{"name": "罗锦华", "title": "平东社区党委书记"}, {"name": "巫明燕"}],
    )
    assert [d.name for d in station.deputies] == ["罗锦华", "巫明燕"]
    assert all(r.day.weekday() == 1 for r in org.next_receptions(station, count=4))
    org.update_liaison_station(SYSTEM, station.id, deputies=[{"name": "巫明燕", "level": "town"}])
    assert [(d.name, d.level) for d in station.deputies] == [("巫明燕", "town")]


def test_reception_must_end_after_it_starts_and_deputies_are_named_once():
    with pytest.raises(Invalid) as error:
        org.create_liaison_station(
            SYSTEM,
            name="站",
            reception_weekday=9,
            reception_start=time(17, 30),
            reception_end=time(14, 30),
            deputies=[{"name": "甲"}, {"name": "甲"}, {"name": ""}],
        )
    assert {"reception_weekday", "reception_end", "deputies"} <= set(error.value.errors)
