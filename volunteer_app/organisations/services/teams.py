"""Volunteer teams (志愿服务队), their members and leaders."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from volunteer_app.accounts import services as accounts
from volunteer_app.accounts.models import Role, RoleGrant, User
from volunteer_app.core import audit
from volunteer_app.core.errors import Errors, NotFound, raise_if
from volunteer_app.core.identity import (
    is_mainland_mobile,
    normalise_phone,
)
from volunteer_app.core.lookup import find, get_or_404, search
from volunteer_app.core.pagination import Page, paginate
from volunteer_app.core.policy import Actor, can, require
from volunteer_app.core.text import clean_text
from volunteer_app.core.time import today
from volunteer_app.extensions import db
from volunteer_app.organisations.models import (
    Community,
    MemberRole,
    Pairing,
    Team,
    TeamKind,
    TeamMembership,
    Town,
    VolunteerProfile,
)
from volunteer_app.organisations.services.common import (
    commit_or_conflict,
    narrowed,
    required_name,
)
from volunteer_app.organisations.services.pairings import pair, require_may_pair
from volunteer_app.organisations.services.volunteers import _volunteer_search


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
    query = narrowed(
        query,
        (kind, Team.kind == kind),
        (town_id, Team.town_id == town_id),
        (community_id, Team.id.in_(sa.select(Pairing.team_id).where(Pairing.community_id == community_id))),
    )
    query = search(query, q, Team.name)
    result = paginate(query, page, per_page)
    _attach_member_counts(result.items)
    return result


def team_choices(actor: Actor) -> list[tuple[int, str]]:
    require(actor, "organisation.view")
    return [(row[0], row[1]) for row in db.session.execute(sa.select(Team.id, Team.name).order_by(Team.name))]


def get_team(actor: Actor, team_id: int) -> Team:
    require(actor, "organisation.view")
    team = get_or_404(
        Team,
        team_id,
        _("No such team."),
        selectinload(Team.town),
        selectinload(Team.memberships).selectinload(TeamMembership.volunteer),
        selectinload(Team.pairings).selectinload(Pairing.community).selectinload(Community.town),
    )
    team.member_count = len(team.current_members)
    return team


def _validate_team(errors: Errors, data: dict[str, Any], current: Team | None = None) -> None:
    if "name" in data or current is None:
        name = required_name(errors, data.get("name"), limit=120)
        data["name"] = name
        clash = sa.select(Team.id).where(Team.name == name)
        if current is not None:
            clash = clash.where(Team.id != current.id)
        if name and db.session.scalar(clash):
            errors["name"] = [_("A team with this name is already registered.")]
    if ("kind" in data or current is None) and data.get("kind") not in set(TeamKind):
        errors["kind"] = [_("Choose the kind of team.")]
    if data.get("town_id") is not None and find(Town, data["town_id"]) is None:
        errors["town_id"] = [_("Choose a town that is registered.")]
    if "description" in data:
        data["description"] = clean_text(data["description"], 2000)


def create_team(
    actor: Actor,
    *,
    name: str,
    kind: str,
    town_id: int | None = None,
    description: str = "",
    founded_on: date | None = None,
    community_id: int | None = None,
) -> Team:
    """Registers a team, paired from today with `community_id` if given. Community staff must give their own
    community: a team paired with none would be one only the town's staff could manage."""
    require(actor, "team.create")
    data = {"name": name, "kind": kind, "town_id": town_id, "description": description}
    errors: Errors = {}
    _validate_team(errors, data)
    community = find(Community, community_id) if community_id is not None else None
    if community_id is not None and community is None:
        errors["community_id"] = [_("No such community. Choose a registered community.")]
    elif community is None and not can(actor, "organisation.manage"):
        errors["community_id"] = [_("Choose your village or community: the team is paired with it.")]
    raise_if(errors)
    if community is not None:
        require_may_pair(actor, None, community.id)
    team = Team(name=data["name"], kind=kind, town_id=town_id, description=data["description"], founded_on=founded_on)
    db.session.add(team)
    db.session.flush()
    audit.record(actor, "create", "team", team.id, detail={"name": team.name, "kind": kind})
    if community is not None:
        pair(actor, team, community, since=today())
    commit_or_conflict({"name": [_("A team with this name is already registered.")]})
    return team


def update_team(actor: Actor, team_id: int, **changes: Any) -> Team:
    team = get_or_404(Team, team_id, _("No such team."))
    require(actor, "team.update", team)
    errors: Errors = {}
    _validate_team(errors, changes, team)
    raise_if(errors)
    for key in ("name", "kind", "town_id", "description", "founded_on"):
        if key in changes:
            setattr(team, key, changes[key])
    audit.record(actor, "update", "team", team.id, detail={"fields": sorted(changes)})
    commit_or_conflict({"name": [_("A team with this name is already registered.")]})
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
    team = get_or_404(Team, team_id, _("No such team."))
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
        accounts.grant_role(actor, user, accounts.RoleSpec(Role.TEAM_LEADER.value, "team", membership.team_id))
    elif not leads and grant is not None:
        accounts.revoke_grant(actor, user, grant)


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
    commit: bool = True,
) -> TeamMembership:
    """Adds a volunteer, named by profile id (API) or by their full mobile number (a leader's form).
    `commit=False` leaves the transaction to the caller (an import adds many members in one)."""
    team = get_or_404(Team, team_id, _("No such team."))
    require(actor, "team.members.manage", team)
    if role == MemberRole.LEADER:
        require(actor, "team.leaders.manage", team)
    errors: Errors = {}
    volunteer = None
    if volunteer_id is not None:
        volunteer = find(VolunteerProfile, volunteer_id)
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
    raise_if(errors)
    membership = TeamMembership(team=team, volunteer=volunteer, role=role, joined_on=joined_on)
    db.session.add(membership)
    db.session.flush()
    _sync_leader_grant(actor, membership)
    audit.record(
        actor, "create", "team_membership", membership.id, detail={"team_id": team.id, "volunteer_id": volunteer.id}
    )
    if commit:
        db.session.commit()
    return membership


def update_member(
    actor: Actor, team_id: int, membership_id: int, *, role: str | None = None, left_on: date | None = None
) -> TeamMembership:
    """Changes a member's role, or records the date they left (members are never deleted: history stays)."""
    team = get_or_404(Team, team_id, _("No such team."))
    require(actor, "team.members.manage", team)
    membership = get_or_404(TeamMembership, membership_id, _("No such member."))
    if membership.team_id != team.id:
        raise NotFound(_("No such member."))
    errors: Errors = {}
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
    raise_if(errors)
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
