"""Registering volunteers: the ID-number rules, the guardian of a minor, and the account a registration opens."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from volunteer_app.accounts import services as accounts
from volunteer_app.accounts.models import Role, User
from volunteer_app.core import audit
from volunteer_app.core.crypto import blind_index
from volunteer_app.core.errors import Errors, Invalid, raise_if
from volunteer_app.core.identity import (
    IdNumberError,
    is_mainland_mobile,
    mask_id_number,
    mask_phone,
    normalise_phone,
    parse_id_number,
)
from volunteer_app.core.lookup import find
from volunteer_app.core.policy import SYSTEM, Actor, require
from volunteer_app.core.text import clean_text
from volunteer_app.core.time import today, utcnow
from volunteer_app.extensions import db
from volunteer_app.organisations.models import (
    Availability,
    Community,
    PoliticalStatus,
    VolunteerProfile,
)
from volunteer_app.organisations.services.common import (
    ADULT_AGE,
)


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


def validate_profile(
    errors: Errors,
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
    taken_phones: Collection[str] | None = None,
    name_taken_phone: bool = True,
) -> dict[str, Any]:
    """Shared by registration and editing; `partial` checks only the fields given (not None). `taken_phones`: the
    registered numbers among those being checked, which an import looks up for thousands of rows at once.
    `name_taken_phone=False` (a stranger's registration): a registered phone is not a field error but
    `clean["known_person"]`, answered with the same words as a registered ID number (`known_person_message`)."""
    clean: dict[str, Any] = {}
    if name is not None or not partial:
        clean["name"] = clean_text(name)
        if not clean["name"]:
            errors["name"] = [_("Give your real name.")]
        elif len(clean["name"]) > 80:
            errors["name"] = [_("Use at most %(n)d characters.", n=80)]
    if phone is not None or not partial:
        clean["phone"] = normalise_phone(phone)
        if not is_mainland_mobile(clean["phone"]):
            errors["phone"] = [_("Give an 11-digit mainland mobile number.")]
        elif taken_phones is not None:
            if clean["phone"] in taken_phones:
                errors["phone"] = [_("This phone number is already registered.")]
        else:
            taken = sa.select(VolunteerProfile.id).where(VolunteerProfile.phone == clean["phone"])
            if exclude_profile is not None:
                taken = taken.where(VolunteerProfile.id != exclude_profile)
            other_user = sa.select(User.id).where(User.phone == clean["phone"])
            if check_phone_owner is not None:
                other_user = other_user.where(User.id != check_phone_owner)
            if db.session.scalar(taken) or (check_phone_owner is not None and db.session.scalar(other_user)):
                if name_taken_phone:
                    errors["phone"] = [_("This phone number is already registered.")]
                else:
                    clean["known_person"] = True
    if political_status is not None or not partial:
        if political_status not in set(PoliticalStatus):
            errors["political_status"] = [_("Choose a political status from the list.")]
        clean["political_status"] = political_status
    if community_id is not None or not partial:
        if find(Community, community_id) is None:
            errors["community_id"] = [_("Choose your home community from the list.")]
        clean["community_id"] = community_id
    if skills is not None:
        clean["skills"] = list(dict.fromkeys(clean_text(s, 30) for s in skills if clean_text(s)))
        if len(clean["skills"]) > 20:
            errors["skills"] = [_("List at most 20 skills.")]
    if availability is not None:
        if not set(availability) <= set(Availability):
            errors["availability"] = [_("Choose availability from the list.")]
        clean["availability"] = [a.value for a in Availability if a in set(availability)]
    return clean


def validate_guardian(errors: Errors, guardian: Guardian | None) -> Guardian:
    """A volunteer under 18 gives a guardian's name, mobile number and consent."""
    guardian = guardian or Guardian()
    name, phone = clean_text(guardian.name, 80), normalise_phone(guardian.phone)
    if not name:
        errors["guardian.name"] = [_("A volunteer under 18 needs a guardian: give the guardian's name.")]
    if not is_mainland_mobile(phone):
        errors["guardian.phone"] = [_("Give the guardian's 11-digit mainland mobile number.")]
    if guardian.consent is not True:
        errors["guardian.consent"] = [_("A volunteer under 18 needs their guardian's consent.")]
    return Guardian(name, phone, guardian.consent is True)


def parse_id_field(errors: Errors, id_number: str | None, on: date):
    """The ID number read (sex, birth date), or None with the reason under "id_number" (imports check with it too)."""
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


def known_person_message() -> str:
    """What a stranger registering is told when the ID number or the phone number is already registered: the same
    words for either, naming neither, so the form cannot be used to learn who is registered."""
    return _(
        "If this person is already registered, log in (with the phone number or username) or ask the Youth League "
        "staff for help."
    )


def _commit_registration(*, by_stranger: bool = False) -> None:
    """Commits a registration; a concurrent one that won a unique key first gets the same message as a check
    before writing would have given."""
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        text = str(error.orig)
        if "username" in text:
            raise Invalid({"username": [_("This username is taken.")]}) from None
        if by_stranger:
            raise Invalid({"_schema": [known_person_message()]}) from None
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
    errors: Errors = {}
    info = parse_id_field(errors, id_number, on)
    clean = validate_profile(
        errors,
        name=name,
        phone=phone,
        political_status=political_status,
        community_id=community_id,
        skills=skills or [],
        availability=availability or [],
        check_phone_owner=user.id,
        name_taken_phone=actor is not None,
    )
    if (info is not None and db.session.scalar(
        sa.select(VolunteerProfile.id).where(VolunteerProfile.id_number_digest == blind_index(info.number))
    )) or clean.get("known_person"):  # fmt: skip
        # A person registering themself (actor None) is not told which number is registered.
        errors.update(
            {"_schema": [known_person_message()]} if actor is None else {"id_number": [_duplicate_id_message()]}
        )
    if user.id is not None and db.session.scalar(
        sa.select(VolunteerProfile.id).where(VolunteerProfile.user_id == user.id)
    ):
        errors["_schema"] = [_("This account already has a volunteer profile.")]
    minor = info is not None and info.age_on(on) < ADULT_AGE
    checked_guardian = validate_guardian(errors, guardian) if minor else None
    raise_if(errors)
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
        accounts.grant_role(actor if actor is not None else user, user, accounts.RoleSpec(Role.VOLUNTEER.value))
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
    stranger = actor is None  # staff registering someone may be told which number is taken; a stranger may not
    errors: Errors = {}
    info = parse_id_field(errors, id_number, on)
    clean = validate_profile(
        errors,
        name=name,
        phone=phone,
        political_status=political_status,
        community_id=community_id,
        skills=skills or [],
        availability=availability or [],
        check_phone_owner=-1,
        name_taken_phone=not stranger,
    )
    known_id = info is not None and db.session.scalar(
        sa.select(VolunteerProfile.id).where(VolunteerProfile.id_number_digest == blind_index(info.number))
    )
    if stranger and (known_id or clean.get("known_person")):
        errors["_schema"] = [known_person_message()]
    elif known_id:
        errors["id_number"] = [_duplicate_id_message()]
    if info is not None and info.age_on(on) < ADULT_AGE:
        validate_guardian(errors, guardian)
    user = None
    try:
        user = accounts.create_user(
            SYSTEM,
            username=username,
            password=password,
            display_name=name,
            phone=normalise_phone(phone) if "phone" not in errors and "_schema" not in errors else None,
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
    _commit_registration(by_stranger=stranger)
    return profile
