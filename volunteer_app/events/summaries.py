"""The organisers' summary when sign-up closes (issue 6): for each session still to come, each role's places,
confirmed volunteers, waitlist and unfilled places, so an organiser knows at a glance where to find people.

A scheduler job looks for published events whose sign-up closed in the last `LOOKBACK` and that have no summary
yet for that closing time, and plans one notice per organiser: the event's creator and its team's current
leaders. The numbers are counted when the job runs, just after closing, not when the event was published. The
outbox key (organiser, kind, event, closing time) makes the job safe to run twice; moving the closing time
later gives a new summary when the new time comes.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from volunteer_app.accounts.models import Role, User
from volunteer_app.accounts.services import grant_holders
from volunteer_app.core.time import as_utc, utcnow
from volunteer_app.events.models import Event, EventStatus
from volunteer_app.events.notices import place_of, when_text
from volunteer_app.events.services import attach_role_counts
from volunteer_app.extensions import db
from volunteer_app.reminders import kinds
from volunteer_app.reminders.models import Notification
from volunteer_app.reminders.services import Planned, notify_many, subject_key

SIGNUPS_CLOSED = kinds.register(
    kinds.Kind(
        "event_signups_closed",
        _l("Sign-up closed: summary for organisers"),
        template="events/messages/signups_closed",
    )
)

LOOKBACK = timedelta(days=2)  # a scheduler stopped for a weekend still sends the summaries it missed
MAX_SESSIONS = 20  # a long recurring duty lists its next sessions, not a year of them


def organiser_ids(event: Event) -> list[int]:
    """Active users who organise this event: whoever created it and the current leaders of its team."""
    ids = grant_holders(Role.TEAM_LEADER, "team", event.team_id)
    if event.created_by_id:
        ids.add(event.created_by_id)
    if not ids:
        return []
    return sorted(db.session.scalars(sa.select(User.id).where(User.id.in_(ids), User.active.is_(True))))


def summary_context(event: Event, now: datetime) -> dict[str, Any]:
    """Numbers per session and role for the sessions still to come (all of them when none is)."""
    sessions = [s for s in event.sessions if as_utc(s.starts_at) > now] or list(event.sessions)
    shown = sessions[:MAX_SESSIONS]
    attach_role_counts(shown)
    rows = []
    for session in shown:
        for role in session.roles:
            rows.append(
                {
                    "starts_at": when_text(session.starts_at),
                    "session_title": session.title or "",
                    "role_name": role.name,
                    "capacity": role.capacity,
                    "confirmed": role.confirmed_count,
                    "waitlisted": role.waitlisted_count,
                    "unfilled": role.places_left,
                }
            )
    return {
        "event_title": event.title,
        "place": place_of(event),
        "closed_at": when_text(event.signup_closes_at),
        "roles": rows,
        "more_sessions": len(sessions) - len(shown),
        "total_capacity": sum(r["capacity"] for r in rows),
        "total_confirmed": sum(r["confirmed"] for r in rows),
        "total_unfilled": sum(r["unfilled"] for r in rows),
    }


def _events_due(now: datetime) -> list[Event]:
    """Published events whose sign-up closed lately and whose summary for that closing time is not planned."""
    already = sa.exists().where(
        Notification.kind == SIGNUPS_CLOSED.key,
        Notification.subject_type == Event.__tablename__,
        Notification.subject_id == sa.cast(Event.id, sa.String),
        Notification.scheduled_at == Event.signup_closes_at,
    )
    return list(
        db.session.scalars(
            sa.select(Event)
            .where(
                Event.status == EventStatus.PUBLISHED.value,
                Event.signup_closes_at <= now,
                Event.signup_closes_at > now - LOOKBACK,
                ~already,
            )
            .order_by(Event.signup_closes_at, Event.id)
        )
    )


def plan_closing_summaries(now: datetime | None = None) -> int:
    """Plans the summary of every event whose sign-up has just closed. Commits; returns the events summarised."""
    now = as_utc(now or utcnow())
    done = 0
    for event in _events_due(now):
        organisers = organiser_ids(event)
        if organisers:
            context = summary_context(event, now)
            closed_at = as_utc(event.signup_closes_at)
            notify_many(SIGNUPS_CLOSED, [Planned(uid, subject_key(event), closed_at, context) for uid in organisers])
            done += 1
    db.session.commit()
    return done

