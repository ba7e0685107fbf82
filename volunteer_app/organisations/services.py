"""The rules of the organisations registry. Pages, the API, seeds and the CLI all come through here.

Every function takes the acting user first, checks the policy, validates (raising Invalid with field
messages before anything is written), and writes in one transaction.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from volunteer_app.accounts import services as accounts
from volunteer_app.accounts.models import Role, RoleGrant, User
from volunteer_app.core import audit
from volunteer_app.core.errors import Invalid, NotFound
from volunteer_app.core.identity import (
    IdNumberError,
    age_on,
    is_mainland_mobile,
    mask_id_number,
    mask_phone,
    normalise_phone,
    parse_id_number,
)
from volunteer_app.core.pagination import Page, paginate
from volunteer_app.core.policy import SYSTEM, can, require
from volunteer_app.core.time import to_local, utcnow
from volunteer_app.extensions import db
from volunteer_app.organisations.models import (
    GROUP_PART_LABELS,
    Availability,
    Community,
    CommunityKind,
    Deputy,
    DeputyLevel,
    GroupPart,
    GroupStatus,
    LiaisonStation,
    MemberRole,
    Pairing,
    PoliticalStatus,
    ServicePoint,
    ServiceStation,
    Team,
    TeamKind,
    TeamMembership,
    Town,
    VolunteerProfile,
    YouthGroup,
    YouthGroupMember,
)
from volunteer_app.organisations.reception import Reception, ReceptionRule

Actor = Any
MAX_ID = 2**31 - 1  # ids beyond a 32-bit integer name nothing (and would upset PostgreSQL)
ADULT_AGE = 18
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# ---------------------------------------------------------------------------------------------- helpers


def today() -> date:
    """Today in the town's time zone."""
    return to_local(utcnow()).date()


def _text(value: object, limit: int | None = None) -> str:
    text = _CONTROL.sub("", str(value or "")).strip()
    return text[:limit] if limit else text


def _get(model: type, object_id: object, message: str, *options) -> Any:
    if not isinstance(object_id, int) or isinstance(object_id, bool) or not 0 < object_id <= MAX_ID:
        raise NotFound(message)
    obj = db.session.get(model, object_id, options=list(options)) if options else db.session.get(model, object_id)
    if obj is None:
        raise NotFound(message)
    return obj


def _find(model: type, object_id: object) -> Any:
    """Like `_get`, for ids given in a form or body: None when it names nothing."""
    if not isinstance(object_id, int) or isinstance(object_id, bool) or not 0 < object_id <= MAX_ID:
        return None
    return db.session.get(model, object_id)


def _search(query: sa.Select, q: str | None, *columns) -> sa.Select:
    q = _text(q, 100)
    if not q:
        return query
    return query.where(sa.or_(*(column.icontains(q, autoescape=True) for column in columns)))


def _name(errors: dict[str, list[str]], value: object, field_name: str = "name", limit: int = 60) -> str:
    name = _text(value)
    if not name:
        errors[field_name] = [_("Give a name.")]
    elif len(name) > limit:
        errors[field_name] = [_("Use at most %(n)d characters.", n=limit)]
    return name


def _commit(conflict: dict[str, list[str]]) -> None:
    """Commits; a unique constraint that a concurrent request won first becomes the same field message."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Invalid(conflict) from None


def _raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise Invalid(errors)


def _check_dates(errors: dict[str, list[str]], start: date | None, end: date | None, end_field: str) -> None:
    if start and end and end < start:
        errors[end_field] = [_("This date cannot be before the start date.")]


def registry_counts(actor: Actor) -> dict[str, int]:
    """How many of each kind of record the registry holds, for the overview page."""
    require(actor, "organisation.view")
    counts = {
        name: db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0
        for name, model in (
            ("towns", Town),
            ("communities", Community),
            ("teams", Team),
            ("pairings", Pairing),
            ("youth_groups", YouthGroup),
            ("stations", ServiceStation),
            ("points", ServicePoint),
            ("liaison_stations", LiaisonStation),
        )
    }
    covered = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Community)
        .where(sa.or_(Community.service_point_id.is_not(None), Community.station_id.is_not(None)))
    )
    counts["coverage_percent"] = round(100 * (covered or 0) / counts["communities"]) if counts["communities"] else 0
    if can(actor, "volunteer.list_all"):
        counts["volunteers"] = db.session.scalar(sa.select(sa.func.count()).select_from(VolunteerProfile)) or 0
    return counts


def led_team_ids(actor: Actor) -> list[int]:
    """The teams this user leads (their team_leader grants scoped to a team)."""
    if actor is None or not hasattr(actor, "scopes"):
        return []
    return sorted(actor.scopes(Role.TEAM_LEADER, "team"))


# ---------------------------------------------------------------------------------------------- towns


def list_towns(actor: Actor, *, q: str | None = None, page: int | None = None, per_page: int | None = None) -> Page:
    require(actor, "organisation.view")
    query = _search(sa.select(Town).order_by(Town.name), q, Town.name, Town.district)
    return paginate(query, page, per_page)


def all_towns(actor: Actor) -> list[Town]:
    require(actor, "organisation.view")
    return list(db.session.scalars(sa.select(Town).order_by(Town.name)))


def get_town(actor: Actor, town_id: int) -> Town:
    require(actor, "organisation.view")
    return _get(Town, town_id, _("No such town."))


def create_town(actor: Actor, *, name: str, district: str = "") -> Town:
    require(actor, "organisation.manage")
    errors: dict[str, list[str]] = {}
    name = _name(errors, name)
    if name and db.session.scalar(sa.select(Town.id).where(Town.name == name)):
        errors["name"] = [_("A town with this name is already registered.")]
    _raise_if(errors)
    town = Town(name=name, district=_text(district, 60))
    db.session.add(town)
    db.session.flush()
    audit.record(actor, "create", "town", town.id, detail={"name": name})
    _commit({"name": [_("A town with this name is already registered.")]})
    return town


def update_town(actor: Actor, town_id: int, **changes: Any) -> Town:
    require(actor, "organisation.manage")
    town = _get(Town, town_id, _("No such town."))
    errors: dict[str, list[str]] = {}
    if "name" in changes:
        name = _name(errors, changes["name"])
        if name and db.session.scalar(sa.select(Town.id).where(Town.name == name, Town.id != town.id)):
            errors["name"] = [_("A town with this name is already registered.")]
        changes["name"] = name
    _raise_if(errors)
    for key in ("name", "district"):
        if key in changes:
            setattr(town, key, _text(changes[key], 60))
    audit.record(actor, "update", "town", town.id, detail={"fields": sorted(changes)})
    _commit({"name": [_("A town with this name is already registered.")]})
    return town


# ---------------------------------------------------------------------------------------------- communities


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
    if town_id:
        query = query.where(Community.town_id == town_id)
    if kind:
        query = query.where(Community.kind == kind)
    query = _search(query, q, Community.name, Town.name)
    return paginate(query, page, per_page)


def community_choices(actor: Actor | None = None) -> list[tuple[int, str]]:
    """(id, "town community") pairs for a form's select, in town order. Open to the public registration page."""
    rows = db.session.execute(
        sa.select(Community.id, Town.name, Community.name).join(Community.town).order_by(Town.name, Community.name)
    )
    return [(row[0], f"{row[1]} · {row[2]}") for row in rows]


def get_community(actor: Actor, community_id: int) -> Community:
    require(actor, "organisation.view")
    return _get(
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


def _validate_community(errors: dict[str, list[str]], data: dict[str, Any], current: Community | None = None) -> None:
    town_id = data.get("town_id", current.town_id if current else None)
    if "town_id" in data and _find(Town, town_id) is None:
        errors["town_id"] = [_("Choose a town that is registered.")]
    if "kind" in data and data["kind"] not in set(CommunityKind):
        errors["kind"] = [_("Choose village or community.")]
    if "name" in data or current is None:
        name = _name(errors, data.get("name"))
        data["name"] = name
        clash = sa.select(Community.id).where(Community.town_id == town_id, Community.name == name)
        if current is not None:
            clash = clash.where(Community.id != current.id)
        if name and "town_id" not in errors and db.session.scalar(clash):
            errors["name"] = [_("This town already has a community of this name.")]


def create_community(actor: Actor, *, town_id: int, name: str, kind: str = CommunityKind.COMMUNITY) -> Community:
    require(actor, "organisation.manage")
    data = {"town_id": town_id, "name": name, "kind": kind}
    errors: dict[str, list[str]] = {}
    _validate_community(errors, data)
    _raise_if(errors)
    community = Community(town_id=town_id, name=data["name"], kind=kind)
    db.session.add(community)
    db.session.flush()
    audit.record(actor, "create", "community", community.id, detail={"name": community.name})
    _commit({"name": [_("This town already has a community of this name.")]})
    return community


def update_community(actor: Actor, community_id: int, **changes: Any) -> Community:
    require(actor, "organisation.manage")
    community = _get(Community, community_id, _("No such community."))
    errors: dict[str, list[str]] = {}
    _validate_community(errors, changes, community)
    if "town_id" in changes and changes["town_id"] != community.town_id and community.is_covered:
        errors["town_id"] = [_("Take the community off its service point before moving it to another town.")]
    _raise_if(errors)
    for key in ("town_id", "name", "kind"):
        if key in changes:
            setattr(community, key, changes[key])
    audit.record(actor, "update", "community", community.id, detail={"fields": sorted(changes)})
    _commit({"name": [_("This town already has a community of this name.")]})
    return community


# ---------------------------------------------------------------------------------------------- teams


def _attach_member_counts(teams: Iterable[Team]) -> None:
    """One grouped query for the member counts of a page of teams, instead of one per team."""
    teams = list(teams)
    if not teams:
        return
    counts = dict(
        db.session.execute(
            sa.select(TeamMembership.team_id, sa.func.count())
            .where(TeamMembership.team_id.in_([t.id for t in teams]), TeamMembership.left_on.is_(None))
            .group_by(TeamMembership.team_id)
        ).all()
    )
    for team in teams:
        team.member_count = counts.get(team.id, 0)


def list_teams(
    actor: Actor,
    *,
    kind: str | None = None,
    community_id: int | None = None,
    town_id: int | None = None,
    q: str | None = None,
    page: int | None = None,
    per_page: int | None = None,
) -> Page:
    """Teams by kind, by a community they are paired with, or by name."""
    require(actor, "organisation.view")
    query = sa.select(Team).options(selectinload(Team.town)).order_by(Team.name)
    if kind:
        query = query.where(Team.kind == kind)
    if town_id:
        query = query.where(Team.town_id == town_id)
    if community_id:
        query = query.where(Team.id.in_(sa.select(Pairing.team_id).where(Pairing.community_id == community_id)))
    query = _search(query, q, Team.name)
    result = paginate(query, page, per_page)
    _attach_member_counts(result.items)
    return result


def team_choices(actor: Actor) -> list[tuple[int, str]]:
    require(actor, "organisation.view")
    return [(row[0], row[1]) for row in db.session.execute(sa.select(Team.id, Team.name).order_by(Team.name))]


def get_team(actor: Actor, team_id: int) -> Team:
    require(actor, "organisation.view")
    team = _get(
        Team,
        team_id,
        _("No such team."),
        selectinload(Team.town),
        selectinload(Team.memberships).selectinload(TeamMembership.volunteer),
        selectinload(Team.pairings).selectinload(Pairing.community).selectinload(Community.town),
    )
    team.member_count = len(team.current_members)
    return team


def _validate_team(errors: dict[str, list[str]], data: dict[str, Any], current: Team | None = None) -> None:
    if "name" in data or current is None:
        name = _name(errors, data.get("name"), limit=120)
        data["name"] = name
        clash = sa.select(Team.id).where(Team.name == name)
        if current is not None:
            clash = clash.where(Team.id != current.id)
        if name and db.session.scalar(clash):
            errors["name"] = [_("A team with this name is already registered.")]
    if ("kind" in data or current is None) and data.get("kind") not in set(TeamKind):
        errors["kind"] = [_("Choose the kind of team.")]
    if data.get("town_id") is not None and _find(Town, data["town_id"]) is None:
        errors["town_id"] = [_("Choose a town that is registered.")]
    if "description" in data:
        data["description"] = _text(data["description"], 2000)


def create_team(
    actor: Actor,
    *,
    name: str,
    kind: str,
    town_id: int | None = None,
    description: str = "",
    founded_on: date | None = None,
) -> Team:
    require(actor, "team.create")
    data = {"name": name, "kind": kind, "town_id": town_id, "description": description}
    errors: dict[str, list[str]] = {}
    _validate_team(errors, data)
    _raise_if(errors)
    team = Team(name=data["name"], kind=kind, town_id=town_id, description=data["description"], founded_on=founded_on)
    db.session.add(team)
    db.session.flush()
    audit.record(actor, "create", "team", team.id, detail={"name": team.name, "kind": kind})
    _commit({"name": [_("A team with this name is already registered.")]})
    return team


def update_team(actor: Actor, team_id: int, **changes: Any) -> Team:
    team = _get(Team, team_id, _("No such team."))
    require(actor, "team.update", team)
    errors: dict[str, list[str]] = {}
    _validate_team(errors, changes, team)
    _raise_if(errors)
    for key in ("name", "kind", "town_id", "description", "founded_on"):
        if key in changes:
            setattr(team, key, changes[key])
    audit.record(actor, "update", "team", team.id, detail={"fields": sorted(changes)})
    _commit({"name": [_("A team with this name is already registered.")]})
    return team


def list_members(
    actor: Actor,
    team_id: int,
    *,
    include_former: bool = False,
    q: str | None = None,
    page: int | None = None,
    per_page: int | None = None,
) -> Page:
    """A team's members (current ones unless `include_former`); their leaders and the staff may see them."""
    team = _get(Team, team_id, _("No such team."))
    require(actor, "team.members.view", team)
    query = (
        sa.select(TeamMembership)
        .join(TeamMembership.volunteer)
        .where(TeamMembership.team_id == team.id)
        .options(selectinload(TeamMembership.volunteer).selectinload(VolunteerProfile.community))
        .order_by(TeamMembership.role, VolunteerProfile.name, TeamMembership.id)
    )
    if not include_former:
        query = query.where(TeamMembership.left_on.is_(None))
    query = _volunteer_search(query, q)
    return paginate(query, page, per_page)


def _leader_grant(user: User, team_id: int) -> RoleGrant | None:
    return next(
        (g for g in user.grants if g.role == Role.TEAM_LEADER and g.scope_kind == "team" and g.scope_id == team_id),
        None,
    )


def _sync_leader_grant(actor: Actor, membership: TeamMembership) -> None:
    """A current leader membership carries the team_leader grant scoped to the team; ending it takes it away."""
    user = membership.volunteer.user
    leads = membership.role == MemberRole.LEADER and membership.left_on is None
    grant = _leader_grant(user, membership.team_id)
    if leads and grant is None:
        user.grants.append(RoleGrant(role=Role.TEAM_LEADER.value, scope_kind="team", scope_id=membership.team_id))
        audit.record(actor, "update", "user", user.id, detail={"granted": f"team_leader team:{membership.team_id}"})
    elif not leads and grant is not None:
        user.grants.remove(grant)
        audit.record(actor, "update", "user", user.id, detail={"revoked": f"team_leader team:{membership.team_id}"})


def find_volunteer_by_phone(phone: str | None) -> VolunteerProfile | None:
    phone = normalise_phone(phone)
    if not is_mainland_mobile(phone):
        return None
    return db.session.scalar(sa.select(VolunteerProfile).where(VolunteerProfile.phone == phone))


def add_member(
    actor: Actor,
    team_id: int,
    *,
    volunteer_id: int | None = None,
    phone: str | None = None,
    role: str = MemberRole.MEMBER,
    joined_on: date | None = None,
) -> TeamMembership:
    """Adds a volunteer, named by profile id (API) or by their full mobile number (a leader's form)."""
    team = _get(Team, team_id, _("No such team."))
    require(actor, "team.members.manage", team)
    if role == MemberRole.LEADER:
        require(actor, "team.leaders.manage", team)
    errors: dict[str, list[str]] = {}
    volunteer = None
    if volunteer_id is not None:
        volunteer = _find(VolunteerProfile, volunteer_id)
        if volunteer is None:
            errors["volunteer_id"] = [_("No volunteer with this id.")]
    elif phone:
        volunteer = find_volunteer_by_phone(phone)
        if volunteer is None:
            errors["phone"] = [_("No volunteer is registered with this mobile number.")]
    else:
        errors["volunteer_id" if phone is None else "phone"] = [_("Say which volunteer to add.")]
    if role not in set(MemberRole):
        errors["role"] = [_("Choose leader or member.")]
    joined_on = joined_on or today()
    if joined_on > today():
        errors["joined_on"] = [_("The join date cannot be in the future.")]
    if volunteer is not None and db.session.scalar(
        sa.select(TeamMembership.id).where(
            TeamMembership.team_id == team.id,
            TeamMembership.volunteer_id == volunteer.id,
            TeamMembership.left_on.is_(None),
        )
    ):
        errors["volunteer_id" if volunteer_id is not None else "phone"] = [
            _("This volunteer is already a member of the team.")
        ]
    _raise_if(errors)
    membership = TeamMembership(team=team, volunteer=volunteer, role=role, joined_on=joined_on)
    db.session.add(membership)
    db.session.flush()
    _sync_leader_grant(actor, membership)
    audit.record(
        actor, "create", "team_membership", membership.id, detail={"team_id": team.id, "volunteer_id": volunteer.id}
    )
    db.session.commit()
    return membership


def update_member(
    actor: Actor, team_id: int, membership_id: int, *, role: str | None = None, left_on: date | None = None
) -> TeamMembership:
    """Changes a member's role, or records the date they left (members are never deleted: history stays)."""
    team = _get(Team, team_id, _("No such team."))
    require(actor, "team.members.manage", team)
    membership = _get(TeamMembership, membership_id, _("No such member."))
    if membership.team_id != team.id:
        raise NotFound(_("No such member."))
    errors: dict[str, list[str]] = {}
    if role is not None:
        if role not in set(MemberRole):
            errors["role"] = [_("Choose leader or member.")]
        elif role != membership.role:
            require(actor, "team.leaders.manage", team)
    if left_on is not None:
        if membership.left_on is not None:
            errors["left_on"] = [_("This member has already left.")]
        elif left_on < membership.joined_on:
            errors["left_on"] = [_("The leave date cannot be before the join date.")]
        elif left_on > today():
            errors["left_on"] = [_("The leave date cannot be in the future.")]
        elif membership.role == MemberRole.LEADER and not can(actor, "team.leaders.manage", team):
            errors["left_on"] = [_("Only the Youth League staff can end a leader's membership.")]
    _raise_if(errors)
    if role is not None:
        membership.role = role
    if left_on is not None:
        membership.left_on = left_on
    _sync_leader_grant(actor, membership)
    audit.record(
        actor, "update", "team_membership", membership.id, detail={"role": membership.role, "left": bool(left_on)}
    )
    db.session.commit()
    return membership


# ---------------------------------------------------------------------------------------------- pairings


def list_pairings(
    actor: Actor,
    *,
    community_id: int | None = None,
    team_id: int | None = None,
    kind: str | None = None,
    town_id: int | None = None,
    current_only: bool = False,
    q: str | None = None,
    page: int | None = None,
    per_page: int | None = None,
) -> Page:
    """Which teams serve which communities; `kind` is the team's kind, `q` a team or community name."""
    require(actor, "organisation.view")
    query = (
        sa.select(Pairing)
        .join(Pairing.team)
        .join(Pairing.community)
        .options(selectinload(Pairing.team), selectinload(Pairing.community).selectinload(Community.town))
        .order_by(Community.name, Team.name)
    )
    if community_id:
        query = query.where(Pairing.community_id == community_id)
    if team_id:
        query = query.where(Pairing.team_id == team_id)
    if kind:
        query = query.where(Team.kind == kind)
    if town_id:
        query = query.where(Community.town_id == town_id)
    if current_only:
        query = query.where(Pairing.ended_on.is_(None))
    query = _search(query, q, Team.name, Community.name, Pairing.purpose)
    return paginate(query, page, per_page)


def get_pairing(actor: Actor, pairing_id: int) -> Pairing:
    require(actor, "organisation.view")
    return _get(Pairing, pairing_id, _("No such pairing."))


def create_pairing(
    actor: Actor, *, team_id: int, community_id: int, since: date | None = None, purpose: str = ""
) -> Pairing:
    require(actor, "pairing.create")
    errors: dict[str, list[str]] = {}
    team = _find(Team, team_id)
    community = _find(Community, community_id)
    if team is None:
        errors["team_id"] = [_("No such team. Choose a registered team.")]
    if community is None:
        errors["community_id"] = [_("No such community. Choose a registered community.")]
    _raise_if(errors)
    require(actor, "pairing.manage", team)
    since = since or today()
    if since > today():
        errors["since"] = [_("The start date cannot be in the future.")]
    purpose = _text(purpose)
    if len(purpose) > 500:
        errors["purpose"] = [_("Use at most %(n)d characters.", n=500)]
    duplicate = _("This team is already paired with this community.")
    if db.session.scalar(sa.select(Pairing.id).where(Pairing.team_id == team.id, Pairing.community_id == community.id)):
        errors["community_id"] = [duplicate]
    _raise_if(errors)
    pairing = Pairing(team=team, community=community, since=since, purpose=purpose)
    db.session.add(pairing)
    db.session.flush()
    audit.record(actor, "create", "pairing", pairing.id, detail={"team_id": team.id, "community_id": community.id})
    _commit({"community_id": [duplicate]})
    return pairing


def update_pairing(actor: Actor, pairing_id: int, **changes: Any) -> Pairing:
    pairing = _get(Pairing, pairing_id, _("No such pairing."))
    require(actor, "pairing.manage", pairing.team)
    errors: dict[str, list[str]] = {}
    since = changes.get("since", pairing.since)
    ended_on = changes.get("ended_on", pairing.ended_on)
    if since is None:
        errors["since"] = [_("Give the date the pairing started.")]
    elif since > today():
        errors["since"] = [_("The start date cannot be in the future.")]
    _check_dates(errors, since, ended_on, "ended_on")
    if "purpose" in changes:
        changes["purpose"] = _text(changes["purpose"])
        if len(changes["purpose"]) > 500:
            errors["purpose"] = [_("Use at most %(n)d characters.", n=500)]
    _raise_if(errors)
    for key in ("since", "purpose", "ended_on"):
        if key in changes:
            setattr(pairing, key, changes[key])
    audit.record(actor, "update", "pairing", pairing.id, detail={"fields": sorted(changes)})
    db.session.commit()
    return pairing


# ---------------------------------------------------------------------------------------------- youth groups


def missing_messages(group: YouthGroup) -> list[str]:
    """What the group still lacks, in words: "1 more Party member"."""
    messages = []
    for part, count in group.missing.items():
        label = str(GROUP_PART_LABELS[part])
        messages.append(ngettext("%(num)d more %(part)s", "%(num)d more %(part)s", count, part=label))
    return messages


def list_youth_groups(
    actor: Actor,
    *,
    community_id: int | None = None,
    town_id: int | None = None,
    status: str | None = None,
    q: str | None = None,
    page: int | None = None,
    per_page: int | None = None,
) -> Page:
    require(actor, "organisation.view")
    query = (
        sa.select(YouthGroup)
        .join(YouthGroup.community)
        .options(
            selectinload(YouthGroup.community).selectinload(Community.town),
            selectinload(YouthGroup.members),
        )
        .order_by(Community.name)
    )
    if community_id:
        query = query.where(YouthGroup.community_id == community_id)
    if town_id:
        query = query.where(Community.town_id == town_id)
    if status:
        query = query.where(YouthGroup.status == status)
    query = _search(query, q, YouthGroup.name, Community.name)
    return paginate(query, page, per_page)


def get_youth_group(actor: Actor, group_id: int) -> YouthGroup:
    require(actor, "organisation.view")
    return _get(
        YouthGroup,
        group_id,
        _("No such youth governance group."),
        selectinload(YouthGroup.community).selectinload(Community.town),
        selectinload(YouthGroup.members).selectinload(YouthGroupMember.volunteer),
    )


def create_youth_group(actor: Actor, *, community_id: int, name: str | None = None, youth_home: str = "") -> YouthGroup:
    require(actor, "organisation.manage")
    errors: dict[str, list[str]] = {}
    community = _find(Community, community_id)
    one_per_community = _("This community already has a youth governance group.")
    if community is None:
        errors["community_id"] = [_("No such community. Choose a registered community.")]
    elif db.session.scalar(sa.select(YouthGroup.id).where(YouthGroup.community_id == community.id)):
        errors["community_id"] = [one_per_community]
    name = _text(name) or (f"{community.name}青治团" if community else "")
    if len(name) > 120:
        errors["name"] = [_("Use at most %(n)d characters.", n=120)]
    _raise_if(errors)
    group = YouthGroup(community=community, name=name, youth_home=_text(youth_home, 200))
    db.session.add(group)
    db.session.flush()
    audit.record(actor, "create", "youth_group", group.id, detail={"community_id": community.id})
    _commit({"community_id": [one_per_community]})
    return group


def update_youth_group(actor: Actor, group_id: int, **changes: Any) -> YouthGroup:
    require(actor, "organisation.manage")
    group = _get(YouthGroup, group_id, _("No such youth governance group."))
    errors: dict[str, list[str]] = {}
    if "name" in changes:
        changes["name"] = _name(errors, changes["name"], limit=120)
    if "status" in changes:
        errors["status"] = [_("Use the activate action to activate a group.")]
    _raise_if(errors)
    if "name" in changes:
        group.name = changes["name"]
    if "youth_home" in changes:
        group.youth_home = _text(changes["youth_home"], 200)
    audit.record(actor, "update", "youth_group", group.id, detail={"fields": sorted(changes)})
    db.session.commit()
    return group


_PARTY = {PoliticalStatus.PARTY_MEMBER, PoliticalStatus.PARTY_PROBATIONARY}


def add_group_member(
    actor: Actor,
    group_id: int,
    *,
    part: str,
    name: str | None = None,
    volunteer_id: int | None = None,
    joined_on: date | None = None,
) -> YouthGroupMember:
    """A member by name, optionally linked to their volunteer profile (then their political status must fit)."""
    require(actor, "organisation.manage")
    group = _get(YouthGroup, group_id, _("No such youth governance group."))
    errors: dict[str, list[str]] = {}
    if part not in set(GroupPart):
        errors["part"] = [_("Choose Party member, community League cadre or League member.")]
    volunteer = None
    if volunteer_id is not None:
        volunteer = _find(VolunteerProfile, volunteer_id)
        if volunteer is None:
            errors["volunteer_id"] = [_("No volunteer with this id.")]
        elif any(m.volunteer_id == volunteer.id for m in group.members):
            errors["volunteer_id"] = [_("This volunteer is already in the group.")]
        elif part == GroupPart.PARTY_MEMBER and volunteer.political_status not in _PARTY:
            errors["part"] = [_("This volunteer's profile does not say they are a Party member.")]
        elif part == GroupPart.LEAGUE_MEMBER and volunteer.political_status != PoliticalStatus.LEAGUE_MEMBER:
            errors["part"] = [_("This volunteer's profile does not say they are a League member.")]
    name = _text(name) or (volunteer.name if volunteer else "")
    if not name:
        errors["name"] = [_("Give a name.")]
    elif len(name) > 80:
        errors["name"] = [_("Use at most %(n)d characters.", n=80)]
    if joined_on and joined_on > today():
        errors["joined_on"] = [_("The join date cannot be in the future.")]
    _raise_if(errors)
    member = YouthGroupMember(group=group, name=name, part=part, volunteer=volunteer, joined_on=joined_on or today())
    db.session.add(member)
    db.session.flush()
    audit.record(actor, "create", "youth_group_member", member.id, detail={"group_id": group.id, "part": part})
    _commit({"volunteer_id": [_("This volunteer is already in the group.")]})
    return member


def remove_group_member(actor: Actor, group_id: int, member_id: int) -> YouthGroup:
    require(actor, "organisation.manage")
    group = _get(YouthGroup, group_id, _("No such youth governance group."))
    member = _get(YouthGroupMember, member_id, _("No such member."))
    if member.group_id != group.id:
        raise NotFound(_("No such member."))
    group.members.remove(member)
    audit.record(actor, "delete", "youth_group_member", member_id, detail={"group_id": group.id, "part": member.part})
    db.session.commit()
    return group


def activate_youth_group(actor: Actor, group_id: int) -> YouthGroup:
    """A group becomes active only when complete: 1 Party member, 1 community League cadre, 2 League members."""
    require(actor, "organisation.manage")
    group = _get(YouthGroup, group_id, _("No such youth governance group."), selectinload(YouthGroup.members))
    if not group.is_complete:
        still_needed = "; ".join(missing_messages(group))
        raise Invalid({"status": [_("The group is not complete yet. It still needs: %(m)s.", m=still_needed)]})
    if group.status != GroupStatus.ACTIVE:
        group.status = GroupStatus.ACTIVE.value
        group.activated_at = utcnow()
        audit.record(actor, "update", "youth_group", group.id, detail={"status": "active"})
        db.session.commit()
    return group


# ---------------------------------------------------------------------------------------------- social work


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
    if town_id:
        query = query.where(ServiceStation.town_id == town_id)
    return paginate(_search(query, q, ServiceStation.name), page, per_page)


def get_station(actor: Actor, station_id: int) -> ServiceStation:
    require(actor, "organisation.view")
    return _get(
        ServiceStation,
        station_id,
        _("No such service station."),
        selectinload(ServiceStation.town),
        selectinload(ServiceStation.points).selectinload(ServicePoint.communities),
        selectinload(ServiceStation.covered_communities),
    )


def find_station(station_id: int | None) -> ServiceStation | None:
    return _find(ServiceStation, station_id)


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
        community = _find(Community, community_id)
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
    errors: dict[str, list[str]] = {}
    town = _find(Town, town_id)
    name = _name(errors, name, limit=120)
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
    _raise_if(errors)
    station = ServiceStation(town=town, name=name, address=_text(address, 200), opened_on=opened_on)
    db.session.add(station)
    db.session.flush()
    _set_station_coverage(station, communities)
    audit.record(actor, "create", "service_station", station.id, detail={"name": name})
    _commit({"town_id": [_("This town already has a social-work station.")]})
    return station


def update_station(actor: Actor, station_id: int, **changes: Any) -> ServiceStation:
    require(actor, "organisation.manage")
    station = _get(ServiceStation, station_id, _("No such service station."))
    errors: dict[str, list[str]] = {}
    if "name" in changes:
        changes["name"] = _name(errors, changes["name"], limit=120)
        if changes["name"] and db.session.scalar(
            sa.select(ServiceStation.id).where(ServiceStation.name == changes["name"], ServiceStation.id != station.id)
        ):
            errors["name"] = [_("A station with this name is already registered.")]
    communities = None
    if "community_ids" in changes:
        communities, messages = _coverage_errors(changes["community_ids"], station.town_id, point=None, station=station)
        if messages:
            errors["community_ids"] = messages
    _raise_if(errors)
    for key in ("name", "address", "opened_on"):
        if key in changes:
            setattr(station, key, _text(changes[key], 200) if key == "address" else changes[key])
    if communities is not None:
        _set_station_coverage(station, communities)
    audit.record(actor, "update", "service_station", station.id, detail={"fields": sorted(changes)})
    _commit({"name": [_("A station with this name is already registered.")]})
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
    if station_id:
        query = query.where(ServicePoint.station_id == station_id)
    if town_id:
        query = query.where(ServiceStation.town_id == town_id)
    if community_id:
        covering = sa.select(Community.service_point_id).where(Community.id == community_id)
        query = query.where(ServicePoint.id.in_(covering))
    if _text(q):
        covered = sa.select(Community.service_point_id).where(Community.name.icontains(_text(q, 100), autoescape=True))
        query = query.where(
            sa.or_(ServicePoint.name.icontains(_text(q, 100), autoescape=True), ServicePoint.id.in_(covered))
        )
    result = paginate(query, page, per_page)
    _attach_worker_counts(result.items)
    return result


def get_point(actor: Actor, point_id: int) -> ServicePoint:
    require(actor, "organisation.view")
    point = _get(
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
    errors: dict[str, list[str]] = {}
    station = _find(ServiceStation, station_id)
    name = _name(errors, name, limit=120)
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
    _raise_if(errors)
    point = ServicePoint(station=station, name=name, address=_text(address, 200), opened_on=opened_on)
    db.session.add(point)
    db.session.flush()
    _set_point_coverage(point, communities)
    audit.record(
        actor, "create", "service_point", point.id, detail={"name": name, "communities": [c.id for c in communities]}
    )
    _commit({"name": [_("This station already has a service point of this name.")]})
    return point


def update_point(actor: Actor, point_id: int, **changes: Any) -> ServicePoint:
    require(actor, "organisation.manage")
    point = _get(ServicePoint, point_id, _("No such service point."))
    errors: dict[str, list[str]] = {}
    if "name" in changes:
        changes["name"] = _name(errors, changes["name"], limit=120)
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
    _raise_if(errors)
    for key in ("name", "address", "opened_on"):
        if key in changes:
            setattr(point, key, _text(changes[key], 200) if key == "address" else changes[key])
    if communities is not None:
        _set_point_coverage(point, communities)
    audit.record(actor, "update", "service_point", point.id, detail={"fields": sorted(changes)})
    _commit({"name": [_("This station already has a service point of this name.")]})
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
    point = _get(ServicePoint, point_id, _("No such service point."))
    require(actor, "service_point.assign_worker", point)
    user = _find(User, user_id)
    if user is None or not user.has_role(Role.SOCIAL_WORKER):
        raise Invalid({"user_id": [_("Choose a user who has the social worker role.")]})
    if any(
        g.role == Role.SOCIAL_WORKER and g.scope_kind == "service_point" and g.scope_id == point.id for g in user.grants
    ):
        return user
    for grant in [g for g in user.grants if g.role == Role.SOCIAL_WORKER]:
        user.grants.remove(grant)
    db.session.flush()
    user.grants.append(RoleGrant(role=Role.SOCIAL_WORKER.value, scope_kind="service_point", scope_id=point.id))
    audit.record(actor, "update", "user", user.id, detail={"granted": f"social_worker service_point:{point.id}"})
    db.session.commit()
    return user


def unassign_social_worker(actor: Actor, point_id: int, *, user_id: int) -> User:
    point = _get(ServicePoint, point_id, _("No such service point."))
    require(actor, "service_point.assign_worker", point)
    user = _find(User, user_id)
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
    user.grants.remove(grant)
    db.session.flush()
    user.grants.append(RoleGrant(role=Role.SOCIAL_WORKER.value))  # keeps the role, waiting for a new point
    audit.record(actor, "update", "user", user.id, detail={"revoked": f"social_worker service_point:{point.id}"})
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
    if town_id:
        query = query.where(Town.id == town_id)
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
    return Page(items=items, total=towns.total, page=towns.page, per_page=towns.per_page)


# ---------------------------------------------------------------------------------------------- liaison stations


def reception_rule(station: LiaisonStation) -> ReceptionRule:
    return ReceptionRule(
        station.reception_weekday, station.reception_start, station.reception_end, station.except_public_holidays
    )


def next_receptions(station: LiaisonStation, *, since: date | None = None, count: int = 6) -> list[Reception]:
    return reception_rule(station).next_dates(since or today(), count)


def list_liaison_stations(
    actor: Actor,
    *,
    community_id: int | None = None,
    town_id: int | None = None,
    q: str | None = None,
    page: int | None = None,
    per_page: int | None = None,
) -> Page:
    require(actor, "organisation.view")
    query = (
        sa.select(LiaisonStation)
        .outerjoin(LiaisonStation.community)
        .options(
            selectinload(LiaisonStation.community).selectinload(Community.town),
            selectinload(LiaisonStation.deputies),
        )
        .order_by(LiaisonStation.name)
    )
    if community_id:
        query = query.where(LiaisonStation.community_id == community_id)
    if town_id:
        query = query.where(Community.town_id == town_id)
    if _text(q):
        deputies = sa.select(Deputy.station_id).where(Deputy.name.icontains(_text(q, 100), autoescape=True))
        query = query.where(
            sa.or_(LiaisonStation.name.icontains(_text(q, 100), autoescape=True), LiaisonStation.id.in_(deputies))
        )
    return paginate(query, page, per_page)


def get_liaison_station(actor: Actor, station_id: int) -> LiaisonStation:
    require(actor, "organisation.view")
    return _get(
        LiaisonStation,
        station_id,
        _("No such liaison station."),
        selectinload(LiaisonStation.community).selectinload(Community.town),
        selectinload(LiaisonStation.deputies),
    )


@dataclass(frozen=True)
class DeputySpec:
    name: str
    level: str = DeputyLevel.DISTRICT
    title: str = ""


def _validate_liaison(
    errors: dict[str, list[str]], data: dict[str, Any], current: LiaisonStation | None = None
) -> list[DeputySpec] | None:
    if "name" in data or current is None:
        data["name"] = _name(errors, data.get("name"), limit=120)
        clash = sa.select(LiaisonStation.id).where(LiaisonStation.name == data["name"])
        if current is not None:
            clash = clash.where(LiaisonStation.id != current.id)
        if data["name"] and db.session.scalar(clash):
            errors["name"] = [_("A liaison station with this name is already registered.")]
    if data.get("community_id") is not None and _find(Community, data["community_id"]) is None:
        errors["community_id"] = [_("No such community. Choose a registered community.")]
    weekday = data.get("reception_weekday", current.reception_weekday if current else None)
    if weekday is None or not isinstance(weekday, int) or not 0 <= weekday <= 6:
        errors["reception_weekday"] = [_("Choose the day of the week.")]
    start = data.get("reception_start", current.reception_start if current else None)
    end = data.get("reception_end", current.reception_end if current else None)
    if not isinstance(start, time):
        errors["reception_start"] = [_("Give the time reception starts.")]
    if not isinstance(end, time):
        errors["reception_end"] = [_("Give the time reception ends.")]
    elif isinstance(start, time) and end <= start:
        errors["reception_end"] = [_("Reception must end after it starts.")]
    if "deputies" not in data or data["deputies"] is None:
        return None
    deputies: list[DeputySpec] = []
    seen: set[str] = set()
    for raw in data["deputies"]:
        if isinstance(raw, DeputySpec):
            spec = raw
        else:
            spec = DeputySpec(
                str(raw.get("name") or ""), str(raw.get("level") or DeputyLevel.DISTRICT), str(raw.get("title") or "")
            )
        name = _text(spec.name, 80)
        level = spec.level or DeputyLevel.DISTRICT
        if not name:
            errors.setdefault("deputies", []).append(_("Every deputy needs a name."))
        elif name in seen:
            errors.setdefault("deputies", []).append(_("%(name)s is listed twice.", name=name))
        elif level not in set(DeputyLevel):
            errors.setdefault("deputies", []).append(_("Unknown deputy level: %(level)s", level=level))
        seen.add(name)
        deputies.append(DeputySpec(name, str(level), _text(spec.title, 200)))
    return deputies


def _set_deputies(station: LiaisonStation, deputies: list[DeputySpec]) -> None:
    by_name = {d.name: d for d in station.deputies}
    keep = []
    for spec in deputies:
        deputy = by_name.get(spec.name) or Deputy(name=spec.name)
        deputy.level = spec.level
        deputy.title = spec.title
        keep.append(deputy)
    station.deputies = keep


def create_liaison_station(
    actor: Actor,
    *,
    name: str,
    reception_weekday: int,
    reception_start: time,
    reception_end: time,
    except_public_holidays: bool = True,
    community_id: int | None = None,
    address: str = "",
    deputies: list[DeputySpec | dict] | None = None,
) -> LiaisonStation:
    require(actor, "organisation.manage")
    data = {
        "name": name,
        "community_id": community_id,
        "reception_weekday": reception_weekday,
        "reception_start": reception_start,
        "reception_end": reception_end,
        "deputies": deputies or [],
    }
    errors: dict[str, list[str]] = {}
    specs = _validate_liaison(errors, data)
    _raise_if(errors)
    station = LiaisonStation(
        name=data["name"],
        community_id=community_id,
        address=_text(address, 200),
        reception_weekday=reception_weekday,
        reception_start=reception_start,
        reception_end=reception_end,
        except_public_holidays=bool(except_public_holidays),
    )
    _set_deputies(station, specs or [])
    db.session.add(station)
    db.session.flush()
    audit.record(actor, "create", "liaison_station", station.id, detail={"name": station.name})
    _commit({"name": [_("A liaison station with this name is already registered.")]})
    return station


def update_liaison_station(actor: Actor, station_id: int, **changes: Any) -> LiaisonStation:
    require(actor, "organisation.manage")
    station = _get(LiaisonStation, station_id, _("No such liaison station."), selectinload(LiaisonStation.deputies))
    errors: dict[str, list[str]] = {}
    specs = _validate_liaison(errors, changes, station)
    _raise_if(errors)
    for key in ("name", "community_id", "reception_weekday", "reception_start", "reception_end"):
        if key in changes:
            setattr(station, key, changes[key])
    if "address" in changes:
        station.address = _text(changes["address"], 200)
    if "except_public_holidays" in changes:
        station.except_public_holidays = bool(changes["except_public_holidays"])
    if specs is not None:
        _set_deputies(station, specs)
    audit.record(actor, "update", "liaison_station", station.id, detail={"fields": sorted(changes)})
    _commit({"name": [_("A liaison station with this name is already registered.")]})
    return station


# ---------------------------------------------------------------------------------------------- volunteers


@dataclass(frozen=True)
class Guardian:
    name: str = ""
    phone: str = ""
    consent: bool = False


def _id_number_message(error: IdNumberError) -> str:
    if error.reason == "birth_date":
        return _("The birth date in this ID number is not a valid date.")
    if error.reason == "check_digit":
        return _("This ID number is not valid: its last character does not match. Please check it.")
    return _("An ID number has 18 characters: 17 digits, then a digit or X.")


def _validate_profile(
    errors: dict[str, list[str]],
    *,
    name: str | None,
    phone: str | None,
    political_status: str | None,
    community_id: int | None,
    skills: list[str] | None,
    availability: list[str] | None,
    exclude_profile: int | None = None,
    check_phone_owner: int | None = None,
    partial: bool = False,
) -> dict[str, Any]:
    """Shared by registration and editing; `partial` checks only the fields given (not None)."""
    clean: dict[str, Any] = {}
    if name is not None or not partial:
        clean["name"] = _text(name)
        if not clean["name"]:
            errors["name"] = [_("Give your real name.")]
        elif len(clean["name"]) > 80:
            errors["name"] = [_("Use at most %(n)d characters.", n=80)]
    if phone is not None or not partial:
        clean["phone"] = normalise_phone(phone)
        if not is_mainland_mobile(clean["phone"]):
            errors["phone"] = [_("Give an 11-digit mainland mobile number.")]
        else:
            taken = sa.select(VolunteerProfile.id).where(VolunteerProfile.phone == clean["phone"])
            if exclude_profile is not None:
                taken = taken.where(VolunteerProfile.id != exclude_profile)
            other_user = sa.select(User.id).where(User.phone == clean["phone"])
            if check_phone_owner is not None:
                other_user = other_user.where(User.id != check_phone_owner)
            if db.session.scalar(taken) or (check_phone_owner is not None and db.session.scalar(other_user)):
                errors["phone"] = [_("This phone number is already registered.")]
    if political_status is not None or not partial:
        if political_status not in set(PoliticalStatus):
            errors["political_status"] = [_("Choose a political status from the list.")]
        clean["political_status"] = political_status
    if community_id is not None or not partial:
        if _find(Community, community_id) is None:
            errors["community_id"] = [_("Choose your home community from the list.")]
        clean["community_id"] = community_id
    if skills is not None:
        clean["skills"] = list(dict.fromkeys(_text(s, 30) for s in skills if _text(s)))
        if len(clean["skills"]) > 20:
            errors["skills"] = [_("List at most 20 skills.")]
    if availability is not None:
        if not set(availability) <= set(Availability):
            errors["availability"] = [_("Choose availability from the list.")]
        clean["availability"] = [a.value for a in Availability if a in set(availability)]
    return clean


def _validate_guardian(errors: dict[str, list[str]], guardian: Guardian | None) -> Guardian:
    """A volunteer under 18 gives a guardian's name, mobile number and consent."""
    guardian = guardian or Guardian()
    name, phone = _text(guardian.name, 80), normalise_phone(guardian.phone)
    if not name:
        errors["guardian.name"] = [_("A volunteer under 18 needs a guardian: give the guardian's name.")]
    if not is_mainland_mobile(phone):
        errors["guardian.phone"] = [_("Give the guardian's 11-digit mainland mobile number.")]
    if guardian.consent is not True:
        errors["guardian.consent"] = [_("A volunteer under 18 needs their guardian's consent.")]
    return Guardian(name, phone, guardian.consent is True)


def _parse_id(errors: dict[str, list[str]], id_number: str | None, on: date):
    try:
        return parse_id_number(id_number, today=on)
    except IdNumberError as error:
        errors["id_number"] = [_id_number_message(error)]
        return None


def _duplicate_id_message() -> str:
    # Says nothing about whose record it is: not the name, not the phone, not even a masked hint.
    return _(
        "A volunteer with this ID number is already registered. If it is you, log in; otherwise ask the "
        "Youth League staff for help."
    )


def _commit_registration() -> None:
    """Commits a registration; a concurrent one that won a unique key first gets the same field message."""
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        text = str(error.orig)
        if "username" in text:
            raise Invalid({"username": [_("This username is taken.")]}) from None
        if "phone" in text:
            raise Invalid({"phone": [_("This phone number is already registered.")]}) from None
        raise Invalid({"id_number": [_duplicate_id_message()]}) from None


def add_volunteer_profile(
    actor: Actor,
    user: User,
    *,
    name: str,
    phone: str,
    id_number: str,
    political_status: str,
    community_id: int,
    skills: list[str] | None = None,
    availability: list[str] | None = None,
    guardian: Guardian | None = None,
    on: date | None = None,
    commit: bool = True,
) -> VolunteerProfile:
    """Gives an existing user a volunteer profile (and the volunteer role). Registration and seeds use it."""
    if actor is not None:
        require(actor, "volunteer.register")
    on = on or today()
    errors: dict[str, list[str]] = {}
    info = _parse_id(errors, id_number, on)
    clean = _validate_profile(
        errors,
        name=name,
        phone=phone,
        political_status=political_status,
        community_id=community_id,
        skills=skills or [],
        availability=availability or [],
        check_phone_owner=user.id,
    )
    if info is not None and db.session.scalar(
        sa.select(VolunteerProfile.id).where(VolunteerProfile.id_number == info.number)
    ):
        errors["id_number"] = [_duplicate_id_message()]
    if user.id is not None and db.session.scalar(
        sa.select(VolunteerProfile.id).where(VolunteerProfile.user_id == user.id)
    ):
        errors["_schema"] = [_("This account already has a volunteer profile.")]
    minor = info is not None and info.age_on(on) < ADULT_AGE
    checked_guardian = _validate_guardian(errors, guardian) if minor else None
    _raise_if(errors)
    profile = VolunteerProfile(
        user=user,
        name=clean["name"],
        phone=clean["phone"],
        id_number=info.number,
        sex=info.sex,
        birth_date=info.birth_date,
        political_status=clean["political_status"],
        community_id=clean["community_id"],
        skills=clean["skills"],
        availability=clean["availability"],
    )
    if checked_guardian is not None:
        profile.guardian_name = checked_guardian.name
        profile.guardian_phone = checked_guardian.phone
        profile.guardian_consent_at = utcnow()
    if user.phone is None:
        user.phone = clean["phone"]
    if not user.has_role(Role.VOLUNTEER):
        user.grants.append(RoleGrant(role=Role.VOLUNTEER.value))
    db.session.add(profile)
    db.session.flush()
    audit.record(
        actor if actor is not None else user,
        "create",
        "volunteer_profile",
        profile.id,
        detail={"id_number": mask_id_number(info.number), "phone": mask_phone(clean["phone"]), "minor": minor},
    )
    if commit:
        _commit_registration()
    return profile


def register_volunteer(
    actor: Actor,
    *,
    username: str,
    password: str,
    name: str,
    phone: str,
    id_number: str,
    political_status: str,
    community_id: int,
    skills: list[str] | None = None,
    availability: list[str] | None = None,
    guardian: Guardian | dict | None = None,
    on: date | None = None,
) -> VolunteerProfile:
    """A person registers as a volunteer: their account (role volunteer) and profile, together or not at all.

    `actor` is None when a person registers themself; staff registering someone on their behalf pass themselves.
    Every field is checked before anything is written, so one answer lists every problem.
    """
    if actor is not None:
        require(actor, "volunteer.register")
    if isinstance(guardian, dict):
        guardian = Guardian(
            name=guardian.get("name") or "", phone=guardian.get("phone") or "", consent=guardian.get("consent") is True
        )
    on = on or today()
    errors: dict[str, list[str]] = {}
    info = _parse_id(errors, id_number, on)
    _validate_profile(
        errors,
        name=name,
        phone=phone,
        political_status=political_status,
        community_id=community_id,
        skills=skills or [],
        availability=availability or [],
        check_phone_owner=-1,
    )
    if info is not None and db.session.scalar(
        sa.select(VolunteerProfile.id).where(VolunteerProfile.id_number == info.number)
    ):
        errors["id_number"] = [_duplicate_id_message()]
    if info is not None and info.age_on(on) < ADULT_AGE:
        _validate_guardian(errors, guardian)
    user = None
    try:
        user = accounts.create_user(
            SYSTEM,
            username=username,
            password=password,
            display_name=name,
            phone=normalise_phone(phone) if "phone" not in errors else None,
            roles=[accounts.RoleSpec(Role.VOLUNTEER.value)],
            commit=False,
        )
    except Invalid as error:
        for key, messages in error.errors.items():
            key = {"display_name": "name"}.get(key, key)
            errors.setdefault(key, []).extend(m for m in messages if m not in errors.get(key, []))
    if errors:
        db.session.rollback()
        raise Invalid(errors)
    try:
        profile = add_volunteer_profile(
            None,
            user,
            name=name,
            phone=phone,
            id_number=id_number,
            political_status=political_status,
            community_id=community_id,
            skills=skills,
            availability=availability,
            guardian=guardian,
            on=on,
            commit=False,
        )
    except Invalid:
        db.session.rollback()
        raise
    _commit_registration()
    return profile


def _volunteer_search(query: sa.Select, q: str | None) -> sa.Select:
    """By name, by the tail of a phone number (4+ digits), or by the name of a team the volunteer is in."""
    q = _text(q, 100)
    if not q:
        return query
    in_team = (
        sa.select(TeamMembership.volunteer_id)
        .join(TeamMembership.team)
        .where(Team.name.icontains(q, autoescape=True), TeamMembership.left_on.is_(None))
    )
    conditions = [VolunteerProfile.name.icontains(q, autoescape=True), VolunteerProfile.id.in_(in_team)]
    if q.isdigit() and len(q) >= 4:
        conditions.append(VolunteerProfile.phone.endswith(q, autoescape=True))
    return query.where(sa.or_(*conditions))


def _volunteer_query(actor: Actor) -> sa.Select:
    """All volunteers for the staff; a team leader's own current members otherwise."""
    require(actor, "volunteer.list")
    query = sa.select(VolunteerProfile).options(
        selectinload(VolunteerProfile.community).selectinload(Community.town),
        selectinload(VolunteerProfile.memberships).selectinload(TeamMembership.team),
    )
    if not can(actor, "volunteer.list_all"):
        led = actor.scopes(Role.TEAM_LEADER, "team")
        query = query.where(
            VolunteerProfile.id.in_(
                sa.select(TeamMembership.volunteer_id).where(
                    TeamMembership.team_id.in_(led), TeamMembership.left_on.is_(None)
                )
            )
        )
    return query


def list_volunteers(
    actor: Actor,
    *,
    community_id: int | None = None,
    team_id: int | None = None,
    political_status: str | None = None,
    q: str | None = None,
    page: int | None = None,
    per_page: int | None = None,
) -> Page:
    query = _volunteer_query(actor).order_by(VolunteerProfile.name, VolunteerProfile.id)
    if community_id:
        query = query.where(VolunteerProfile.community_id == community_id)
    if political_status:
        query = query.where(VolunteerProfile.political_status == political_status)
    if team_id:
        query = query.where(
            VolunteerProfile.id.in_(
                sa.select(TeamMembership.volunteer_id).where(
                    TeamMembership.team_id == team_id, TeamMembership.left_on.is_(None)
                )
            )
        )
    return paginate(_volunteer_search(query, q), page, per_page)


def _load_volunteer(profile_id: int) -> VolunteerProfile:
    return _get(
        VolunteerProfile,
        profile_id,
        _("No such volunteer."),
        selectinload(VolunteerProfile.community).selectinload(Community.town),
        selectinload(VolunteerProfile.memberships).selectinload(TeamMembership.team),
    )


def get_volunteer(actor: Actor, profile_id: int) -> VolunteerProfile:
    profile = _load_volunteer(profile_id)
    require(actor, "volunteer.view", profile)
    return profile


def own_profile(actor: Actor) -> VolunteerProfile | None:
    if actor is None or getattr(actor, "id", None) is None:
        return None
    return db.session.scalar(
        sa.select(VolunteerProfile)
        .where(VolunteerProfile.user_id == actor.id)
        .options(
            selectinload(VolunteerProfile.community).selectinload(Community.town),
            selectinload(VolunteerProfile.memberships).selectinload(TeamMembership.team),
        )
    )


def update_volunteer(actor: Actor, profile_id: int, **changes: Any) -> VolunteerProfile:
    """Name, phone, political status, home community, skills, availability and guardian; the ID number stays."""
    profile = _load_volunteer(profile_id)
    require(actor, "volunteer.update", profile)
    errors: dict[str, list[str]] = {}
    if "id_number" in changes:
        errors["id_number"] = [_("The ID number cannot be changed. Ask the Youth League staff if it is wrong.")]
    for required in ("name", "phone", "political_status", "community_id"):
        if required in changes and changes[required] is None:
            changes[required] = ""
    clean = _validate_profile(
        errors,
        name=changes.get("name"),
        phone=changes.get("phone"),
        political_status=changes.get("political_status"),
        community_id=changes.get("community_id"),
        skills=changes.get("skills"),
        availability=changes.get("availability"),
        exclude_profile=profile.id,
        check_phone_owner=profile.user_id,
        partial=True,
    )
    guardian = None
    if "guardian" in changes and profile.birth_date and _age(profile, today()) < ADULT_AGE:
        raw = changes["guardian"]
        if isinstance(raw, dict):
            raw = Guardian(raw.get("name") or "", raw.get("phone") or "", raw.get("consent") is True)
        guardian = _validate_guardian(errors, raw)
    _raise_if(errors)
    for key, value in clean.items():
        setattr(profile, key, value)
    if "phone" in clean and profile.user.phone != clean["phone"]:
        profile.user.phone = clean["phone"]
    if "name" in clean:
        profile.user.display_name = clean["name"]
    if guardian is not None:
        profile.guardian_name, profile.guardian_phone = guardian.name, guardian.phone
        profile.guardian_consent_at = utcnow()
    audit.record(actor, "update", "volunteer_profile", profile.id, detail={"fields": sorted(changes)})
    _commit({"phone": [_("This phone number is already registered.")]})
    return profile


def _age(profile: VolunteerProfile, on: date) -> int:
    return age_on(profile.birth_date, on)


REVEALABLE = ("id_number", "phone")


def reveal_volunteer(
    actor: Actor, profile_id: int, *, fields: Iterable[str] = REVEALABLE, reason: str | None = None
) -> dict[str, str]:
    """The full ID and/or phone number, for those the policy allows; every reveal is written to the audit log."""
    profile = _load_volunteer(profile_id)
    require(actor, "volunteer.reveal", profile)
    wanted = [f for f in dict.fromkeys(fields) if f in REVEALABLE]
    if not wanted:
        raise Invalid({"fields": [_("Say what to show: id_number, phone or both.")]})
    audit.record(
        actor, "reveal", "volunteer_profile", profile.id, reason=_text(reason, 255) or None, detail={"fields": wanted}
    )
    db.session.commit()
    return {f: getattr(profile, f) for f in wanted}


def export_volunteers_csv(actor: Actor, **filters: Any) -> str:
    """All volunteers matching the filters as CSV, masked like every list; the export itself is audited."""
    require(actor, "volunteer.export")
    query = _volunteer_query(actor).order_by(VolunteerProfile.name, VolunteerProfile.id)
    if filters.get("community_id"):
        query = query.where(VolunteerProfile.community_id == filters["community_id"])
    if filters.get("political_status"):
        query = query.where(VolunteerProfile.political_status == filters["political_status"])
    query = _volunteer_search(query, filters.get("q"))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            _("Name"),
            _("ID number"),
            _("Mobile phone"),
            _("Sex"),
            _("Birth date"),
            _("Political status"),
            _("Community"),
            _("Teams"),
            _("Skills"),
        ]
    )
    count = 0
    for profile in db.session.scalars(query):
        count += 1
        writer.writerow(
            [
                _safe_cell(profile.name),
                profile.id_number_masked,
                profile.phone_masked,
                profile.sex,
                profile.birth_date.isoformat(),
                profile.political_status,
                _safe_cell(profile.community.full_name),
                _safe_cell("; ".join(t.name for t in profile.current_teams)),
                _safe_cell("; ".join(profile.skills or [])),
            ]
        )
    audit.record(actor, "export", "volunteer_profile", None, detail={"rows": count, "masked": True})
    db.session.commit()
    return buffer.getvalue()


def _safe_cell(value: str) -> str:
    """Spreadsheet programs run cells that start with = + - @ as formulas; a quote keeps them text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def volunteer_choices(actor: Actor) -> list[tuple[int, str]]:
    """Volunteers to link to a youth group: name, community and masked phone, never the full number."""
    require(actor, "volunteer.list_all")
    profiles = db.session.scalars(
        sa.select(VolunteerProfile).options(selectinload(VolunteerProfile.community)).order_by(VolunteerProfile.name)
    )
    return [(p.id, f"{p.name} · {p.community.name} · {p.phone_masked}") for p in profiles]
