"""Who may register and edit the organisations, and who may see whose volunteer profile.

How far staff reach is decided in accounts/staff_scope.py (town-wide or one community) and, for teams, in
team_scope.py; the rules here only combine them.
"""

from __future__ import annotations

from volunteer_app.accounts import staff_scope
from volunteer_app.accounts.models import Role
from volunteer_app.core.policy import rule
from volunteer_app.organisations.team_scope import leads, leads_member, staffs_team


@rule("organisation.view")
def _anyone_signed_in(actor, obj) -> bool:
    return True


@rule("organisation.manage")
@rule("team.leaders.manage")
@rule("volunteer.list_all")
@rule("volunteer.register")
def _town_staff(actor, obj) -> bool:
    """The town's registry: community staff read and manage their community's part of it, never the whole."""
    return staff_scope.town_wide(actor)


@rule("volunteer.export")
def _staff(actor, obj) -> bool:
    """The list as the actor may read it (community staff: their community's volunteers)."""
    return staff_scope.is_staff(actor)


@rule("team.create")
def _any_staff(actor, obj) -> bool:
    """Community staff register teams too, each paired with their community as it is registered
    (services.create_team; "pairing.community" says with which)."""
    return staff_scope.is_staff(actor)


@rule("pairing.community")
def _pairs_with(actor, pairing) -> bool:
    """Which community a team may be paired with (`pairing`: its team_id, None for a team being registered, and
    community_id). Town-wide staff any; a team leader their own team with any; community staff only their own
    community: pairing a team with another would hand it to that community's staff. Who may act for the team at
    all is "pairing.manage" (or "team.create")."""
    return (
        staff_scope.town_wide(actor)
        or leads(actor, pairing.team_id)
        or pairing.community_id in staff_scope.community_ids(actor)
    )


@rule("team.update")
@rule("team.members.view")
@rule("team.members.manage")
@rule("pairing.manage")
def _staff_or_own_team_leader(actor, team) -> bool:
    """A team leader acts only on the team their grant is scoped to (`team:ID`); community staff on the teams
    paired with their community."""
    team_id = getattr(team, "id", None)
    return staffs_team(actor, team_id) or leads(actor, team_id)


@rule("pairing.create")
@rule("volunteer.list")
def _staff_or_any_team_leader(actor, obj) -> bool:
    return staff_scope.is_staff(actor) or actor.has_role(Role.TEAM_LEADER)


@rule("service_point.assign_worker")
def _staff_or_station_supervisor(actor, point) -> bool:
    station_id = getattr(point, "station_id", None)
    return staff_scope.town_wide(actor) or (
        station_id is not None and station_id in actor.scopes(Role.STATION_SUPERVISOR, "service_station")
    )


def _is_self(actor, profile) -> bool:
    return getattr(profile, "user_id", None) == actor.id


def _staff_of(actor, profile) -> bool:
    """Town-wide staff, or staff of the volunteer's home community."""
    return staff_scope.reaches_community(actor, getattr(profile, "community_id", None))


@rule("volunteer.view")
def _staff_self_or_their_team_leader(actor, profile) -> bool:
    return _staff_of(actor, profile) or _is_self(actor, profile) or leads_member(actor, profile)


@rule("volunteer.update")
@rule("volunteer.reveal")
def _staff_or_self(actor, profile) -> bool:
    """ID and phone numbers are shown in full only to staff and to the volunteer themself (and audited)."""
    return _staff_of(actor, profile) or _is_self(actor, profile)
