"""Youth governance groups (青治团) and their composition rule."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from babel.lists import format_list
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from volunteer_app.core import audit
from volunteer_app.core.errors import Errors, Invalid, NotFound, raise_if
from volunteer_app.core.lookup import find, get_or_404, search
from volunteer_app.core.pagination import Page, paginate
from volunteer_app.core.policy import Actor, require
from volunteer_app.core.text import clean_text
from volunteer_app.core.time import today, utcnow
from volunteer_app.extensions import db
from volunteer_app.organisations import notices
from volunteer_app.organisations.models import (
    GROUP_PART_LABELS,
    Community,
    GroupPart,
    GroupStatus,
    PoliticalStatus,
    VolunteerProfile,
    YouthGroup,
    YouthGroupMember,
    YouthGroupPastMember,
)
from volunteer_app.organisations.services.common import (
    commit_or_conflict,
    narrowed,
    required_name,
)


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
    query = narrowed(
        query,
        (community_id, YouthGroup.community_id == community_id),
        (town_id, Community.town_id == town_id),
        (status, YouthGroup.status == status),
    )
    query = search(query, q, YouthGroup.name, Community.name)
    return paginate(query, page, per_page)


def get_youth_group(actor: Actor, group_id: int) -> YouthGroup:
    require(actor, "organisation.view")
    return get_or_404(
        YouthGroup,
        group_id,
        _("No such youth governance group."),
        selectinload(YouthGroup.community).selectinload(Community.town),
        selectinload(YouthGroup.members).selectinload(YouthGroupMember.volunteer),
    )


def create_youth_group(actor: Actor, *, community_id: int, name: str | None = None, youth_home: str = "") -> YouthGroup:
    require(actor, "organisation.manage")
    errors: Errors = {}
    community = find(Community, community_id)
    one_per_community = _("This community already has a youth governance group.")
    if community is None:
        errors["community_id"] = [_("No such community. Choose a registered community.")]
    elif db.session.scalar(sa.select(YouthGroup.id).where(YouthGroup.community_id == community.id)):
        errors["community_id"] = [one_per_community]
    name = clean_text(name) or (f"{community.name}青治团" if community else "")
    if len(name) > 120:
        errors["name"] = [_("Use at most %(n)d characters.", n=120)]
    raise_if(errors)
    group = YouthGroup(community=community, name=name, youth_home=clean_text(youth_home, 200))
    db.session.add(group)
    db.session.flush()
    audit.record(actor, "create", "youth_group", group.id, detail={"community_id": community.id})
    commit_or_conflict({"community_id": [one_per_community]})
    return group


def update_youth_group(actor: Actor, group_id: int, **changes: Any) -> YouthGroup:
    require(actor, "organisation.manage")
    group = get_or_404(YouthGroup, group_id, _("No such youth governance group."))
    errors: Errors = {}
    if "name" in changes:
        changes["name"] = required_name(errors, changes["name"], limit=120)
    if "status" in changes:
        errors["status"] = [_("Use the activate action to activate a group.")]
    raise_if(errors)
    if "name" in changes:
        group.name = changes["name"]
    if "youth_home" in changes:
        group.youth_home = clean_text(changes["youth_home"], 200)
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
    group = get_or_404(YouthGroup, group_id, _("No such youth governance group."))
    errors: Errors = {}
    if part not in set(GroupPart):
        errors["part"] = [_("Choose Party member, community League cadre or League member.")]
    volunteer = None
    if volunteer_id is not None:
        volunteer = find(VolunteerProfile, volunteer_id)
        if volunteer is None:
            errors["volunteer_id"] = [_("No volunteer with this id.")]
        elif any(m.volunteer_id == volunteer.id for m in group.members):
            errors["volunteer_id"] = [_("This volunteer is already in the group.")]
        elif part == GroupPart.PARTY_MEMBER and volunteer.political_status not in _PARTY:
            errors["part"] = [_("This volunteer's profile does not say they are a Party member.")]
        elif part == GroupPart.LEAGUE_MEMBER and volunteer.political_status != PoliticalStatus.LEAGUE_MEMBER:
            errors["part"] = [_("This volunteer's profile does not say they are a League member.")]
    name = clean_text(name) or (volunteer.name if volunteer else "")
    if not name:
        errors["name"] = [_("Give a name.")]
    elif len(name) > 80:
        errors["name"] = [_("Use at most %(n)d characters.", n=80)]
    if joined_on and joined_on > today():
        errors["joined_on"] = [_("The join date cannot be in the future.")]
    raise_if(errors)
    member = YouthGroupMember(group=group, name=name, part=part, volunteer=volunteer, joined_on=joined_on or today())
    db.session.add(member)
    db.session.flush()
    audit.record(actor, "create", "youth_group_member", member.id, detail={"group_id": group.id, "part": part})
    commit_or_conflict({"volunteer_id": [_("This volunteer is already in the group.")]})
    return member


def remove_group_member(actor: Actor, group_id: int, member_id: int, *, reason: str = "") -> YouthGroup:
    """The member leaves the group; what their row held stays in the group's past members."""
    require(actor, "organisation.manage")
    group = get_or_404(YouthGroup, group_id, _("No such youth governance group."))
    member = get_or_404(YouthGroupMember, member_id, _("No such member."))
    if member.group_id != group.id:
        raise NotFound(_("No such member."))
    group.past_members.append(
        YouthGroupPastMember(
            name=member.name, part=member.part, volunteer_id=member.volunteer_id, joined_on=member.joined_on,
            left_on=today(), reason=clean_text(reason, 200), removed_by_id=getattr(actor, "id", None),
        )
    )  # fmt: skip
    group.members.remove(member)
    audit.record(actor, "delete", "youth_group_member", member_id, detail={"group_id": group.id, "part": member.part})
    _lapse_if_incomplete(actor, group)
    db.session.commit()
    return group


def _lapse_if_incomplete(actor: Actor, group: YouthGroup) -> None:
    """An active group that no longer meets the composition rule becomes incomplete in the caller's transaction,
    so no one ever reads it as active without the members it needs, and its League staff are told."""
    if group.status != GroupStatus.ACTIVE or group.is_complete:
        return
    group.status = GroupStatus.INCOMPLETE.value
    missing = {part.value: count for part, count in group.missing.items()}
    audit.record(actor, "update", "youth_group", group.id, detail={"status": group.status, "missing": missing})
    notices.tell_group_incomplete(group, now=utcnow())


def activate_youth_group(actor: Actor, group_id: int) -> YouthGroup:
    """A group becomes active only when complete: 1 Party member, 1 community League cadre, 2 League members."""
    require(actor, "organisation.manage")
    group = get_or_404(YouthGroup, group_id, _("No such youth governance group."), selectinload(YouthGroup.members))
    if not group.is_complete:
        still_needed = format_list(missing_messages(group), locale=get_locale())
        raise Invalid({"status": [_("The group is not complete yet. It still needs: %(m)s.", m=still_needed)]})
    if group.status != GroupStatus.ACTIVE:
        group.status = GroupStatus.ACTIVE.value
        group.activated_at = utcnow()
        audit.record(actor, "update", "youth_group", group.id, detail={"status": "active"})
        db.session.commit()
    return group
