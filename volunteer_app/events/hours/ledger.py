"""The service-hours ledger 服务时长: approving a session's hours writes entries once the session has ended (never a
zero-hour row); the ledger is never edited (corrections.py adds entries for a difference) and holds only hours that
could have been served, which are what stars and certificates add up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from volunteer_app.core import audit
from volunteer_app.core.errors import Conflict, NotFound
from volunteer_app.core.ids import valid_id
from volunteer_app.core.lookup import get_or_404
from volunteer_app.core.pagination import Page, paginate
from volunteer_app.core.policy import Actor, require
from volunteer_app.core.text import clean_text
from volunteer_app.core.time import to_local, utcnow
from volunteer_app.events.hours.attendance import clipped_minutes
from volunteer_app.events.models import (
    EntryKind,
    Event,
    EventRole,
    EventSession,
    HoursEntry,
    ServiceCertificate,
    Signup,
    SignupStatus,
)
from volunteer_app.events.notices import when_text
from volunteer_app.extensions import db
from volunteer_app.organisations.models import Community, VolunteerProfile
from volunteer_app.organisations.services import get_volunteer, own_profile

DEFAULT_STAR_THRESHOLDS = (100, 300, 600, 1000, 1500)  # hours for one to five stars


def _organiser_name(event: Event) -> str:
    if event.team is not None:
        return event.team.name
    if event.community is not None:
        return event.community.full_name
    return ""


def ledger_entry(
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
        raise Conflict(
            _("Hours can be approved once the session has ended, at %(time)s.", time=when_text(session.ends_at))
        )
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
        db.session.add(ledger_entry(signup, session, minutes, EntryKind.ATTENDANCE, getattr(actor, "id", None)))
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


def ledger_minutes(signup_id: int) -> int:
    return int(
        db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(HoursEntry.minutes), 0)).where(HoursEntry.signup_id == signup_id)
        )
    )


def lock_signup(signup_id: int) -> None:
    """Corrections of one sign-up one at a time (row lock on PostgreSQL, the write lock on SQLite)."""
    db.session.execute(
        sa.update(Signup).where(Signup.id == signup_id).values(hours_approved_at=Signup.hours_approved_at)
    )


def hours_text(minutes: int) -> str:
    return f"{minutes / 60:.2f}".rstrip("0").rstrip(".")


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
        profile = get_volunteer(actor, volunteer_id)  # someone the actor may not see is no such volunteer (404)
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
    q = clean_text(q, 100)
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
    through_entry_id: int | None  # the newest ledger entry counted
    issued: ServiceCertificate | None = None  # its number and record, once issued (certificates.py)

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

    @property
    def period(self) -> tuple[date, date] | None:
        """The first and last day of service counted; None without any."""
        days = [line.service_date for line in self.lines]
        return (min(days), max(days)) if days else None


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
    through = db.session.scalar(sa.select(sa.func.max(HoursEntry.id)).where(HoursEntry.volunteer_id == profile.id))
    community = db.session.get(Community, profile.community_id, options=[selectinload(Community.town)])
    issuer = current_app.config.get("CERTIFICATE_ISSUER") or _(
        "%(town)s Volunteer Federation", town=community.town.name if community else ""
    )
    return Certificate(profile, lines, issuer, to_local(now or utcnow()).date(), star_thresholds(), through)
