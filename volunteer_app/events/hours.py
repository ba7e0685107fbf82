"""Check-in 签到 and check-out 签退, and the service-hours ledger 服务时长.

A session's QR code carries a URL with a signed token naming the session; a volunteer with a confirmed place who
opens it within the session's window (an hour either side) checks in, and the second time checks out. Organisers
can also mark many people at once. Hours are the check-in/out span clipped to the session; approving them writes
ledger entries, and a correction (with a reason) is a new entry for the difference: the ledger is never edited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import selectinload

from volunteer_app.core import audit
from volunteer_app.core.errors import Conflict, Forbidden, Invalid, NotFound
from volunteer_app.core.pagination import Page, paginate
from volunteer_app.core.policy import require
from volunteer_app.core.time import to_local, utcnow
from volunteer_app.events import reminders
from volunteer_app.events.models import (
    EntryKind,
    Event,
    EventRole,
    EventSession,
    EventStatus,
    HoursEntry,
    Signup,
    SignupStatus,
)
from volunteer_app.events.services import get_or_404, own_profile, text, valid_id
from volunteer_app.extensions import db
from volunteer_app.organisations.models import Community, Team, TeamMembership, VolunteerProfile

Actor = Any
CHECK_IN_EARLY = timedelta(hours=1)
CHECK_OUT_LATE = timedelta(hours=1)
DEFAULT_STAR_THRESHOLDS = (100, 300, 600, 1000, 1500)  # hours for one to five stars
MAX_CORRECTED_HOURS = 1000


# ---------------------------------------------------------------------------------------------- tokens


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


# ---------------------------------------------------------------------------------------------- scanning


@dataclass
class ScanResult:
    action: str  # "check_in" or "check_out"
    signup: Signup


def _session(session_id: int) -> EventSession:
    return get_or_404(
        EventSession, session_id, _("No such session."), selectinload(EventSession.event).selectinload(Event.team)
    )


def session_for_token(token: str) -> EventSession:
    return _session(session_id_from_token(token))


def scan(actor: Actor, token: str, *, now: datetime | None = None) -> ScanResult:
    """The volunteer scanned the session's code: the first scan checks in, the second checks out."""
    now = now or utcnow()
    session = session_for_token(token)
    profile = own_profile(actor)
    if profile is None:
        raise Forbidden(_("Only registered volunteers can check in."))
    if session.event.status == EventStatus.CANCELLED:
        raise Conflict(_("This event has been cancelled."))
    if now < session.starts_at - CHECK_IN_EARLY:
        raise Conflict(_("Check-in opens an hour before the session starts."))
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
    if signup.checked_in_at is None:
        signup.checked_in_at, action = now, "check_in"
    elif signup.checked_out_at is None:
        signup.checked_out_at, action = max(now, signup.checked_in_at), "check_out"
    else:
        raise Conflict(_("You have already checked in and out of this session."))
    if action == "check_out":
        reminders.checked_out([signup], session, {signup.id: clipped_minutes(signup, session)}, now)
    db.session.commit()
    return ScanResult(action, signup)


# ---------------------------------------------------------------------------------------------- organisers


ATTENDANCE_ACTIONS = ("present", "check_in", "check_out", "clear")


def mark_attendance(
    actor: Actor, session_id: int, signup_ids: list[int], action: str, *, now: datetime | None = None
) -> int:
    """Marks many confirmed sign-ups at once: "present" (the whole session), "check_in"/"check_out" (now), or
    "clear" (not there). Approved sign-ups stay as they are; correct their hours instead."""
    now = now or utcnow()
    session = _session(session_id)
    require(actor, "attendance.manage", session.event)
    if action not in ATTENDANCE_ACTIONS:
        raise Invalid({"action": [_("Choose present, check in, check out or clear.")]})
    ids = [i for i in dict.fromkeys(signup_ids or []) if valid_id(i)]
    if not ids:
        raise Invalid({"signup_ids": [_("Choose at least one volunteer.")]})
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
    reminders.checked_out(checked_out, session, {s.id: clipped_minutes(s, session) for s in checked_out}, now)
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


def _organiser_name(event: Event) -> str:
    if event.team is not None:
        return event.team.name
    if event.community is not None:
        return event.community.full_name
    return ""


def _entry(signup: Signup, session: EventSession, minutes: int, kind: str, actor: Actor, reason: str | None = None):
    event = session.event
    return HoursEntry(
        volunteer_id=signup.volunteer_id,
        signup_id=signup.id,
        event_id=event.id,
        kind=kind,
        minutes=minutes,
        service_date=to_local(session.starts_at).date(),
        organiser=_organiser_name(event)[:120],
        content=f"{event.title} · {signup.role.name}"[:300],
        reason=reason,
        created_by_id=getattr(actor, "id", None),
    )


def approve_hours(
    actor: Actor, session_id: int, signup_ids: list[int] | None = None, *, now: datetime | None = None
) -> int:
    """Writes the computed hours of checked-out sign-ups (all of the session's, or those named) to the ledger."""
    now = now or utcnow()
    session = get_or_404(
        EventSession,
        session_id,
        _("No such session."),
        selectinload(EventSession.event).selectinload(Event.team),
        selectinload(EventSession.event).selectinload(Event.community).selectinload(Community.town),
    )
    require(actor, "attendance.manage", session.event)
    query = (
        sa.select(Signup)
        .join(Signup.role)
        .where(
            EventRole.session_id == session.id,
            Signup.status == SignupStatus.CONFIRMED,
            Signup.hours_approved_at.is_(None),
            Signup.checked_in_at.is_not(None),
            Signup.checked_out_at.is_not(None),
        )
        .options(selectinload(Signup.role))
    )
    if signup_ids is not None:
        query = query.where(Signup.id.in_([i for i in signup_ids if valid_id(i)]))
    count = 0
    for signup in db.session.scalars(query):
        db.session.add(_entry(signup, session, clipped_minutes(signup, session), EntryKind.ATTENDANCE, actor))
        signup.hours_approved_at = now
        count += 1
    audit.record(actor, "create", "hours_entry", None, detail={"session_id": session.id, "approved": count})
    db.session.commit()
    return count


def correct_hours(actor: Actor, signup_id: int, *, hours: float, reason: str) -> HoursEntry:
    """Sets a sign-up's hours to `hours` by adding an entry for the difference; the reason is required."""
    signup = get_or_404(
        Signup,
        signup_id,
        _("No such sign-up."),
        selectinload(Signup.role).selectinload(EventRole.session).selectinload(EventSession.event),
    )
    session = signup.role.session
    require(actor, "attendance.manage", session.event)
    errors: dict[str, list[str]] = {}
    reason = text(reason, 300)
    if not reason:
        errors["reason"] = [_("Say why the hours are corrected.")]
    if not isinstance(hours, int | float) or isinstance(hours, bool) or not 0 <= hours <= MAX_CORRECTED_HOURS:
        errors["hours"] = [_("Give hours from 0 to %(n)d.", n=MAX_CORRECTED_HOURS)]
    if errors:
        raise Invalid(errors)
    current = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(HoursEntry.minutes), 0)).where(HoursEntry.signup_id == signup.id)
    )
    delta = round(hours * 60) - int(current)
    if delta == 0:
        raise Invalid({"hours": [_("These are already the recorded hours.")]})
    entry = _entry(signup, session, delta, EntryKind.CORRECTION, actor, reason)
    db.session.add(entry)
    signup.hours_approved_at = signup.hours_approved_at or utcnow()
    db.session.flush()
    audit.record(
        actor, "create", "hours_entry", entry.id, reason=reason, detail={"signup_id": signup.id, "minutes": delta}
    )
    db.session.commit()
    return entry


def recorded_minutes(signup_ids: list[int]) -> dict[int, int]:
    """Ledger minutes per sign-up, for an attendance sheet: one grouped query."""
    if not signup_ids:
        return {}
    return dict(
        db.session.execute(
            sa.select(HoursEntry.signup_id, sa.func.sum(HoursEntry.minutes))
            .where(HoursEntry.signup_id.in_(signup_ids))
            .group_by(HoursEntry.signup_id)
        ).all()
    )


# ---------------------------------------------------------------------------------------------- volunteers


def star_thresholds() -> tuple[int, ...]:
    return tuple(current_app.config.get("STAR_THRESHOLDS_HOURS", DEFAULT_STAR_THRESHOLDS))


def stars_for(hours: float, thresholds: tuple[int, ...] | None = None) -> int:
    return sum(1 for threshold in thresholds or star_thresholds() if hours >= threshold)


@dataclass
class HoursSummary:
    volunteer: VolunteerProfile
    minutes: int
    stars: int
    next_threshold: int | None

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 2)


def _volunteer(actor: Actor, volunteer_id: int | None) -> VolunteerProfile:
    if volunteer_id is None:
        profile = own_profile(actor)
        if profile is None:
            raise NotFound(_("You are not registered as a volunteer."))
    else:
        profile = get_or_404(
            VolunteerProfile,
            volunteer_id,
            _("No such volunteer."),
            selectinload(VolunteerProfile.memberships),
        )
    require(actor, "hours.view", profile)
    return profile


def summary(actor: Actor, volunteer_id: int | None = None) -> HoursSummary:
    profile = _volunteer(actor, volunteer_id)
    minutes = int(
        db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(HoursEntry.minutes), 0)).where(HoursEntry.volunteer_id == profile.id)
        )
    )
    thresholds = star_thresholds()
    hours = minutes / 60
    return HoursSummary(
        profile, minutes, stars_for(hours, thresholds), next((t for t in thresholds if t > hours), None)
    )


def ledger(
    actor: Actor,
    volunteer_id: int | None = None,
    *,
    q: str | None = None,
    page: int | None = None,
    per_page: int | None = None,
) -> Page:
    profile = _volunteer(actor, volunteer_id)
    query = sa.select(HoursEntry).where(HoursEntry.volunteer_id == profile.id)
    q = text(q, 100)
    if q:
        query = query.where(
            sa.or_(HoursEntry.content.icontains(q, autoescape=True), HoursEntry.organiser.icontains(q, autoescape=True))
        )
    return paginate(query.order_by(HoursEntry.service_date.desc(), HoursEntry.id.desc()), page, per_page)


@dataclass
class CertificateLine:
    service_date: date
    organiser: str
    content: str
    minutes: int

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 2)


@dataclass
class Certificate:
    volunteer: VolunteerProfile
    lines: list[CertificateLine]
    issuer: str
    issued_on: date

    @property
    def total_minutes(self) -> int:
        return sum(line.minutes for line in self.lines)

    @property
    def total_hours(self) -> float:
        return round(self.total_minutes / 60, 2)


def certificate(actor: Actor, volunteer_id: int | None = None, *, now: datetime | None = None) -> Certificate:
    """Each service (entries of one sign-up added up: the approved hours and any corrections), then the total."""
    profile = _volunteer(actor, volunteer_id)
    rows = db.session.execute(
        sa.select(
            sa.func.min(HoursEntry.service_date).label("service_date"),
            sa.func.min(HoursEntry.organiser).label("organiser"),
            sa.func.min(HoursEntry.content).label("content"),
            sa.func.sum(HoursEntry.minutes).label("minutes"),
        )
        .where(HoursEntry.volunteer_id == profile.id)
        .group_by(sa.func.coalesce(HoursEntry.signup_id, -HoursEntry.id))
        .order_by(sa.func.min(HoursEntry.service_date))
    )
    lines = [CertificateLine(r.service_date, r.organiser, r.content, int(r.minutes)) for r in rows if r.minutes]
    community = db.session.get(Community, profile.community_id, options=[selectinload(Community.town)])
    issuer = current_app.config.get("CERTIFICATE_ISSUER") or _(
        "%(town)s Volunteer Federation", town=community.town.name if community else ""
    )
    return Certificate(profile, lines, issuer, to_local(now or utcnow()).date())


def my_team_names(profile: VolunteerProfile) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(Team.name)
            .join(TeamMembership, TeamMembership.team_id == Team.id)
            .where(TeamMembership.volunteer_id == profile.id, TeamMembership.left_on.is_(None))
        )
    )
