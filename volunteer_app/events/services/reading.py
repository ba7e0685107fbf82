"""Reading events: one event, session or role for a page or an endpoint, the lists and the calendar's sessions, each
only as far as the actor may see them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from volunteer_app.core.lookup import get_or_404
from volunteer_app.core.pagination import Page, paginate
from volunteer_app.core.policy import Actor, require
from volunteer_app.core.text import clean_text
from volunteer_app.events.models import (
    Audience,
    Event,
    EventRole,
    EventSession,
    EventStatus,
    RoleReservation,
    Signup,
    SignupStatus,
    event_audience_teams,
)
from volunteer_app.events.policy import is_town_staff, visitors_see
from volunteer_app.events.signups import reserved_unfilled
from volunteer_app.extensions import db
from volunteer_app.organisations import team_scope
from volunteer_app.organisations.models import Community, Team


def _event_options() -> list:
    return [
        selectinload(Event.team),
        selectinload(Event.community).selectinload(Community.town),
        selectinload(Event.audience_teams),
        selectinload(Event.sessions).selectinload(EventSession.roles),
        selectinload(Event.recurrence),
    ]


def get_event(actor: Actor, event_id: int) -> Event:
    event = get_or_404(Event, event_id, _("No such event."), *_event_options())
    require(actor, "event.view", event)
    attach_role_counts(event.sessions)
    return event


def get_event_for_update(actor: Actor, event_id: int) -> Event:
    event = get_or_404(Event, event_id, _("No such event."), *_event_options())
    require(actor, "event.manage", event)
    return event


def get_session(actor: Actor, session_id: int) -> EventSession:
    session = get_or_404(
        EventSession,
        session_id,
        _("No such session."),
        selectinload(EventSession.event).selectinload(Event.team),
        selectinload(EventSession.roles),
    )
    require(actor, "event.view", session.event)
    return session


def get_role(actor: Actor, role_id: int) -> EventRole:
    role = get_or_404(
        EventRole,
        role_id,
        _("No such role."),
        selectinload(EventRole.session).selectinload(EventSession.event).selectinload(Event.team),
    )
    require(actor, "event.view", role.session.event)
    attach_role_counts([role.session])
    return role


def attach_role_counts(sessions: Iterable[EventSession]) -> None:
    """Confirmed, offered, waitlisted and reserved counts of every role of these sessions, in grouped queries."""
    roles = [role for session in sessions for role in session.roles]
    if not roles:
        return
    counts: dict[tuple[int, str], int] = {
        (row.role_id, row.status): row.n
        for row in db.session.execute(
            sa.select(Signup.role_id, Signup.status, sa.func.count().label("n"))
            .where(Signup.role_id.in_([r.id for r in roles]), Signup.status != SignupStatus.CANCELLED)
            .group_by(Signup.role_id, Signup.status)
        )
    }
    reserved = reserved_unfilled(r.id for r in roles)
    for role in roles:
        role.confirmed_count = counts.get((role.id, SignupStatus.CONFIRMED), 0)
        role.waitlisted_count = counts.get((role.id, SignupStatus.WAITLISTED), 0)
        role.offered_count = counts.get((role.id, SignupStatus.OFFERED), 0)  # held for their volunteer
        role.reserved_count = reserved.get(role.id, 0)  # held for a team, not filled with names yet
        role.places_left = max(0, role.capacity - role.confirmed_count - role.offered_count - role.reserved_count)


@dataclass(frozen=True)
class EventFilter:
    from_: datetime | None = None
    to: datetime | None = None
    kind: str | None = None
    community_id: int | None = None
    team_id: int | None = None
    status: str | None = None
    q: str | None = None


def visible_events(actor: Actor, query: sa.Select) -> sa.Select:
    """Town staff see every event; others what is published (public, or for a team they are in) and their drafts; an
    anonymous visitor what the policy opens to visitors."""
    if getattr(actor, "is_anonymous", False):
        return query.where(visitors_see())
    if is_town_staff(actor):
        return query
    led = sorted(team_scope.led_team_ids(actor))
    teams = sorted(team_scope.seen_team_ids(actor))
    not_draft = Event.status.in_((EventStatus.PUBLISHED, EventStatus.COMPLETED, EventStatus.CANCELLED))
    audience = Event.audience == Audience.PUBLIC
    if teams:
        audience = sa.or_(
            audience,
            Event.id.in_(sa.select(event_audience_teams.c.event_id).where(event_audience_teams.c.team_id.in_(teams))),
        )
    condition = sa.and_(not_draft, audience)
    if led:
        condition = sa.or_(condition, Event.team_id.in_(led))
    return query.where(condition)


def list_events(
    actor: Actor, filters: EventFilter | None = None, *, page: int | None = None, per_page: int | None = None
) -> Page:
    """Events by date range (an event overlapping the range counts), kind, community, team, status and words."""
    require(actor, "event.view")
    f = filters or EventFilter()
    query = visible_events(actor, sa.select(Event)).options(
        selectinload(Event.team), selectinload(Event.community).selectinload(Community.town)
    )
    if f.from_:
        query = query.where(Event.ends_at >= f.from_)
    if f.to:
        query = query.where(Event.starts_at < f.to)
    if f.kind:
        query = query.where(Event.kind == f.kind)
    if f.community_id:
        query = query.where(Event.community_id == f.community_id)
    if f.team_id:
        query = query.where(Event.team_id == f.team_id)
    if f.status:
        query = query.where(Event.status == f.status)
    q = clean_text(f.q, 100)
    if q:
        query = query.where(
            sa.or_(Event.title.icontains(q, autoescape=True), Event.place.icontains(q, autoescape=True))
        )
    # NULLS LAST rather than `starts_at IS NULL` first: the same order, and one ix_events_starts_at gives, so a page
    # reads its rows from the index instead of sorting every matching event (tests/events/test_list_plan.py).
    result = paginate(query.order_by(Event.starts_at.asc().nulls_last(), Event.id), page, per_page)
    attach_event_places(result.items)
    return result


def attach_event_places(events: list[Event]) -> None:
    """Total places, confirmed sign-ups and places reserved for teams and not filled yet of each event of a page, in
    a few grouped queries."""
    if not events:
        return
    ids = [e.id for e in events]
    capacity = dict(
        db.session.execute(
            sa.select(EventSession.event_id, sa.func.sum(EventRole.capacity))
            .join(EventRole, EventRole.session_id == EventSession.id)
            .where(EventSession.event_id.in_(ids))
            .group_by(EventSession.event_id)
        ).all()
    )
    confirmed = dict(
        db.session.execute(
            sa.select(EventSession.event_id, sa.func.count(Signup.id))
            .join(EventRole, EventRole.session_id == EventSession.id)
            .join(Signup, Signup.role_id == EventRole.id)
            .where(EventSession.event_id.in_(ids), Signup.status == SignupStatus.CONFIRMED)
            .group_by(EventSession.event_id)
        ).all()
    )
    role_events = dict(
        db.session.execute(
            sa.select(RoleReservation.role_id, EventSession.event_id)
            .join(EventRole, EventRole.id == RoleReservation.role_id)
            .join(EventSession, EventSession.id == EventRole.session_id)
            .where(EventSession.event_id.in_(ids), RoleReservation.released_at.is_(None))
            .distinct()
        ).all()
    )
    reserved: dict[int, int] = {}
    for role_id, places in reserved_unfilled(role_events).items():
        reserved[role_events[role_id]] = reserved.get(role_events[role_id], 0) + places
    for event in events:
        event.total_places = int(capacity.get(event.id) or 0)
        event.confirmed_count = int(confirmed.get(event.id) or 0)
        event.reserved_count = reserved.get(event.id, 0)  # held for teams, not filled with names yet


def teams_to_organise_for(actor: Actor) -> list[tuple[int, str]]:
    """(id, name) of the teams an actor may organise events for: every team for town staff, their own for a leader."""
    query = sa.select(Team.id, Team.name).order_by(Team.name)
    if not is_town_staff(actor):
        query = query.where(Team.id.in_(sorted(team_scope.led_team_ids(actor))))
    return [(row.id, row.name) for row in db.session.execute(query)]


def sessions_between(
    actor: Actor,
    start: datetime,
    end: datetime | None = None,
    *,
    q: str | None = None,
    page: int | None = None,
    per_page: int | None = None,
) -> Page:
    """Sessions of the events the actor can see, from `start` (to `end`), in time order: the calendar's data."""
    require(actor, "event.view")
    query = (
        visible_events(actor, sa.select(EventSession).join(EventSession.event))
        .where(EventSession.ends_at >= start, Event.status != EventStatus.DRAFT)
        .options(selectinload(EventSession.event).selectinload(Event.community))
        .order_by(EventSession.starts_at, EventSession.id)
    )
    if end is not None:
        query = query.where(EventSession.starts_at < end)
    q = clean_text(q, 100)
    if q:
        query = query.where(Event.title.icontains(q, autoescape=True))
    return paginate(query, page, per_page)
