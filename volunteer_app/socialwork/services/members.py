"""Members of a household file: adding, changing, the head, leaving and moving, keeping the history."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from volunteer_app.core import audit
from volunteer_app.core.crypto import blind_index
from volunteer_app.core.errors import Errors, raise_if
from volunteer_app.core.identity import (
    IdNumberError,
    is_mainland_mobile,
    normalise_id_number,
    normalise_phone,
    parse_id_number,
)
from volunteer_app.core.policy import Actor, require
from volunteer_app.core.text import clean_text
from volunteer_app.core.time import today
from volunteer_app.extensions import db
from volunteer_app.socialwork.models import Household, HouseholdMember, MemberFlag
from volunteer_app.socialwork.services.common import (
    choice,
    event,
    file_options,
    household_for,
    writable,
)
from volunteer_app.socialwork.vocabulary import DisabilityType, Flag, HouseholdStatus, Relation

LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
MEMBER_FIELDS = (
    "name", "relation", "id_number", "phone", "flags", "sex", "birth_date", "disability_type", "disability_grade",
    "disability_certificate", "other_flag_note", "health_notes", "insurance_notes",
)  # fmt: skip


# ---------------------------------------------------------------------------------------------- members


def _clean_member(errors: Errors, data: dict[str, Any], prefix: str, on: date) -> dict[str, Any]:
    """Checks one member's fields; messages go under `prefix + field` (e.g. "members.0.id_number")."""
    out: dict[str, Any] = {}
    if "name" in data:
        out["name"] = clean_text(data.get("name"))
        if not out["name"] or len(out["name"]) > 80:
            errors[prefix + "name"] = [_("Give a name of 1 to 80 characters.")]
    if "relation" in data:
        out["relation"] = choice(errors, prefix + "relation", data.get("relation"), Relation, _("Choose a relation."))
    if "id_number" in data:
        raw = normalise_id_number(data.get("id_number"))
        out["id_number"] = raw or None
        if raw:
            try:
                info = parse_id_number(raw, today=on)
            except IdNumberError as error:
                errors[prefix + "id_number"] = [
                    {
                        "format": _("An ID number has 17 digits and a final digit or X."),
                        "birth_date": _("The birth date in this ID number is not a real date."),
                        "check_digit": _("This ID number's last character does not match; check it."),
                    }[error.reason]
                ]
            else:
                out["sex"], out["birth_date"] = info.sex, info.birth_date
    if "sex" in data and "sex" not in out:
        out["sex"] = data.get("sex") or None
        if out["sex"] not in (None, "M", "F"):
            errors[prefix + "sex"] = [_("Choose male or female.")]
    if "birth_date" in data and "birth_date" not in out:
        out["birth_date"] = data.get("birth_date") or None
        if out["birth_date"] is not None and (not isinstance(out["birth_date"], date) or out["birth_date"] > on):
            errors[prefix + "birth_date"] = [_("Give a birth date that is not in the future.")]
    if "phone" in data:
        phone = normalise_phone(data.get("phone"))
        out["phone"] = phone or None
        if phone and not (is_mainland_mobile(phone) or LANDLINE_RE.match(phone)):
            errors[prefix + "phone"] = [_("Give an 11-digit mobile number or a landline with its area code.")]
    if "flags" in data:
        flags = data.get("flags") or []
        allowed = {f.value for f in Flag}
        if not isinstance(flags, list | tuple) or any(flag not in allowed for flag in flags):
            errors[prefix + "flags"] = [_("Choose flags from the list.")]
            flags = []
        out["flags"] = sorted(set(flags))
    if "disability_type" in data:
        out["disability_type"] = choice(
            errors, prefix + "disability_type", data.get("disability_type"), DisabilityType,
            _("Choose a type of disability."), optional=True,
        )  # fmt: skip
    if "disability_grade" in data:
        grade = data.get("disability_grade")
        out["disability_grade"] = grade if grade not in ("", None) else None
        if out["disability_grade"] is not None and out["disability_grade"] not in (1, 2, 3, 4):
            errors[prefix + "disability_grade"] = [_("The grade is 1 (most severe) to 4.")]
    for key, limit in (("disability_certificate", 40), ("other_flag_note", 200)):
        if key in data:
            out[key] = clean_text(data.get(key), limit) or (None if key == "disability_certificate" else "")
    for key in ("health_notes", "insurance_notes"):
        if key in data:
            out[key] = clean_text(data.get(key), 2000)
    if Flag.DISABILITY in out.get("flags", ()) and not (out.get("disability_type") and out.get("disability_grade")):
        errors.setdefault(prefix + "disability_type", []).append(
            _("For a member flagged with a disability, give the type and grade of the disability.")
        )
    return out


def _check_not_on_file(errors: Errors, field: str, id_number: str | None, except_member: int | None = None) -> None:
    """One person, one current place in an active file. The message names no household."""
    if not id_number:
        return
    query = (
        sa.select(HouseholdMember.id)
        .join(HouseholdMember.household)
        .where(
            HouseholdMember.id_number_digest == blind_index(id_number),
            HouseholdMember.left_on.is_(None),
            Household.status == HouseholdStatus.ACTIVE,
        )
    )
    if except_member is not None:
        query = query.where(HouseholdMember.id != except_member)
    if db.session.scalar(query.limit(1)):
        errors[field] = [_("This person is already a member of an active household file. Move them instead.")]


def _stored(member: HouseholdMember, key: str) -> Any:
    """A member's field as `_clean_member` gives it, so an edit's old and new values compare."""
    return sorted(member.flags) if key == "flags" else getattr(member, key)


def _apply_member(member: HouseholdMember, values: dict[str, Any]) -> None:
    for key, value in values.items():
        if key == "flags":
            member.flag_rows = [MemberFlag(flag=flag) for flag in value]
        else:
            setattr(member, key, value)


def _member_of(household: Household, member_id: object) -> HouseholdMember:
    member = next((m for m in household.members if m.id == member_id), None)
    if member is None:
        from volunteer_app.core.errors import NotFound

        raise NotFound(_("No such member in this household."))
    return member


def add_member(actor: Actor, household_id: int, data: dict[str, Any], on: date | None = None) -> HouseholdMember:
    household = household_for(actor, household_id, *file_options())
    require(actor, "household.update", household)
    writable(household)
    on = on or today()
    errors: Errors = {}
    values = _clean_member(errors, {key: data.get(key) for key in MEMBER_FIELDS if key in data}, "", on)
    for key in ("name", "relation"):
        if key not in data:
            errors[key] = [_("This field is required.")]
    if values.get("relation") == Relation.HEAD and household.head is not None:
        errors["relation"] = [_("The household has a head. To change it, use “Change the head of the household”.")]
    _check_not_on_file(errors, "id_number", values.get("id_number"))
    raise_if(errors)
    member = HouseholdMember(household=household, joined_on=on)
    _apply_member(member, values)
    db.session.add(member)
    db.session.flush()
    event(household, actor, "member_added", member_id=member.id, relation=member.relation)
    audit.record(actor, "update", "household", household.id, detail={"added_member": member.id})
    db.session.commit()
    return member


def update_member(actor: Actor, household_id: int, member_id: int, data: dict[str, Any]) -> HouseholdMember:
    household = household_for(actor, household_id, *file_options())
    require(actor, "household.update", household)
    writable(household)
    member = _member_of(household, member_id)
    errors: Errors = {}
    data = {key: data[key] for key in MEMBER_FIELDS if key in data}
    if "relation" in data and (data["relation"] == Relation.HEAD) != (member.relation == Relation.HEAD):
        errors["relation"] = [_("Use “Change the head of the household” to name another head.")]
    merged = dict(data)
    if "flags" in merged:  # the disability details are checked against the stored ones when not given
        for key in ("disability_type", "disability_grade"):
            merged.setdefault(key, getattr(member, key))
    values = _clean_member(errors, merged, "", today())
    _check_not_on_file(errors, "id_number", values.get("id_number"), except_member=member.id)
    raise_if(errors)
    previous = {key: _stored(member, key) for key, value in values.items() if _stored(member, key) != value}
    _apply_member(member, values)
    if previous:
        event(household, actor, "member_updated", previous=previous, member_id=member.id, fields=sorted(previous))
    audit.record(actor, "update", "household_member", member.id, detail={"fields": sorted(data)})
    db.session.commit()
    return member


def change_head(actor: Actor, household_id: int, member_id: int, previous_head_relation: str = "other") -> Household:
    """Makes another current member the head; the old head stays with a new relation, and the change is kept."""
    household = household_for(actor, household_id, *file_options())
    require(actor, "household.update", household)
    writable(household)
    member = _member_of(household, member_id)
    errors: Errors = {}
    if not member.is_current:
        errors["member_id"] = [_("This person no longer lives in the household.")]
    elif member.relation == Relation.HEAD:
        errors["member_id"] = [_("This member is already the head.")]
    relation = choice(errors, "previous_head_relation", previous_head_relation, Relation, _("Choose a relation."))
    if relation == Relation.HEAD:
        errors["previous_head_relation"] = [_("The previous head needs another relation.")]
    raise_if(errors)
    old = household.head
    if old is not None:
        old.relation = relation
        db.session.flush()  # the one-current-head index sees the old head step down first
    old_relation = member.relation
    member.relation = Relation.HEAD.value
    event(
        household, actor, "head_changed",
        old_head=old.id if old else None, new_head=member.id, new_head_was=old_relation, old_head_now=relation,
    )  # fmt: skip
    audit.record(actor, "update", "household", household.id, detail={"head": member.id})
    db.session.commit()
    return household


def member_leaves(
    actor: Actor, household_id: int, member_id: int, *, reason: str, on: date | None = None
) -> HouseholdMember:
    household = household_for(actor, household_id, *file_options())
    require(actor, "household.update", household)
    writable(household)
    member = _member_of(household, member_id)
    on = on or today()
    errors: Errors = {}
    if not member.is_current:
        errors["member_id"] = [_("This person no longer lives in the household.")]
    elif member.relation == Relation.HEAD:
        errors["member_id"] = [_("Make someone else the head first.")]
    if not clean_text(reason):
        errors["reason"] = [_("Say why the member left.")]
    raise_if(errors)
    member.left_on = max(on, member.joined_on)
    member.left_reason = clean_text(reason, 200)
    event(household, actor, "member_left", member_id=member.id, reason=member.left_reason)
    audit.record(actor, "update", "household", household.id, detail={"member_left": member.id})
    db.session.commit()
    return member


def move_member(
    actor: Actor, household_id: int, member_id: int, *, to_household_id: int, relation: str, on: date | None = None
) -> HouseholdMember:
    """Moves a member to another household in the user's scope. The old row is ended (not deleted) and points
    at the new one, so both files keep the history."""
    household = household_for(actor, household_id, *file_options())
    require(actor, "household.update", household)
    writable(household)
    member = _member_of(household, member_id)
    on = on or today()
    errors: Errors = {}
    target = None
    if to_household_id == household.id:
        errors["to_household_id"] = [_("Choose another household.")]
    else:
        try:
            target = household_for(actor, to_household_id, *file_options())
            if target.status != HouseholdStatus.ACTIVE:
                errors["to_household_id"] = [_("That household's file is closed.")]
        except Exception:  # NotFound: the same answer as for a household that does not exist
            errors["to_household_id"] = [_("No such household file.")]
    if not member.is_current:
        errors["member_id"] = [_("This person no longer lives in the household.")]
    elif member.relation == Relation.HEAD:
        errors["member_id"] = [_("Make someone else the head first.")]
    relation = choice(errors, "relation", relation, Relation, _("Choose a relation."))
    if relation == Relation.HEAD and target is not None and target.head is not None:
        errors["relation"] = [_("That household has a head already.")]
    raise_if(errors)
    moved = HouseholdMember(household=target, joined_on=on, relation=relation)
    for key in MEMBER_FIELDS:
        if key not in ("relation", "flags"):
            setattr(moved, key, getattr(member, key))
    moved.flag_rows = [MemberFlag(flag=flag) for flag in member.flags]
    db.session.add(moved)
    db.session.flush()
    member.left_on = max(on, member.joined_on)
    member.left_reason = _("Moved to household %(id)d", id=target.id)
    member.moved_to_member_id = moved.id
    event(household, actor, "member_moved_out", member_id=member.id, to_household=target.id)
    event(target, actor, "member_moved_in", member_id=moved.id, from_household=household.id)
    audit.record(actor, "update", "household", household.id, detail={"moved_member": member.id, "to": target.id})
    db.session.commit()
    return moved
