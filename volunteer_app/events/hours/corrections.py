"""Corrections of recorded hours: with a reason, at most the session's length plus a margin, written as a new ledger
entry for the difference; one adding many hours waits for a second staff member."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from volunteer_app.core import audit
from volunteer_app.core.errors import Conflict, Errors, Forbidden, Invalid, raise_if
from volunteer_app.core.lookup import get_or_404
from volunteer_app.core.pagination import Page, paginate
from volunteer_app.core.policy import Actor, require
from volunteer_app.core.text import clean_text
from volunteer_app.core.time import utcnow
from volunteer_app.events.hours.ledger import hours_text, ledger_entry, ledger_minutes, lock_signup, most_minutes
from volunteer_app.events.models import (
    CorrectionStatus,
    EntryKind,
    EventRole,
    EventSession,
    HoursCorrection,
    Signup,
    SignupStatus,
)
from volunteer_app.events.notices import when_text
from volunteer_app.extensions import db
from volunteer_app.organisations.models import VolunteerProfile


def review_minutes() -> int:
    """A correction adding more than this waits for a second staff member."""
    return round(float(current_app.config["HOURS_CORRECTION_REVIEW_HOURS"]) * 60)


def _write_correction(correction: HoursCorrection, signup: Signup, session: EventSession, now: datetime) -> None:
    """The ledger entry that brings the sign-up's hours to those asked for (the difference as of now)."""
    delta = correction.minutes - ledger_minutes(signup.id)
    if delta:
        entry = ledger_entry(
            signup, session, delta, EntryKind.CORRECTION, correction.requested_by_id, correction.reason
        )
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
    if signup.status == SignupStatus.NO_SHOW:
        raise Conflict(_("A no-show gets no hours: if they came after all, correct the no-show first."))
    if signup.status != SignupStatus.CONFIRMED:
        raise Conflict(_("Only a confirmed place earns hours."))
    if now < session.ends_at:
        raise Conflict(
            _("Hours can be given once the session has ended, at %(time)s.", time=when_text(session.ends_at))
        )
    errors: Errors = {}
    reason = clean_text(reason, 300)
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
    raise_if(errors)
    lock_signup(signup.id)
    if pending_correction_of(signup.id) is not None:
        db.session.rollback()
        raise Conflict(_("A correction of these hours is waiting for a second approver."))
    minutes = round(hours * 60)
    delta = minutes - ledger_minutes(signup.id)
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
    lock_signup(signup.id)
    decided = db.session.execute(
        sa.update(HoursCorrection)
        .where(HoursCorrection.id == correction.id, HoursCorrection.status == CorrectionStatus.PENDING)
        .values(status=status, decided_by_id=getattr(actor, "id", None), decided_at=now)
    ).rowcount
    if not decided:
        db.session.rollback()
        raise Conflict(_("This correction has already been decided."))
    db.session.refresh(correction)
    db.session.refresh(signup)
    if status == CorrectionStatus.APPROVED and signup.status != SignupStatus.CONFIRMED:
        db.session.rollback()
        raise Conflict(_("A no-show gets no hours: if they came after all, correct the no-show first."))
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
    q = clean_text(q, 100)
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
