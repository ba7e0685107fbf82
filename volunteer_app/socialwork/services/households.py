"""Household files 建档 and their members: opening, changing, the head, moving members, closing, reading
(audited), revealing full numbers (audited) and who looked."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from volunteer_app.accounts.models import Role, User
from volunteer_app.accounts.services import grant_holders
from volunteer_app.core import audit
from volunteer_app.core.audit import AuditEntry
from volunteer_app.core.crypto import blind_index
from volunteer_app.core.errors import Errors, raise_if
from volunteer_app.core.identity import (
    normalise_id_number,
)
from volunteer_app.core.lookup import find
from volunteer_app.core.pagination import Page, paginate
from volunteer_app.core.policy import SYSTEM, Actor, can, require
from volunteer_app.core.text import clean_text
from volunteer_app.core.time import today
from volunteer_app.extensions import db
from volunteer_app.organisations.models import Community, ServicePoint, Town
from volunteer_app.socialwork import scope
from volunteer_app.socialwork.models import Household, HouseholdEvent, HouseholdMember, MemberFlag
from volunteer_app.socialwork.services.common import (
    HouseholdFile,
    choice,
    commit_read,
    event,
    file_options,
    household_for,
    list_options,
    writable,
)
from volunteer_app.socialwork.services.members import (
    MEMBER_FIELDS,
    _apply_member,
    _check_not_on_file,
    _clean_member,
    _member_of,
)
from volunteer_app.socialwork.vocabulary import Flag, HouseholdStatus, HouseholdType, Housing, IncomeBand, Relation

# ---------------------------------------------------------------------------------------------- households


def _workers_of_point(point_id: int | None) -> set[int]:
    return grant_holders(Role.SOCIAL_WORKER, "service_point", point_id)


def worker_choices(actor: Actor, household: Household | None = None, point_id: int | None = None) -> list[User]:
    """Social workers of the household's point, who may be made responsible for it."""
    ids = _workers_of_point(household.service_point_id if household else point_id)
    if not ids:
        return []
    return list(db.session.scalars(sa.select(User).where(User.id.in_(ids)).order_by(User.display_name)))


def communities_for_new_files(actor: Actor) -> list[Community]:
    """The communities where this user may open a file (their point's or station's), in town order."""
    query = (
        sa.select(Community)
        .join(Community.town)
        .options(selectinload(Community.town), selectinload(Community.service_point))
        .order_by(Town.name, Community.name)
    )
    return [c for c in db.session.scalars(query) if can(actor, "household.create", c)]


def create_household(
    actor: Actor,
    *,
    community_id: int,
    address: str,
    members: list[dict[str, Any]],
    household_type: str = HouseholdType.GENERAL,
    worker_id: int | None = None,
    opened_on: date | None = None,
    income_band: str | None = None,
    housing: str | None = None,
    notes: str = "",
    on: date | None = None,
    commit: bool = True,
) -> Household:
    """Opens a file. The service point follows from the community's coverage; exactly one member is the head.
    `commit=False` leaves the transaction to the caller (an import opens many files in one)."""
    require(actor, "household.create", None)
    on = on or today()
    errors: Errors = {}
    community = find(Community, community_id)
    point = None
    if community is None:
        errors["community_id"] = [_("Choose a registered community.")]
    elif community.service_point_id is None and community.station_id is None:
        errors["community_id"] = [_("No service point or station covers this community yet.")]
    else:
        point = db.session.get(ServicePoint, community.service_point_id) if community.service_point_id else None
        if not _may_open_in(actor, community):
            errors["community_id"] = [_("You can open files only in communities your service point covers.")]
    address = clean_text(address, 200)
    if not address:
        errors["address"] = [_("Give the address.")]
    household_type = choice(errors, "household_type", household_type, HouseholdType, _("Choose a household type."))
    income_band = choice(errors, "income_band", income_band, IncomeBand, _("Choose an income band."), optional=True)
    housing = choice(errors, "housing", housing, Housing, _("Choose a kind of housing."), optional=True)
    if opened_on is not None and opened_on > on:
        errors["opened_on"] = [_("A file cannot be opened in the future.")]
    if not isinstance(members, list) or not members:
        errors["members"] = [_("Give at least the head of the household.")]
        members = []
    cleaned = []
    for index, data in enumerate(members):
        data = data if isinstance(data, dict) else {}
        prefix = f"members.{index}."
        values = _clean_member(errors, {key: data.get(key) for key in MEMBER_FIELDS if key in data}, prefix, on)
        for key in ("name", "relation"):
            if key not in data:
                errors[prefix + key] = [_("This field is required.")]
        _check_not_on_file(errors, prefix + "id_number", values.get("id_number"))
        cleaned.append(values)
    numbers = [v["id_number"] for v in cleaned if v.get("id_number")]
    if len(numbers) != len(set(numbers)):
        errors.setdefault("members", []).append(_("The same ID number is given twice."))
    if members and sum(1 for v in cleaned if v.get("relation") == Relation.HEAD) != 1:
        errors.setdefault("members", []).append(_("Exactly one member is the head of the household."))
    worker_id = _responsible_worker(errors, actor, point, worker_id)
    raise_if(errors)

    household = Household(
        community=community,
        service_point=point,
        station_id=point.station_id if point else community.station_id,
        worker_id=worker_id,
        address=address,
        household_type=household_type,
        opened_on=opened_on or on,
        income_band=income_band,
        housing=housing,
        notes=clean_text(notes, 4000),
        created_by_id=actor.id,
    )
    db.session.add(household)
    db.session.flush()
    for values in cleaned:
        member = HouseholdMember(household=household, joined_on=household.opened_on)
        _apply_member(member, values)
        db.session.add(member)
    event(household, actor, "opened", members=len(cleaned))
    audit.record(actor, "create", "household", household.id, detail={"members": len(cleaned)})
    if commit:
        db.session.commit()
    return household


def _may_open_in(actor: Actor, community: Community) -> bool:
    from volunteer_app.core.policy import can

    return can(actor, "household.create", community)


def _responsible_worker(errors: Errors, actor: Actor, point: ServicePoint | None, worker_id: int | None) -> int | None:
    """The worker responsible: one of the point's social workers. A worker opening a file is responsible by
    default; choosing someone else is the supervisor's call."""
    point_workers = _workers_of_point(point.id if point else None)
    if worker_id in (None, ""):
        return actor.id if actor.id in point_workers else None
    if worker_id not in point_workers:
        errors["worker_id"] = [_("Choose a social worker of this household's service point.")]
        return None
    if actor is not SYSTEM and worker_id != actor.id and not scope.station_ids(actor) & {point.station_id}:
        errors["worker_id"] = [_("Only the station supervisor assigns a household to another worker.")]
        return None
    return worker_id


def update_household(actor: Actor, household_id: int, **changes: Any) -> Household:
    household = household_for(actor, household_id)
    require(actor, "household.update", household)
    writable(household)
    errors: Errors = {}
    if "address" in changes:
        changes["address"] = clean_text(changes["address"], 200)
        if not changes["address"]:
            errors["address"] = [_("Give the address.")]
    if "household_type" in changes:
        choice(errors, "household_type", changes["household_type"], HouseholdType, _("Choose a household type."))
    for key, enum_, message in (
        ("income_band", IncomeBand, _("Choose an income band.")),
        ("housing", Housing, _("Choose a kind of housing.")),
    ):
        if key in changes:
            changes[key] = choice(errors, key, changes[key], enum_, message, optional=True)
    if "worker_id" in changes and changes["worker_id"] != household.worker_id:
        if not scope.is_supervisor_of(actor, household):
            errors["worker_id"] = [_("Only the station supervisor assigns a household to another worker.")]
        elif changes["worker_id"] is not None and changes["worker_id"] not in _workers_of_point(
            household.service_point_id
        ):
            errors["worker_id"] = [_("Choose a social worker of this household's service point.")]
    if "notes" in changes:
        changes["notes"] = clean_text(changes["notes"], 4000)
    raise_if(errors)
    previous = {}
    for key in ("address", "household_type", "income_band", "housing", "notes", "worker_id"):
        if key in changes and changes[key] != getattr(household, key):
            if key == "worker_id":
                event(household, actor, "worker_changed", old=household.worker_id, new=changes[key])
            else:
                previous[key] = getattr(household, key)
            setattr(household, key, changes[key])
    if previous:
        event(household, actor, "updated", previous=previous, fields=sorted(previous))
    audit.record(actor, "update", "household", household.id, detail={"fields": sorted(changes)})
    db.session.commit()
    return household


def list_households(
    actor: Actor,
    *,
    q: str | None = None,
    community_id: int | None = None,
    status: str | None = None,
    flag: str | None = None,
    worker_id: int | None = None,
    page: int | None = None,
    per_page: int | None = None,
) -> Page:
    """Households in scope, by community, status, flag, worker, or words (address, a member's name, or an
    exact ID number). Lists show masked numbers only."""
    require(actor, "household.list")
    query = scope.households(actor).options(*list_options()).order_by(Household.id.desc())
    if community_id:
        query = query.where(Household.community_id == community_id)
    if status in {s.value for s in HouseholdStatus}:
        query = query.where(Household.status == status)
    if worker_id:
        query = query.where(Household.worker_id == worker_id)
    if flag in {f.value for f in Flag}:
        flagged = (
            sa.select(HouseholdMember.household_id)
            .join(MemberFlag, MemberFlag.member_id == HouseholdMember.id)
            .where(MemberFlag.flag == flag, HouseholdMember.left_on.is_(None))
        )
        query = query.where(Household.id.in_(flagged))
    words = clean_text(q, 100)
    if words:
        query = query.where(_matching(words))
    return paginate(query, page, per_page)


def _matching(words: str) -> sa.ColumnElement[bool]:
    """Households whose address or a member's name holds the words, or with a member of that exact ID number
    (its blind index: the number itself is encrypted).

    A name is looked for among the members of each household of the scope (EXISTS, by
    ix_household_members_household_id), never by reading every member of the district. The OFFSET 0 is for
    PostgreSQL, which would otherwise run the EXISTS as one hashed pass over all 200,000 members (600 ms at
    district scale against 24 ms); a substring search of two Chinese characters cannot use a trigram index."""
    by_name = (
        sa.select(HouseholdMember.id)
        .where(HouseholdMember.household_id == Household.id, HouseholdMember.name.icontains(words, autoescape=True))
        .offset(0)
        .exists()
    )
    by_number = sa.select(HouseholdMember.household_id).where(
        HouseholdMember.id_number_digest == blind_index(normalise_id_number(words))
    )
    return sa.or_(Household.address.icontains(words, autoescape=True), by_name, Household.id.in_(by_number))


def read_household(actor: Actor, household_id: int, *, purpose: str = "page") -> HouseholdFile:
    """Opens a file for reading. Every read is written to the audit log."""
    household = household_for(actor, household_id, *file_options())
    require(actor, "household.view", household)
    full = scope.may_see_full(actor, household)
    audit.record(actor, "view", "household", household.id, detail={"via": purpose, "full_numbers": full})
    commit_read()
    return HouseholdFile(household, full)


def get_household(actor: Actor, household_id: int) -> Household:
    """The household for an action on it (not a read of the file: that is `read_household`)."""
    household = household_for(actor, household_id, *file_options())
    require(actor, "household.view", household)
    return household


def household_history(actor: Actor, household: Household) -> list[HouseholdEvent]:
    require(actor, "household.view", household)
    return list(
        db.session.scalars(
            sa.select(HouseholdEvent)
            .where(HouseholdEvent.household_id == household.id)
            .options(selectinload(HouseholdEvent.actor))
            .order_by(HouseholdEvent.id.desc())
        )
    )


def close_household(actor: Actor, household_id: int, *, reason: str, on: date | None = None) -> Household:
    household = household_for(actor, household_id)
    require(actor, "household.update", household)
    writable(household)
    on = on or today()
    reason = clean_text(reason, 255)
    if not reason:
        raise_if({"reason": [_("Say why the file is closed.")]})
    household.status = HouseholdStatus.CLOSED.value
    household.closed_on = on
    household.closed_reason = reason
    event(household, actor, "closed", reason=reason)
    audit.record(actor, "update", "household", household.id, detail={"status": "closed"})
    db.session.commit()
    return household


def reopen_household(actor: Actor, household_id: int) -> Household:
    household = household_for(actor, household_id)
    require(actor, "household.update", household)
    if household.status != HouseholdStatus.CLOSED:
        raise_if({"_schema": [_("Only a closed (not archived) file can be reopened.")]})
    household.status = HouseholdStatus.ACTIVE.value
    household.closed_on = household.closed_reason = None
    event(household, actor, "reopened")
    audit.record(actor, "update", "household", household.id, detail={"status": "active"})
    db.session.commit()
    return household


def reveal(actor: Actor, household_id: int, member_id: int, *, reason: str = "") -> dict[str, str]:
    """The full ID, phone and disability certificate number of one member, for the household's worker and
    supervisor; audited."""
    household = household_for(actor, household_id, *file_options())
    require(actor, "household.reveal", household)
    member = _member_of(household, member_id)
    audit.record(
        actor, "reveal", "household", household.id, reason=clean_text(reason, 255) or None,
        detail={"member": member.id, "fields": ["id_number", "phone", "disability_certificate"]},
    )  # fmt: skip
    db.session.commit()
    return {
        "id_number": member.id_number or "",
        "phone": member.phone or "",
        "disability_certificate": member.disability_certificate or "",
    }


def who_looked(
    actor: Actor, household_id: int | HouseholdFile, page: int | None = None, per_page: int | None = None
) -> Page:
    """Who read, revealed or exported this household's data: the supervisor's "who looked" tab."""
    household = household_for(actor, household_id)
    require(actor, "household.who_looked", household)
    query = (
        sa.select(AuditEntry)
        .where(
            AuditEntry.object_type == "household",
            AuditEntry.object_id == str(household.id),
            AuditEntry.action.in_(("view", "reveal", "export")),
        )
        .order_by(AuditEntry.id.desc())
    )
    return paginate(query, page, per_page)
