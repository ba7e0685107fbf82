"""The weekly reception rule of a deputy liaison station ("every Tuesday 14:30-17:30, except public holidays").

The holiday calendar arrives with the events domain. Until it registers itself with `set_holiday_filter`,
the rule lists every weekly date; afterwards dates that are public holidays are left out when the rule says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time, timedelta

from flask_babel import format_date
from flask_babel import gettext as _

HolidayFilter = Callable[[date], bool]
_holiday_filter: HolidayFilter | None = None


def set_holiday_filter(is_holiday: HolidayFilter | None) -> None:
    """The holiday calendar plugs in here: a function telling whether a date is a public holiday."""
    global _holiday_filter
    _holiday_filter = is_holiday


def holiday_filter() -> HolidayFilter | None:
    return _holiday_filter


@dataclass(frozen=True)
class Reception:
    day: date
    start: time
    end: time


@dataclass(frozen=True)
class ReceptionRule:
    weekday: int  # Monday 0 ... Sunday 6
    start: time
    end: time
    except_public_holidays: bool = True

    def next_dates(self, since: date, count: int = 6, is_holiday: HolidayFilter | None = None) -> list[Reception]:
        """The next `count` reception dates on or after `since`; holidays skipped when the rule says so and a
        calendar is known (passed in, or registered with `set_holiday_filter`)."""
        skip = (is_holiday or _holiday_filter) if self.except_public_holidays else None
        day = since + timedelta(days=(self.weekday - since.weekday()) % 7)
        dates: list[Reception] = []
        for _week in range(count * 4 + 8):  # a bounded search, even if a calendar marked every date a holiday
            if len(dates) == count:
                break
            if skip is None or not skip(day):
                dates.append(Reception(day, self.start, self.end))
            day += timedelta(days=7)
        return dates

    @property
    def holidays_applied(self) -> bool:
        return self.except_public_holidays and _holiday_filter is not None

    def describe(self) -> str:
        weekday = weekday_name(self.weekday)
        hours = f"{self.start:%H:%M}-{self.end:%H:%M}"
        if self.except_public_holidays:
            return _("Every %(weekday)s %(hours)s, except public holidays", weekday=weekday, hours=hours)
        return _("Every %(weekday)s %(hours)s", weekday=weekday, hours=hours)


def weekday_name(weekday: int) -> str:
    # 2024-01-01 was a Monday; the locale supplies the day's name.
    return format_date(date(2024, 1, 1) + timedelta(days=weekday), "EEEE")
