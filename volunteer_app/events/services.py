"""Events, their sessions and roles: creating, changing, publishing, listing. Sign-ups live in signups.py,
attendance and hours in hours.py, beneficiaries in enrolments.py, recurrence in calendar.py.

Every function takes the acting user first, checks the policy, validates (Invalid with field messages, nested
fields written with dots: `sessions.0.roles.1.capacity`), and writes in one transaction. Where time matters it
takes `now`, so tests move time instead of waiting.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from volunteer_app.accounts.models import Role
from volunteer_app.core import audit
from volunteer_app.core.errors import Conflict, Invalid, NotFound
from volunteer_app.core.ids import valid_id
from volunteer_app.core.pagination import Page, paginate
from volunteer_app.core.policy import can, require
from volunteer_app.core.time import as_utc, utcnow
from volunteer_app.events import reminders
from volunteer_app.events.models import (
    Audience,
    Event,
    EventKind,
    EventRole,
    EventSession,
    EventStatus,
    Signup,
    SignupStatus,
    event_audience_teams,
)
from volunteer_app.events.policy import is_staff, visitors_see
from volunteer_app.extensions import db
from volunteer_app.organisations.models import Community, PoliticalStatus, Team, TeamMembership, VolunteerProfile

Actor = Any
MAX_CAPACITY = 100_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
EVENT_FIELDS = (
    "title",
    "kind",
    "team_id",
    "community_id",
    "place",
    "description",
    "signup_opens_at",
    "signup_closes_at",
    "audience",
    "beneficiary_capacity",
)


# ---------------------------------------------------------------------------------------------- helpers


def text(value: object, limit: int | None = None) -> str:
    cleaned = _CONTROL.sub("", str(value or "")).strip()
    return cleaned[:limit] if limit else cleaned


def get_or_404(model: type, object_id: object, message: str, *options) -> Any:
    if not valid_id(object_id):
        raise NotFound(message)
    obj = db.session.get(model, object_id, options=list(options))
    if obj is None:
        raise NotFound(message)
    return obj


def raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise Invalid(errors)


def own_profile(actor: Actor) -> VolunteerProfile | None:
    if getattr(actor, "id", None) is None:
        return None
    return db.session.scalar(
        sa.select(VolunteerProfile)
        .where(VolunteerProfile.user_id == actor.id)
        .options(selectinload(VolunteerProfile.memberships))
    )


def member_team_ids(actor: Actor) -> set[int]:
    """Teams the actor belongs to as a volunteer, and teams they lead."""
    led = set(actor.scopes(Role.TEAM_LEADER, "team")) if hasattr(actor, "scopes") else set()
    if getattr(actor, "id", None) is None:
        return led
    rows = db.session.scalars(
        sa.select(TeamMembership.team_id)
        .join(VolunteerProfile, VolunteerProfile.id == TeamMembership.volunteer_id)
        .where(VolunteerProfile.user_id == actor.id, TeamMembership.left_on.is_(None))
    )
    return led | set(rows)


def _event_options() -> list:
    return [
        selectinload(Event.team),
        selectinload(Event.community).selectinload(Community.town),
        selectinload(Event.audience_teams),
        selectinload(Event.sessions).selectinload(EventSession.roles),
        selectinload(Event.recurrence),
    ]


# ---------------------------------------------------------------------------------------------- reading


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
    """Confirmed and waitlisted counts of every role of these sessions, in one grouped query."""
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
    for role in roles:
        role.confirmed_count = counts.get((role.id, SignupStatus.CONFIRMED), 0)
        role.waitlisted_count = counts.get((role.id, SignupStatus.WAITLISTED), 0)
        role.places_left = max(0, role.capacity - role.confirmed_count)


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
    """Staff see every event; others what is published (public, or for a team they are in) and their drafts; an
    anonymous visitor what the policy opens to visitors."""
    if getattr(actor, "is_anonymous", False):
        return query.where(visitors_see())
    if is_staff(actor):
        return query
    led = sorted(actor.scopes(Role.TEAM_LEADER, "team")) if hasattr(actor, "scopes") else []
    teams = sorted(member_team_ids(actor))
    not_draft = Event.status.in_((EventStatus.PUBLISHED, EventStatus.COMPLETED, EventStatus.CANCELLED))
    audience = Event.audience == Audience.PUBLIC
    if teams:
        audience = sa.or_(
            audience,
            Event.id.in_(
                sa.select(event_audience_teams.c.event_id).where(event_audience_teams.c.team_id.in_(teams))
            ),
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
    q = text(f.q, 100)
    if q:
        query = query.where(
            sa.or_(Event.title.icontains(q, autoescape=True), Event.place.icontains(q, autoescape=True))
        )
    result = paginate(query.order_by(Event.starts_at.is_(None), Event.starts_at, Event.id), page, per_page)
    attach_event_places(result.items)
    return result


def attach_event_places(events: list[Event]) -> None:
    """Total places and confirmed sign-ups of each event of a page, in two grouped queries."""
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
    for event in events:
        event.total_places = int(capacity.get(event.id) or 0)
        event.confirmed_count = int(confirmed.get(event.id) or 0)


# ---------------------------------------------------------------------------------------------- validation


def _check_event_fields(errors: dict[str, list[str]], data: dict[str, Any], current: Event | None) -> None:
    if "title" in data or current is None:
        data["title"] = text(data.get("title"))
        if not data["title"]:
            errors["title"] = [_("Give a title.")]
        elif len(data["title"]) > 200:
            errors["title"] = [_("Use at most %(n)d characters.", n=200)]
    if ("kind" in data or current is None) and data.get("kind") not in set(EventKind):
        errors["kind"] = [_("Choose the kind of event.")]
    if data.get("team_id") is not None and (not valid_id(data["team_id"]) or not db.session.get(Team, data["team_id"])):
        errors["team_id"] = [_("Choose a registered team.")]
    if data.get("community_id") is not None and (
        not valid_id(data["community_id"]) or not db.session.get(Community, data["community_id"])
    ):
        errors["community_id"] = [_("Choose a registered community.")]
    for key, limit in (("place", 200), ("description", 5000)):
        if key in data:
            data[key] = text(data[key])
            if len(data[key]) > limit:
                errors[key] = [_("Use at most %(n)d characters.", n=limit)]
    if "audience" in data and data["audience"] not in set(Audience):
        errors["audience"] = [_("Choose everyone or only the named teams.")]
    opens = data.get("signup_opens_at", current.signup_opens_at if current else None)
    closes = data.get("signup_closes_at", current.signup_closes_at if current else None)
    if opens and closes and closes <= opens:
        errors["signup_closes_at"] = [_("Sign-up must close after it opens.")]
    capacity = data.get("beneficiary_capacity")
    if capacity is not None and (not isinstance(capacity, int) or not 0 <= capacity <= MAX_CAPACITY):
        errors["beneficiary_capacity"] = [_("Give a number of places from 0 to 100000.")]


def _audience_teams(errors: dict[str, list[str]], team_ids: Iterable[int] | None) -> list[Team]:
    ids = sorted({i for i in team_ids or () if valid_id(i)})
    teams = list(db.session.scalars(sa.select(Team).where(Team.id.in_(ids)))) if ids else []
    if len(teams) != len(ids) or len(ids) != len(set(team_ids or ())):
        errors["audience_team_ids"] = [_("Choose registered teams.")]
    return teams


def clean_role_template(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": text(data.get("name"), 80),
        "capacity": data.get("capacity"),
        "description": text(data.get("description"), 500),
        "min_age": data.get("min_age"),
        "political_status": data.get("political_status") or None,
        "skill": text(data.get("skill"), 40) or None,
    }


def _check_role(errors: dict[str, list[str]], prefix: str, data: dict[str, Any], partial: bool = False) -> None:
    if "name" in data or not partial:
        if not text(data.get("name")):
            errors[f"{prefix}name"] = [_("Give a name.")]
        elif len(text(data.get("name"))) > 80:
            errors[f"{prefix}name"] = [_("Use at most %(n)d characters.", n=80)]
    if "capacity" in data or not partial:
        capacity = data.get("capacity")
        if not isinstance(capacity, int) or isinstance(capacity, bool) or not 0 <= capacity <= MAX_CAPACITY:
            errors[f"{prefix}capacity"] = [_("Give a number of places from 0 to 100000.")]
    min_age = data.get("min_age")
    if min_age is not None and (not isinstance(min_age, int) or not 0 <= min_age <= 100):
        errors[f"{prefix}min_age"] = [_("Give an age from 0 to 100.")]
    status = data.get("political_status")
    if status and status not in set(PoliticalStatus):
        errors[f"{prefix}political_status"] = [_("Choose a political status.")]


def _check_session(errors: dict[str, list[str]], prefix: str, data: dict[str, Any], require_roles: bool) -> None:
    starts, ends = data.get("starts_at"), data.get("ends_at")
    if not isinstance(starts, datetime):
        errors[f"{prefix}starts_at"] = [_("Give the start date and time.")]
    if not isinstance(ends, datetime):
        errors[f"{prefix}ends_at"] = [_("Give the end date and time.")]
    elif isinstance(starts, datetime) and ends <= starts:
        errors[f"{prefix}ends_at"] = [_("The end must be after the start.")]
    if len(text(data.get("title"))) > 120:
        errors[f"{prefix}title"] = [_("Use at most %(n)d characters.", n=120)]
    roles = data.get("roles") or []
    if require_roles and not roles:
        errors[f"{prefix}roles"] = [_("Give at least one role.")]
    for index, role in enumerate(roles):
        _check_role(errors, f"{prefix}roles.{index}.", role)


def check_event(
    errors: dict[str, list[str]],
    fields: dict[str, Any],
    sessions: list[tuple[str, dict[str, Any]]],
    current: Event | None = None,
) -> None:
    """The one validation of a whole event, run by creating it and by every change to it or its sessions: the event's
    fields (those given, or all of them on creation) with its sign-up window, each session, no two sessions starting
    at the same time, and sign-up closing before the last session ends (not for a recurring event, whose sessions
    keep coming). `sessions` pairs each session's field prefix with its data as it will be, the one being added or
    changed last, so a clash is reported on it."""
    _check_event_fields(errors, fields, current)
    starts: set[datetime] = set()
    for prefix, data in sessions:
        _check_session(errors, prefix, data, require_roles=False)
        start = data.get("starts_at")
        if isinstance(start, datetime):
            if as_utc(start) in starts:
                errors[f"{prefix}starts_at"] = [_("This event already has a session starting then.")]
            starts.add(as_utc(start))
    ends = [as_utc(data["ends_at"]) for _prefix, data in sessions if isinstance(data.get("ends_at"), datetime)]
    closes = fields.get("signup_closes_at", current.signup_closes_at if current else None)
    recurring = current is not None and current.recurrence is not None
    if isinstance(closes, datetime) and ends and not recurring and as_utc(closes) > max(ends):
        errors.setdefault("signup_closes_at", [_("Sign-up must close before the event ends.")])


def _sessions_as_they_are(event: Event, but: EventSession | None = None) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"sessions.{index}.", {"starts_at": s.starts_at, "ends_at": s.ends_at, "title": s.title})
        for index, s in enumerate(event.sessions)
        if s is not but
    ]


def _session_name(session: EventSession) -> str:
    return session.title or reminders.when_text(session.starts_at)


def _note_if_past(session: EventSession, now: datetime) -> None:
    """A session put in the past is allowed (recording what happened) but said, in case the date is a mistake."""
    session.warnings = (
        [_("The session %(session)s starts in the past: check its date.", session=_session_name(session))]
        if as_utc(session.starts_at) < now
        else []
    )


def _build_session(data: dict[str, Any]) -> EventSession:
    session = EventSession(starts_at=data["starts_at"], ends_at=data["ends_at"], title=text(data.get("title"), 120))
    session.roles = [EventRole(**clean_role_template(r)) for r in data.get("roles") or []]
    return session


def refresh_event_span(event: Event) -> None:
    """The event's own start and end follow its sessions."""
    sessions = event.sessions
    event.starts_at = min((s.starts_at for s in sessions), default=None)
    event.ends_at = max((s.ends_at for s in sessions), default=None)


def completeness_errors(event: Event) -> dict[str, list[str]]:
    """What an event still lacks before it can be published."""
    errors: dict[str, list[str]] = {}
    if not event.title:
        errors["title"] = [_("Give a title.")]
    if event.community_id is None and not event.place:
        errors["place"] = [_("Say where: a host community or a place.")]
    if not event.sessions:
        errors["sessions"] = [_("Add at least one session.")]
    for index, session in enumerate(event.sessions):
        if not session.roles:
            errors[f"sessions.{index}.roles"] = [_("Every session needs at least one role.")]
    if event.signup_closes_at is None:
        errors["signup_closes_at"] = [_("Say when sign-up closes.")]
    if event.audience == Audience.TEAMS and not event.audience_teams:
        errors["audience_team_ids"] = [_("Name the teams the event is for.")]
    return errors


# ---------------------------------------------------------------------------------------------- writing


def create_event(
    actor: Actor,
    *,
    title: str,
    kind: str,
    team_id: int | None = None,
    community_id: int | None = None,
    place: str = "",
    description: str = "",
    signup_opens_at: datetime | None = None,
    signup_closes_at: datetime | None = None,
    audience: str = Audience.PUBLIC,
    audience_team_ids: list[int] | None = None,
    beneficiary_capacity: int | None = None,
    status: str = EventStatus.DRAFT,
    sessions: list[dict[str, Any]] | None = None,
    commit: bool = True,
) -> Event:
    """An event with its sessions and their roles, all or nothing. `status` "published" publishes at once.
    `commit=False` leaves the event in the caller's transaction, for another domain's service that creates it as
    one step of its own change (a referral to a team becoming the team's draft event) and commits both together."""
    require(actor, "event.create", team_id)
    data = {
        "title": title,
        "kind": kind,
        "team_id": team_id,
        "community_id": community_id,
        "place": place,
        "description": description,
        "signup_opens_at": signup_opens_at,
        "signup_closes_at": signup_closes_at,
        "audience": audience,
        "beneficiary_capacity": beneficiary_capacity,
    }
    errors: dict[str, list[str]] = {}
    check_event(errors, data, [(f"sessions.{index}.", session) for index, session in enumerate(sessions or [])])
    teams = _audience_teams(errors, audience_team_ids)
    if status not in (EventStatus.DRAFT, EventStatus.PUBLISHED):
        errors["status"] = [_("A new event is a draft or published.")]
    raise_if(errors)
    event = Event(**data, created_by_id=getattr(actor, "id", None), status=EventStatus.DRAFT)
    event.audience_teams = teams
    event.sessions = [_build_session(s) for s in sessions or []]
    now = utcnow()
    for session in event.sessions:
        _note_if_past(session, now)
    refresh_event_span(event)
    if status == EventStatus.PUBLISHED:
        raise_if(completeness_errors(event))
        event.status = EventStatus.PUBLISHED
    db.session.add(event)
    db.session.flush()
    audit.record(actor, "create", "event", event.id, detail={"title": event.title, "status": event.status})
    if commit:
        db.session.commit()
    return event


def _guard_session_clash(write: Callable[[], None]) -> None:
    """check_event refuses two sessions at one start; when two requests race to the same start, the database's
    unique constraint has the last word, and it is the same answer."""
    try:
        write()
    except IntegrityError:
        db.session.rollback()
        raise Invalid({"starts_at": [_("This event already has a session starting then.")]}) from None


def update_event(actor: Actor, event_id: int, *, now: datetime | None = None, **changes: Any) -> Event:
    """Changes the fields given; `status` moves it on (draft → published → completed, or cancelled with a reason)."""
    event = get_event_for_update(actor, event_id)
    errors: dict[str, list[str]] = {}
    fields = {k: v for k, v in changes.items() if k in EVENT_FIELDS}
    if "team_id" in fields and fields["team_id"] != event.team_id and not can(actor, "event.create", fields["team_id"]):
        errors["team_id"] = [_("You can only organise events for a team you lead.")]
    check_event(errors, fields, _sessions_as_they_are(event), event)
    teams = _audience_teams(errors, changes["audience_team_ids"]) if "audience_team_ids" in changes else None
    raise_if(errors)
    old_title, old_place = event.title, reminders.place_of(event)
    for key, value in fields.items():
        setattr(event, key, value)
    if teams is not None:
        event.audience_teams = teams
    now = now or utcnow()
    moved_to = None
    if changes.get("status") and changes["status"] != event.status:
        _move(event, changes["status"], changes.get("cancel_reason"), now)
        moved_to = event.status
    db.session.flush()
    if "community_id" in fields:
        db.session.expire(event, ["community"])  # the place shown in notices follows the new community
    if moved_to == EventStatus.PUBLISHED:
        reminders.plan_event(event, now)
    elif moved_to == EventStatus.CANCELLED:
        reminders.event_cancelled(event, now)
    elif event.title != old_title or reminders.place_of(event) != old_place:
        reminders.event_details_changed(event, old_place, now)
    audit.record(actor, "update", "event", event.id, detail={"fields": sorted(changes)})
    db.session.commit()
    return event


TRANSITIONS = {
    EventStatus.DRAFT: {EventStatus.PUBLISHED, EventStatus.CANCELLED},
    EventStatus.PUBLISHED: {EventStatus.COMPLETED, EventStatus.CANCELLED, EventStatus.DRAFT},
    EventStatus.COMPLETED: set(),
    EventStatus.CANCELLED: set(),
}


def _move(event: Event, status: str, reason: str | None, now: datetime) -> None:
    if status not in set(EventStatus):
        raise Invalid({"status": [_("Choose draft, published, completed or cancelled.")]})
    if status not in TRANSITIONS[EventStatus(event.status)]:
        raise Conflict(_("An event that is %(old)s cannot become %(new)s.", old=event.status, new=status))
    if status == EventStatus.PUBLISHED:
        raise_if(completeness_errors(event))
    if status == EventStatus.DRAFT and db.session.scalar(
        sa.select(sa.func.count(Signup.id))
        .join(EventRole, EventRole.id == Signup.role_id)
        .join(EventSession, EventSession.id == EventRole.session_id)
        .where(EventSession.event_id == event.id, Signup.status != SignupStatus.CANCELLED)
    ):
        raise Conflict(_("Volunteers have signed up: cancel the event instead of taking it back to draft."))
    if status == EventStatus.COMPLETED:
        if not event.sessions:
            raise Conflict(_("An event can be completed only once it has begun."))
        # Completing while a session is still to come would leave its volunteers confirmed and reminded for it.
        pending = next((s for s in event.sessions if as_utc(s.ends_at) > now), None)
        if pending is not None:
            raise Conflict(
                _(
                    "The session %(session)s has not ended yet (it ends %(end)s). An event can be completed only "
                    "when all its sessions have ended: wait, delete the sessions still to come, or cancel the event.",
                    session=_session_name(pending),
                    end=reminders.when_text(pending.ends_at),
                )
            )
    if status == EventStatus.CANCELLED:
        reason = text(reason, 500)
        if not reason:
            raise Invalid({"cancel_reason": [_("Say why the event is cancelled.")]})
        event.cancel_reason = reason
    event.status = status


def publish(actor: Actor, event_id: int, *, now: datetime | None = None) -> Event:
    return update_event(actor, event_id, status=EventStatus.PUBLISHED, now=now)


def cancel_event(actor: Actor, event_id: int, reason: str, *, now: datetime | None = None) -> Event:
    return update_event(actor, event_id, status=EventStatus.CANCELLED, cancel_reason=reason, now=now)


def _editable(event: Event) -> None:
    if event.status in (EventStatus.COMPLETED, EventStatus.CANCELLED):
        raise Conflict(_("A completed or cancelled event cannot be changed."))


def add_session(
    actor: Actor,
    event_id: int,
    *,
    starts_at: datetime,
    ends_at: datetime,
    title: str = "",
    roles: list[dict[str, Any]] | None = None,
    now: datetime | None = None,
) -> EventSession:
    """Adds a session; one starting in the past comes back with `warnings` saying so."""
    event = get_event_for_update(actor, event_id)
    _editable(event)
    data = {"starts_at": starts_at, "ends_at": ends_at, "title": title, "roles": roles or []}
    errors: dict[str, list[str]] = {}
    check_event(errors, {}, [*_sessions_as_they_are(event), ("", data)], event)
    raise_if(errors)
    session = _build_session(data)
    event.sessions.append(session)
    refresh_event_span(event)
    _note_if_past(session, now or utcnow())
    _guard_session_clash(db.session.flush)
    audit.record(actor, "create", "event_session", session.id, detail={"event_id": event.id})
    db.session.commit()
    return session


def update_session(actor: Actor, session_id: int, *, now: datetime | None = None, **changes: Any) -> EventSession:
    """Changes a session; new times re-plan its reminders and tell its confirmed volunteers. One moved into the past
    comes back with `warnings` saying so."""
    session = get_session(actor, session_id)
    event = get_event_for_update(actor, session.event_id)
    _editable(event)
    data = {
        "starts_at": changes.get("starts_at", session.starts_at),
        "ends_at": changes.get("ends_at", session.ends_at),
        "title": changes.get("title", session.title),
    }
    errors: dict[str, list[str]] = {}
    check_event(errors, {}, [*_sessions_as_they_are(event, but=session), ("", data)], event)
    raise_if(errors)
    old_starts, old_ends, old_title = session.starts_at, session.ends_at, session.title
    session.starts_at, session.ends_at, session.title = data["starts_at"], data["ends_at"], text(data["title"], 120)
    refresh_event_span(event)
    now = now or utcnow()
    session.warnings = []
    if as_utc(session.starts_at) != as_utc(old_starts) or as_utc(session.ends_at) != as_utc(old_ends):
        _guard_session_clash(db.session.flush)
        reminders.session_moved(session, old_starts, old_ends, now)
        _note_if_past(session, now)
    if session.title != old_title:
        reminders.session_renamed(session)
    audit.record(actor, "update", "event_session", session.id, detail={"fields": sorted(changes)})
    db.session.commit()
    return session


def _has_signups(role_ids: list[int]) -> bool:
    return bool(role_ids) and bool(
        db.session.scalar(sa.select(sa.func.count(Signup.id)).where(Signup.role_id.in_(role_ids)))
    )


def delete_session(actor: Actor, session_id: int) -> None:
    session = get_session(actor, session_id)
    event = get_event_for_update(actor, session.event_id)
    _editable(event)
    if _has_signups([r.id for r in session.roles]):
        raise Conflict(_("Volunteers have signed up for this session; it cannot be deleted."))
    errors: dict[str, list[str]] = {}
    check_event(errors, {}, _sessions_as_they_are(event, but=session), event)
    raise_if(errors)
    event.sessions.remove(session)
    db.session.flush()
    refresh_event_span(event)
    audit.record(actor, "delete", "event_session", session_id, detail={"event_id": event.id})
    db.session.commit()


def add_role(actor: Actor, session_id: int, **data: Any) -> EventRole:
    session = get_session(actor, session_id)
    event = get_event_for_update(actor, session.event_id)
    _editable(event)
    errors: dict[str, list[str]] = {}
    _check_role(errors, "", data)
    raise_if(errors)
    role = EventRole(**clean_role_template(data))
    session.roles.append(role)
    db.session.flush()
    audit.record(actor, "create", "event_role", role.id, detail={"session_id": session.id})
    db.session.commit()
    return role


def update_role(actor: Actor, role_id: int, *, now: datetime | None = None, **changes: Any) -> EventRole:
    """Changes a role; more places promote volunteers from the waitlist, fewer than are confirmed is refused."""
    from volunteer_app.events import signups

    role = get_role(actor, role_id)
    event = get_event_for_update(actor, role.session.event_id)
    _editable(event)
    errors: dict[str, list[str]] = {}
    _check_role(errors, "", changes, partial=True)
    raise_if(errors)
    signups.lock_role(role.id)
    confirmed = signups.confirmed_count(role.id)
    if "capacity" in changes and changes["capacity"] < confirmed:
        raise Invalid({"capacity": [_("%(n)d volunteers are confirmed; cancel some places first.", n=confirmed)]})
    cleaned = clean_role_template({**_role_dict(role), **changes})
    old_name = role.name
    for key in ("name", "capacity", "description", "min_age", "political_status", "skill"):
        if key in changes:
            setattr(role, key, cleaned[key])
    db.session.flush()
    signups.promote(role, now or utcnow())
    if role.name != old_name:
        reminders.role_renamed(role)
    audit.record(actor, "update", "event_role", role.id, detail={"fields": sorted(changes)})
    db.session.commit()
    return role


def _role_dict(role: EventRole) -> dict[str, Any]:
    return {k: getattr(role, k) for k in ("name", "capacity", "description", "min_age", "political_status", "skill")}


def delete_role(actor: Actor, role_id: int) -> None:
    role = get_role(actor, role_id)
    event = get_event_for_update(actor, role.session.event_id)
    _editable(event)
    if _has_signups([role.id]):
        raise Conflict(_("Volunteers have signed up for this role; it cannot be deleted."))
    db.session.delete(role)
    audit.record(actor, "delete", "event_role", role_id, detail={"session_id": role.session_id})
    db.session.commit()


def event_choices_for_leader(actor: Actor) -> list[tuple[int, str]]:
    """Teams an actor may organise for: every team for staff, their own for a leader."""
    query = sa.select(Team.id, Team.name).order_by(Team.name)
    if not is_staff(actor):
        query = query.where(Team.id.in_(sorted(actor.scopes(Role.TEAM_LEADER, "team"))))
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
    q = text(q, 100)
    if q:
        query = query.where(Event.title.icontains(q, autoescape=True))
    return paginate(query, page, per_page)
