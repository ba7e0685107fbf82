"""Reading events: one event, session or role for a page or an endpoint, the lists and the calendar's sessions, each
only as far as the actor may see them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from volunteer_app.accounts import staff_scope
from volunteer_app.core.lookup import get_or_404
from volunteer_app.core.pagination import Keyset, Page, paginate
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
from volunteer_app.organisations.models import Community, Team, VolunteerProfile


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
    communities = staff_scope.community_ids(actor)  # community staff: every event in their community, drafts too
    if communities:
        condition = sa.or_(condition, Event.community_id.in_(sorted(communities)))
    return query.where(condition)


# The events list's order, which keyset paging continues from: start (events without sessions last), then id. NULLS LAST
# rather than `starts_at IS NULL` first: the same order, and one ix_events_starts_at gives, so a page reads its rows
# from the index instead of sorting every matching event (tests/events/test_list_plan.py).
EVENT_ORDER = Keyset((Event.starts_at, Event.id), nullable_first=True)

# The SQLite FTS5 table (trigram tokenizer) over events' title and place, kept by triggers (migration "search indexes").
_events_fts = sa.table("events_fts", sa.column("rowid", sa.Integer))
TRIGRAM = 3  # a trigram index finds words of at least this many characters; shorter ones are scanned for


def matching_words(q: str) -> sa.ColumnElement[bool]:
    """Events whose title or place holds `q`. From three characters on, an index finds them: on PostgreSQL the pg_trgm
    GIN indexes serve (I)LIKE; on SQLite the FTS5 trigram table. A shorter `q` (彩绘) has no trigram: it is a scan,
    which the list's order and LIMIT stop at the page's last row when the words are common; only its capped count
    reads every event (tests/events/test_list_scale.py)."""
    if db.engine.dialect.name == "sqlite" and len(q) >= TRIGRAM:
        phrase = '"' + q.replace('"', '""') + '"'
        return Event.id.in_(sa.select(_events_fts.c.rowid).where(sa.literal_column("events_fts").op("MATCH")(phrase)))
    pattern = "%" + q.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"
    # ILIKE or LIKE as such, not lower(x) LIKE lower(y) (icontains): the trigram index holds the column, not lower() of
    # it. Words without case (Chinese, digits) need no ILIKE, which lower-cases every row it scans (6 times slower).
    if q.lower() == q.upper():
        return sa.or_(Event.title.like(pattern, escape="/"), Event.place.like(pattern, escape="/"))
    return sa.or_(Event.title.ilike(pattern, escape="/"), Event.place.ilike(pattern, escape="/"))


def list_events(
    actor: Actor,
    filters: EventFilter | None = None,
    *,
    page: int | None = None,
    per_page: int | None = None,
    after: str | None = None,
) -> Page:
    """Events by date range (an event overlapping the range counts), kind, community, team, status and words; by page
    number or after a cursor (`Page.next_after`)."""
    require(actor, "event.view")
    f = filters or EventFilter()
    # Many-to-one: joined into the page's own query rather than one query each.
    query = visible_events(actor, sa.select(Event)).options(
        joinedload(Event.team), joinedload(Event.community).joinedload(Community.town)
    )
    if f.from_:
        # Still to come: ends after `from`. Bounded below by the earliest start among those events too (a scalar
        # subquery, run once), so the page is read from ix_events_starts_at where they begin rather than from the first
        # event ever held (at district scale 16,000 past events were read and thrown away for each page).
        # OFFSET 0 keeps PostgreSQL from turning min() into a walk of ix_events_starts_at from the first event: the
        # events still to come are found from ix_events_ends_at.
        to_come = sa.select(Event.starts_at).where(Event.ends_at >= f.from_).offset(0).subquery()
        earliest = sa.select(sa.func.min(to_come.c.starts_at)).scalar_subquery()
        query = query.where(Event.ends_at >= f.from_, Event.starts_at >= earliest)
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
        query = query.where(matching_words(q))
    result = paginate(query, page, per_page, keyset=EVENT_ORDER, after=after)
    attach_event_places(result.items)
    return result


def attach_event_places(events: list[Event]) -> None:
    """Total places, confirmed sign-ups and places reserved for teams and not filled yet of each event of a page: one
    grouped query (each role's confirmed sign-ups and open reservations counted from their role indexes), and the
    reservations' fills only for the events that have open reservations."""
    if not events:
        return
    ids = [e.id for e in events]

    def per_role(query: sa.Select) -> sa.ScalarSelect:
        return query.with_only_columns(sa.func.count()).correlate(EventRole).scalar_subquery()

    confirmed = per_role(
        sa.select(Signup).where(Signup.role_id == EventRole.id, Signup.status == SignupStatus.CONFIRMED)
    )
    reserving = per_role(
        sa.select(RoleReservation).where(RoleReservation.role_id == EventRole.id, RoleReservation.released_at.is_(None))
    )
    places = {
        row.event_id: row
        for row in db.session.execute(
            sa.select(
                EventSession.event_id,
                sa.func.sum(EventRole.capacity).label("capacity"),
                sa.func.sum(confirmed).label("confirmed"),
                sa.func.sum(reserving).label("reservations"),
            )
            .join(EventRole, EventRole.session_id == EventSession.id)
            .where(EventSession.event_id.in_(ids))
            .group_by(EventSession.event_id)
        )
    }
    reserved: dict[int, int] = {}
    with_reservations = [event_id for event_id, row in places.items() if row.reservations]
    if with_reservations:
        role_events = dict(
            db.session.execute(
                sa.select(RoleReservation.role_id, EventSession.event_id)
                .join(EventRole, EventRole.id == RoleReservation.role_id)
                .join(EventSession, EventSession.id == EventRole.session_id)
                .where(EventSession.event_id.in_(with_reservations), RoleReservation.released_at.is_(None))
                .distinct()
            ).all()
        )
        for role_id, held in reserved_unfilled(role_events).items():
            reserved[role_events[role_id]] = reserved.get(role_events[role_id], 0) + held
    for event in events:
        row = places.get(event.id)
        event.total_places = int(row.capacity or 0) if row else 0
        event.confirmed_count = int(row.confirmed or 0) if row else 0
        event.reserved_count = reserved.get(event.id, 0)  # held for teams, not filled with names yet


def home_community(actor: Actor) -> tuple[bool, int | None]:
    """Whether the actor has a volunteer profile, and its community: all the events list's "near me" needs, in one
    small query rather than the whole profile with its teams."""
    if getattr(actor, "id", None) is None:
        return False, None
    row = db.session.execute(
        sa.select(VolunteerProfile.id, VolunteerProfile.community_id).where(VolunteerProfile.user_id == actor.id)
    ).first()
    return (True, row.community_id) if row else (False, None)


def teams_to_organise_for(actor: Actor) -> list[tuple[int, str]]:
    """(id, name) of the teams an actor may organise events for: every team for town staff, their own for a leader,
    those paired with their community for community staff."""
    query = sa.select(Team.id, Team.name).order_by(Team.name)
    if not is_town_staff(actor):
        query = query.where(Team.id.in_(sorted(team_scope.managed_team_ids(actor))))
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
