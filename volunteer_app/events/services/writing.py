"""Writing events: creating, changing, publishing and cancelling an event, its sessions and their roles. Each
function takes the acting user first, checks the policy, validates through `validation.check_event` and writes in one
transaction. Where time matters it takes `now`, so tests move time instead of waiting."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError

from volunteer_app.core import audit
from volunteer_app.core.errors import Conflict, Errors, Invalid, raise_if
from volunteer_app.core.policy import Actor, can, require
from volunteer_app.core.text import clean_text
from volunteer_app.core.time import as_utc, utcnow
from volunteer_app.events import notices, signups
from volunteer_app.events.models import Audience, Event, EventRole, EventSession, EventStatus, Signup, SignupStatus
from volunteer_app.events.services.reading import get_event_for_update, get_role, get_session
from volunteer_app.events.services.validation import (
    audience_teams,
    check_event,
    check_role,
    clean_role_template,
    completeness_errors,
    sessions_as_they_are,
)
from volunteer_app.extensions import db

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
    "promotion_confirm_hours",
    "attendance_confirm_hours",
)


def _session_name(session: EventSession) -> str:
    return session.title or notices.when_text(session.starts_at)


def _note_if_past(session: EventSession, now: datetime) -> None:
    """A session put in the past is allowed (recording what happened) but said, in case the date is a mistake."""
    session.warnings = (
        [_("The session %(session)s starts in the past: check its date.", session=_session_name(session))]
        if as_utc(session.starts_at) < now
        else []
    )


def _build_session(data: dict[str, Any]) -> EventSession:
    session = EventSession(
        starts_at=data["starts_at"], ends_at=data["ends_at"], title=clean_text(data.get("title"), 120)
    )
    session.roles = [EventRole(**clean_role_template(r)) for r in data.get("roles") or []]
    return session


def refresh_event_span(event: Event) -> None:
    """The event's own start and end follow its sessions."""
    sessions = event.sessions
    event.starts_at = min((s.starts_at for s in sessions), default=None)
    event.ends_at = max((s.ends_at for s in sessions), default=None)


def _require_still_organised(actor: Actor, team_id: int | None, community_id: int | None) -> None:
    """An event someone writes must stay one they organise: community staff keep to their community's events (a
    leader's own team and town staff always pass, event.create having checked the team)."""
    require(actor, "event.manage", SimpleNamespace(team_id=team_id, community_id=community_id))


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
    promotion_confirm_hours: int | None = None,
    attendance_confirm_hours: int | None = None,
    status: str = EventStatus.DRAFT,
    sessions: list[dict[str, Any]] | None = None,
    commit: bool = True,
    now: datetime | None = None,
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
        "promotion_confirm_hours": promotion_confirm_hours,
        "attendance_confirm_hours": attendance_confirm_hours,
    }
    _require_still_organised(actor, team_id, community_id)
    errors: Errors = {}
    check_event(errors, data, [(f"sessions.{index}.", session) for index, session in enumerate(sessions or [])])
    teams = audience_teams(errors, audience_team_ids)
    if status not in (EventStatus.DRAFT, EventStatus.PUBLISHED):
        errors["status"] = [_("A new event is a draft or published.")]
    raise_if(errors)
    event = Event(**data, created_by_id=getattr(actor, "id", None), status=EventStatus.DRAFT)
    event.audience_teams = teams
    event.sessions = [_build_session(s) for s in sessions or []]
    now = now or utcnow()
    for session in event.sessions:
        _note_if_past(session, now)
    refresh_event_span(event)
    if status == EventStatus.PUBLISHED:
        raise_if(completeness_errors(event, now))
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
    fields = {k: v for k, v in changes.items() if k in EVENT_FIELDS}
    errors: Errors = {}
    if "team_id" in fields and fields["team_id"] != event.team_id and not can(actor, "event.create", fields["team_id"]):
        errors["team_id"] = [_("You can only organise events for a team you lead.")]
    elif "team_id" in fields or "community_id" in fields:
        _require_still_organised(
            actor, fields.get("team_id", event.team_id), fields.get("community_id", event.community_id)
        )
    check_event(errors, fields, sessions_as_they_are(event), event)
    teams = audience_teams(errors, changes["audience_team_ids"]) if "audience_team_ids" in changes else None
    raise_if(errors)
    old_title, old_place = event.title, notices.place_of(event)
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
        notices.plan_event(event, now)
    elif moved_to == EventStatus.CANCELLED:
        notices.event_cancelled(event, now)
    elif event.title != old_title or notices.place_of(event) != old_place:
        notices.event_details_changed(event, old_place, now)
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
        raise_if(completeness_errors(event, now))
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
                    end=notices.when_text(pending.ends_at),
                )
            )
    if status == EventStatus.CANCELLED:
        reason = clean_text(reason, 500)
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
    errors: Errors = {}
    check_event(errors, {}, [*sessions_as_they_are(event), ("", data)], event)
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
    errors: Errors = {}
    check_event(errors, {}, [*sessions_as_they_are(event, but=session), ("", data)], event)
    raise_if(errors)
    old_starts, old_ends, old_title = session.starts_at, session.ends_at, session.title
    session.starts_at, session.ends_at, session.title = (
        data["starts_at"],
        data["ends_at"],
        clean_text(data["title"], 120),
    )
    refresh_event_span(event)
    now = now or utcnow()
    session.warnings = []
    if as_utc(session.starts_at) != as_utc(old_starts) or as_utc(session.ends_at) != as_utc(old_ends):
        _guard_session_clash(db.session.flush)
        notices.session_moved(session, old_starts, old_ends, now)
        _note_if_past(session, now)
    if session.title != old_title:
        notices.session_renamed(session)
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
    errors: Errors = {}
    check_event(errors, {}, sessions_as_they_are(event, but=session), event)
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
    errors: Errors = {}
    check_role(errors, "", data)
    raise_if(errors)
    role = EventRole(**clean_role_template(data))
    session.roles.append(role)
    db.session.flush()
    audit.record(actor, "create", "event_role", role.id, detail={"session_id": session.id})
    db.session.commit()
    return role


def update_role(actor: Actor, role_id: int, *, now: datetime | None = None, **changes: Any) -> EventRole:
    """Changes a role; more places promote volunteers from the waitlist; fewer than are taken (confirmed, reserved
    for a team or offered from the waitlist: signups.taken_places) is refused, saying what holds them."""
    role = get_role(actor, role_id)
    event = get_event_for_update(actor, role.session.event_id)
    _editable(event)
    errors: Errors = {}
    check_role(errors, "", changes, partial=True)
    raise_if(errors)
    signups.lock_role(role.id)
    taken = signups.taken_places(role.id)
    if "capacity" in changes and changes["capacity"] < taken.total:
        message = ngettext(
            "%(num)d place is taken (%(confirmed)d confirmed, %(reserved)d reserved for teams, %(offered)d offered"
            " from the waitlist); cancel some places first.",
            "%(num)d places are taken (%(confirmed)d confirmed, %(reserved)d reserved for teams, %(offered)d offered"
            " from the waitlist); cancel some places first.",
            taken.total,
            confirmed=taken.confirmed,
            reserved=taken.reserved,
            offered=taken.offered,
        )
        raise Invalid({"capacity": [message]})
    cleaned = clean_role_template({**_role_dict(role), **changes})
    old_name = role.name
    for key in ("name", "capacity", "description", "min_age", "political_status", "skill"):
        if key in changes:
            setattr(role, key, cleaned[key])
    db.session.flush()
    signups.promote(role, now or utcnow())
    if role.name != old_name:
        notices.role_renamed(role)
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
