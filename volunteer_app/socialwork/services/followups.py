"""Follow-ups 跟进: each open task has an owner and a due date. Workers see what is due and overdue;
supervisors see overdue work per worker and per community; the scheduler works out who should be told."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from volunteer_app.accounts.models import Role, RoleGrant, User
from volunteer_app.core import audit
from volunteer_app.core.errors import Errors, NotFound, raise_if
from volunteer_app.core.lookup import find
from volunteer_app.core.policy import SYSTEM, Actor, require
from volunteer_app.core.text import clean_text
from volunteer_app.core.time import today, utcnow
from volunteer_app.extensions import db
from volunteer_app.organisations.models import Community
from volunteer_app.socialwork import scope
from volunteer_app.socialwork.models import FollowUp, Household
from volunteer_app.socialwork.notices import Notice
from volunteer_app.socialwork.services.common import (
    HouseholdFile,
    household_for,
    writable,
)
from volunteer_app.socialwork.services.households import _workers_of_point
from volunteer_app.socialwork.services.visits import scope_supervisors
from volunteer_app.socialwork.vocabulary import FollowUpStatus


def list_follow_ups(actor: Actor, household_id: int | HouseholdFile, *, open_only: bool = False) -> list[FollowUp]:
    household = household_for(actor, household_id)
    require(actor, "follow_up.manage", household)
    query = (
        sa.select(FollowUp)
        .where(FollowUp.household_id == household.id)
        .options(selectinload(FollowUp.owner))
        .order_by(FollowUp.status != FollowUpStatus.OPEN, FollowUp.due_on)
    )
    if open_only:
        query = query.where(FollowUp.status == FollowUpStatus.OPEN)
    return list(db.session.scalars(query))


def add_follow_up(
    actor: Actor, household_id: int, *, task: str, due_on: date | None, owner_id: int | None = None,
    now: datetime | None = None,
) -> FollowUp:  # fmt: skip
    household = household_for(actor, household_id)
    require(actor, "follow_up.manage", household)
    writable(household)
    now = now or utcnow()
    errors: Errors = {}
    task = clean_text(task, 500)
    if not task:
        errors["task"] = [_("Say what is to be done.")]
    if not isinstance(due_on, date):
        errors["due_on"] = [_("Give a due date.")]
    elif due_on < today(now) and actor is not SYSTEM:  # imports and seeds may bring history
        errors["due_on"] = [_("The due date cannot be in the past.")]
    owner_id = owner_id or household.worker_id or getattr(actor, "id", None)
    if owner_id not in _workers_of_point(household.service_point_id) | scope_supervisors(household):
        errors["owner_id"] = [_("Choose a social worker of this household's service point.")]
    raise_if(errors)
    follow_up = FollowUp(
        household_id=household.id, task=task, due_on=due_on, owner_id=owner_id,
        created_by_id=getattr(actor, "id", None), created_at=now,
    )  # fmt: skip
    db.session.add(follow_up)
    db.session.flush()
    audit.record(actor, "create", "follow_up", follow_up.id, detail={"household": household.id})
    db.session.commit()
    return follow_up


def close_follow_up(
    actor: Actor, household_id: int, follow_up_id: int, *, status: str = FollowUpStatus.DONE, outcome: str = "",
    now: datetime | None = None,
) -> FollowUp:  # fmt: skip
    """Marks a follow-up done (with what came of it) or cancelled."""
    household = household_for(actor, household_id)
    require(actor, "follow_up.manage", household)
    follow_up = find(FollowUp, follow_up_id)
    if follow_up is None or follow_up.household_id != household.id:
        raise NotFound(_("No such follow-up."))
    errors: Errors = {}
    if follow_up.status != FollowUpStatus.OPEN:
        errors["status"] = [_("This follow-up is already closed.")]
    if status not in (FollowUpStatus.DONE, FollowUpStatus.CANCELLED):
        errors["status"] = [_("Choose done or cancelled.")]
    raise_if(errors)
    follow_up.status = str(status)
    follow_up.outcome = clean_text(outcome, 500)
    follow_up.closed_at = now or utcnow()
    audit.record(actor, "update", "follow_up", follow_up.id, detail={"household": household.id, "status": status})
    db.session.commit()
    return follow_up


@dataclass
class MyWork:
    overdue: list[FollowUp]
    due_soon: list[FollowUp]
    later: int


def my_follow_ups(actor: Actor, *, on: date | None = None, soon_days: int = 7) -> MyWork:
    """The user's open follow-ups on households they may still open: overdue, due within a week, and how many
    more are planned."""
    require(actor, "household.list")
    on = on or today()
    query = (
        sa.select(FollowUp)
        .join(FollowUp.household)
        .where(scope.household_scope(actor), FollowUp.owner_id == actor.id, FollowUp.status == FollowUpStatus.OPEN)
        .options(selectinload(FollowUp.household).selectinload(Household.members))
        .order_by(FollowUp.due_on, FollowUp.id)
    )
    items = list(db.session.scalars(query))
    horizon = on + timedelta(days=soon_days)
    return MyWork(
        overdue=[f for f in items if f.due_on < on],
        due_soon=[f for f in items if on <= f.due_on <= horizon],
        later=sum(1 for f in items if f.due_on > horizon),
    )


def overdue_counts(actor: Actor, *, on: date | None = None) -> dict[str, Any]:
    """Overdue follow-ups per worker and per community, in what the user may count."""
    require(actor, "socialwork.numbers")
    on = on or today()
    base = (
        sa.select(sa.func.count(FollowUp.id))
        .join(FollowUp.household)
        .where(scope.household_scope(actor, "numbers"), FollowUp.status == FollowUpStatus.OPEN, FollowUp.due_on < on)
    )
    per_worker = db.session.execute(
        base.add_columns(User.id, User.display_name)
        .join(User, User.id == FollowUp.owner_id)
        .group_by(User.id, User.display_name)
        .order_by(sa.func.count(FollowUp.id).desc(), User.display_name)
    ).all()
    per_community = db.session.execute(
        base.add_columns(Community.id, Community.name)
        .join(Community, Community.id == Household.community_id)
        .group_by(Community.id, Community.name)
        .order_by(sa.func.count(FollowUp.id).desc(), Community.name)
    ).all()
    return {
        "per_worker": [{"user_id": r[1], "name": r[2], "overdue": r[0]} for r in per_worker],
        "per_community": [{"community_id": r[1], "name": r[2], "overdue": r[0]} for r in per_community],
    }


def due_follow_up_notices(now: datetime) -> list[Notice]:
    """The sweep: owners of follow-ups due within FOLLOW_UP_REMIND_DAYS days, and supervisors of the station
    for each overdue one. Idempotent by key, so the outbox can run it as often as it likes. The notices name
    the follow-up and household by id only: no personal data travels in a reminder."""
    on = today(now)
    ahead = on + timedelta(days=current_app.config["FOLLOW_UP_REMIND_DAYS"])
    rows = db.session.execute(
        sa.select(FollowUp.id, FollowUp.household_id, FollowUp.owner_id, FollowUp.due_on, Household.station_id)
        .join(FollowUp.household)
        .where(FollowUp.status == FollowUpStatus.OPEN, FollowUp.due_on <= ahead, Household.status == "active")
        .order_by(FollowUp.due_on, FollowUp.id)
    ).all()
    supervisors: dict[int, list[int]] = {}
    for user_id, station_id in db.session.execute(
        sa.select(RoleGrant.user_id, RoleGrant.scope_id)
        .join(User, User.id == RoleGrant.user_id)
        .where(RoleGrant.role == Role.STATION_SUPERVISOR, RoleGrant.scope_kind == "service_station", User.active)
    ):
        supervisors.setdefault(station_id, []).append(user_id)
    notices = []
    for follow_up_id, household_id, owner_id, due_on, station_id in rows:
        if due_on >= on:
            notices.append(Notice(f"follow_up:{follow_up_id}:due:{due_on}:user:{owner_id}", "due_soon",
                                  owner_id, follow_up_id, household_id, due_on))  # fmt: skip
        else:
            for supervisor_id in sorted(supervisors.get(station_id, [])):
                notices.append(Notice(f"follow_up:{follow_up_id}:overdue:{due_on}:user:{supervisor_id}", "overdue",
                                      supervisor_id, follow_up_id, household_id, due_on))  # fmt: skip
    return notices
