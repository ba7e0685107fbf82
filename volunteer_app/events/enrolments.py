"""Beneficiaries 服务对象 enrolled in an event apart from its volunteers: the children of a summer camp, each with
a guardian who consents. Their own capacity (`Event.beneficiary_capacity`) and waitlist; the event row is the lock.
A child is enrolled once per event (the same name with the same guardian's phone; a unique index holds it too).
Guardian phones are shown in full only to the event's organisers."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from volunteer_app.core import audit
from volunteer_app.core.errors import Conflict, Errors, NotFound, raise_if
from volunteer_app.core.identity import is_mainland_mobile, normalise_phone
from volunteer_app.core.lookup import get_or_404
from volunteer_app.core.pagination import Page, paginate
from volunteer_app.core.policy import Actor, can, require
from volunteer_app.core.text import clean_text
from volunteer_app.core.time import utcnow
from volunteer_app.events.models import Enrolment, Event, EventRole, EventSession, EventStatus, Signup, SignupStatus
from volunteer_app.extensions import db
from volunteer_app.organisations.services import own_profile


def _lock_event(event_id: int) -> int:
    db.session.execute(sa.update(Event).where(Event.id == event_id).values(enrolment_seq=Event.enrolment_seq + 1))
    return db.session.scalar(sa.select(Event.enrolment_seq).where(Event.id == event_id))


def _confirmed(event_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Enrolment.id)).where(
            Enrolment.event_id == event_id, Enrolment.status == SignupStatus.CONFIRMED
        )
    )


def _positions(enrolments: list[Enrolment]) -> None:
    waiting = [e for e in enrolments if e.status == SignupStatus.WAITLISTED]
    if not waiting:
        return
    rows = db.session.execute(
        sa.select(Enrolment.id, Enrolment.event_id)
        .where(Enrolment.event_id.in_({e.event_id for e in waiting}), Enrolment.status == SignupStatus.WAITLISTED)
        .order_by(Enrolment.event_id, Enrolment.seq)
    )
    counters: dict[int, int] = {}
    position: dict[int, int] = {}
    for row in rows:
        counters[row.event_id] = counters.get(row.event_id, 0) + 1
        position[row.id] = counters[row.event_id]
    for enrolment in waiting:
        enrolment.waitlist_position = position.get(enrolment.id)


def enrol(
    actor: Actor,
    event_id: int,
    *,
    child_name: str,
    child_age: int,
    guardian_name: str,
    guardian_phone: str,
    guardian_consent: bool,
    school: str = "",
    now: datetime | None = None,
) -> Enrolment:
    now = now or utcnow()
    event = get_or_404(Event, event_id, _("No such event."))
    require(actor, "enrolment.manage", event)
    errors: Errors = {}
    child_name, guardian_name, school = (
        clean_text(child_name, 81),
        clean_text(guardian_name, 81),
        clean_text(school, 121),
    )
    if not child_name or len(child_name) > 80:
        errors["child_name"] = [_("Give the child's name (at most 80 characters).")]
    if not isinstance(child_age, int) or isinstance(child_age, bool) or not 3 <= child_age <= 17:
        errors["child_age"] = [_("Give an age from 3 to 17.")]
    if len(school) > 120:
        errors["school"] = [_("Use at most %(n)d characters.", n=120)]
    if not guardian_name or len(guardian_name) > 80:
        errors["guardian_name"] = [_("Give the guardian's name (at most 80 characters).")]
    phone = normalise_phone(guardian_phone)
    if not is_mainland_mobile(phone):
        errors["guardian_phone"] = [_("Give the guardian's 11-digit mobile number.")]
    if guardian_consent is not True:
        errors["guardian_consent"] = [_("The guardian must consent before the child is enrolled.")]
    raise_if(errors)
    if event.status not in (EventStatus.DRAFT, EventStatus.PUBLISHED):
        raise Conflict(_("This event is no longer taking enrolments."))
    if not event.beneficiary_capacity:
        raise Conflict(_("This event takes no beneficiaries."))
    seq = _lock_event(event.id)  # from here on, this event's enrolments wait for us
    identity = Enrolment.identity(child_name, phone)
    if db.session.scalar(
        sa.select(Enrolment.id).where(
            Enrolment.event_id == event.id,
            Enrolment.identity_digest == identity,
            Enrolment.status != SignupStatus.CANCELLED,
        )
    ):
        db.session.rollback()
        raise Conflict(_("%(name)s is already enrolled in this event.", name=child_name))
    capacity = db.session.scalar(sa.select(Event.beneficiary_capacity).where(Event.id == event.id)) or 0
    status = SignupStatus.CONFIRMED if _confirmed(event.id) < capacity else SignupStatus.WAITLISTED
    enrolment = Enrolment(
        event_id=event.id,
        child_name=child_name,
        child_age=child_age,
        school=school,
        guardian_name=guardian_name,
        guardian_phone=phone,
        identity_digest=identity,
        guardian_consent_at=now,
        status=status,
        seq=seq,
        created_by_id=getattr(actor, "id", None),
        created_at=now,
    )
    db.session.add(enrolment)
    db.session.flush()
    _positions([enrolment])
    audit.record(actor, "create", "enrolment", enrolment.id, detail={"event_id": event.id, "status": status})
    db.session.commit()
    enrolment.phone_shown = True
    return enrolment


def cancel(actor: Actor, enrolment_id: int, *, now: datetime | None = None) -> list[Enrolment]:
    """Withdraws a child; a freed place goes to the first child on the waitlist. Returns those promoted."""
    now = now or utcnow()
    enrolment = get_or_404(Enrolment, enrolment_id, _("No such enrolment."))
    event = db.session.get(Event, enrolment.event_id)
    require(actor, "enrolment.manage", event)
    _lock_event(event.id)
    db.session.refresh(enrolment)
    if enrolment.status == SignupStatus.CANCELLED:
        db.session.rollback()
        raise Conflict(_("This enrolment is already cancelled."))
    was_confirmed = enrolment.status == SignupStatus.CONFIRMED
    enrolment.status, enrolment.cancelled_at = SignupStatus.CANCELLED, now
    db.session.flush()
    promoted: list[Enrolment] = []
    if was_confirmed:
        free = (event.beneficiary_capacity or 0) - _confirmed(event.id)
        if free > 0:
            promoted = list(
                db.session.scalars(
                    sa.select(Enrolment)
                    .where(Enrolment.event_id == event.id, Enrolment.status == SignupStatus.WAITLISTED)
                    .order_by(Enrolment.seq)
                    .limit(free)
                )
            )
            for item in promoted:
                item.status = SignupStatus.CONFIRMED
    audit.record(actor, "delete", "enrolment", enrolment.id, detail={"promoted": [e.id for e in promoted]})
    db.session.commit()
    return promoted


def _may_see(actor: Actor, event: Event) -> bool:
    """Organisers; and volunteers with a confirmed place at the event (they see guardian phones masked)."""
    if can(actor, "enrolment.manage", event):
        return True
    profile = own_profile(actor)
    return profile is not None and bool(
        db.session.scalar(
            sa.select(sa.func.count(Signup.id))
            .join(EventRole, EventRole.id == Signup.role_id)
            .join(EventSession, EventSession.id == EventRole.session_id)
            .where(
                EventSession.event_id == event.id,
                Signup.volunteer_id == profile.id,
                Signup.status == SignupStatus.CONFIRMED,
            )
        )
    )


def list_enrolments(
    actor: Actor,
    event_id: int,
    *,
    status: str | None = None,
    q: str | None = None,
    page: int | None = None,
    per_page: int | None = None,
) -> Page:
    event = get_or_404(Event, event_id, _("No such event."))
    if not _may_see(actor, event):
        raise NotFound(_("No such event."))
    full = can(actor, "enrolment.manage", event)
    query = sa.select(Enrolment).where(Enrolment.event_id == event.id)
    if status in set(SignupStatus):
        query = query.where(Enrolment.status == status)
    else:
        query = query.where(Enrolment.status != SignupStatus.CANCELLED)
    q = clean_text(q, 100)
    if q:
        query = query.where(
            sa.or_(
                Enrolment.child_name.icontains(q, autoescape=True),
                Enrolment.guardian_name.icontains(q, autoescape=True),
                Enrolment.school.icontains(q, autoescape=True),
            )
        )
    order = sa.case((Enrolment.status == SignupStatus.CONFIRMED, 0), else_=1)
    result = paginate(query.order_by(order, Enrolment.seq), page, per_page)
    _positions(result.items)
    for item in result.items:
        item.phone_shown = full
    return result


def counts(event_id: int) -> dict[str, int]:
    rows = db.session.execute(
        sa.select(Enrolment.status, sa.func.count(Enrolment.id))
        .where(Enrolment.event_id == event_id)
        .group_by(Enrolment.status)
    )
    return {status: n for status, n in rows}
