"""Pairings (结对共建) between volunteer teams and communities: the "1+40+N" model."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from volunteer_app.accounts import staff_scope
from volunteer_app.core import audit
from volunteer_app.core.errors import Errors, Forbidden, raise_if
from volunteer_app.core.lookup import find, get_or_404, search
from volunteer_app.core.pagination import Page, paginate
from volunteer_app.core.policy import Actor, can, require
from volunteer_app.core.text import clean_text
from volunteer_app.core.time import today
from volunteer_app.extensions import db
from volunteer_app.organisations.models import (
    Community,
    Pairing,
    Team,
)
from volunteer_app.organisations.services.common import (
    check_dates,
    commit_or_conflict,
    narrowed,
)
from volunteer_app.organisations.services.places import community_choices


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
    query = narrowed(
        query,
        (community_id, Pairing.community_id == community_id),
        (team_id, Pairing.team_id == team_id),
        (kind, Team.kind == kind),
        (town_id, Community.town_id == town_id),
        (current_only, Pairing.ended_on.is_(None)),
    )
    query = search(query, q, Team.name, Community.name, Pairing.purpose)
    return paginate(query, page, per_page)


def get_pairing(actor: Actor, pairing_id: int) -> Pairing:
    require(actor, "organisation.view")
    return get_or_404(Pairing, pairing_id, _("No such pairing."))


def require_may_pair(actor: Actor, team_id: int | None, community_id: int) -> None:
    """Refuses a community the actor may not pair a team with (community staff: any but their own), saying so."""
    if not can(actor, "pairing.community", SimpleNamespace(team_id=team_id, community_id=community_id)):
        raise Forbidden(_("You may pair a team only with your own village or community."))


def pairable_communities(actor: Actor) -> list[tuple[int, str]]:
    """The communities a form offers for pairing a team: community staff their own, everyone else all of them (a
    team leader pairs their team with any; the service checks each pairing)."""
    choices = community_choices(actor)
    ours = staff_scope.community_ids(actor)
    if staff_scope.town_wide(actor) or not ours:
        return choices
    return [choice for choice in choices if choice[0] in ours]


def pair(actor: Actor, team: Team, community: Community, *, since: date, purpose: str = "") -> Pairing:
    """Adds the pairing to the session and audits it; the caller has checked it and commits."""
    pairing = Pairing(team=team, community=community, since=since, purpose=purpose)
    db.session.add(pairing)
    db.session.flush()
    audit.record(actor, "create", "pairing", pairing.id, detail={"team_id": team.id, "community_id": community.id})
    return pairing


def create_pairing(
    actor: Actor, *, team_id: int, community_id: int, since: date | None = None, purpose: str = ""
) -> Pairing:
    require(actor, "pairing.create")
    errors: Errors = {}
    team = find(Team, team_id)
    community = find(Community, community_id)
    if team is None:
        errors["team_id"] = [_("No such team. Choose a registered team.")]
    if community is None:
        errors["community_id"] = [_("No such community. Choose a registered community.")]
    raise_if(errors)
    require(actor, "pairing.manage", team)
    require_may_pair(actor, team.id, community.id)
    since = since or today()
    if since > today():
        errors["since"] = [_("The start date cannot be in the future.")]
    purpose = clean_text(purpose)
    if len(purpose) > 500:
        errors["purpose"] = [_("Use at most %(n)d characters.", n=500)]
    duplicate = _("This team is already paired with this community.")
    if db.session.scalar(sa.select(Pairing.id).where(Pairing.team_id == team.id, Pairing.community_id == community.id)):
        errors["community_id"] = [duplicate]
    raise_if(errors)
    pairing = pair(actor, team, community, since=since, purpose=purpose)
    commit_or_conflict({"community_id": [duplicate]})
    return pairing


def update_pairing(actor: Actor, pairing_id: int, **changes: Any) -> Pairing:
    pairing = get_or_404(Pairing, pairing_id, _("No such pairing."))
    require(actor, "pairing.manage", pairing.team)
    errors: Errors = {}
    since = changes.get("since", pairing.since)
    ended_on = changes.get("ended_on", pairing.ended_on)
    if since is None:
        errors["since"] = [_("Give the date the pairing started.")]
    elif since > today():
        errors["since"] = [_("The start date cannot be in the future.")]
    check_dates(errors, since, ended_on, "ended_on")
    if "purpose" in changes:
        changes["purpose"] = clean_text(changes["purpose"])
        if len(changes["purpose"]) > 500:
            errors["purpose"] = [_("Use at most %(n)d characters.", n=500)]
    raise_if(errors)
    for key in ("since", "purpose", "ended_on"):
        if key in changes:
            setattr(pairing, key, changes[key])
    audit.record(actor, "update", "pairing", pairing.id, detail={"fields": sorted(changes)})
    db.session.commit()
    return pairing
