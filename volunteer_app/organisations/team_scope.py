"""The one place deciding which teams an actor leads and which teams they belong to, as socialwork/scope.py does for
households. Every list and check of events and volunteers that depends on a person's teams asks here.

SYSTEM leads no team and belongs to none (it is trusted through `core.policy.can`, not through teams).
"""

from __future__ import annotations

import sqlalchemy as sa

from volunteer_app.accounts.models import Role
from volunteer_app.core.policy import Actor
from volunteer_app.extensions import db
from volunteer_app.organisations.models import TeamMembership, VolunteerProfile


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
    return any(m.team_id in led and m.left_on is None for m in volunteer.memberships)


def led_members(actor: Actor) -> sa.Select:
    """SELECT the ids of the current members of the teams the actor leads, for a volunteer list."""
    return sa.select(TeamMembership.volunteer_id).where(
        TeamMembership.team_id.in_(sorted(led_team_ids(actor))), TeamMembership.left_on.is_(None)
    )
