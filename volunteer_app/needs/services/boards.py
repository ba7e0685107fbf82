"""The needs boards 需求看板: figures for the town and for each community, counted by the database (GROUP BY and
aggregates, never rows loaded into Python), and the overdue needs behind them. The town dashboard (reports)
reads its needs figures here too.

Who may read a board is policy's: `board.town` (town-wide staff) and `board.community` (town-wide staff, League
staff of that community, and members of its youth governance group); the needs counted are also those the
reader reaches (scope.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from volunteer_app.accounts import staff_scope
from volunteer_app.core.errors import Errors, raise_if
from volunteer_app.core.lookup import get_or_404, search
from volunteer_app.core.pagination import Page, paginate
from volunteer_app.core.policy import Actor, require
from volunteer_app.core.time import as_utc, local_zone, today, utcnow
from volunteer_app.extensions import db
from volunteer_app.needs import scope
from volunteer_app.needs.models import Need, NeedRating
from volunteer_app.needs.vocabulary import OPEN_WORK, Category, Source, Status
from volunteer_app.organisations.models import Community


@dataclass(frozen=True)
class NeedFigures:
    """What a board shows. The period (`date_from`..`date_to`, local dates, both included; open-ended when None)
    counts each figure by its own moment:

    - `raised`, `by_status`, `by_category`, `by_source`: needs raised in the period (`created_at`), merged
      duplicates included; the three dicts name every value of their vocabulary, in its order, zeros included
      (`by_status` holds each need's status today);
    - `closed`, `median_days_to_close`, `closed_with_deadline`, `closed_on_time`, `on_time_share`: needs closed
      in the period (`closed_at`) and closed still. Days to close run from raising to closing, in days with one
      decimal (None when none closed). On time means closed on or before the deadline's day, local time, among
      closed needs that had a deadline; the share is 0..1 rounded to 3 decimals (None when there are none);
    - `ratings`, `average_rating`: ratings given in the period (`NeedRating.created_at`) of needs on the board;
      the average has 2 decimals (None when there are none);
    - `overdue`: today, whatever the period: needs someone is answerable for (assigned, accepted, in progress)
      whose deadline day has passed.
    """

    raised: int
    by_status: dict[str, int]
    by_category: dict[str, int]
    by_source: dict[str, int]
    closed: int
    median_days_to_close: float | None
    closed_with_deadline: int
    closed_on_time: int
    on_time_share: float | None
    ratings: int
    average_rating: float | None
    overdue: int


def needs_figures(
    actor: Actor,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    community_id: int | None = None,
) -> NeedFigures:
    """The figures of the town's board (community_id None; rule board.town) or of one community's (rule
    board.community; NotFound for a community that does not exist). Raises Invalid when the period ends before
    it starts. See `NeedFigures` for what each figure counts."""
    on_board = _board(actor, community_id)
    start, end = _period(date_from, date_to)
    raised = sa.and_(on_board, *_within(Need.created_at, start, end))
    closed = sa.and_(on_board, Need.status == Status.CLOSED, *_within(Need.closed_at, start, end))

    by_status = _count_by(Need.status, Status, raised)
    closed_count, with_deadline, on_time = db.session.execute(
        sa.select(
            sa.func.count(Need.id),
            sa.func.count(Need.deadline),
            _count_if(sa.and_(Need.deadline.is_not(None), _local_date(Need.closed_at) <= Need.deadline)),
        ).where(closed)
    ).one()
    ratings, average = db.session.execute(
        sa.select(sa.func.count(NeedRating.id), sa.func.avg(NeedRating.stars))
        .join(Need, Need.id == NeedRating.need_id)
        .where(on_board, *_within(NeedRating.created_at, start, end))
    ).one()
    return NeedFigures(
        raised=sum(by_status.values()),
        by_status=by_status,
        by_category=_count_by(Need.category, Category, raised),
        by_source=_count_by(Need.source, Source, raised),
        closed=closed_count,
        median_days_to_close=_median_days_to_close(closed, closed_count),
        closed_with_deadline=with_deadline,
        closed_on_time=on_time,
        on_time_share=round(on_time / with_deadline, 3) if with_deadline else None,
        ratings=ratings,
        average_rating=round(float(average), 2) if ratings else None,
        overdue=db.session.scalar(sa.select(sa.func.count(Need.id)).where(on_board, _overdue())) or 0,
    )


def overdue_needs(
    actor: Actor,
    *,
    community_id: int | None = None,
    q: str | None = None,
    page: int | None = None,
    per_page: int | None = None,
) -> Page[Need]:
    """The needs behind a board's overdue figure, the longest overdue first; searched by description, place or
    tracking number. Same rules as `needs_figures`."""
    query = sa.select(Need).where(_board(actor, community_id), _overdue()).order_by(Need.deadline, Need.id)
    query = search(query, q, Need.description, Need.place, Need.tracking_number)
    return paginate(query, page, per_page)


def board_communities(actor: Actor) -> list[Community]:
    """The communities whose board the reader may open: every one for town-wide staff, their own for League staff
    of a community, their youth groups' for a member of one."""
    query = sa.select(Community).order_by(Community.town_id, Community.name)
    if not scope.town_staff(actor):
        mine = staff_scope.community_ids(actor) | {c for _g, c in scope.youth_groups(actor)}
        query = query.where(Community.id.in_(sorted(mine)))
    return list(db.session.scalars(query))


# ------------------------------------------------------------------------------------------------ the parts


def _board(actor: Actor, community_id: int | None) -> sa.ColumnElement[bool]:
    """The condition of a need on this board, once the reader is allowed to read it."""
    if community_id is None:
        require(actor, "board.town")
        return scope.need_scope(actor)
    community = get_or_404(Community, community_id, _("No such community."))
    require(actor, "board.community", community)
    return sa.and_(scope.need_scope(actor), Need.community_id == community.id)


def _period(date_from: date | None, date_to: date | None) -> tuple[datetime | None, datetime | None]:
    """The period's local days as UTC bounds: from the first day's midnight to the midnight after the last."""
    errors: Errors = {}
    if date_from and date_to and date_to < date_from:
        errors["date_to"] = [_("The end of the period cannot be before its start.")]
    raise_if(errors)
    start = as_utc(datetime.combine(date_from, time.min)) if date_from else None
    end = as_utc(datetime.combine(date_to + timedelta(days=1), time.min)) if date_to else None
    return start, end


def _within(column, start: datetime | None, end: datetime | None) -> list[sa.ColumnElement[bool]]:
    return [c for c in (column >= start if start else None, column < end if end else None) if c is not None]


def _count_if(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def _count_by(column, values: type, condition: sa.ColumnElement[bool]) -> dict[str, int]:
    query = sa.select(column, sa.func.count(Need.id)).where(condition).group_by(column)
    counted = dict(db.session.execute(query).all())
    return {value.value: counted.get(value.value, 0) for value in values}


def _overdue() -> sa.ColumnElement[bool]:
    return sa.and_(Need.status.in_([s.value for s in OPEN_WORK]), Need.deadline < today())


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _days_to_close() -> sa.ColumnElement[float]:
    """closed_at - created_at in days, as the database computes it."""
    if _dialect() == "postgresql":
        return sa.extract("epoch", Need.closed_at - Need.created_at) / 86400.0
    return sa.func.julianday(Need.closed_at) - sa.func.julianday(Need.created_at)


def _local_date(column) -> sa.ColumnElement:
    """The town's calendar day of a UTC time. SQLite has no time zones: it shifts by the zone's offset now (the
    town's zone keeps one offset all year)."""
    if _dialect() == "postgresql":
        return sa.cast(sa.func.timezone(local_zone().key, column), sa.Date)
    offset = utcnow().astimezone(local_zone()).utcoffset() or timedelta()
    return sa.func.date(column, f"{int(offset.total_seconds() // 60):+d} minutes")


def _median_days_to_close(closed: sa.ColumnElement[bool], count: int) -> float | None:
    """The middle duration (the mean of the two middle ones for an even count), found by the database ordering
    the durations and skipping to the middle: SQLite has no percentile function."""
    if not count:
        return None
    days = _days_to_close()
    middle = list(
        db.session.scalars(sa.select(days).where(closed).order_by(days).limit(2 - count % 2).offset((count - 1) // 2))
    )
    return round(sum(float(d) for d in middle) / len(middle), 1)
