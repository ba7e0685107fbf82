"""The social-work station, its service points, their social workers and the coverage of communities."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from volunteer_app.accounts import services as accounts
from volunteer_app.accounts.models import Role, RoleGrant, User
from volunteer_app.core import audit
from volunteer_app.core.errors import Errors, Invalid, NotFound, raise_if
from volunteer_app.core.lookup import find, get_or_404, search
from volunteer_app.core.pagination import Page, paginate
from volunteer_app.core.policy import Actor, require
from volunteer_app.core.text import clean_text
from volunteer_app.extensions import db
from volunteer_app.organisations.models import (
    Community,
    ServicePoint,
    ServiceStation,
    Town,
)
from volunteer_app.organisations.services.common import (
    commit_or_conflict,
    narrowed,
    required_name,
)
from volunteer_app.organisations.services.places import _community_query


def list_stations(
    actor: Actor,
    *,
    town_id: int | None = None,
    q: str | None = None,
    page: int | None = None,
    per_page: int | None = None,
) -> Page:
    require(actor, "organisation.view")
    query = (
        sa.select(ServiceStation)
        .options(selectinload(ServiceStation.town), selectinload(ServiceStation.points))
        .order_by(ServiceStation.name)
    )
    query = narrowed(query, (town_id, ServiceStation.town_id == town_id))
    return paginate(search(query, q, ServiceStation.name), page, per_page)


def get_station(actor: Actor, station_id: int) -> ServiceStation:
    require(actor, "organisation.view")
    return get_or_404(
        ServiceStation,
        station_id,
        _("No such service station."),
        selectinload(ServiceStation.town),
        selectinload(ServiceStation.points).selectinload(ServicePoint.communities),
        selectinload(ServiceStation.covered_communities),
    )


def find_station(station_id: int | None) -> ServiceStation | None:
    return find(ServiceStation, station_id)


def town_communities(actor: Actor, town_id: int | None) -> list[Community]:
    """All communities of a town, with what covers each (for choosing a point's or station's communities)."""
    require(actor, "organisation.view")
    if town_id is None:
        return []
    return list(db.session.scalars(_community_query().where(Community.town_id == town_id).order_by(Community.name)))


def station_choices(actor: Actor) -> list[tuple[int, str]]:
    require(actor, "organisation.view")
    rows = db.session.execute(sa.select(ServiceStation.id, ServiceStation.name).order_by(ServiceStation.name))
    return [(row[0], row[1]) for row in rows]


def _coverage_errors(
    community_ids: Iterable[int] | None, town_id: int, *, point: ServicePoint | None, station: ServiceStation | None
) -> tuple[list[Community], list[str]]:
    """The communities to cover, or why not: each community has exactly one coverer, in its own town."""
    communities: list[Community] = []
    messages: list[str] = []
    for community_id in dict.fromkeys(community_ids or ()):
        community = find(Community, community_id)
        if community is None:
            messages.append(_("No community with id %(id)s.", id=community_id))
            continue
        if community.town_id != town_id:
            messages.append(_("%(name)s is in another town.", name=community.name))
            continue
        my_point_id = point.id if point is not None else None
        my_station_id = station.id if station is not None else None
        other = None
        if community.service_point_id is not None and community.service_point_id != my_point_id:
            other = community.service_point
        elif community.station_id is not None and community.station_id != my_station_id:
            other = community.covering_station
        if other is not None:
            messages.append(
                _(
                    "%(name)s is already covered by %(other)s. Take it off there first.",
                    name=community.name,
                    other=other.name,
                )
            )
            continue
        communities.append(community)
    return communities, messages


def _set_point_coverage(point: ServicePoint, communities: list[Community]) -> None:
    for community in list(point.communities):
        if community not in communities:
            community.service_point = None
    for community in communities:
        community.service_point = point


def _set_station_coverage(station: ServiceStation, communities: list[Community]) -> None:
    for community in db.session.scalars(sa.select(Community).where(Community.station_id == station.id)):
        if community not in communities:
            community.station_id = None
    for community in communities:
        community.station_id = station.id


def create_station(
    actor: Actor,
    *,
    town_id: int,
    name: str,
    address: str = "",
    opened_on: date | None = None,
    community_ids: list[int] | None = None,
) -> ServiceStation:
    """The social-work station of a town (one per town). `community_ids` are covered by the station itself."""
    require(actor, "organisation.manage")
    errors: Errors = {}
    town = find(Town, town_id)
    name = required_name(errors, name, limit=120)
    if town is None:
        errors["town_id"] = [_("Choose a town that is registered.")]
    elif db.session.scalar(sa.select(ServiceStation.id).where(ServiceStation.town_id == town.id)):
        errors["town_id"] = [_("This town already has a social-work station.")]
    if name and db.session.scalar(sa.select(ServiceStation.id).where(ServiceStation.name == name)):
        errors["name"] = [_("A station with this name is already registered.")]
    communities: list[Community] = []
    if town is not None:
        communities, messages = _coverage_errors(community_ids, town.id, point=None, station=None)
        if messages:
            errors["community_ids"] = messages
    raise_if(errors)
    station = ServiceStation(town=town, name=name, address=clean_text(address, 200), opened_on=opened_on)
    db.session.add(station)
    db.session.flush()
    _set_station_coverage(station, communities)
    audit.record(actor, "create", "service_station", station.id, detail={"name": name})
    commit_or_conflict({"town_id": [_("This town already has a social-work station.")]})
    return station


def update_station(actor: Actor, station_id: int, **changes: Any) -> ServiceStation:
    require(actor, "organisation.manage")
    station = get_or_404(ServiceStation, station_id, _("No such service station."))
    errors: Errors = {}
    if "name" in changes:
        changes["name"] = required_name(errors, changes["name"], limit=120)
        if changes["name"] and db.session.scalar(
            sa.select(ServiceStation.id).where(ServiceStation.name == changes["name"], ServiceStation.id != station.id)
        ):
            errors["name"] = [_("A station with this name is already registered.")]
    communities = None
    if "community_ids" in changes:
        communities, messages = _coverage_errors(changes["community_ids"], station.town_id, point=None, station=station)
        if messages:
            errors["community_ids"] = messages
    raise_if(errors)
    for key in ("name", "address", "opened_on"):
        if key in changes:
            setattr(station, key, clean_text(changes[key], 200) if key == "address" else changes[key])
    if communities is not None:
        _set_station_coverage(station, communities)
    audit.record(actor, "update", "service_station", station.id, detail={"fields": sorted(changes)})
    commit_or_conflict({"name": [_("A station with this name is already registered.")]})
    return station


def _attach_worker_counts(points: Iterable[ServicePoint]) -> None:
    points = list(points)
    if not points:
        return
    counts = dict(
        db.session.execute(
            sa.select(RoleGrant.scope_id, sa.func.count())
            .where(
                RoleGrant.role == Role.SOCIAL_WORKER,
                RoleGrant.scope_kind == "service_point",
                RoleGrant.scope_id.in_([p.id for p in points]),
            )
            .group_by(RoleGrant.scope_id)
        ).all()
    )
    for point in points:
        point.worker_count = counts.get(point.id, 0)


def list_points(
    actor: Actor,
    *,
    station_id: int | None = None,
    town_id: int | None = None,
    community_id: int | None = None,
    q: str | None = None,
    page: int | None = None,
    per_page: int | None = None,
) -> Page:
    require(actor, "organisation.view")
    query = (
        sa.select(ServicePoint)
        .join(ServicePoint.station)
        .options(
            selectinload(ServicePoint.station).selectinload(ServiceStation.town),
            selectinload(ServicePoint.communities),
        )
        .order_by(ServiceStation.name, ServicePoint.opened_on, ServicePoint.name)
    )
    query = narrowed(
        query,
        (station_id, ServicePoint.station_id == station_id),
        (town_id, ServiceStation.town_id == town_id),
        (community_id, ServicePoint.id.in_(sa.select(Community.service_point_id).where(Community.id == community_id))),
    )
    if clean_text(q):
        covered = sa.select(Community.service_point_id).where(
            Community.name.icontains(clean_text(q, 100), autoescape=True)
        )
        query = query.where(
            sa.or_(ServicePoint.name.icontains(clean_text(q, 100), autoescape=True), ServicePoint.id.in_(covered))
        )
    result = paginate(query, page, per_page)
    _attach_worker_counts(result.items)
    return result


def get_point(actor: Actor, point_id: int) -> ServicePoint:
    require(actor, "organisation.view")
    point = get_or_404(
        ServicePoint,
        point_id,
        _("No such service point."),
        selectinload(ServicePoint.station).selectinload(ServiceStation.town),
        selectinload(ServicePoint.communities),
    )
    _attach_worker_counts([point])
    return point


def create_point(
    actor: Actor,
    *,
    station_id: int,
    name: str,
    address: str = "",
    opened_on: date | None = None,
    community_ids: list[int] | None = None,
) -> ServicePoint:
    require(actor, "organisation.manage")
    errors: Errors = {}
    station = find(ServiceStation, station_id)
    name = required_name(errors, name, limit=120)
    communities: list[Community] = []
    if station is None:
        errors["station_id"] = [_("Choose a registered social-work station.")]
    else:
        if name and db.session.scalar(
            sa.select(ServicePoint.id).where(ServicePoint.station_id == station.id, ServicePoint.name == name)
        ):
            errors["name"] = [_("This station already has a service point of this name.")]
        communities, messages = _coverage_errors(community_ids, station.town_id, point=None, station=None)
        if messages:
            errors["community_ids"] = messages
    raise_if(errors)
    point = ServicePoint(station=station, name=name, address=clean_text(address, 200), opened_on=opened_on)
    db.session.add(point)
    db.session.flush()
    _set_point_coverage(point, communities)
    audit.record(
        actor, "create", "service_point", point.id, detail={"name": name, "communities": [c.id for c in communities]}
    )
    commit_or_conflict({"name": [_("This station already has a service point of this name.")]})
    return point


def update_point(actor: Actor, point_id: int, **changes: Any) -> ServicePoint:
    require(actor, "organisation.manage")
    point = get_or_404(ServicePoint, point_id, _("No such service point."))
    errors: Errors = {}
    if "name" in changes:
        changes["name"] = required_name(errors, changes["name"], limit=120)
        if changes["name"] and db.session.scalar(
            sa.select(ServicePoint.id).where(
                ServicePoint.station_id == point.station_id,
                ServicePoint.name == changes["name"],
                ServicePoint.id != point.id,
            )
        ):
            errors["name"] = [_("This station already has a service point of this name.")]
    communities = None
    if "community_ids" in changes:
        communities, messages = _coverage_errors(
            changes["community_ids"], point.station.town_id, point=point, station=None
        )
        if messages:
            errors["community_ids"] = messages
    raise_if(errors)
    for key in ("name", "address", "opened_on"):
        if key in changes:
            setattr(point, key, clean_text(changes[key], 200) if key == "address" else changes[key])
    if communities is not None:
        _set_point_coverage(point, communities)
    audit.record(actor, "update", "service_point", point.id, detail={"fields": sorted(changes)})
    commit_or_conflict({"name": [_("This station already has a service point of this name.")]})
    return point


def point_workers(actor: Actor, point: ServicePoint) -> list[User]:
    """The social workers assigned to a point: those whose social_worker grant is scoped to it."""
    require(actor, "organisation.view")
    return list(
        db.session.scalars(
            sa.select(User)
            .join(RoleGrant, RoleGrant.user_id == User.id)
            .where(
                RoleGrant.role == Role.SOCIAL_WORKER,
                RoleGrant.scope_kind == "service_point",
                RoleGrant.scope_id == point.id,
            )
            .order_by(User.display_name)
        )
    )


def social_worker_choices(actor: Actor) -> list[tuple[int, str]]:
    require(actor, "organisation.view")
    users = db.session.scalars(
        sa.select(User)
        .where(User.id.in_(sa.select(RoleGrant.user_id).where(RoleGrant.role == Role.SOCIAL_WORKER)))
        .order_by(User.display_name)
    )
    return [(user.id, f"{user.display_name} ({user.username})") for user in users]


def assign_social_worker(actor: Actor, point_id: int, *, user_id: int) -> User:
    """A social worker belongs to one service point: their social_worker grant is re-scoped to this one."""
    point = get_or_404(ServicePoint, point_id, _("No such service point."))
    require(actor, "service_point.assign_worker", point)
    user = find(User, user_id)
    if user is None or not user.has_role(Role.SOCIAL_WORKER):
        raise Invalid({"user_id": [_("Choose a user who has the social worker role.")]})
    if any(
        g.role == Role.SOCIAL_WORKER and g.scope_kind == "service_point" and g.scope_id == point.id for g in user.grants
    ):
        return user
    for grant in [g for g in user.grants if g.role == Role.SOCIAL_WORKER]:
        accounts.revoke_grant(actor, user, grant)
    accounts.grant_role(actor, user, accounts.RoleSpec(Role.SOCIAL_WORKER.value, "service_point", point.id))
    db.session.commit()
    return user


def unassign_social_worker(actor: Actor, point_id: int, *, user_id: int) -> User:
    point = get_or_404(ServicePoint, point_id, _("No such service point."))
    require(actor, "service_point.assign_worker", point)
    user = find(User, user_id)
    grant = None
    if user is not None:
        grant = next(
            (
                g
                for g in user.grants
                if g.role == Role.SOCIAL_WORKER and g.scope_kind == "service_point" and g.scope_id == point.id
            ),
            None,
        )
    if grant is None:
        raise NotFound(_("This social worker is not assigned to this service point."))
    accounts.revoke_grant(actor, user, grant)
    accounts.grant_role(actor, user, accounts.RoleSpec(Role.SOCIAL_WORKER.value))  # keeps the role, for a new point
    db.session.commit()
    return user


@dataclass
class CoverageStep:
    day: date | None
    label: str
    percent: int


@dataclass
class TownCoverage:
    town: Town
    total: int
    covered: int
    communities: list[Community]
    steps: list[CoverageStep] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(100 * self.covered / self.total) if self.total else 0

    @property
    def uncovered(self) -> list[Community]:
        return [c for c in self.communities if not c.is_covered]


def _coverage_steps(town: Town) -> list[CoverageStep]:
    """Coverage as each point opened: the timeline that reached 100% when Lishui's five new points opened."""
    total = len(town.communities)
    if not total or town.station is None:
        return []
    openings: dict[date | None, list[str]] = {}
    for point in town.station.points:
        openings.setdefault(point.opened_on, []).append(point.name)
    steps = []
    for day in sorted(openings, key=lambda d: (d is not None, d or date.min)):
        covered = sum(
            1
            for c in town.communities
            if (c.service_point is not None and (day is None or (c.service_point.opened_on or date.min) <= day))
            or (c.station_id is not None and (day is None or (town.station.opened_on or date.min) <= day))
        )
        steps.append(CoverageStep(day, "、".join(openings[day]), round(100 * covered / total)))
    return steps


def coverage(actor: Actor, *, town_id: int | None = None, page: int | None = None, per_page: int | None = None) -> Page:
    """Per town: how many communities a service point (or the station itself) covers, and the percentage."""
    require(actor, "organisation.view")
    query = (
        sa.select(Town)
        .options(
            selectinload(Town.communities).selectinload(Community.service_point),
            selectinload(Town.communities).selectinload(Community.covering_station),
            selectinload(Town.station).selectinload(ServiceStation.points),
        )
        .order_by(Town.name)
    )
    query = narrowed(query, (town_id, Town.id == town_id))
    towns = paginate(query, page, per_page)
    items = [
        TownCoverage(
            town=town,
            total=len(town.communities),
            covered=sum(1 for c in town.communities if c.is_covered),
            communities=list(town.communities),
            steps=_coverage_steps(town),
        )
        for town in towns.items
    ]
    return towns.with_items(items)
