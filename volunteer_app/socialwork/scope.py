"""The one place that decides which households a user may reach, and whether they see full numbers.

Every query of households (and of what hangs off a household: members, visits, follow-ups, consents,
referrals, attachments) goes through `household_scope`, so no page, endpoint, export or job can forget it.
A household outside the scope is answered exactly like one that does not exist.
"""

from __future__ import annotations

from typing import Literal

import sqlalchemy as sa

from volunteer_app.accounts.models import TOWN_STAFF, Role
from volunteer_app.core.policy import SYSTEM, Actor
from volunteer_app.socialwork.models import Household
from volunteer_app.socialwork.vocabulary import HouseholdStatus

Purpose = Literal["file", "numbers", "retention"]


def point_ids(actor: Actor) -> set[int]:
    """The service points whose households this user works on (social_worker grants scoped to a point)."""
    return set(actor.scopes(Role.SOCIAL_WORKER, "service_point"))


def station_ids(actor: Actor) -> set[int]:
    """The stations this user supervises (station_supervisor grants scoped to a station)."""
    return set(actor.scopes(Role.STATION_SUPERVISOR, "service_station"))


def household_scope(actor: Actor, purpose: Purpose = "file") -> sa.ColumnElement[bool]:
    """The condition a household must meet for `actor` to reach it, for a purpose:

    - "file": open the file itself — a social worker their point's households, a supervisor their station's;
    - "numbers": count it in coverage and caseload figures — also league staff and admins, town-wide;
    - "retention": list it for anonymising — admins, archived files only (no personal data is shown).
    Deny by default: anyone else, and an unscoped grant, reaches nothing.
    """
    if actor is SYSTEM:
        return sa.true()
    if actor is None or not getattr(actor, "is_active", False):
        return sa.false()
    if purpose == "retention":
        return Household.status == HouseholdStatus.ARCHIVED if actor.has_role(Role.ADMIN) else sa.false()
    if purpose == "numbers" and actor.has_role(*TOWN_STAFF):
        return sa.true()
    conditions = []
    if points := point_ids(actor):
        conditions.append(Household.service_point_id.in_(sorted(points)))
    if stations := station_ids(actor):
        conditions.append(Household.station_id.in_(sorted(stations)))
    return sa.or_(*conditions) if conditions else sa.false()


def households(actor: Actor, purpose: Purpose = "file") -> sa.Select:
    """SELECT households the actor may reach; add joins, filters and eager loads to it."""
    return sa.select(Household).where(household_scope(actor, purpose))


def is_supervisor_of(actor: Actor, household: Household) -> bool:
    return household.station_id in station_ids(actor)


def may_see_full(actor: Actor, household: Household) -> bool:
    """The one masking decision: full ID and phone numbers only for the household's own social worker (while
    still at its point) and the supervisor of its station. Everyone else sees them masked."""
    if actor is SYSTEM:
        return True
    if actor is None or not getattr(actor, "is_active", False):
        return False
    if is_supervisor_of(actor, household):
        return True
    return (
        household.worker_id is not None
        and household.worker_id == actor.id
        and household.service_point_id in point_ids(actor)
    )
