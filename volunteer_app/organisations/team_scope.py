"""The one place deciding which teams an actor leads and which teams they belong to, as socialwork/scope.py does for
households. Every list and check of events and volunteers that depends on a person's teams asks here.

SYSTEM leads no team and belongs to none (it is trusted through `core.policy.can`, not through teams).
"""

from __future__ import annotations

import sqlalchemy as sa

from volunteer_app.accounts import staff_scope
from volunteer_app.accounts.models import Role
from volunteer_app.core.policy import Actor
from volunteer_app.extensions import db
from volunteer_app.organisations.models import Pairing, TeamMembership, VolunteerProfile


def led_team_ids(actor: Actor) -> set[int]:
    """The teams the actor leads (team_leader grants scoped to a team)."""
    return set(actor.scopes(Role.TEAM_LEADER, "team"))


def leads(actor: Actor, team_id: int | None) -> bool:
    return team_id is not None and team_id in led_team_ids(actor)


def member_team_ids(actor: Actor) -> set[int]:
    """The teams the actor belongs to now as a volunteer."""
    if actor.id is None:
        return set()
    return set(
        db.session.scalars(
            sa.select(TeamMembership.team_id)
            .join(VolunteerProfile, VolunteerProfile.id == TeamMembership.volunteer_id)
            .where(VolunteerProfile.user_id == actor.id, TeamMembership.left_on.is_(None))
        )
    )


def seen_team_ids(actor: Actor) -> set[int]:
    """The teams whose team-only events the actor may see: those they belong to and those they lead."""
    return led_team_ids(actor) | member_team_ids(actor)


def leads_member(actor: Actor, volunteer: VolunteerProfile) -> bool:
    """Whether the volunteer is a current member of a team the actor leads (signing them up, reading their hours)."""
    led = led_team_ids(actor)
    return bool(led) and any(m.team_id in led and m.left_on is None for m in volunteer.memberships)


def led_members(actor: Actor) -> sa.Select:
    """SELECT the ids of the current members of the teams the actor leads, for a volunteer list."""
    return sa.select(TeamMembership.volunteer_id).where(
        TeamMembership.team_id.in_(sorted(led_team_ids(actor))), TeamMembership.left_on.is_(None)
    )


def paired_team_ids(community_ids: set[int]) -> set[int]:
    """The teams currently paired with any of these communities (结对共建): a community's teams."""
    if not community_ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(Pairing.team_id).where(
                Pairing.community_id.in_(sorted(community_ids)), Pairing.ended_on.is_(None)
            )
        )
    )


def staffs_team(actor: Actor, team_id: int | None) -> bool:
    """Whether the actor manages the team as staff: town-wide staff every team, community staff the teams paired
    with their community (accounts/staff_scope.py)."""
    if staff_scope.town_wide(actor):
        return True
    return team_id is not None and team_id in paired_team_ids(staff_scope.community_ids(actor))


def managed_team_ids(actor: Actor) -> set[int]:
    """The teams a team leader or community staff manages (town-wide staff manage every team: see staffs_team)."""
    return led_team_ids(actor) | paired_team_ids(staff_scope.community_ids(actor))
