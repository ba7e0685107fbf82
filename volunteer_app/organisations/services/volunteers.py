"""Volunteer profiles after registration: finding, reading, editing, masking and full-value reveals, export."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from volunteer_app.accounts import staff_scope
from volunteer_app.core import audit
from volunteer_app.core.errors import Errors, Invalid, NotFound, raise_if
from volunteer_app.core.identity import (
    age_on,
)
from volunteer_app.core.lookup import get_or_404
from volunteer_app.core.pagination import Page, paginate
from volunteer_app.core.policy import Actor, can, require
from volunteer_app.core.spreadsheets import csv_bytes
from volunteer_app.core.text import clean_text
from volunteer_app.core.time import today, utcnow
from volunteer_app.extensions import db
from volunteer_app.organisations import team_scope
from volunteer_app.organisations.models import (
    Community,
    Team,
    TeamMembership,
    VolunteerProfile,
)
from volunteer_app.organisations.services.common import (
    ADULT_AGE,
    commit_or_conflict,
    narrowed,
)
from volunteer_app.organisations.services.registration import Guardian, validate_guardian, validate_profile


def _volunteer_search(query: sa.Select, q: str | None) -> sa.Select:
    """By name, by the tail of a phone number (4+ digits), or by the name of a team the volunteer is in."""
    q = clean_text(q, 100)
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
    """All volunteers for the town-wide staff; community staff those of their community, a team leader their own
    current members (both, for someone who is both)."""
    require(actor, "volunteer.list")
    query = sa.select(VolunteerProfile).options(
        selectinload(VolunteerProfile.community).selectinload(Community.town),
        selectinload(VolunteerProfile.memberships).selectinload(TeamMembership.team),
    )
    if not can(actor, "volunteer.list_all"):
        query = query.where(
            sa.or_(
                VolunteerProfile.id.in_(team_scope.led_members(actor)),
                VolunteerProfile.community_id.in_(sorted(staff_scope.community_ids(actor))),
            )
        )
    return query


def _current_members_of(team_id: int | None) -> sa.Select:
    return sa.select(TeamMembership.volunteer_id).where(
        TeamMembership.team_id == team_id, TeamMembership.left_on.is_(None)
    )


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
    query = narrowed(
        query,
        (community_id, VolunteerProfile.community_id == community_id),
        (political_status, VolunteerProfile.political_status == political_status),
        (team_id, VolunteerProfile.id.in_(_current_members_of(team_id))),
    )
    return paginate(_volunteer_search(query, q), page, per_page)


def _load_volunteer(profile_id: int) -> VolunteerProfile:
    return get_or_404(
        VolunteerProfile,
        profile_id,
        _("No such volunteer."),
        selectinload(VolunteerProfile.community).selectinload(Community.town),
        selectinload(VolunteerProfile.memberships).selectinload(TeamMembership.team),
    )


def get_volunteer(actor: Actor, profile_id: int) -> VolunteerProfile:
    """The profile, if the actor may see it. One they may not is no such volunteer to them (404, not 403): a
    refusal would tell that the person is registered. Every lookup of someone's profile (its edits, reveals, hours)
    starts here; what the actor may then do with a profile they see is each action's own rule (403)."""
    profile = _load_volunteer(profile_id)
    if not can(actor, "volunteer.view", profile):
        raise NotFound(_("No such volunteer."))
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


def own_profile_id(actor: Actor | None) -> int | None:
    """The id of the actor's own profile, for pages that only ask whether there is one or whose it is: one narrow
    query, where own_profile also loads the community and the teams."""
    if actor is None or getattr(actor, "id", None) is None:
        return None
    return db.session.scalar(sa.select(VolunteerProfile.id).where(VolunteerProfile.user_id == actor.id))


def update_volunteer(actor: Actor, profile_id: int, **changes: Any) -> VolunteerProfile:
    """Name, phone, political status, home community, skills, availability and guardian; the ID number stays."""
    profile = get_volunteer(actor, profile_id)
    require(actor, "volunteer.update", profile)
    errors: Errors = {}
    if "id_number" in changes:
        errors["id_number"] = [_("The ID number cannot be changed. Ask the Youth League staff if it is wrong.")]
    for required in ("name", "phone", "political_status", "community_id"):
        if required in changes and changes[required] is None:
            changes[required] = ""
    clean = validate_profile(
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
        guardian = validate_guardian(errors, raw)
    raise_if(errors)
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
    commit_or_conflict({"phone": [_("This phone number is already registered.")]})
    return profile


def _age(profile: VolunteerProfile, on: date) -> int:
    return age_on(profile.birth_date, on)


REVEALABLE = ("id_number", "phone")


def reveal_volunteer(
    actor: Actor, profile_id: int, *, fields: Iterable[str] = REVEALABLE, reason: str | None = None
) -> dict[str, str]:
    """The full ID and/or phone number, for those the policy allows; every reveal is written to the audit log."""
    profile = get_volunteer(actor, profile_id)
    require(actor, "volunteer.reveal", profile)
    wanted = [f for f in dict.fromkeys(fields) if f in REVEALABLE]
    if not wanted:
        raise Invalid({"fields": [_("Say what to show: id_number, phone or both.")]})
    audit.record(
        actor,
        "reveal",
        "volunteer_profile",
        profile.id,
        reason=clean_text(reason, 255) or None,
        detail={"fields": wanted},
    )
    db.session.commit()
    return {f: getattr(profile, f) for f in wanted}


def export_volunteers_csv(actor: Actor, **filters: Any) -> str:
    """All volunteers matching the filters as CSV (with a byte-order mark), masked like every list; the export itself
    is audited."""
    require(actor, "volunteer.export")
    query = _volunteer_query(actor).order_by(VolunteerProfile.name, VolunteerProfile.id)
    if filters.get("community_id"):
        query = query.where(VolunteerProfile.community_id == filters["community_id"])
    if filters.get("political_status"):
        query = query.where(VolunteerProfile.political_status == filters["political_status"])
    query = _volunteer_search(query, filters.get("q"))
    header = [
        _("Name"), _("ID number"), _("Mobile phone"), _("Sex"), _("Birth date"), _("Political status"),
        _("Community"), _("Teams"), _("Skills"),
    ]  # fmt: skip
    rows = [
        [
            profile.name,
            profile.id_number_masked,
            profile.phone_masked,
            profile.sex,
            profile.birth_date.isoformat(),
            profile.political_status,
            profile.community.full_name,
            "; ".join(t.name for t in profile.current_teams),
            "; ".join(profile.skills or []),
        ]
        for profile in db.session.scalars(query)
    ]
    audit.record(actor, "export", "volunteer_profile", None, detail={"rows": len(rows), "masked": True})
    db.session.commit()
    return csv_bytes(header, rows).decode("utf-8")


def volunteer_choices(actor: Actor) -> list[tuple[int, str]]:
    """Volunteers to link to a youth group: name, community and masked phone, never the full number."""
    require(actor, "volunteer.list_all")
    profiles = db.session.scalars(
        sa.select(VolunteerProfile).options(selectinload(VolunteerProfile.community)).order_by(VolunteerProfile.name)
    )
    return [(p.id, f"{p.name} · {p.community.name} · {p.phone_masked}") for p in profiles]
