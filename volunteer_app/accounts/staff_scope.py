"""The one place deciding how far the town's staff reach, as organisations/team_scope.py does for teams.

Administrators and League staff whose grant names no object act for the whole town. League staff whose grant
names a community (`community:ID`: village or community staff 村/社区) act for that community only: its
volunteers (by home community), the teams paired with it, its events. Town-wide administration (towns, stations,
the holiday calendar, second approvals) stays with the town-wide staff. Each domain's policy asks here; none reads
a League staff grant itself.

SYSTEM (CLI, seeds, jobs) is town-wide.
"""

from __future__ import annotations

from volunteer_app.accounts.models import Role
from volunteer_app.core.policy import Actor


def town_wide(actor: Actor) -> bool:
    """An administrator, or League staff limited to no community."""
    return actor.has_role(Role.ADMIN) or actor.holds_unscoped(Role.LEAGUE_STAFF)


def community_ids(actor: Actor) -> set[int]:
    """The communities the actor is League staff of (empty for town-wide staff and for everyone else)."""
    return set(actor.scopes(Role.LEAGUE_STAFF, "community"))


def is_staff(actor: Actor) -> bool:
    """Town-wide or community staff: whoever the route markers of the staff's pages let in."""
    return town_wide(actor) or bool(community_ids(actor))


def reaches_community(actor: Actor, community_id: int | None) -> bool:
    """Whether the actor acts as staff for this community: town-wide staff for every one, community staff for
    theirs."""
    return town_wide(actor) or (community_id is not None and community_id in community_ids(actor))
