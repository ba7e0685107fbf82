"""Promotion offers: a place freed in an event that asks promoted volunteers to confirm is held for the first on
the waitlist (signups.promote) until `offer_expires_at`. Accepting confirms it; declining, or letting it lapse,
passes it to the next in line. Every step takes the role's lock first (signups.lock_role), like a sign-up or a
cancellation, so a held place is never given twice and an accept racing the deadline sees one settled state.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from volunteer_app.core.errors import Conflict
from volunteer_app.core.policy import Actor
from volunteer_app.core.time import utcnow
from volunteer_app.events import notices
from volunteer_app.events.models import EventRole, Signup, SignupStatus
from volunteer_app.events.signups import (
    lock_role,
    lock_volunteers,
    promote,
    signup_to_act_on,
    waitlist_positions,
    with_overlapping_place,
    withdraw,
)
from volunteer_app.extensions import db


def _locked_offer(actor: Actor, signup_id: int, now: datetime) -> Signup:
    """The offer, read again under its role's lock; refused unless it is still open."""
    signup = signup_to_act_on(actor, signup_id)  # the volunteer, or who may sign them up or cancel for them
    lock_role(signup.role_id)
    db.session.refresh(signup)
    if signup.status != SignupStatus.OFFERED:
        db.session.rollback()
        raise Conflict(_("There is no open offer for this sign-up."))
    if now >= signup.offer_expires_at:
        db.session.rollback()
        raise Conflict(_("This offer has lapsed: the place has gone to the next person on the waitlist."))
    return signup


def accept(actor: Actor, signup_id: int, *, now: datetime | None = None) -> Signup:
    """Takes the offered place: confirmed, with the session's reminders."""
    now = now or utcnow()
    signup = _locked_offer(actor, signup_id, now)
    lock_volunteers([signup.volunteer_id])
    if with_overlapping_place([signup.volunteer_id], signup.role.session, signup.role_id):
        db.session.rollback()
        raise Conflict(
            _("You already have a confirmed place at a session that overlaps this one: decline this offer instead.")
        )
    signup.status, signup.confirmed_at, signup.offer_expires_at = SignupStatus.CONFIRMED, now, None
    db.session.flush()
    notices.promoted([signup], now)
    db.session.commit()
    waitlist_positions([signup])
    return signup


def decline(actor: Actor, signup_id: int, *, now: datetime | None = None) -> list[Signup]:
    """Gives the offered place up: it is offered to (or, near the start, given to) the next in line. Returns them."""
    now = now or utcnow()
    signup = _locked_offer(actor, signup_id, now)
    promoted = withdraw(signup, now)
    db.session.commit()
    return promoted


def expire_offers(now: datetime | None = None) -> int:
    """The scheduler's job: offers past their deadline lapse (the volunteer hears), and each place passes on, one
    role at a time under its lock. Returns the offers that lapsed. Commits per role."""
    now = now or utcnow()
    role_ids = list(
        db.session.scalars(
            sa.select(Signup.role_id)
            .where(Signup.status == SignupStatus.OFFERED, Signup.offer_expires_at <= now)
            .distinct()
            .order_by(Signup.role_id)
        )
    )
    db.session.rollback()  # end the read before taking the first lock
    lapsed = 0
    for role_id in role_ids:
        lock_role(role_id)
        role = db.session.get(EventRole, role_id)
        db.session.refresh(role)
        due = list(
            db.session.scalars(
                sa.select(Signup)
                .where(Signup.role_id == role_id, Signup.status == SignupStatus.OFFERED, Signup.offer_expires_at <= now)
                .order_by(Signup.seq)
                .execution_options(populate_existing=True)
            )
        )
        for signup in due:
            signup.status, signup.cancelled_at, signup.offer_expires_at = SignupStatus.CANCELLED, now, None
            notices.offer_lapsed(signup, now)
        db.session.flush()
        promote(role, now)
        lapsed += len(due)
        db.session.commit()
    return lapsed
