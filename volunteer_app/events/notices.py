"""Where event news becomes a notification in the reminders outbox: reminders before each session, and immediate
notices when a sign-up is confirmed, waitlisted or promoted from the waitlist, a session moves, an event is cancelled
or a check-out is recorded.

Session reminders
    Every confirmed volunteer of a session gets one reminder per offset in EVENT_REMINDER_OFFSETS_HOURS (by event
    kind, else "default"), at `starts_at - offset`. The subject is the session, so a move cancels them with
    `cancel_planned(session, kinds=[REMINDER])` and plans again. Planned when a place is confirmed (sign-up,
    bulk sign-up, promotion) and when an event is published. An offset whose time has passed while the session
    has not started is sent at once, but only the nearest one (a session in an hour gets the 2 h reminder now,
    not the 24 h one); a session that has started gets none. Planning is idempotent even for those "at once"
    rows: a volunteer who already holds a live reminder for an offset is skipped. A reminder left pending when
    its session starts (the dispatcher was behind) is dropped by `drop_started_reminders`.

Everything here joins the caller's transaction and works in a few queries whatever the number of volunteers
(`reminders.services.notify_many` builds the outbox rows and inserts them in one statement).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from volunteer_app.core.time import as_utc, to_local, utcnow
from volunteer_app.core.urls import public_url
from volunteer_app.events.models import Event, EventRole, EventSession, EventStatus, Signup, SignupStatus
from volunteer_app.extensions import db
from volunteer_app.organisations.models import VolunteerProfile
from volunteer_app.reminders import kinds
from volunteer_app.reminders.models import Notification, Status
from volunteer_app.reminders.services import (
    Planned,
    insert_rows,
    notify,
    notify_many,
    outbox_rows,
    refresh_planned,
    subject_key,
)

N = Notification
DEFAULT_OFFSETS_HOURS = (24, 2)


def _kind(key: str, label, *, essential: bool = False, urgent: bool = False, template: str) -> kinds.Kind:
    return kinds.register(
        kinds.Kind(key, label, essential=essential, urgent=urgent, template=f"events/messages/{template}")
    )


REMINDER = _kind("event_session_reminder", _l("Reminder before a session"), essential=True, template="session_reminder")
SESSION_CHANGED = _kind(
    "event_session_changed", _l("A session was moved"), essential=True, urgent=True, template="session_changed"
)
EVENT_CANCELLED = _kind(
    "event_cancelled", _l("An event was cancelled"), essential=True, urgent=True, template="event_cancelled"
)
SIGNUP_CONFIRMED = _kind("event_signup_confirmed", _l("Sign-up confirmed"), template="signup_confirmed")
SIGNUP_WAITLISTED = _kind("event_signup_waitlisted", _l("Sign-up waitlisted"), template="signup_waitlisted")
CHECKED_OUT = _kind("event_checked_out", _l("Check-out recorded"), template="checked_out")
PROMOTED = _kind("signup_promoted", _l("Promoted from the waitlist"), essential=True, template="signup_promoted")
OFFERED = _kind(
    "signup_offered", _l("A place offered from the waitlist"), essential=True, urgent=True, template="signup_offered"
)
ATTENDANCE_QUESTION = _kind(
    "event_attendance_question", _l("Still coming?"), essential=True, urgent=True, template="attendance_question"
)
COVER_ASKED = _kind("event_cover_asked", _l("Asked to cover a role"), template="cover_asked")
OFFER_LAPSED = _kind("signup_offer_lapsed", _l("An offered place lapsed"), essential=True, template="offer_lapsed")
RESERVATION_DUE = _kind(
    "event_reservation_due", _l("Reserved places still to fill"), essential=True, template="reservation_due"
)
RESERVATION_RELEASED = _kind(
    "event_reservation_released", _l("Unfilled reserved places released"), template="reservation_released"
)


# ---------------------------------------------------------------------------------------------- context


def place_of(event: Event) -> str:
    if event.place:
        return event.place
    return event.community.full_name if event.community is not None else ""


def when_text(moment: datetime) -> str:
    return to_local(moment).strftime("%Y-%m-%d %H:%M")


def session_context(session: EventSession, role_name: str = "") -> dict[str, Any]:
    event = session.event
    return {
        "event_title": event.title,
        "session_title": session.title or "",
        "role_name": role_name,
        "starts_at": when_text(session.starts_at),
        "ends_at": when_text(session.ends_at),
        "place": place_of(event),
    }


def _session_people(session_ids: list[int], statuses: Iterable[str], signup_ids: Iterable[int] | None = None):
    """(signup id, session id, user id, role name, status) of the live sign-ups of these sessions."""
    if not session_ids:
        return []
    query = (
        sa.select(Signup.id, EventRole.session_id, VolunteerProfile.user_id, EventRole.name, Signup.status)
        .join(EventRole, EventRole.id == Signup.role_id)
        .join(VolunteerProfile, VolunteerProfile.id == Signup.volunteer_id)
        .where(EventRole.session_id.in_(session_ids), Signup.status.in_(list(statuses)))
        .order_by(Signup.id)
    )
    if signup_ids is not None:
        ids = sorted(set(signup_ids))
        if not ids:
            return []
        query = query.where(Signup.id.in_(ids))
    return [row for row in db.session.execute(query) if row.user_id is not None]


# ---------------------------------------------------------------------------------------------- reminders


def offsets_for(event: Event) -> list[float]:
    """The reminder offsets in hours for this event's kind, largest first."""
    table = current_app.config.get("EVENT_REMINDER_OFFSETS_HOURS") or {}
    hours = table.get(event.kind, table.get("default", DEFAULT_OFFSETS_HOURS))
    return sorted({float(h) for h in hours if float(h) > 0}, reverse=True)


def _reminder_times(
    session: EventSession, offsets: list[float], now: datetime
) -> list[tuple[float, datetime, datetime, datetime]]:
    """(offset, when to send, window start, window end) for each reminder still to plan.

    The window is where a live row for this offset may lie: from its nominal time to the next offset's (or the
    start); any live row there means the volunteer already has this reminder."""
    starts = as_utc(session.starts_at)
    nominal = [starts - timedelta(hours=h) for h in offsets]  # ascending times
    plan = []
    last_passed = None
    for index, moment in enumerate(nominal):
        end = nominal[index + 1] if index + 1 < len(nominal) else starts
        if moment > now:
            plan.append((offsets[index], moment, moment, end))
        else:
            last_passed = (offsets[index], now, moment, end)
    if last_passed is not None:
        plan.append(last_passed)
    return plan


def plan_session(session: EventSession, now: datetime | None = None, *, signup_ids: Iterable[int] | None = None) -> int:
    """Plans the reminders of a session's confirmed volunteers (or only of these sign-ups). Returns rows added."""
    now = as_utc(now or utcnow())
    event = session.event
    if event.status != EventStatus.PUBLISHED or as_utc(session.starts_at) <= now:
        return 0
    times = _reminder_times(session, offsets_for(event), now)
    if not times:
        return 0
    people = _session_people([session.id], [SignupStatus.CONFIRMED.value], signup_ids)
    if not people:
        return 0
    subject = subject_key(session)
    user_ids = sorted({p.user_id for p in people})
    existing = db.session.execute(
        sa.select(N.id, N.recipient_id, N.scheduled_at, N.status, N.channel).where(
            N.kind == REMINDER.key,
            N.subject_type == subject[0],
            N.subject_id == subject[1],
            N.recipient_id.in_(user_ids),
        )
    ).all()
    live: dict[int, list[datetime]] = {}
    dead: dict[tuple[int, datetime, str], int] = {}
    for row in existing:
        at = as_utc(row.scheduled_at)
        if row.status in (Status.CANCELLED.value, Status.DROPPED.value):
            dead[(row.recipient_id, at, row.channel)] = row.id
        else:
            live.setdefault(row.recipient_id, []).append(at)
    planned: list[Planned] = []
    contexts: dict[tuple[str, float], dict[str, Any]] = {}  # one per role and offset, shared by its volunteers
    for person in people:
        held = live.get(person.user_id, [])
        for hours, when, start, end in times:
            if any(start <= at < end for at in held):
                continue
            if (person.name, hours) not in contexts:
                contexts[(person.name, hours)] = {
                    **session_context(session, person.name),
                    "hours_before": _hours_text(hours),
                }
            planned.append(Planned(person.user_id, subject, when, contexts[(person.name, hours)]))
    rows = outbox_rows(REMINDER, planned)
    # A cancelled reminder with the same key (the session moved back, the volunteer signed up again) blocks the
    # insert: bring it back instead.
    revived = [row for row in rows if (row["recipient_id"], row["scheduled_at"], row["channel"]) in dead]
    fresh = [row for row in rows if (row["recipient_id"], row["scheduled_at"], row["channel"]) not in dead]
    for row in revived:
        db.session.execute(
            sa.update(N)
            .where(N.id == dead[(row["recipient_id"], row["scheduled_at"], row["channel"])])
            .values(
                status=Status.PENDING.value,
                attempts=0,
                next_attempt_at=row["next_attempt_at"],
                context=row["context"],
                last_error=None,
                claimed_by=None,
                claimed_at=None,
            ),
            execution_options={"synchronize_session": False},
        )
    insert_rows(fresh)
    return len(rows)


def _hours_text(hours: float) -> str:
    return str(int(hours)) if float(hours).is_integer() else f"{hours:g}"


def plan_event(event: Event, now: datetime | None = None) -> int:
    """Plans the reminders of every session of a (just published) event still to start."""
    return sum(plan_session(session, now) for session in event.sessions)


def cancel_session_reminders(session_ids: Iterable[int], *, recipient_id: int | None = None, reason: str = "") -> int:
    ids = [str(i) for i in sorted(set(session_ids))]
    if not ids:
        return 0
    statement = sa.update(N).where(
        N.kind == REMINDER.key,
        N.subject_type == EventSession.__tablename__,
        N.subject_id.in_(ids),
        N.status == Status.PENDING.value,
    )
    if recipient_id is not None:
        statement = statement.where(N.recipient_id == recipient_id)
    result = db.session.execute(
        statement.values(status=Status.CANCELLED.value, last_error=reason or "cancelled"),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount


def drop_started_reminders(now: datetime | None = None) -> int:
    """Drops pending reminders whose session has already started (e.g. the dispatcher was behind). Commits."""
    now = as_utc(now or utcnow())
    started = sa.select(sa.cast(EventSession.id, sa.String)).where(
        EventSession.starts_at <= now, EventSession.starts_at > now - timedelta(days=7)
    )
    result = db.session.execute(
        sa.update(N)
        .where(
            N.kind == REMINDER.key,
            N.subject_type == EventSession.__tablename__,
            N.status == Status.PENDING.value,
            N.subject_id.in_(started.scalar_subquery()),
        )
        .values(status=Status.DROPPED.value, last_error="the session has started"),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    return result.rowcount


# ---------------------------------------------------------------------------------------------- call sites


def signed_up(signups: list[Signup], now: datetime) -> None:
    """After sign-ups (one, or a team's in bulk, all for one role) are flushed: the confirmed ones get their
    reminders, everyone a notice saying confirmed or waitlisted (with the position; `waitlist_positions` ran)."""
    if not signups:
        return
    role = signups[0].role if "role" in signups[0].__dict__ else db.session.get(EventRole, signups[0].role_id)
    session = role.session
    base = session_context(session, role.name)
    users = dict(
        db.session.execute(
            sa.select(Signup.id, VolunteerProfile.user_id)
            .join(VolunteerProfile, VolunteerProfile.id == Signup.volunteer_id)
            .where(Signup.id.in_([s.id for s in signups]))
        ).all()
    )
    confirmed = [s for s in signups if s.status == SignupStatus.CONFIRMED and users.get(s.id)]
    waitlisted = [s for s in signups if s.status == SignupStatus.WAITLISTED and users.get(s.id)]
    notify_many(SIGNUP_CONFIRMED, [Planned(users[s.id], subject_key(s), now, base) for s in confirmed])
    notify_many(
        SIGNUP_WAITLISTED,
        [Planned(users[s.id], subject_key(s), now, {**base, "position": s.waitlist_position or 0}) for s in waitlisted],
    )
    if confirmed:
        plan_session(session, now, signup_ids=[s.id for s in confirmed])


def promoted(signups: list[Signup], now: datetime) -> None:
    """Promoted from the waitlist (they already get the promotion notice): plan their reminders."""
    by_session: dict[int, list[Signup]] = {}
    for signup in signups:
        by_session.setdefault(signup.role.session_id, []).append(signup)
    for group in by_session.values():
        plan_session(group[0].role.session, now, signup_ids=[s.id for s in group])


def signup_cancelled(signup: Signup) -> None:
    """A volunteer gave up a place: their reminders for that session go."""
    cancel_session_reminders(
        [signup.role.session_id], recipient_id=signup.volunteer.user_id, reason="the sign-up was cancelled"
    )


def session_moved(session: EventSession, old_starts_at: datetime, old_ends_at: datetime, now: datetime) -> None:
    """A session's times changed: re-plan its reminders, tell its confirmed volunteers at once."""
    if session.event.status != EventStatus.PUBLISHED:
        return
    if as_utc(old_starts_at) != as_utc(session.starts_at):
        cancel_session_reminders([session.id], reason="the session moved")
        plan_session(session, now)
    people = _session_people([session.id], [SignupStatus.CONFIRMED.value])
    context = {
        **session_context(session),
        "old_starts_at": when_text(old_starts_at),
        "old_ends_at": when_text(old_ends_at),
    }
    notify_many(
        SESSION_CHANGED,
        [Planned(p.user_id, subject_key(session), now, {**context, "role_name": p.name}) for p in people],
    )


def event_details_changed(event: Event, old_place: str, now: datetime) -> None:
    """An event's title or place changed: the reminders still to go say the new ones; when the place changed,
    its confirmed volunteers hear at once, once each, with the time of their next session."""
    if event.status != EventStatus.PUBLISHED:
        return
    upcoming = {s.id: s for s in event.sessions if as_utc(s.starts_at) > now}
    refresh_planned(REMINDER.key, upcoming.values(), {"event_title": event.title, "place": place_of(event)})
    if place_of(event) == old_place:
        return
    next_session: dict[int, tuple[EventSession, str]] = {}
    for person in _session_people(list(upcoming), [SignupStatus.CONFIRMED.value]):
        session = upcoming[person.session_id]
        held = next_session.get(person.user_id)
        if held is None or session.starts_at < held[0].starts_at:
            next_session[person.user_id] = (session, person.name)
    notify_many(
        SESSION_CHANGED,
        [
            Planned(user_id, subject_key(event), now, {**session_context(session, role), "old_place": old_place})
            for user_id, (session, role) in sorted(next_session.items())
        ],
    )


def session_renamed(session: EventSession) -> None:
    refresh_planned(REMINDER.key, [session], {"session_title": session.title or ""})


def role_renamed(role: EventRole) -> None:
    holders = db.session.scalars(
        sa.select(VolunteerProfile.user_id)
        .join(Signup, Signup.volunteer_id == VolunteerProfile.id)
        .where(Signup.role_id == role.id, Signup.status == SignupStatus.CONFIRMED.value)
    )
    refresh_planned(REMINDER.key, [role.session], {"role_name": role.name}, recipients=[u for u in holders if u])


def event_cancelled(event: Event, now: datetime) -> None:
    """An event was cancelled: its reminders go; confirmed and waitlisted volunteers hear why, once each."""
    session_ids = [s.id for s in event.sessions]
    cancel_session_reminders(session_ids, reason="the event was cancelled")
    people = _session_people(session_ids, [SignupStatus.CONFIRMED.value, SignupStatus.WAITLISTED.value])
    first = min(event.sessions, key=lambda s: s.starts_at, default=None)
    context = {
        "event_title": event.title,
        "reason": event.cancel_reason or "",
        "starts_at": when_text(first.starts_at) if first else "",
        "place": place_of(event),
    }
    seen: set[int] = set()
    planned = []
    for person in people:
        if person.user_id in seen:
            continue
        seen.add(person.user_id)
        planned.append(Planned(person.user_id, subject_key(event), now, context))
    notify_many(EVENT_CANCELLED, planned)


def checked_out(signups: list[Signup], session: EventSession, minutes: dict[int, int], now: datetime) -> None:
    """Check-outs recorded (a scan, or an organiser's sheet): each volunteer hears the hours counted."""
    if not signups:
        return
    users = dict(
        db.session.execute(
            sa.select(Signup.id, VolunteerProfile.user_id)
            .join(VolunteerProfile, VolunteerProfile.id == Signup.volunteer_id)
            .where(Signup.id.in_([s.id for s in signups]))
        ).all()
    )
    base = session_context(session)
    notify_many(
        CHECKED_OUT,
        [
            Planned(users[s.id], subject_key(s), now, {**base, "hours": f"{minutes.get(s.id, 0) / 60:.1f}"})
            for s in signups
            if users.get(s.id)
        ],
    )


def notify_promoted(signup) -> None:
    """Called inside the transaction that moved `signup` from the waitlist to a confirmed place, so the notice
    is planned exactly when the promotion commits."""
    session = signup.role.session
    notify(
        signup.volunteer.user,
        PROMOTED.key,
        subject=("signup", signup.id),
        when=signup.promoted_at,
        context={
            "event_title": session.event.title,
            "role_name": signup.role.name,
            "starts_at": when_text(session.starts_at),
        },
    )


def offered(signup: Signup) -> None:
    """A place is held for `signup` until its `offer_expires_at`: the notice carries the link to accept or decline
    (a page asking first, so a link previewed by a mail program decides nothing)."""
    if signup.volunteer.user_id is None:
        return
    session = signup.role.session
    notify(
        signup.volunteer.user_id,
        OFFERED.key,
        subject=("signup", signup.id),
        when=signup.promoted_at,
        context={
            **session_context(session, signup.role.name),
            "expires_at": when_text(signup.offer_expires_at),
            "url": public_url("events.offer", signup_id=signup.id),
        },
    )


def offer_lapsed(signup: Signup, now: datetime) -> None:
    """Nobody answered the offer in time: the place went on to the next in line."""
    if signup.volunteer.user_id is None:
        return
    notify(
        signup.volunteer.user_id,
        OFFER_LAPSED.key,
        subject=("signup", signup.id),
        when=now,
        context=session_context(signup.role.session, signup.role.name),
    )


def attendance_question(signup: Signup, now: datetime) -> None:
    """ "Still coming?" before a session: the link leads to "I'm coming" and "I can't come"."""
    if signup.volunteer.user_id is None:
        return
    notify(
        signup.volunteer.user_id,
        ATTENDANCE_QUESTION.key,
        subject=("signup", signup.id),
        when=now,
        context={
            **session_context(signup.role.session, signup.role.name),
            "url": public_url("events.attendance_question", signup_id=signup.id),
        },
    )


def cover_asked(request, volunteer: VolunteerProfile, role: EventRole, now: datetime) -> None:
    """Asked to cover a role short of people: the link leads to the role on the event's page, to sign up."""
    if volunteer.user_id is None:
        return
    notify(
        volunteer.user_id,
        COVER_ASKED.key,
        subject=("cover_request", request.id),
        when=now,
        context={
            **session_context(role.session, role.name),
            "url": public_url("events.event", event_id=role.session.event_id) + f"#role-{role.id}",
        },
    )


def _reservation_context(reservation, now: datetime) -> dict[str, Any]:
    role = reservation.role
    return {
        **session_context(role.session, role.name),
        "team": reservation.team.name,
        "unfilled": reservation.unfilled,
        "fill_by": when_text(reservation.fill_by),
        "url": public_url("events.reservation", role_id=role.id, reservation_id=reservation.id),
    }


def reservation_due(reservation, leader_ids: Iterable[int], now: datetime) -> int:
    """The team's leaders, before the fill-by time: places reserved for the team still want members' names."""
    context = _reservation_context(reservation, now)
    return notify_many(RESERVATION_DUE, [Planned(uid, subject_key(reservation), now, context) for uid in leader_ids])


def reservation_released(reservation, leader_ids: Iterable[int], unfilled: int, now: datetime) -> int:
    """The fill-by time passed: the places left unfilled went to the waitlist."""
    context = {**_reservation_context(reservation, now), "unfilled": unfilled}
    return notify_many(
        RESERVATION_RELEASED, [Planned(uid, subject_key(reservation), now, context) for uid in leader_ids]
    )
