"""The needs workflow's notices through the reminders outbox: a need assigned, to the assignee's people; declined,
and reopened by a low rating, to town staff; and the deadline notices the deadline job sends (due soon to the
assignee's people, overdue to town staff), each once per deadline.

No personal data travels in a notice: the tracking number, category, community, deadline, who it is assigned to
(a team, group, point, deputy or department) and a link to the need's page; never the raiser's name or phone, nor
a household. This module imports no service (the services call it), so there is no import circle.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app, has_request_context
from flask_babel import lazy_gettext as _l

from volunteer_app.accounts.models import Role, RoleGrant, User
from volunteer_app.core.time import as_utc, utcnow
from volunteer_app.core.urls import public_url
from volunteer_app.extensions import db
from volunteer_app.needs.models import Need
from volunteer_app.needs.vocabulary import Assignee
from volunteer_app.organisations.models import VolunteerProfile, YouthGroupMember
from volunteer_app.reminders import kinds
from volunteer_app.reminders.services import Planned, cancel_planned, notify_many, subject_key

TEMPLATES = "needs/messages/"
# Essential: a need nobody hears of is help that never comes, so an opt-out does not silence these.
ASSIGNED = kinds.register(
    kinds.Kind("need_assigned", _l("A need was assigned to you"), essential=True, template=TEMPLATES + "assigned")
)
DECLINED = kinds.register(
    kinds.Kind("need_declined", _l("A need was declined"), essential=True, template=TEMPLATES + "declined")
)
REOPENED = kinds.register(
    kinds.Kind("need_reopened", _l("A need was reopened by a low rating"), essential=True,
               template=TEMPLATES + "reopened")
)  # fmt: skip
DUE_SOON = kinds.register(kinds.Kind("need_due_soon", _l("Need due soon"), template=TEMPLATES + "due_soon"))
OVERDUE = kinds.register(
    kinds.Kind("need_overdue", _l("Need past its deadline"), essential=True, template=TEMPLATES + "overdue")
)
DEADLINE_KINDS = (DUE_SOON.key, OVERDUE.key)
MORNING = time(8, 0)


def _active(user_ids: Iterable[int]) -> list[int]:
    ids = sorted(set(user_ids))
    if not ids:
        return []
    return list(db.session.scalars(sa.select(User.id).where(User.id.in_(ids), User.active).order_by(User.id)))


def _holders(role: Role, scope_kind: str, scope_id: int | None) -> sa.Select:
    return sa.select(RoleGrant.user_id).where(
        RoleGrant.role == role.value, RoleGrant.scope_kind == scope_kind, RoleGrant.scope_id == scope_id
    )


def assignee_people(need: Need) -> list[int]:
    """Who acts for the assignee: a team's leaders, a service point's social workers, the deputy's own account,
    the youth group's members who have an account. A department has no accounts: staff follow it up."""
    query = {
        Assignee.TEAM: lambda: _holders(Role.TEAM_LEADER, "team", need.team_id),
        Assignee.SERVICE_POINT: lambda: _holders(Role.SOCIAL_WORKER, "service_point", need.service_point_id),
        Assignee.DEPUTY: lambda: _holders(Role.DEPUTY, "deputy", need.deputy_id),
        Assignee.YOUTH_GROUP: lambda: (
            sa.select(VolunteerProfile.user_id)
            .join(YouthGroupMember, YouthGroupMember.volunteer_id == VolunteerProfile.id)
            .where(YouthGroupMember.group_id == need.youth_group_id)
        ),
    }.get(need.assignee_kind)
    return _active(db.session.scalars(query())) if query is not None else []


def town_staff(need: Need) -> list[int]:
    """League staff over the whole town (a grant without scope) or over the need's community; the administrators
    when there are none, so the notice reaches someone who can act."""
    grants = RoleGrant.scope_kind.is_(None) | (
        (RoleGrant.scope_kind == "community") & (RoleGrant.scope_id == need.community_id)
    )
    league = db.session.scalars(sa.select(RoleGrant.user_id).where(RoleGrant.role == Role.LEAGUE_STAFF.value, grants))
    people = _active(league)
    if not people:
        people = _active(db.session.scalars(sa.select(RoleGrant.user_id).where(RoleGrant.role == Role.ADMIN.value)))
    return people


def need_link(need_id: int) -> str:
    """The need's page on the public address. A job plans notices outside any request, where `url_for` cannot
    build a URL, so it gets a request context of its own for this."""
    if has_request_context():
        return public_url("needs.need", need_id=need_id)
    with current_app.test_request_context():
        return public_url("needs.need", need_id=need_id)


def _context(need: Need) -> dict:
    return {
        "need_id": need.id,
        "tracking_number": need.tracking_number,
        "category": need.category,
        "community": need.community.name,
        "deadline": need.deadline.isoformat() if need.deadline else None,
        "assignee": need.assignee_name,
        "link": need_link(need.id),
    }


def _plan(kind: kinds.Kind, need: Need, recipients: list[int], when: datetime) -> int:
    context = _context(need)
    return notify_many(kind, [Planned(uid, subject_key(need), when, context) for uid in recipients])


def assigned(need: Need, *, now: datetime | None = None) -> int:
    """In the caller's transaction: the assignee's people hear of the need. Returns the rows planned."""
    return _plan(ASSIGNED, need, assignee_people(need), now or utcnow())


def declined(need: Need, *, now: datetime | None = None) -> int:
    """In the caller's transaction: town staff hear that the need is back in the dispatch queue."""
    return _plan(DECLINED, need, town_staff(need), now or utcnow())


def reopened(need: Need, *, now: datetime | None = None) -> int:
    """In the caller's transaction: town staff hear that a low rating reopened the need for their review."""
    return _plan(REOPENED, need, town_staff(need), now or utcnow())


def _morning_of(day: date) -> datetime:
    """A fixed time per deadline, so calling again plans nothing new (the outbox key includes the time)."""
    return as_utc(datetime.combine(day, MORNING))


def due_soon(need: Need) -> int:
    """For the deadline job, in its transaction: the assignee's people are reminded on the morning before the
    deadline (at once when that has passed). Once per deadline however often it is called."""
    if need.deadline is None:
        return 0
    return _plan(DUE_SOON, need, assignee_people(need), _morning_of(need.deadline - timedelta(days=1)))


def overdue(need: Need) -> int:
    """For the deadline job, in its transaction: town staff are told on the morning after the deadline (at once
    when that has passed). Once per deadline however often it is called."""
    if need.deadline is None:
        return 0
    return _plan(OVERDUE, need, town_staff(need), _morning_of(need.deadline + timedelta(days=1)))


def withdraw_deadline_notices(need: Need) -> int:
    """Deadline notices not sent yet no longer hold once the need is reassigned, declined, merged or closed."""
    return cancel_planned(need, kinds=DEADLINE_KINDS, reason="the need's deadline no longer runs")
