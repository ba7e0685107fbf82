"""Towns (镇街) and their villages and communities (村/社区)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from volunteer_app.core import audit
from volunteer_app.core.errors import Errors, raise_if
from volunteer_app.core.lookup import find, get_or_404, search
from volunteer_app.core.pagination import Page, paginate
from volunteer_app.core.policy import Actor, require
from volunteer_app.core.text import clean_text
from volunteer_app.extensions import db
from volunteer_app.organisations.models import (
    Community,
    CommunityKind,
    Pairing,
    Town,
)
from volunteer_app.organisations.services.common import (
    commit_or_conflict,
    narrowed,
    required_name,
)


def list_towns(actor: Actor, *, q: str | None = None, page: int | None = None, per_page: int | None = None) -> Page:
    require(actor, "organisation.view")
    query = search(sa.select(Town).order_by(Town.name), q, Town.name, Town.district)
    return paginate(query, page, per_page)


def all_towns(actor: Actor) -> list[Town]:
    require(actor, "organisation.view")
    return list(db.session.scalars(sa.select(Town).order_by(Town.name)))


def get_town(actor: Actor, town_id: int) -> Town:
    require(actor, "organisation.view")
    return get_or_404(Town, town_id, _("No such town."))


def create_town(actor: Actor, *, name: str, district: str = "") -> Town:
    require(actor, "organisation.manage")
    errors: Errors = {}
    name = required_name(errors, name)
    if name and db.session.scalar(sa.select(Town.id).where(Town.name == name)):
        errors["name"] = [_("A town with this name is already registered.")]
    raise_if(errors)
    town = Town(name=name, district=clean_text(district, 60))
    db.session.add(town)
    db.session.flush()
    audit.record(actor, "create", "town", town.id, detail={"name": name})
    commit_or_conflict({"name": [_("A town with this name is already registered.")]})
    return town


def update_town(actor: Actor, town_id: int, **changes: Any) -> Town:
    require(actor, "organisation.manage")
    town = get_or_404(Town, town_id, _("No such town."))
    errors: Errors = {}
    if "name" in changes:
        name = required_name(errors, changes["name"])
        if name and db.session.scalar(sa.select(Town.id).where(Town.name == name, Town.id != town.id)):
            errors["name"] = [_("A town with this name is already registered.")]
        changes["name"] = name
    raise_if(errors)
    for key in ("name", "district"):
        if key in changes:
            setattr(town, key, clean_text(changes[key], 60))
    audit.record(actor, "update", "town", town.id, detail={"fields": sorted(changes)})
    commit_or_conflict({"name": [_("A town with this name is already registered.")]})
    return town


def _community_query() -> sa.Select:
    return sa.select(Community).options(
        selectinload(Community.town),
        selectinload(Community.service_point),
        selectinload(Community.covering_station),
        selectinload(Community.youth_group),
    )


def list_communities(
    actor: Actor,
    *,
    town_id: int | None = None,
    kind: str | None = None,
    q: str | None = None,
    page: int | None = None,
    per_page: int | None = None,
) -> Page:
    require(actor, "organisation.view")
    query = _community_query().join(Community.town).order_by(Town.name, Community.name)
    query = narrowed(
        query,
        (town_id, Community.town_id == town_id),
        (kind, Community.kind == kind),
    )
    query = search(query, q, Community.name, Town.name)
    return paginate(query, page, per_page)


def community_choices(actor: Actor | None = None) -> list[tuple[int, str]]:
    """(id, "town community") pairs for a form's select, in town order. Open to the public registration page."""
    rows = db.session.execute(
        sa.select(Community.id, Town.name, Community.name).join(Community.town).order_by(Town.name, Community.name)
    )
    return [(row[0], f"{row[1]} · {row[2]}") for row in rows]


def get_community(actor: Actor, community_id: int) -> Community:
    require(actor, "organisation.view")
    return get_or_404(
        Community,
        community_id,
        _("No such community."),
        selectinload(Community.town),
        selectinload(Community.service_point),
        selectinload(Community.youth_group),
    )


def community_pairings(actor: Actor, community: Community) -> list[Pairing]:
    require(actor, "organisation.view")
    return list(
        db.session.scalars(
            sa.select(Pairing)
            .where(Pairing.community_id == community.id)
            .options(selectinload(Pairing.team))
            .order_by(Pairing.since)
        )
    )


def _validate_community(errors: Errors, data: dict[str, Any], current: Community | None = None) -> None:
    town_id = data.get("town_id", current.town_id if current else None)
    if "town_id" in data and find(Town, town_id) is None:
        errors["town_id"] = [_("Choose a town that is registered.")]
    if "kind" in data and data["kind"] not in set(CommunityKind):
        errors["kind"] = [_("Choose village or community.")]
    if "name" in data or current is None:
        name = required_name(errors, data.get("name"))
        data["name"] = name
        clash = sa.select(Community.id).where(Community.town_id == town_id, Community.name == name)
        if current is not None:
            clash = clash.where(Community.id != current.id)
        if name and "town_id" not in errors and db.session.scalar(clash):
            errors["name"] = [_("This town already has a community of this name.")]


def create_community(actor: Actor, *, town_id: int, name: str, kind: str = CommunityKind.COMMUNITY) -> Community:
    require(actor, "organisation.manage")
    data = {"town_id": town_id, "name": name, "kind": kind}
    errors: Errors = {}
    _validate_community(errors, data)
    raise_if(errors)
    community = Community(town_id=town_id, name=data["name"], kind=kind)
    db.session.add(community)
    db.session.flush()
    audit.record(actor, "create", "community", community.id, detail={"name": community.name})
    commit_or_conflict({"name": [_("This town already has a community of this name.")]})
    return community


def update_community(actor: Actor, community_id: int, **changes: Any) -> Community:
    require(actor, "organisation.manage")
    community = get_or_404(Community, community_id, _("No such community."))
    errors: Errors = {}
    _validate_community(errors, changes, community)
    if "town_id" in changes and changes["town_id"] != community.town_id and community.is_covered:
        errors["town_id"] = [_("Take the community off its service point before moving it to another town.")]
    raise_if(errors)
    for key in ("town_id", "name", "kind"):
        if key in changes:
            setattr(community, key, changes[key])
    audit.record(actor, "update", "community", community.id, detail={"fields": sorted(changes)})
    commit_or_conflict({"name": [_("This town already has a community of this name.")]})
    return community
