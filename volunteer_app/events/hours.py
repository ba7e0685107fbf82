"""Check-in 签到 and check-out 签退, and the service-hours ledger 服务时长.

A session's QR code carries a URL with a signed token naming the session; a volunteer with a confirmed place who
opens it within the session's window (an hour either side) checks in, and the second time checks out. Organisers
can also mark many people at once. Hours are the check-in/out span clipped to the session, so nobody checks out
before the session starts. Approving them (once the session has ended, never a zero-hour row) writes ledger
entries; a correction (with a reason, at most the session's length plus a margin) is a new entry for the
difference, and one adding many hours waits for a second staff member: the ledger is never edited and holds only
hours that could have been served, which are what stars and certificates add up.
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
    CorrectionStatus,
    EntryKind,
    Event,
    EventRole,
    EventSession,
    EventStatus,
    HoursCorrection,
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


def _when(moment: datetime) -> str:
    return to_local(moment).strftime("%Y-%m-%d %H:%M")


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
        return Conflict(_("Check-in opens at %(time)s.", time=_when(opens_at)))
    if action == "present":
        return Conflict(_("Attendance can be marked once the session starts, at %(time)s.", time=_when(opens_at)))
    return Conflict(_("Check-out opens when the session starts, at %(time)s.", time=_when(opens_at)))


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
        reminders.checked_out([signup], session, {signup.id: clipped_minutes(signup, session)}, now)
    db.session.commit()
    return ScanResult(action, signup)


# ---------------------------------------------------------------------------------------------- organisers


ATTENDANCE_ACTIONS = ("present", "check_in", "check_out", "clear")


def mark_attendance(
    actor: Actor, session_id: int, signup_ids: list[int], action: str, *, now: datetime | None = None
) -> int:
    """Marks many confirmed sign-ups at once: "present" (the whole session), "check_in"/"check_out" (now), or
    "clear" (not there). Approved sign-ups stay as they are; correct their hours instead. Check-in opens an hour
    before the start; presence and check-out only once the session has started."""
    now = now or utcnow()
    session = _session(session_id)
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


def _entry(
    signup: Signup, session: EventSession, minutes: int, kind: str, created_by_id: int | None, reason: str | None = None
) -> HoursEntry:
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
        created_by_id=created_by_id,
    )


@dataclass
class Approval:
    count: int  # sign-ups whose hours went into the ledger
    zero_hours: list[Signup]  # checked out with no time inside the session: left unapproved, to correct or clear


def approve_hours(
    actor: Actor, session_id: int, signup_ids: list[int] | None = None, *, now: datetime | None = None
) -> Approval:
    """Writes the computed hours of checked-out sign-ups (all of the session's, or those named) to the ledger, once
    the session has ended. Zero-hour rows are left out and named: approving them would hide a wrong check-out."""
    now = now or utcnow()
    session = get_or_404(
        EventSession,
        session_id,
        _("No such session."),
        selectinload(EventSession.event).selectinload(Event.team),
        selectinload(EventSession.event).selectinload(Event.community).selectinload(Community.town),
    )
    require(actor, "attendance.manage", session.event)
    if now < session.ends_at:
        raise Conflict(_("Hours can be approved once the session has ended, at %(time)s.", time=_when(session.ends_at)))
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
        .options(selectinload(Signup.role), selectinload(Signup.volunteer))
        .order_by(Signup.id)
    )
    if signup_ids is not None:
        query = query.where(Signup.id.in_([i for i in signup_ids if valid_id(i)]))
    approval = Approval(0, [])
    for signup in db.session.scalars(query):
        minutes = clipped_minutes(signup, session)
        if minutes == 0:
            approval.zero_hours.append(signup)
            continue
        db.session.add(_entry(signup, session, minutes, EntryKind.ATTENDANCE, getattr(actor, "id", None)))
        signup.hours_approved_at = now
        approval.count += 1
    audit.record(
        actor,
        "create",
        "hours_entry",
        None,
        detail={
            "session_id": session.id,
            "approved": approval.count,
            "zero_hours": [s.id for s in approval.zero_hours],
        },
    )
    db.session.commit()
    return approval


def most_minutes(session: EventSession) -> int:
    """The most a correction may give: the session's length and the configured margin."""
    margin = float(current_app.config["HOURS_CORRECTION_MARGIN_HOURS"])
    return int((session.ends_at - session.starts_at).total_seconds() // 60 + round(margin * 60))


def _ledger_minutes(signup_id: int) -> int:
    return int(
        db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(HoursEntry.minutes), 0)).where(HoursEntry.signup_id == signup_id)
        )
    )


def _lock_signup(signup_id: int) -> None:
    """Corrections of one sign-up one at a time (row lock on PostgreSQL, the write lock on SQLite)."""
    db.session.execute(
        sa.update(Signup).where(Signup.id == signup_id).values(hours_approved_at=Signup.hours_approved_at)
    )


def review_minutes() -> int:
    """A correction adding more than this waits for a second staff member."""
    return round(float(current_app.config["HOURS_CORRECTION_REVIEW_HOURS"]) * 60)


def hours_text(minutes: int) -> str:
    return f"{minutes / 60:.2f}".rstrip("0").rstrip(".")


def _write_correction(correction: HoursCorrection, signup: Signup, session: EventSession, now: datetime) -> None:
    """The ledger entry that brings the sign-up's hours to those asked for (the difference as of now)."""
    delta = correction.minutes - _ledger_minutes(signup.id)
    if delta:
        entry = _entry(signup, session, delta, EntryKind.CORRECTION, correction.requested_by_id, correction.reason)
        db.session.add(entry)
        db.session.flush()
        correction.entry_id = entry.id
    signup.hours_approved_at = signup.hours_approved_at or now


def correct_hours(
    actor: Actor, signup_id: int, *, hours: float, reason: str, now: datetime | None = None
) -> HoursCorrection:
    """Sets a sign-up's hours to `hours` (the reason is required) once the session has ended, within the session's
    length plus HOURS_CORRECTION_MARGIN_HOURS. The ledger gets an entry for the difference at once, unless the
    correction adds more than HOURS_CORRECTION_REVIEW_HOURS: then it waits, pending, for a second staff member."""
    now = now or utcnow()
    signup = get_or_404(
        Signup,
        signup_id,
        _("No such sign-up."),
        selectinload(Signup.role).selectinload(EventRole.session).selectinload(EventSession.event),
    )
    session = signup.role.session
    require(actor, "attendance.manage", session.event)
    if now < session.ends_at:
        raise Conflict(_("Hours can be given once the session has ended, at %(time)s.", time=_when(session.ends_at)))
    errors: dict[str, list[str]] = {}
    reason = text(reason, 300)
    if not reason:
        errors["reason"] = [_("Say why the hours are corrected.")]
    most = most_minutes(session)
    if not isinstance(hours, int | float) or isinstance(hours, bool) or not 0 <= round(hours * 60) <= most:
        errors["hours"] = [
            _(
                "Give hours from 0 to %(most)s: the session's length and a margin of %(margin)s.",
                most=hours_text(most),
                margin=hours_text(round(float(current_app.config["HOURS_CORRECTION_MARGIN_HOURS"]) * 60)),
            )
        ]
    if errors:
        raise Invalid(errors)
    _lock_signup(signup.id)
    if pending_correction_of(signup.id) is not None:
        db.session.rollback()
        raise Conflict(_("A correction of these hours is waiting for a second approver."))
    minutes = round(hours * 60)
    delta = minutes - _ledger_minutes(signup.id)
    if delta == 0:
        db.session.rollback()
        raise Invalid({"hours": [_("These are already the recorded hours.")]})
    review = delta > review_minutes()
    correction = HoursCorrection(
        signup_id=signup.id,
        minutes=minutes,
        delta=delta,
        reason=reason,
        status=CorrectionStatus.PENDING if review else CorrectionStatus.APPROVED,
        requested_by_id=getattr(actor, "id", None),
        requested_at=now,
    )
    db.session.add(correction)
    if not review:
        correction.decided_by_id, correction.decided_at = correction.requested_by_id, now
        _write_correction(correction, signup, session, now)
    db.session.flush()
    audit.record(
        actor,
        "create",
        "hours_correction",
        correction.id,
        reason=reason,
        detail={"signup_id": signup.id, "minutes": delta, "status": correction.status},
    )
    db.session.commit()
    return correction


def pending_correction_of(signup_id: int) -> HoursCorrection | None:
    return db.session.scalar(
        sa.select(HoursCorrection).where(
            HoursCorrection.signup_id == signup_id, HoursCorrection.status == CorrectionStatus.PENDING
        )
    )


def _decide(actor: Actor, correction_id: int, status: str, now: datetime | None) -> HoursCorrection:
    """A second staff member approves or rejects a pending correction; only approval writes the ledger."""
    now = now or utcnow()
    correction = get_or_404(
        HoursCorrection,
        correction_id,
        _("No such correction."),
        selectinload(HoursCorrection.signup)
        .selectinload(Signup.role)
        .selectinload(EventRole.session)
        .selectinload(EventSession.event),
    )
    signup = correction.signup
    session = signup.role.session
    require(actor, "hours.correction.decide", session.event)
    if getattr(actor, "id", None) == correction.requested_by_id:
        raise Forbidden(_("A correction needs a second staff member: you asked for this one."))
    _lock_signup(signup.id)
    decided = db.session.execute(
        sa.update(HoursCorrection)
        .where(HoursCorrection.id == correction.id, HoursCorrection.status == CorrectionStatus.PENDING)
        .values(status=status, decided_by_id=getattr(actor, "id", None), decided_at=now)
    ).rowcount
    if not decided:
        db.session.rollback()
        raise Conflict(_("This correction has already been decided."))
    db.session.refresh(correction)
    if status == CorrectionStatus.APPROVED:
        _write_correction(correction, signup, session, now)
    audit.record(
        actor,
        "update",
        "hours_correction",
        correction.id,
        reason=correction.reason,
        detail={"signup_id": signup.id, "status": status, "minutes": correction.delta},
    )
    db.session.commit()
    return correction


def approve_correction(actor: Actor, correction_id: int, *, now: datetime | None = None) -> HoursCorrection:
    return _decide(actor, correction_id, CorrectionStatus.APPROVED, now)


def reject_correction(actor: Actor, correction_id: int, *, now: datetime | None = None) -> HoursCorrection:
    return _decide(actor, correction_id, CorrectionStatus.REJECTED, now)


def pending_corrections(
    actor: Actor, *, q: str | None = None, page: int | None = None, per_page: int | None = None
) -> Page:
    """Corrections waiting for a second staff member, oldest first (staff only); `q` finds a volunteer's name."""
    require(actor, "hours.correction.decide", None)
    query = sa.select(HoursCorrection).where(HoursCorrection.status == CorrectionStatus.PENDING)
    q = text(q, 100)
    if q:
        query = (
            query.join(Signup, Signup.id == HoursCorrection.signup_id)
            .join(VolunteerProfile, VolunteerProfile.id == Signup.volunteer_id)
            .where(VolunteerProfile.name.icontains(q, autoescape=True))
        )
    query = query.options(
        selectinload(HoursCorrection.signup).selectinload(Signup.volunteer),
        selectinload(HoursCorrection.signup)
        .selectinload(Signup.role)
        .selectinload(EventRole.session)
        .selectinload(EventSession.event),
        selectinload(HoursCorrection.requested_by),
    )
    return paginate(query.order_by(HoursCorrection.requested_at, HoursCorrection.id), page, per_page)


def pending_by_signup(signup_ids: list[int]) -> dict[int, HoursCorrection]:
    """Pending corrections of an attendance sheet's sign-ups: one query."""
    if not signup_ids:
        return {}
    rows = db.session.scalars(
        sa.select(HoursCorrection)
        .where(HoursCorrection.signup_id.in_(signup_ids), HoursCorrection.status == CorrectionStatus.PENDING)
        .options(selectinload(HoursCorrection.requested_by))
    )
    return {c.signup_id: c for c in rows}


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
    thresholds: tuple[int, ...]

    @property
    def stars(self) -> int:
        """The star level these lines earn: it rests on the certificate's own total."""
        return stars_for(self.total_minutes / 60, self.thresholds)

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
    return Certificate(profile, lines, issuer, to_local(now or utcnow()).date(), star_thresholds())


def my_team_names(profile: VolunteerProfile) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(Team.name)
            .join(TeamMembership, TeamMembership.team_id == Team.id)
            .where(TeamMembership.volunteer_id == profile.id, TeamMembership.left_on.is_(None))
        )
    )
