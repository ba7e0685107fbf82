"""The aggregate queries behind the figures (reports/services/figures.py decides who reads which): each a GROUP BY or
an aggregate the database computes over indexed columns, never rows loaded into Python, the same on SQLite and
PostgreSQL. Every query takes the checked Filters: a period of local days (`date_from`..`date_to`, both included),
a community and a team.

What the filters mean:
- volunteers are people: those living in the community (their profile's), the team's members during the period;
  `registered` by the period's end, `new` within it, `active` with approved hours served in it or a confirmed place
  in one of its sessions of an event held;
- hours, events, places and attendance are work: the events held in the community or organised by the team; hours
  count the approved ledger entries whose service date falls in the period; events, places and sign-ups count the
  events and sessions starting in it; "held" events are the published and the completed ones;
- youth groups belong to communities (a team has none).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TypeVar

import sqlalchemy as sa
from flask_babel import gettext as _

from volunteer_app.core.errors import Errors, raise_if
from volunteer_app.core.time import as_utc, today, utcnow
from volunteer_app.events.models import (
    EVENT_KIND_LABELS,
    EVENT_STATUS_LABELS,
    Event,
    EventKind,
    EventRole,
    EventSession,
    EventStatus,
    HoursEntry,
    Signup,
    SignupStatus,
)
from volunteer_app.extensions import db
from volunteer_app.organisations.models import (
    GROUP_MINIMUM,
    Community,
    Team,
    TeamMembership,
    VolunteerProfile,
    YouthGroup,
    YouthGroupMember,
)

FIRST_YEAR, LAST_YEAR = 1970, 2999  # as the API's times: nothing the app counts happened before or after
MOST_DAYS = 3660  # ten years: a trend of at most 121 months
DEFAULT_MONTHS = 12
BARS = 15  # a bar chart of communities or teams shows the biggest; the rest are added up in one "others" bar
HELD = (EventStatus.PUBLISHED.value, EventStatus.COMPLETED.value)  # events that take place (or took place)


# ---------------------------------------------------------------------------------------------- filters


@dataclass(frozen=True)
class Filters:
    date_from: date
    date_to: date
    community_id: int | None = None
    team_id: int | None = None

    @property
    def start(self) -> datetime:
        """The first day's local midnight, in UTC."""
        return as_utc(datetime.combine(self.date_from, time.min))

    @property
    def end(self) -> datetime:
        """The local midnight after the last day, in UTC (excluded)."""
        return as_utc(datetime.combine(self.date_to + timedelta(days=1), time.min))

    def months(self) -> list[tuple[int, int]]:
        """(year, month) of every month the period touches, in order."""
        year, month = self.date_from.year, self.date_from.month
        found = []
        while (year, month) <= (self.date_to.year, self.date_to.month):
            found.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return found


def _months_back(day: date, months: int) -> date:
    """The first day of the month `months` before `day`'s."""
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def filters(
    date_from: date | None = None,
    date_to: date | None = None,
    *,
    community_id: int | None = None,
    team_id: int | None = None,
    on: date | None = None,
) -> Filters:
    """Checked filters. Without dates the period is the twelve months up to today (from the first of the month
    eleven months back); errors are named after the query's fields, `from` and `to`."""
    errors: Errors = {}
    date_to = date_to or on or today()
    for name, day in (("from", date_from), ("to", date_to)):
        if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
            errors[name] = [
                _("Give a date between the years %(first)d and %(last)d.", first=FIRST_YEAR, last=LAST_YEAR)
            ]
    raise_if(errors)  # before counting months back from a date that may be year 1
    date_from = date_from or _months_back(date_to, DEFAULT_MONTHS - 1)
    if not errors and date_to < date_from:
        errors["to"] = [_("The end of the period cannot be before its start.")]
    elif not errors and (date_to - date_from).days > MOST_DAYS:
        errors["to"] = [_("Choose a period of at most ten years.")]
    raise_if(errors)
    return Filters(date_from, date_to, community_id, team_id)


# ---------------------------------------------------------------------------------------------- what comes back


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: `key` is the record's id or the value of a vocabulary (None for "none" and "others")."""

    key: int | str | None
    label: str
    value: float


@dataclass(frozen=True)
class VolunteerCounts:
    registered: int
    new: int
    active: int


@dataclass(frozen=True)
class CommunityVolunteers:
    key: int | None
    label: str
    registered: int
    new: int


@dataclass(frozen=True)
class MonthHours:
    month: str  # YYYY-MM
    hours: float


@dataclass(frozen=True)
class Attendance:
    """Places offered and taken in the sessions of events held; no-shows among the confirmed of ended sessions."""

    places: int
    confirmed: int
    ended_confirmed: int
    no_shows: int

    @property
    def fill_rate(self) -> float | None:
        return round(self.confirmed / self.places, 3) if self.places else None

    @property
    def no_show_rate(self) -> float | None:
        return round(self.no_shows / self.ended_confirmed, 3) if self.ended_confirmed else None


@dataclass(frozen=True)
class YouthGroups:
    complete: int
    incomplete: int
    communities_without: int


# ---------------------------------------------------------------------------------------------- queries


def _count_if(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def _hours(minutes: int | None) -> float:
    return round((minutes or 0) / 60, 1)


def _people(f: Filters) -> list[sa.ColumnElement[bool]]:
    """Volunteers: living in the community; members of the team at some time in the period."""
    conditions = []
    if f.community_id is not None:
        conditions.append(VolunteerProfile.community_id == f.community_id)
    if f.team_id is not None:
        members = sa.select(TeamMembership.volunteer_id).where(
            TeamMembership.team_id == f.team_id,
            TeamMembership.joined_on <= f.date_to,
            sa.or_(TeamMembership.left_on.is_(None), TeamMembership.left_on >= f.date_from),
        )
        conditions.append(VolunteerProfile.id.in_(members))
    return conditions


def _work(f: Filters) -> list[sa.ColumnElement[bool]]:
    """Events: held in the community, organised by the team."""
    conditions = []
    if f.community_id is not None:
        conditions.append(Event.community_id == f.community_id)
    if f.team_id is not None:
        conditions.append(Event.team_id == f.team_id)
    return conditions


def _served_in(f: Filters) -> sa.ColumnElement[bool]:
    return HoursEntry.service_date.between(f.date_from, f.date_to)


def _placed(f: Filters) -> sa.Select:
    """Confirmed sign-ups for the sessions of the period's events held."""
    return (
        sa.select(Signup.volunteer_id)
        .join(EventRole, EventRole.id == Signup.role_id)
        .join(EventSession, EventSession.id == EventRole.session_id)
        .join(Event, Event.id == EventSession.event_id)
        .where(Signup.status == SignupStatus.CONFIRMED, Event.status.in_(HELD))
        .where(EventSession.starts_at >= f.start, EventSession.starts_at < f.end)
    )


def _active(f: Filters) -> sa.Select:
    """Volunteers who served approved hours in the period or hold a confirmed place in one of its sessions. The
    town's: the two lists merged by UNION (each volunteer once); a community's or team's few: each one looked up
    in their own ledger and sign-ups (both indexed by volunteer)."""
    if people := _people(f):
        served = sa.select(HoursEntry.id).where(HoursEntry.volunteer_id == VolunteerProfile.id, _served_in(f))
        placed = _placed(f).where(Signup.volunteer_id == VolunteerProfile.id)
        return sa.select(sa.func.count(VolunteerProfile.id)).where(sa.or_(served.exists(), placed.exists()), *people)
    served = sa.select(HoursEntry.volunteer_id.label("volunteer_id")).where(_served_in(f))
    return sa.select(sa.func.count()).select_from(sa.union(served, _placed(f)).subquery())


def volunteer_counts(f: Filters) -> VolunteerCounts:
    registered, new = db.session.execute(
        sa.select(sa.func.count(VolunteerProfile.id), _count_if(VolunteerProfile.created_at >= f.start)).where(
            VolunteerProfile.created_at < f.end, *_people(f)
        )
    ).one()
    return VolunteerCounts(int(registered), int(new), int(db.session.scalar(_active(f))))


def volunteers_by_community(f: Filters) -> list[CommunityVolunteers]:
    registered = sa.func.count(VolunteerProfile.id)
    rows = db.session.execute(
        sa.select(Community.id, Community.name, registered, _count_if(VolunteerProfile.created_at >= f.start))
        .join(VolunteerProfile, VolunteerProfile.community_id == Community.id)
        .where(VolunteerProfile.created_at < f.end, *_people(f))
        .group_by(Community.id, Community.name)
        .order_by(registered.desc(), Community.name)
    ).all()
    found = [CommunityVolunteers(r[0], r[1], int(r[2]), int(r[3])) for r in rows]
    return fold(found, CommunityVolunteers(None, _("Other communities"), 0, 0))


def _ledger(f: Filters) -> sa.Select:
    """The approved ledger entries of the period (with the work's filters), to add the columns wanted to."""
    query = sa.select().select_from(HoursEntry).where(_served_in(f))
    if work := _work(f):
        query = query.join(Event, Event.id == HoursEntry.event_id).where(*work)
    return query


def _monthly(f: Filters, query: sa.Select) -> tuple[list[MonthHours], float]:
    """Every month of the period with its hours (zeros included), and the total, from a query of the ledger that
    the year and month of the service date are added to and grouped by."""
    year, month = sa.extract("year", HoursEntry.service_date), sa.extract("month", HoursEntry.service_date)
    rows = db.session.execute(query.add_columns(year, month, sa.func.sum(HoursEntry.minutes)).group_by(year, month))
    minutes = {(int(r[0]), int(r[1])): int(r[2] or 0) for r in rows}
    by_month = [MonthHours(f"{y:04d}-{m:02d}", _hours(minutes.get((y, m)))) for y, m in f.months()]
    return by_month, _hours(sum(minutes.values()))


def hours_by_month(f: Filters) -> tuple[list[MonthHours], float]:
    return _monthly(f, _ledger(f))


def hours_total(f: Filters) -> float:
    return _hours(db.session.scalar(_ledger(f).add_columns(sa.func.sum(HoursEntry.minutes))))


def _hours_by(f: Filters, model: type[Team] | type[Community], column, none_label: str, others_label: str) -> list[Bar]:
    total = sa.func.sum(HoursEntry.minutes)
    query = (
        sa.select(model.id, model.name, total)
        .select_from(HoursEntry)
        .outerjoin(Event, Event.id == HoursEntry.event_id)
        .outerjoin(model, model.id == column)
        .where(_served_in(f), *_work(f))
        .group_by(model.id, model.name)
        .order_by(total.desc(), model.name)
    )
    bars = [Bar(r[0], r[1] if r[0] is not None else none_label, _hours(r[2])) for r in db.session.execute(query)]
    return fold(bars, Bar(None, others_label, 0))


def hours_by_team(f: Filters) -> list[Bar]:
    return _hours_by(f, Team, Event.team_id, _("No team"), _("Other teams"))


def hours_by_community(f: Filters) -> list[Bar]:
    return _hours_by(f, Community, Event.community_id, _("No community"), _("Other communities"))


def _events(f: Filters, *columns) -> sa.Select:
    return sa.select(*columns).where(Event.starts_at >= f.start, Event.starts_at < f.end, *_work(f))


def events_by_kind(f: Filters) -> list[Bar]:
    """Events held (published or completed) by kind, every kind named, zeros included."""
    counted = dict(
        db.session.execute(
            _events(f, Event.kind, sa.func.count(Event.id)).where(Event.status.in_(HELD)).group_by(Event.kind)
        ).all()
    )
    return [Bar(kind.value, str(EVENT_KIND_LABELS[kind]), int(counted.get(kind.value, 0))) for kind in EventKind]


def events_by_status(f: Filters) -> list[Bar]:
    """Every event of the period by its status (drafts and cancelled ones included)."""
    counted = dict(db.session.execute(_events(f, Event.status, sa.func.count(Event.id)).group_by(Event.status)).all())
    return [Bar(s.value, str(EVENT_STATUS_LABELS[s]), int(counted.get(s.value, 0))) for s in EventStatus]


def attendance(f: Filters, *, now: datetime | None = None) -> Attendance:
    now = now or utcnow()
    sessions = sa.and_(
        EventSession.starts_at >= f.start, EventSession.starts_at < f.end, Event.status.in_(HELD), *_work(f)
    )
    places = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(EventRole.capacity), 0))
        .join(EventSession, EventSession.id == EventRole.session_id)
        .join(Event, Event.id == EventSession.event_id)
        .where(sessions)
    )
    ended = EventSession.ends_at <= now
    confirmed, ended_confirmed, no_shows = db.session.execute(
        sa.select(sa.func.count(Signup.id), _count_if(ended), _count_if(sa.and_(ended, Signup.checked_in_at.is_(None))))
        .join(EventRole, EventRole.id == Signup.role_id)
        .join(EventSession, EventSession.id == EventRole.session_id)
        .join(Event, Event.id == EventSession.event_id)
        .where(Signup.status == SignupStatus.CONFIRMED, sessions)
    ).one()
    return Attendance(int(places), int(confirmed), int(ended_confirmed), int(no_shows))


def youth_groups(f: Filters) -> YouthGroups:
    """Groups meeting the composition rule (organisations.models.GROUP_MINIMUM) today, and those that do not."""
    parts = [_count_if(YouthGroupMember.part == part.value).label(part.value) for part in GROUP_MINIMUM]
    in_community = [YouthGroup.community_id == f.community_id] if f.community_id is not None else []
    groups = (
        sa.select(YouthGroup.id, *parts)
        .outerjoin(YouthGroupMember, YouthGroupMember.group_id == YouthGroup.id)
        .where(*in_community)
        .group_by(YouthGroup.id)
        .subquery()
    )
    complete = sa.and_(*(groups.c[part.value] >= least for part, least in GROUP_MINIMUM.items()))
    total, complete_count = db.session.execute(
        sa.select(sa.func.count(), _count_if(complete)).select_from(groups)
    ).one()
    has_group = sa.select(YouthGroup.id).where(YouthGroup.community_id == Community.id).exists()
    communities = [Community.id == f.community_id] if f.community_id is not None else []
    without = db.session.scalar(sa.select(sa.func.count(Community.id)).where(~has_group, *communities))
    return YouthGroups(int(complete_count), int(total) - int(complete_count), int(without))


Row = TypeVar("Row", bound=object)  # a dataclass of `key`, `label` and numbers


def add_up(rows: list[Row], into: Row) -> Row:
    """`into` with each number the sum of the rows'."""
    numbers = [f.name for f in dataclasses.fields(into) if f.name not in ("key", "label")]
    return dataclasses.replace(into, **{name: sum(getattr(r, name) for r in rows) for name in numbers})


def fold(rows: list[Row], others: Row) -> list[Row]:
    """At most BARS rows: past them, the last are added up into `others` (rows come in the order shown: the
    biggest, or the least covered, first)."""
    if len(rows) <= BARS:
        return rows
    rest = add_up(rows[BARS - 1 :], others)
    if isinstance(rest, Bar):
        rest = dataclasses.replace(rest, value=round(rest.value, 1))
    return [*rows[: BARS - 1], rest]


def own_hours_by_month(volunteer_id: int, f: Filters) -> tuple[list[MonthHours], float]:
    """One volunteer's ledger (volunteer_id and service_date are indexed together)."""
    query = sa.select().select_from(HoursEntry).where(HoursEntry.volunteer_id == volunteer_id, _served_in(f))
    return _monthly(f, query)
