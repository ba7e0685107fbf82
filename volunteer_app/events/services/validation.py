"""Validating events: `check_event` is the one validation of a whole event, run on creating it and on every change
to it or its sessions; `completeness_errors` says what an event lacks before it can be published. Nested fields are
written with dots (`sessions.0.roles.1.capacity`), as the API names them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from volunteer_app.core.errors import Errors
from volunteer_app.core.ids import valid_id
from volunteer_app.core.lookup import find
from volunteer_app.core.text import clean_text
from volunteer_app.core.time import as_utc, utcnow
from volunteer_app.events.models import Audience, Event, EventKind, EventSession
from volunteer_app.extensions import db
from volunteer_app.organisations.models import Community, PoliticalStatus, Team

MAX_CAPACITY = 100_000
MAX_CONFIRM_HOURS = 24 * 14  # a promotion offer waits, or "still coming?" is asked, at most two weeks


def _check_event_fields(errors: Errors, data: dict[str, Any], current: Event | None) -> None:
    if "title" in data or current is None:
        data["title"] = clean_text(data.get("title"))
        if not data["title"]:
            errors["title"] = [_("Give a title.")]
        elif len(data["title"]) > 200:
            errors["title"] = [_("Use at most %(n)d characters.", n=200)]
    if ("kind" in data or current is None) and data.get("kind") not in set(EventKind):
        errors["kind"] = [_("Choose the kind of event.")]
    if data.get("team_id") is not None and find(Team, data["team_id"]) is None:
        errors["team_id"] = [_("Choose a registered team.")]
    if data.get("community_id") is not None and find(Community, data["community_id"]) is None:
        errors["community_id"] = [_("Choose a registered community.")]
    for key, limit in (("place", 200), ("description", 5000)):
        if key in data:
            data[key] = clean_text(data[key])
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
    confirm = data.get("promotion_confirm_hours")
    if confirm is not None and (not isinstance(confirm, int) or not 1 <= confirm <= MAX_CONFIRM_HOURS):
        errors["promotion_confirm_hours"] = [
            _("Give from 1 to %(n)d hours, or leave it empty to promote at once.", n=MAX_CONFIRM_HOURS)
        ]
    ask = data.get("attendance_confirm_hours")
    if ask is not None and (not isinstance(ask, int) or not 1 <= ask <= MAX_CONFIRM_HOURS):
        errors["attendance_confirm_hours"] = [
            _("Give from 1 to %(n)d hours, or leave it empty not to ask.", n=MAX_CONFIRM_HOURS)
        ]


def audience_teams(errors: Errors, team_ids: Iterable[int] | None) -> list[Team]:
    ids = sorted({i for i in team_ids or () if valid_id(i)})
    teams = list(db.session.scalars(sa.select(Team).where(Team.id.in_(ids)))) if ids else []
    if len(teams) != len(ids) or len(ids) != len(set(team_ids or ())):
        errors["audience_team_ids"] = [_("Choose registered teams.")]
    return teams


def clean_role_template(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": clean_text(data.get("name"), 80),
        "capacity": data.get("capacity"),
        "description": clean_text(data.get("description"), 500),
        "min_age": data.get("min_age"),
        "political_status": data.get("political_status") or None,
        "skill": clean_text(data.get("skill"), 40) or None,
    }


def check_role(errors: Errors, prefix: str, data: dict[str, Any], partial: bool = False) -> None:
    if "name" in data or not partial:
        if not clean_text(data.get("name")):
            errors[f"{prefix}name"] = [_("Give a name.")]
        elif len(clean_text(data.get("name"))) > 80:
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


def _max_session_length() -> timedelta:
    return timedelta(hours=current_app.config["SESSION_MAX_HOURS"])


def _check_session(errors: Errors, prefix: str, data: dict[str, Any], require_roles: bool) -> None:
    starts, ends = data.get("starts_at"), data.get("ends_at")
    if not isinstance(starts, datetime):
        errors[f"{prefix}starts_at"] = [_("Give the start date and time.")]
    if not isinstance(ends, datetime):
        errors[f"{prefix}ends_at"] = [_("Give the end date and time.")]
    elif isinstance(starts, datetime) and ends <= starts:
        errors[f"{prefix}ends_at"] = [_("The end must be after the start.")]
    elif isinstance(starts, datetime) and as_utc(ends) - as_utc(starts) > _max_session_length():
        errors[f"{prefix}ends_at"] = [
            _(
                "A session lasts at most %(n)d hours: check the dates, or split it into several sessions.",
                n=current_app.config["SESSION_MAX_HOURS"],
            )
        ]
    if len(clean_text(data.get("title"))) > 120:
        errors[f"{prefix}title"] = [_("Use at most %(n)d characters.", n=120)]
    roles = data.get("roles") or []
    if require_roles and not roles:
        errors[f"{prefix}roles"] = [_("Give at least one role.")]
    for index, role in enumerate(roles):
        check_role(errors, f"{prefix}roles.{index}.", role)


def check_event(
    errors: Errors,
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


def sessions_as_they_are(event: Event, but: EventSession | None = None) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"sessions.{index}.", {"starts_at": s.starts_at, "ends_at": s.ends_at, "title": s.title})
        for index, s in enumerate(event.sessions)
        if s is not but
    ]


def _check_publishing_times(errors: Errors, event: Event, now: datetime) -> None:
    indexed = list(enumerate(event.sessions))
    if not indexed:
        return
    first_index, first = min(indexed, key=lambda pair: as_utc(pair[1].starts_at))
    last_index, last = max(indexed, key=lambda pair: as_utc(pair[1].ends_at))
    days = current_app.config["EVENT_MAX_DAYS_AHEAD"]
    if as_utc(first.starts_at) > now + timedelta(days=days):
        errors[f"sessions.{first_index}.starts_at"] = [
            _("The first session is more than %(n)d days away: check the date.", n=days)
        ]
    if as_utc(last.ends_at) <= now:
        errors[f"sessions.{last_index}.ends_at"] = [_("This event is already over: it cannot be published.")]


def completeness_errors(event: Event, now: datetime | None = None) -> Errors:
    """What an event still lacks before it can be published, and times that cannot be right for publishing it (a
    mistyped year): an event already over, or one whose first session is further ahead than EVENT_MAX_DAYS_AHEAD."""
    errors: Errors = {}
    _check_publishing_times(errors, event, now or utcnow())
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
