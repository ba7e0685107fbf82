"""Attendance confirmation ("still coming?"): when an event sets `attendance_confirm_hours`, its confirmed volunteers
are asked that long before each session (the scheduler's `ask_attendance`, once per sign-up) by a notice linking
to "I'm coming" and "I can't come". "I can't come" cancels the place, which goes on to the waitlist as any
cancellation does. Organisers see who has not answered and, from half the window on, may release those places.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from volunteer_app.core import audit
from volunteer_app.core.errors import Conflict
from volunteer_app.core.policy import Actor, require
from volunteer_app.core.time import utcnow
from volunteer_app.events import notices
from volunteer_app.events.models import Event, EventRole, EventSession, EventStatus, Signup, SignupStatus
from volunteer_app.events.signups import cancel, load_role, lock_role, signup_to_act_on, withdraw
from volunteer_app.extensions import db

MAX_WINDOW = timedelta(days=14)  # the longest `attendance_confirm_hours` (services.validation)


def ask_attendance(now: datetime | None = None) -> int:
    """The scheduler's job: confirmed volunteers of sessions now within their event's window, not yet asked, get
    the question. Returns how many. Commits."""
    now = now or utcnow()
    due = _due(now)
    for signup in due:
        signup.attendance_asked_at = now
        notices.attendance_question(signup, now)
    db.session.commit()
    return len(due)


def _due(now: datetime) -> list[Signup]:
    """Confirmed, not yet asked sign-ups of published events asking, whose session starts within the window. The
    window differs by event, so the candidates (sessions of the next two weeks at most) are filtered here."""
    rows = db.session.execute(
        sa.select(Signup, EventSession.starts_at, Event.attendance_confirm_hours)
        .join(EventRole, EventRole.id == Signup.role_id)
        .join(EventSession, EventSession.id == EventRole.session_id)
        .join(Event, Event.id == EventSession.event_id)
        .where(
            Event.status == EventStatus.PUBLISHED,
            Event.attendance_confirm_hours.is_not(None),
            Signup.status == SignupStatus.CONFIRMED,
            Signup.attendance_asked_at.is_(None),
            EventSession.starts_at > now,
            EventSession.starts_at <= now + MAX_WINDOW,
        )
        .order_by(Signup.id)
    ).all()
    return [row[0] for row in rows if row.starts_at - timedelta(hours=row.attendance_confirm_hours) <= now]


def _own_confirmed(actor: Actor, signup_id: int, now: datetime) -> Signup:
    signup = signup_to_act_on(actor, signup_id)
    if signup.status != SignupStatus.CONFIRMED:
        raise Conflict(_("Only a confirmed place can be confirmed or given up."))
    if now >= signup.role.session.starts_at:
        raise Conflict(_("This session has started."))
    return signup


def confirm_attendance(actor: Actor, signup_id: int, *, now: datetime | None = None) -> Signup:
    """I'm coming: the place stays, and organisers see the answer."""
    now = now or utcnow()
    signup = _own_confirmed(actor, signup_id, now)
    signup.attendance_confirmed_at = now
    db.session.commit()
    return signup


def withdraw_attendance(actor: Actor, signup_id: int, *, now: datetime | None = None) -> list[Signup]:
    """I can't come: the place is cancelled and goes on to the waitlist. Returns who was promoted (or offered)."""
    now = now or utcnow()
    signup = _own_confirmed(actor, signup_id, now)
    return cancel(actor, signup.id, now=now)


def release_opens(signup: Signup, event: Event) -> datetime | None:
    """From when an unanswered place may be released: half the window after the question."""
    if signup.attendance_asked_at is None or not event.attendance_confirm_hours:
        return None
    return signup.attendance_asked_at + timedelta(hours=event.attendance_confirm_hours / 2)


def release_unanswered(actor: Actor, role_id: int, *, now: datetime | None = None) -> int:
    """Organisers give up the places of volunteers asked "still coming?" who have not answered, once half the window
    has passed; each place goes on to the waitlist. Returns how many were released."""
    now = now or utcnow()
    role = load_role(role_id)
    event = role.session.event
    require(actor, "event.manage", event)
    if now >= role.session.starts_at:
        raise Conflict(_("This session has started."))
    lock_role(role.id)
    unanswered = list(
        db.session.scalars(
            sa.select(Signup)
            .where(
                Signup.role_id == role.id,
                Signup.status == SignupStatus.CONFIRMED,
                Signup.attendance_asked_at.is_not(None),
                Signup.attendance_confirmed_at.is_(None),
            )
            .order_by(Signup.seq)
            .execution_options(populate_existing=True)
        )
    )
    due = [s for s in unanswered if now >= release_opens(s, event)]
    for signup in due:
        withdraw(signup, now)
    audit.record(actor, "delete", "signup", None, detail={"role_id": role.id, "unanswered_released": len(due)})
    db.session.commit()
    return len(due)
