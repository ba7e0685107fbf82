"""Who may register and edit the organisations, and who may see whose volunteer profile."""

from __future__ import annotations

from volunteer_app.accounts.models import TOWN_STAFF, Role
from volunteer_app.core.policy import rule


def _is_staff(actor) -> bool:
    return actor.has_role(*TOWN_STAFF)


def _leads(actor, team_id: int | None) -> bool:
    return team_id is not None and team_id in actor.scopes(Role.TEAM_LEADER, "team")


@rule("organisation.view")
def _anyone_signed_in(actor, obj) -> bool:
    return True


@rule("organisation.manage")
@rule("team.create")
@rule("team.leaders.manage")
@rule("volunteer.list_all")
@rule("volunteer.export")
@rule("volunteer.register")
def _staff(actor, obj) -> bool:
    return _is_staff(actor)


@rule("team.update")
@rule("team.members.view")
@rule("team.members.manage")
@rule("pairing.manage")
def _staff_or_own_team_leader(actor, team) -> bool:
    """A team leader acts only on the team their grant is scoped to (`team:ID`)."""
    return _is_staff(actor) or _leads(actor, getattr(team, "id", None))


@rule("pairing.create")
@rule("volunteer.list")
def _staff_or_any_team_leader(actor, obj) -> bool:
    return _is_staff(actor) or actor.has_role(Role.TEAM_LEADER)


@rule("service_point.assign_worker")
def _staff_or_station_supervisor(actor, point) -> bool:
    station_id = getattr(point, "station_id", None)
    return _is_staff(actor) or (
        station_id is not None and station_id in actor.scopes(Role.STATION_SUPERVISOR, "service_station")
    )


def _is_self(actor, profile) -> bool:
    return getattr(profile, "user_id", None) == actor.id


@rule("volunteer.view")
def _staff_self_or_their_team_leader(actor, profile) -> bool:
    if _is_staff(actor) or _is_self(actor, profile):
        return True
    led = actor.scopes(Role.TEAM_LEADER, "team")
    return any(m.team_id in led and m.left_on is None for m in getattr(profile, "memberships", ()))


@rule("volunteer.update")
@rule("volunteer.reveal")
def _staff_or_self(actor, profile) -> bool:
    """ID and phone numbers are shown in full only to staff and to the volunteer themself (and audited)."""
    return _is_staff(actor) or _is_self(actor, profile)
