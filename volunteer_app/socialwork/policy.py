"""Who may do what in social work. Which households a user reaches is `scope.household_scope`; these rules
say which kinds of action a user may take at all, and the few that depend on the household itself."""

from __future__ import annotations

from volunteer_app.accounts.models import TOWN_STAFF, Role
from volunteer_app.core.policy import rule
from volunteer_app.socialwork import scope

CASEWORK = (Role.SOCIAL_WORKER, Role.STATION_SUPERVISOR)
NUMBERS = (*TOWN_STAFF, *CASEWORK)


def _caseworker(actor) -> bool:
    return bool(scope.point_ids(actor) or scope.station_ids(actor))


@rule("household.list")
@rule("household.view")
@rule("household.update")
@rule("household.export")
@rule("visit.log")
@rule("follow_up.manage")
@rule("consent.manage")
@rule("referral.manage")
def _scoped_caseworker(actor, household) -> bool:
    """A social worker or supervisor with a scope; the household itself was found through the scope."""
    return _caseworker(actor)


@rule("household.create")
def _covers_the_community(actor, community) -> bool:
    """A worker opens files only in communities their point covers; a supervisor in their station's."""
    if community is None:
        return _caseworker(actor)
    if community.service_point_id is not None and community.service_point_id in scope.point_ids(actor):
        return True
    station_id = community.station_id or getattr(community.service_point, "station_id", None)
    return station_id is not None and station_id in scope.station_ids(actor)


@rule("household.reveal")
def _may_see_full(actor, household) -> bool:
    return scope.may_see_full(actor, household)


@rule("household.assign_worker")
@rule("household.who_looked")
def _supervisor(actor, household) -> bool:
    return household is not None and scope.is_supervisor_of(actor, household)


@rule("socialwork.numbers")
@rule("welfare_policy.view")
def _numbers(actor, obj) -> bool:
    return actor.has_role(*NUMBERS)


@rule("welfare_policy.manage")
def _supervisor_or_admin(actor, obj) -> bool:
    return actor.has_role(Role.ADMIN) or bool(scope.station_ids(actor))


@rule("household.anonymise")
@rule("household.retention")
def _admin(actor, obj) -> bool:
    return actor.has_role(Role.ADMIN)
