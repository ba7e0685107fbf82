"""A team leader signs many members up for a role in one step (300 for a clean-up is normal): one lock on the role,
a few queries, one INSERT for the new rows. The rules, the lock order and the waitlist are those of signups.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from volunteer_app.core import audit
from volunteer_app.core.errors import Invalid
from volunteer_app.core.ids import valid_id
from volunteer_app.core.policy import Actor, require
from volunteer_app.core.time import utcnow
from volunteer_app.events import notices
from volunteer_app.events.models import Audience, EventRole, Signup, SignupStatus, event_audience_teams
from volunteer_app.events.signups import (
    eligibility_problem,
    load_role,
    lock_role,
    lock_volunteers,
    refuse_if_closed,
    role_capacity,
    taken_count,
    waitlist_positions,
    with_overlapping_place,
)
from volunteer_app.extensions import db
from volunteer_app.organisations.models import TeamMembership, VolunteerProfile


@dataclass
class BulkResult:
    volunteer_id: int
    name: str
    status: str | None = None
    waitlist_position: int | None = None
    signup_id: int | None = None
    problem: str | None = None


def team_member_ids(team_id: int) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(TeamMembership.volunteer_id)
            .where(TeamMembership.team_id == team_id, TeamMembership.left_on.is_(None))
            .order_by(TeamMembership.id)
        )
    )


def named_volunteers(ids: list[int]) -> dict[int, VolunteerProfile]:
    """The volunteers of these ids by id, their memberships loaded for the team and requirement checks. An id of no
    volunteer refuses the whole list (as a team sign-up and a reservation's names are refused)."""
    volunteers = {
        v.id: v
        for v in db.session.scalars(
            sa.select(VolunteerProfile)
            .where(VolunteerProfile.id.in_(ids))
            .options(selectinload(VolunteerProfile.memberships))
        )
    }
    missing = [i for i in ids if i not in volunteers]
    if missing:
        raise Invalid({"volunteer_ids": [_("No volunteer with the ids: %(ids)s.", ids=", ".join(map(str, missing)))]})
    return volunteers


def bulk_sign_up(
    actor: Actor, role_id: int, volunteer_ids: list[int], *, now: datetime | None = None
) -> list[BulkResult]:
    """A team leader signs many members up in one step (300 for a clean-up is normal): one lock, a few queries.
    Each volunteer gets a result; those the rules refuse say why, the others are confirmed or waitlisted."""
    now = now or utcnow()
    ids = list(dict.fromkeys(i for i in volunteer_ids if valid_id(i)))
    if not ids:
        raise Invalid({"volunteer_ids": [_("Choose at least one volunteer.")]})
    if len(ids) > 2000:
        raise Invalid({"volunteer_ids": [_("At most 2000 volunteers at a time.")]})
    role = load_role(role_id)
    require(actor, "event.view", role.session.event)
    volunteers = named_volunteers(ids)
    for volunteer in volunteers.values():
        require(actor, "signup.create", volunteer)
    refuse_if_closed(role, now)
    results = {i: BulkResult(i, volunteers[i].name) for i in ids}
    allowed_teams = (
        set(
            db.session.scalars(
                sa.select(event_audience_teams.c.team_id).where(
                    event_audience_teams.c.event_id == role.session.event_id
                )
            )
        )
        if role.session.event.audience == Audience.TEAMS
        else None
    )
    for i in ids:
        volunteer = volunteers[i]
        teams = {m.team_id for m in volunteer.memberships if m.left_on is None}
        if allowed_teams is not None and not teams & allowed_teams:
            results[i].problem = _("This event is only for members of the teams it names.")
            continue
        results[i].problem = _eligibility_without_audience(role, volunteer)

    lock_role(role.id)
    lock_volunteers(ids)
    existing = {
        s.volunteer_id: s
        for s in db.session.scalars(
            sa.select(Signup)
            .where(Signup.role_id == role.id, Signup.volunteer_id.in_(ids))
            .execution_options(populate_existing=True)
        )
    }
    overlapping = with_overlapping_place(ids, role.session, role.id)
    free = role_capacity(role.id) - taken_count(role.id)
    seq = db.session.scalar(sa.select(EventRole.next_seq).where(EventRole.id == role.id))
    new_rows: list[dict[str, Any]] = []
    reused: list[Signup] = []
    for i in ids:
        result = results[i]
        if result.problem:
            continue
        signup = existing.get(i)
        if signup is not None and signup.status != SignupStatus.CANCELLED:
            result.problem = _("Already signed up for this role.")
            continue
        if free > 0 and i in overlapping:
            result.problem = _("Already has a confirmed place at a session that overlaps this one.")
            continue
        status = SignupStatus.CONFIRMED if free > 0 else SignupStatus.WAITLISTED
        free -= status == SignupStatus.CONFIRMED
        seq += 1
        values = {
            "status": status.value,
            "seq": seq,
            "signed_up_by_id": getattr(actor, "id", None),
            "created_at": now,
            "cancelled_at": None,
            "promoted_at": None,
            "confirmed_at": now if status == SignupStatus.CONFIRMED else None,
        }
        if signup is None:
            new_rows.append({"role_id": role.id, "volunteer_id": i, **values})
        else:
            for key, value in values.items():
                setattr(signup, key, value)
            reused.append(signup)
    db.session.execute(sa.update(EventRole).where(EventRole.id == role.id).values(next_seq=seq))
    if new_rows:  # one executemany, not an INSERT per volunteer
        db.session.execute(sa.insert(Signup), new_rows)
    db.session.flush()
    created = (
        reused
        + list(
            db.session.scalars(
                sa.select(Signup).where(
                    Signup.role_id == role.id, Signup.volunteer_id.in_([row["volunteer_id"] for row in new_rows])
                )
            )
        )
        if new_rows
        else reused
    )
    waitlist_positions(created)
    notices.signed_up(created, now)
    for signup in created:
        result = results[signup.volunteer_id]
        result.status, result.waitlist_position, result.signup_id = signup.status, signup.waitlist_position, signup.id
    audit.record(actor, "create", "signup", None, detail={"role_id": role.id, "bulk": len(created)})
    db.session.commit()
    return [results[i] for i in ids]


def _eligibility_without_audience(role: EventRole, volunteer: VolunteerProfile) -> str | None:
    audience, role.session.event.audience = role.session.event.audience, Audience.PUBLIC
    try:
        return eligibility_problem(role, volunteer)
    finally:
        role.session.event.audience = audience
