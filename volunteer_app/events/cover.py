"""Find cover: for a role short of people an organiser asks volunteers to step in. Shanzhi picks those who meet the
role's requirements, hold no clashing confirmed place, live in the event's community or its town (the community
first) and were asked least recently (for any role), never anyone already signed up or already asked for this
role; at most the number asked for, and never more than the places still free. Who was asked is recorded
(`CoverRequest`); each hears through the outbox with a link to the role to sign up.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from volunteer_app.accounts.models import User
from volunteer_app.core import audit
from volunteer_app.core.errors import Conflict, Invalid
from volunteer_app.core.pagination import Page, paginate
from volunteer_app.core.policy import Actor, require
from volunteer_app.core.text import clean_text
from volunteer_app.core.time import utcnow
from volunteer_app.events import notices
from volunteer_app.events.models import CoverRequest, EventStatus, Signup, SignupStatus
from volunteer_app.events.signups import (
    eligibility_problem,
    load_role,
    lock_role,
    role_capacity,
    taken_count,
    with_overlapping_place,
)
from volunteer_app.extensions import db
from volunteer_app.organisations.models import Community, VolunteerProfile

MAX_ASK = 50  # one press asks at most this many
BATCH = 200  # candidates read at a time while looking for eligible ones


def find_cover(actor: Actor, role_id: int, *, count: int, now: datetime | None = None) -> list[CoverRequest]:
    """Asks up to `count` eligible volunteers to cover the role. Returns the requests made (possibly none)."""
    now = now or utcnow()
    role = load_role(role_id)
    event, session = role.session.event, role.session
    require(actor, "event.manage", event)
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_ASK:
        raise Invalid({"count": [_("Ask from 1 to %(n)d volunteers at a time.", n=MAX_ASK)]})
    if event.status != EventStatus.PUBLISHED or now >= session.starts_at:
        raise Conflict(_("Cover can be found only for a published session still to start."))
    lock_role(role.id)  # one press at a time per role: nobody is asked twice
    free = role_capacity(role.id) - taken_count(role.id)
    if free <= 0:
        db.session.rollback()
        raise Conflict(_("This role is full: nobody needs to be asked."))
    wanted = min(count, free)
    chosen: list[VolunteerProfile] = []
    offset = 0
    while len(chosen) < wanted:
        batch = _candidates(role.id, event.community_id, offset)
        if not batch:
            break
        offset += len(batch)
        clashing = with_overlapping_place((v.id for v in batch), session, role.id)
        for volunteer in batch:
            if volunteer.id in clashing or eligibility_problem(role, volunteer) is not None:
                continue
            chosen.append(volunteer)
            if len(chosen) == wanted:
                break
    requests = [
        CoverRequest(role_id=role.id, volunteer_id=v.id, asked_at=now, asked_by_id=getattr(actor, "id", None))
        for v in chosen
    ]
    db.session.add_all(requests)
    db.session.flush()
    for request, volunteer in zip(requests, chosen, strict=True):
        notices.cover_asked(request, volunteer, role, now)
    audit.record(actor, "create", "cover_request", None, detail={"role_id": role.id, "asked": len(requests)})
    db.session.commit()
    return requests


def _candidates(role_id: int, community_id: int | None, offset: int) -> list[VolunteerProfile]:
    """Volunteers with an active account, not signed up for nor asked about this role, of the event's town (all
    when the event has no community), its community first, then the least recently asked (never asked first)."""
    last_asked = (
        sa.select(CoverRequest.volunteer_id, sa.func.max(CoverRequest.asked_at).label("at"))
        .group_by(CoverRequest.volunteer_id)
        .subquery()
    )
    taken = sa.select(Signup.volunteer_id).where(Signup.role_id == role_id, Signup.status != SignupStatus.CANCELLED)
    asked = sa.select(CoverRequest.volunteer_id).where(CoverRequest.role_id == role_id)
    query = (
        sa.select(VolunteerProfile)
        .join(User, User.id == VolunteerProfile.user_id)
        .outerjoin(last_asked, last_asked.c.volunteer_id == VolunteerProfile.id)
        .where(User.active.is_(True), VolunteerProfile.id.not_in(taken), VolunteerProfile.id.not_in(asked))
        .options(selectinload(VolunteerProfile.memberships))
    )
    home_first = sa.literal(0)
    if community_id is not None:
        town_id = sa.select(Community.town_id).where(Community.id == community_id).scalar_subquery()
        in_town = sa.select(Community.id).where(Community.town_id == town_id)
        query = query.where(VolunteerProfile.community_id.in_(in_town))
        home_first = sa.case((VolunteerProfile.community_id == community_id, 0), else_=1)
    query = query.order_by(
        home_first, sa.case((last_asked.c.at.is_(None), 0), else_=1), last_asked.c.at, VolunteerProfile.id
    )
    return list(db.session.scalars(query.offset(offset).limit(BATCH)))


def cover_requests(
    actor: Actor, role_id: int, *, q: str | None = None, page: int | None = None, per_page: int | None = None
) -> Page:
    """Who was asked to cover the role, newest first, with whether they have signed up since."""
    role = load_role(role_id)
    require(actor, "signup.list", role.session.event)
    query = (
        sa.select(CoverRequest)
        .join(CoverRequest.volunteer)
        .where(CoverRequest.role_id == role.id)
        .options(selectinload(CoverRequest.volunteer))
        .order_by(CoverRequest.asked_at.desc(), CoverRequest.id.desc())
    )
    q = clean_text(q, 100)
    if q:
        query = query.where(VolunteerProfile.name.icontains(q, autoescape=True))
    result = paginate(query, page, per_page)
    statuses = dict(
        db.session.execute(
            sa.select(Signup.volunteer_id, Signup.status).where(
                Signup.role_id == role.id, Signup.volunteer_id.in_([r.volunteer_id for r in result.items])
            )
        ).all()
    )
    for request in result.items:
        request.signup_status = statuses.get(request.volunteer_id)
    return result
