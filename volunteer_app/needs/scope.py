"""The one place that decides which needs a user reaches, and what of a need they may see.

Every query of needs (lists, boards, exports, the API) starts from `needs(actor)`; a need outside the scope is
answered exactly like one that does not exist.
- town-wide staff (admins, League staff limited to no community): every need of the town;
- League staff of a community (村/社区): the needs of their communities (accounts/staff_scope.py decides how far
  staff reach), besides whatever else below reaches them;
- a team leader: needs assigned to the teams they lead;
- a member of a youth governance group: the needs of the group's community and those assigned to the group;
- a social worker: needs assigned to their service point and those they raised; a station supervisor: those of
  the station's points and those raised by its social workers' points;
- a deputy: needs assigned to them;
- anyone: needs they raised themselves.
"""

from __future__ import annotations

import sqlalchemy as sa

from volunteer_app.accounts import staff_scope
from volunteer_app.accounts.models import Role
from volunteer_app.core.policy import SYSTEM, Actor
from volunteer_app.extensions import db
from volunteer_app.needs.models import Need
from volunteer_app.organisations.models import ServicePoint, VolunteerProfile, YouthGroup, YouthGroupMember


def town_staff(actor: Actor) -> bool:
    """Staff for the whole town (SYSTEM too): they reach every need, and alone keep the town's board, its meetings
    and receptions."""
    return staff_scope.town_wide(actor)


def any_staff(actor: Actor) -> bool:
    """Town-wide staff or League staff of a community: whoever dispatches the needs in their reach (the dispatch
    queue, raising on someone's behalf)."""
    return staff_scope.is_staff(actor)


def staff_for(actor: Actor, need: Need) -> bool:
    """Whether the actor acts as staff for this need: town-wide staff for every need, community staff for the
    needs of their communities."""
    return staff_scope.reaches_community(actor, need.community_id)


def led_team_ids(actor: Actor) -> set[int]:
    return set(actor.scopes(Role.TEAM_LEADER, "team"))


def deputy_ids(actor: Actor) -> set[int]:
    return set(actor.scopes(Role.DEPUTY, "deputy"))


def point_ids(actor: Actor) -> set[int]:
    """The service points whose needs this user works on: their own point, or every point of a station they
    supervise."""
    points = set(actor.scopes(Role.SOCIAL_WORKER, "service_point"))
    if stations := actor.scopes(Role.STATION_SUPERVISOR, "service_station"):
        points |= set(db.session.scalars(sa.select(ServicePoint.id).where(ServicePoint.station_id.in_(stations))))
    return points


def youth_groups(actor: Actor) -> list[tuple[int, int]]:
    """(group id, community id) of every youth governance group the user is a member of."""
    if actor is SYSTEM or not getattr(actor, "id", None):
        return []
    rows = db.session.execute(
        sa.select(YouthGroup.id, YouthGroup.community_id)
        .join(YouthGroupMember, YouthGroupMember.group_id == YouthGroup.id)
        .join(VolunteerProfile, VolunteerProfile.id == YouthGroupMember.volunteer_id)
        .where(VolunteerProfile.user_id == actor.id)
    )
    return [(group_id, community_id) for group_id, community_id in rows]


def need_scope(actor: Actor | None) -> sa.ColumnElement[bool]:
    """The condition a need must meet for `actor` to reach it. Deny by default."""
    if actor is SYSTEM:
        return sa.true()
    if actor is None or not getattr(actor, "is_active", False) or not getattr(actor, "id", None):
        return sa.false()
    if town_staff(actor):
        return sa.true()
    conditions: list[sa.ColumnElement[bool]] = [Need.raised_by_id == actor.id]
    if communities := staff_scope.community_ids(actor):
        conditions.append(Need.community_id.in_(sorted(communities)))
    if teams := led_team_ids(actor):
        conditions.append(Need.team_id.in_(sorted(teams)))
    if deputies := deputy_ids(actor):
        conditions.append(Need.deputy_id.in_(sorted(deputies)))
    if points := point_ids(actor):
        conditions.append(Need.service_point_id.in_(sorted(points)))
    if groups := youth_groups(actor):
        conditions.append(Need.youth_group_id.in_(sorted(g for g, _c in groups)))
        conditions.append(Need.community_id.in_(sorted(c for _g, c in groups)))
    return sa.or_(*conditions)


def needs(actor: Actor | None) -> sa.Select:
    """SELECT needs the actor may reach; add filters, ordering and eager loads to it."""
    return sa.select(Need).where(need_scope(actor))


def is_assignee(actor: Actor, need: Need) -> bool:
    """Whether the user acts for whoever the need is assigned to (accepts, declines, replies, closes)."""
    if actor is SYSTEM:
        return True
    if need.team_id is not None and need.team_id in led_team_ids(actor):
        return True
    if need.deputy_id is not None and need.deputy_id in deputy_ids(actor):
        return True
    if need.service_point_id is not None and need.service_point_id in point_ids(actor):
        return True
    return need.youth_group_id is not None and any(g == need.youth_group_id for g, _c in youth_groups(actor))


def sees_contact(actor: Actor, need: Need) -> bool:
    """The raiser's name and phone: staff of the need always (they call back), the assignee only when the raiser
    said they may be contacted. Nobody else, and never a public page."""
    return staff_for(actor, need) or (need.may_contact and is_assignee(actor, need))
