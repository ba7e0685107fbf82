"""Check-in 签到 and check-out 签退. A session's QR code carries a URL with a signed token naming the session; a
volunteer with a confirmed place who opens it within the session's window (an hour either side) checks in, and the
second time checks out. Organisers can also mark many people at once. Hours are the check-in/out span clipped to the
session, so nobody checks out before the session starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import selectinload

from volunteer_app.core import audit
from volunteer_app.core.errors import Conflict, Forbidden, Invalid, NotFound
from volunteer_app.core.ids import valid_id
from volunteer_app.core.lookup import get_or_404
from volunteer_app.core.policy import Actor, require
from volunteer_app.core.time import utcnow
from volunteer_app.events import notices
from volunteer_app.events.models import Event, EventRole, EventSession, EventStatus, Signup, SignupStatus
from volunteer_app.events.notices import when_text
from volunteer_app.extensions import db
from volunteer_app.organisations.services import own_profile

CHECK_IN_EARLY = timedelta(hours=1)
CHECK_OUT_LATE = timedelta(hours=1)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="events.check-in")


def check_in_token(session_id: int) -> str:
    return _serializer().dumps({"s": session_id})


def session_id_from_token(token: str) -> int:
    try:
        data = _serializer().loads(token or "")
    except BadSignature:
        raise NotFound(_("This check-in code is not valid.")) from None
    session_id = data.get("s") if isinstance(data, dict) else None
    if not valid_id(session_id):
        raise NotFound(_("This check-in code is not valid."))
    return session_id


@dataclass
class ScanResult:
    action: str  # "check_in" or "check_out"
    signup: Signup


@dataclass
class ScanState:
    """What a scan would do now: `action` ("check_in", "check_out", or None once both are recorded); `opens_at` when
    that action is not possible yet; `over` once the window has closed."""

    action: str | None
    opens_at: datetime | None = None
    over: bool = False


def check_in_opens(session: EventSession) -> datetime:
    return session.starts_at - CHECK_IN_EARLY


def check_out_opens(signup: Signup, session: EventSession) -> datetime:
    """Hours count from the session's start, so a check-out before it (or before the check-in) would record none."""
    return max(session.starts_at, signup.checked_in_at or session.starts_at)


def scan_state(signup: Signup, session: EventSession, now: datetime) -> ScanState:
    if signup.checked_in_at is None:
        action, opens = "check_in", check_in_opens(session)
    elif signup.checked_out_at is None:
        action, opens = "check_out", check_out_opens(signup, session)
    else:
        return ScanState(None)
    return ScanState(action, opens if now < opens else None, now > session.ends_at + CHECK_OUT_LATE)


def _not_open_yet(action: str, opens_at: datetime) -> Conflict:
    if action == "check_in":
        return Conflict(_("Check-in opens at %(time)s.", time=when_text(opens_at)))
    if action == "present":
        return Conflict(_("Attendance can be marked once the session starts, at %(time)s.", time=when_text(opens_at)))
    return Conflict(_("Check-out opens when the session starts, at %(time)s.", time=when_text(opens_at)))


def load_session(session_id: int) -> EventSession:
    return get_or_404(
        EventSession, session_id, _("No such session."), selectinload(EventSession.event).selectinload(Event.team)
    )


def session_for_token(token: str) -> EventSession:
    return load_session(session_id_from_token(token))


def scan(actor: Actor, token: str, *, now: datetime | None = None) -> ScanResult:
    """The volunteer scanned the session's code: the first scan checks in, the second checks out."""
    now = now or utcnow()
    session = session_for_token(token)
    profile = own_profile(actor)
    if profile is None:
        raise Forbidden(_("Only registered volunteers can check in."))
    if session.event.status == EventStatus.CANCELLED:
        raise Conflict(_("This event has been cancelled."))
    if now > session.ends_at + CHECK_OUT_LATE:
        raise Conflict(_("This session is over; ask the organiser to record your attendance."))
    signup = db.session.scalar(
        sa.select(Signup)
        .join(Signup.role)
        .where(
            EventRole.session_id == session.id,
            Signup.volunteer_id == profile.id,
            Signup.status == SignupStatus.CONFIRMED,
        )
        .options(selectinload(Signup.role))
    )
    if signup is None:
        raise Conflict(_("You have no confirmed place at this session."))
    state = scan_state(signup, session, now)
    if state.action is None:
        raise Conflict(_("You have already checked in and out of this session."))
    if state.opens_at is not None:
        raise _not_open_yet(state.action, state.opens_at)
    action = state.action
    if action == "check_in":
        signup.checked_in_at = now
    else:
        signup.checked_out_at = now
    if action == "check_out":
        notices.checked_out([signup], session, {signup.id: clipped_minutes(signup, session)}, now)
    db.session.commit()
    return ScanResult(action, signup)


ATTENDANCE_ACTIONS = ("present", "check_in", "check_out", "clear")


def mark_attendance(
    actor: Actor, session_id: int, signup_ids: list[int], action: str, *, now: datetime | None = None
) -> int:
    """Marks many confirmed sign-ups at once: "present" (the whole session), "check_in"/"check_out" (now), or
    "clear" (not there). Approved sign-ups stay as they are; correct their hours instead. Check-in opens an hour
    before the start; presence and check-out only once the session has started."""
    now = now or utcnow()
    session = load_session(session_id)
    require(actor, "attendance.manage", session.event)
    if action not in ATTENDANCE_ACTIONS:
        raise Invalid({"action": [_("Choose present, check in, check out or clear.")]})
    ids = [i for i in dict.fromkeys(signup_ids or []) if valid_id(i)]
    if not ids:
        raise Invalid({"signup_ids": [_("Choose at least one volunteer.")]})
    if action == "check_in" and now < check_in_opens(session):
        raise _not_open_yet(action, check_in_opens(session))
    if action in ("present", "check_out") and now < session.starts_at:
        raise _not_open_yet(action, session.starts_at)
    signups = list(
        db.session.scalars(
            sa.select(Signup)
            .join(Signup.role)
            .where(
                Signup.id.in_(ids),
                EventRole.session_id == session.id,
                Signup.status == SignupStatus.CONFIRMED,
            )
        )
    )
    if len(signups) != len(ids):
        raise Invalid({"signup_ids": [_("Some of these are not confirmed places at this session.")]})
    changed = 0
    checked_out = []
    for signup in signups:
        if signup.hours_approved_at is not None:
            continue
        before = signup.checked_out_at
        if action == "present":
            signup.checked_in_at = signup.checked_in_at or session.starts_at
            signup.checked_out_at = session.ends_at if signup.checked_out_at is None else signup.checked_out_at
        elif action == "check_in":
            signup.checked_in_at, signup.checked_out_at = now, None
        elif action == "check_out":
            signup.checked_in_at = signup.checked_in_at or session.starts_at
            signup.checked_out_at = max(now, signup.checked_in_at)
        else:
            signup.checked_in_at = signup.checked_out_at = None
        if signup.checked_out_at is not None and signup.checked_out_at != before:
            checked_out.append(signup)  # a check-out newly recorded or moved: the volunteer hears the hours
        changed += 1
    notices.checked_out(checked_out, session, {s.id: clipped_minutes(s, session) for s in checked_out}, now)
    audit.record(actor, "update", "attendance", session.id, detail={"action": action, "signups": len(ids)})
    db.session.commit()
    return changed


def clipped_minutes(signup: Signup, session: EventSession) -> int:
    """Minutes between check-in and check-out, inside the session only."""
    if signup.checked_in_at is None or signup.checked_out_at is None:
        return 0
    start = max(signup.checked_in_at, session.starts_at)
    end = min(signup.checked_out_at, session.ends_at)
    return max(0, int((end - start).total_seconds() // 60))
