"""The Chinese holiday calendar and recurring events.

Public holidays and the official make-up working days 调休 come from the `holidays` package (holidays.China:
its entries are the days off, `weekend_workdays` the weekend days worked instead) and, for what the package does
not know yet (a new year's schedule is announced each November), from the admin-editable `HolidayOverride` table:
a date made a holiday, a make-up working day, or an ordinary day whatever the package says.

A make-up working day is not a day like any other: it pays back a day off of one holiday period. A series that
asks for it (`add_makeup_workdays`) is held on a make-up day only in place of one of its own occurrences that a
holiday of that same period removed (see `HolidayCalendar.replacements`), never because of the make-up day alone.

The deputies' reception rule (organisations/reception.py) uses the same calendar through `set_holiday_filter`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import holidays
import sqlalchemy as sa
from flask import g, has_app_context
from flask_babel import gettext as _

from volunteer_app.core import audit
from volunteer_app.core.errors import Errors, Invalid, NotFound, raise_if
from volunteer_app.core.pagination import Page, paginate
from volunteer_app.core.policy import Actor, require
from volunteer_app.core.time import as_utc, today, utcnow
from volunteer_app.events import services
from volunteer_app.events.models import DayKind, Event, EventRole, EventSession, Frequency, HolidayOverride, Recurrence
from volunteer_app.extensions import db

MAX_OCCURRENCES = 200  # sessions one generation run may add to one event
# How far a make-up working day lies from the holiday period it pays for, at most: the official schedules keep it
# within two or three weeks, so a month around the dates asked for finds every period and make-up day involved.
MAKEUP_REACH_DAYS = 31


@dataclass
class HolidayCalendar:
    """Holidays and make-up working days for a set of years, overrides applied."""

    years: set[int]
    overrides: dict[date, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._package = holidays.China(years=sorted(self.years)) if self.years else {}
        self._workdays = set(getattr(self._package, "weekend_workdays", set()))

    def is_holiday(self, day: date) -> bool:
        kind = self.overrides.get(day)
        if kind is not None:
            return kind == DayKind.HOLIDAY
        return day in self._package

    def is_makeup_workday(self, day: date) -> bool:
        kind = self.overrides.get(day)
        if kind is not None:
            return kind == DayKind.WORKDAY
        return day in self._workdays

    def name(self, day: date) -> str:
        if self.overrides.get(day) == DayKind.HOLIDAY:
            return _("Public holiday")
        if self.is_makeup_workday(day):
            return _("Make-up working day")
        return str(self._package.get(day, "")) if self.is_holiday(day) else ""

    def makeup_workdays_between(self, start: date, end: date) -> list[date]:
        days = {d for d in self._workdays if start <= d <= end}
        days |= {d for d, kind in self.overrides.items() if kind == DayKind.WORKDAY and start <= d <= end}
        return sorted(d for d in days if self.is_makeup_workday(d))

    def holiday_periods(self, start: date, end: date) -> list[tuple[date, date]]:
        """The holiday periods from `start` to `end`, first and last day: runs of consecutive days off (holidays,
        and weekend days not worked) holding at least one holiday, so a week off bridges its weekend."""
        periods: list[tuple[date, date]] = []
        run: list[date] = []
        day = start
        while day <= end + timedelta(days=1):
            off = day <= end and (self.is_holiday(day) or (day.weekday() >= 5 and not self.is_makeup_workday(day)))
            if off:
                run.append(day)
            else:
                if any(self.is_holiday(d) for d in run):
                    periods.append((run[0], run[-1]))
                run = []
            day += timedelta(days=1)
        return periods

    def replacements(self, removed: Iterable[date], start: date, end: date, held: Iterable[date] = ()) -> set[date]:
        """The make-up working days from `start` to `end` that take the place of `removed` occurrences (a make-up day
        `held` anyway, a Saturday of a Saturday series, replaces nothing).

        A make-up day belongs to the holiday period nearest to it (in days to the period's first or last day; at
        equal distance the later one, a day being usually worked ahead of its holiday). The official notices say
        which period each make-up day pays for, and they are almost always the nearest; one known exception is
        2026-09-20, announced for National Day but nearer the Mid-Autumn weekend of 25-27 September, so it stands
        in for a session Mid-Autumn removed, not National Day. Each removed occurrence, in date order, takes the
        make-up day of its own period nearest to it that no other occurrence took; one left without stays lost.
        """
        margin = timedelta(days=MAKEUP_REACH_DAYS)
        periods = self.holiday_periods(start - margin, end + margin)
        if not periods:
            return set()

        def distance(day: date, period: tuple[date, date]) -> int:
            first, last = period
            return max((first - day).days, (day - last).days, 0)

        free: dict[tuple[date, date], list[date]] = {}
        held = set(held)
        for day in self.makeup_workdays_between(start, end):
            if day in held:
                continue
            period = min(reversed(periods), key=lambda p: distance(day, p))
            free.setdefault(period, []).append(day)
        taken: set[date] = set()
        for occurrence in sorted(removed):
            period = next((p for p in periods if p[0] <= occurrence <= p[1]), None)
            candidates = free.get(period, []) if period else []
            if candidates:
                best = min(candidates, key=lambda d: (abs((d - occurrence).days), d))
                candidates.remove(best)
                taken.add(best)
        return taken


def load_calendar(years: Iterable[int]) -> HolidayCalendar:
    """One query for the overrides of these years."""
    years = set(years)
    overrides: dict[date, str] = {}
    if years and has_app_context():
        rows = db.session.execute(
            sa.select(HolidayOverride.day, HolidayOverride.kind).where(
                HolidayOverride.day >= date(min(years), 1, 1), HolidayOverride.day <= date(max(years), 12, 31)
            )
        )
        overrides = {row.day: row.kind for row in rows}
    return HolidayCalendar(years, overrides)


def cached_calendar(year: int) -> HolidayCalendar:
    """The calendar of the years around `year`, kept for the rest of this app context (one request)."""
    if not has_app_context():
        return HolidayCalendar({year - 1, year, year + 1})
    cache = g.setdefault("_holiday_calendars", {})
    if year not in cache:
        cache[year] = load_calendar({year - 1, year, year + 1})
    return cache[year]


def forget_cached_calendars() -> None:
    if has_app_context():
        g.pop("_holiday_calendars", None)


def is_public_holiday(day: date) -> bool:
    """The filter the reception rule of a liaison station plugs in (organisations.reception.set_holiday_filter)."""
    return cached_calendar(day.year).is_holiday(day)


# ---------------------------------------------------------------------------------------------- overrides


def list_overrides(actor: Actor, *, q: str | None = None, page: int | None = None, per_page: int | None = None) -> Page:
    require(actor, "holiday.manage")
    query = sa.select(HolidayOverride).order_by(HolidayOverride.day.desc())
    q = (q or "").strip()[:100]
    if q:
        query = query.where(HolidayOverride.note.icontains(q, autoescape=True))
    return paginate(query, page, per_page)


def set_override(actor: Actor, *, day: date | None, kind: str, note: str = "") -> HolidayOverride:
    require(actor, "holiday.manage")
    errors: Errors = {}
    if not isinstance(day, date):
        errors["day"] = [_("Give a date.")]
    if kind not in set(DayKind):
        errors["kind"] = [_("Choose holiday, make-up working day or ordinary day.")]
    note = (note or "").strip()
    if len(note) > 200:
        errors["note"] = [_("Use at most %(n)d characters.", n=200)]
    raise_if(errors)
    override = db.session.scalar(sa.select(HolidayOverride).where(HolidayOverride.day == day))
    if override is None:
        override = HolidayOverride(day=day, kind=kind, note=note)
        db.session.add(override)
    else:
        override.kind, override.note = kind, note
    db.session.flush()
    audit.record(actor, "update", "holiday_override", override.id, detail={"day": day.isoformat(), "kind": kind})
    db.session.commit()
    forget_cached_calendars()
    return override


def delete_override(actor: Actor, override_id: int) -> None:
    require(actor, "holiday.manage")
    override = db.session.get(HolidayOverride, override_id) if isinstance(override_id, int) else None
    if override is None:
        raise NotFound(_("No such date."))
    audit.record(actor, "delete", "holiday_override", override.id, detail={"day": override.day.isoformat()})
    db.session.delete(override)
    db.session.commit()
    forget_cached_calendars()


def month_days(year: int, month: int) -> list[dict[str, Any]]:
    """Each day of a month with its holiday or make-up-workday label, for the month view."""
    cal = cached_calendar(year)
    first = date(year, month, 1)
    days = []
    day = first
    while day.month == month:
        days.append(
            {"day": day, "holiday": cal.is_holiday(day), "workday": cal.is_makeup_workday(day), "name": cal.name(day)}
        )
        day += timedelta(days=1)
    return days


# ---------------------------------------------------------------------------------------------- recurrence


@dataclass(frozen=True)
class Rule:
    frequency: str
    weekdays: tuple[int, ...]
    nth: int | None
    starts_on: date
    until: date | None = None
    skip_holidays: bool = True
    add_makeup_workdays: bool = False

    @classmethod
    def of(cls, recurrence: Recurrence) -> Rule:
        return cls(
            frequency=recurrence.frequency,
            weekdays=tuple(recurrence.weekdays or ()),
            nth=recurrence.nth,
            starts_on=recurrence.starts_on,
            until=recurrence.until,
            skip_holidays=recurrence.skip_holidays,
            add_makeup_workdays=recurrence.add_makeup_workdays,
        )

    def _matches(self, day: date) -> bool:
        if day.weekday() not in self.weekdays:
            return False
        if self.frequency == Frequency.WEEKLY:
            return True
        if self.nth == -1:
            return (day + timedelta(days=7)).month != day.month
        return (day.day - 1) // 7 + 1 == self.nth

    def dates(self, start: date, end: date, calendar: HolidayCalendar | None = None) -> list[date]:
        """The dates in [start, end] the rule gives: holidays skipped and, if the rule says so, a make-up working day
        in place of an occurrence a holiday of the same period removed."""
        start = max(start, self.starts_on)
        if self.until:
            end = min(end, self.until)
        if end < start:
            return []
        # An occurrence removed just outside [start, end] may be made up inside it, and the other way round.
        reach = timedelta(days=MAKEUP_REACH_DAYS)
        low = max(start - reach, self.starts_on)
        high = min(end + reach, self.until) if self.until else end + reach
        calendar = calendar or load_calendar(range(low.year - 1, high.year + 2))
        kept: set[date] = set()
        removed: list[date] = []
        day = low
        while day <= high:
            if self._matches(day):
                if self.skip_holidays and calendar.is_holiday(day):
                    removed.append(day)
                else:
                    kept.add(day)
            day += timedelta(days=1)
        if self.add_makeup_workdays:
            kept |= calendar.replacements(removed, low, high, held=kept)
        return sorted(d for d in kept if start <= d <= end)


def validate_rule(data: dict[str, Any]) -> Errors:
    errors: Errors = {}
    if data.get("frequency") not in set(Frequency):
        errors["frequency"] = [_("Choose weekly or monthly.")]
    weekdays = data.get("weekdays") or []
    if not weekdays or not all(isinstance(d, int) and 0 <= d <= 6 for d in weekdays):
        errors["weekdays"] = [_("Choose at least one weekday.")]
    if data.get("frequency") == Frequency.MONTHLY and data.get("nth") not in (1, 2, 3, 4, 5, -1):
        errors["nth"] = [_("Say which week of the month: first to fifth, or last.")]
    start, end = data.get("start_time"), data.get("end_time")
    if not isinstance(start, time) or not isinstance(end, time):
        errors["start_time"] = [_("Give the start and end times.")]
    elif end <= start:
        errors["end_time"] = [_("The end must be after the start.")]
    if not isinstance(data.get("starts_on"), date):
        errors["starts_on"] = [_("Give the first date.")]
    elif data.get("until") and data["until"] < data["starts_on"]:
        errors["until"] = [_("This date cannot be before the start date.")]
    weeks = data.get("weeks_ahead", 8)
    if not isinstance(weeks, int) or not 1 <= weeks <= 52:
        errors["weeks_ahead"] = [_("Between 1 and 52 weeks.")]
    roles = data.get("roles") or []
    if not roles:
        errors["roles"] = [_("Give at least one role for the sessions.")]
    for index, role in enumerate(roles):
        if not str(role.get("name") or "").strip():
            errors[f"roles.{index}.name"] = [_("Give a name.")]
        capacity = role.get("capacity")
        if not isinstance(capacity, int) or isinstance(capacity, bool) or not 0 <= capacity <= 100_000:
            errors[f"roles.{index}.capacity"] = [_("Give a number of places from 0 to 100000.")]
    return errors


def set_recurrence(actor: Actor, event_id: int, **data: Any) -> Recurrence:
    """Makes an event recurring (or changes its rule). Sessions are generated by `generate_sessions`."""
    event = services.get_event_for_update(actor, event_id)
    data.setdefault("weeks_ahead", 8)
    errors = validate_rule(data)
    raise_if(errors)
    recurrence = event.recurrence or Recurrence(event=event)
    recurrence.frequency = data["frequency"]
    recurrence.weekdays = sorted(set(data["weekdays"]))
    recurrence.nth = data.get("nth") if data["frequency"] == Frequency.MONTHLY else None
    recurrence.start_time, recurrence.end_time = data["start_time"], data["end_time"]
    recurrence.starts_on, recurrence.until = data["starts_on"], data.get("until")
    recurrence.skip_holidays = bool(data.get("skip_holidays", True))
    recurrence.add_makeup_workdays = bool(data.get("add_makeup_workdays", False))
    recurrence.weeks_ahead = data["weeks_ahead"]
    recurrence.roles = [services.clean_role_template(r) for r in data["roles"]]
    db.session.add(recurrence)
    db.session.flush()
    audit.record(actor, "update", "event_recurrence", recurrence.id, detail={"event_id": event.id})
    db.session.commit()
    return recurrence


def generate_sessions(actor: Actor, event_id: int, *, now: datetime | None = None) -> list[EventSession]:
    """Adds the sessions the rule gives from today up to `weeks_ahead` weeks on; dates already there stay."""
    event = services.get_event_for_update(actor, event_id)
    if event.recurrence is None:
        raise Invalid({"recurrence": [_("This event has no recurrence rule.")]})
    added = _generate(event, now or utcnow())
    db.session.commit()
    return added


def _generate(event: Event, now: datetime) -> list[EventSession]:
    rule = event.recurrence
    first = today(now)
    end = first + timedelta(weeks=rule.weeks_ahead)
    existing = {s.starts_at for s in event.sessions}
    added: list[EventSession] = []
    for day in Rule.of(rule).dates(first, end)[:MAX_OCCURRENCES]:
        starts_at = as_utc(datetime.combine(day, rule.start_time))
        if starts_at in existing or starts_at <= now:
            continue
        session = EventSession(event=event, starts_at=starts_at, ends_at=as_utc(datetime.combine(day, rule.end_time)))
        session.roles = [EventRole(**template) for template in rule.roles]
        db.session.add(session)
        added.append(session)
    rule.generated_until = end
    db.session.flush()
    services.refresh_event_span(event)
    return added


def generate_all(now: datetime) -> int:
    """The scheduler's job: every recurring event that is not cancelled or completed gets its sessions ahead."""
    events = db.session.scalars(
        sa.select(Event).join(Event.recurrence).where(Event.status.in_(("draft", "published")))
    ).all()
    count = sum(len(_generate(event, now)) for event in events)
    db.session.commit()
    return count
