"""Importing volunteers: each row checked with registration's own rules (the GB 11643 ID number, the profile
fields, a minor's guardian), against the registered volunteers and the other rows in a few set-based queries, and
written in batches of INSERTs.

An imported volunteer's account has no usable password (NO_PASSWORD is no Werkzeug hash, so no password matches
it): nobody chose one, and none can be mailed. The account holds the volunteer role and the profile, so leaders can
add them to teams and sign them up; the person logs in once staff give the account a password."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from volunteer_app.accounts.models import Role, RoleGrant, User
from volunteer_app.core.crypto import blind_index
from volunteer_app.core.errors import Errors
from volunteer_app.core.identity import normalise_phone
from volunteer_app.core.policy import Actor, require
from volunteer_app.core.time import today, utcnow
from volunteer_app.extensions import db
from volunteer_app.organisations.models import AVAILABILITY_LABELS, POLITICAL_STATUS_LABELS, VolunteerProfile
from volunteer_app.organisations.services.common import ADULT_AGE
from volunteer_app.organisations.services.registration import (
    Guardian,
    parse_id_field,
    validate_guardian,
    validate_profile,
)
from volunteer_app.reports.services.imports.columns import (
    Column,
    Row,
    choice_labels,
    choice_lookup,
    normalised,
    pick,
    pick_many,
    split_list,
    yes,
)
from volunteer_app.reports.services.imports.common import (
    Checked,
    Progress,
    chunks,
    community_lookup,
    community_names,
    existing,
    unknown_community,
)

NO_PASSWORD = "!imported"  # not a password hash: check_password_hash refuses every password against it

COLUMNS = (
    Column("name", _l("Name"), 12, required=True, sample="张晓明"),
    Column("id_number", _l("ID number"), 22, required=True, sample="440605200001011231"),
    Column("phone", _l("Mobile phone"), 14, required=True, sample="13800138000"),
    Column(
        "political_status", _l("Political status"), 18, required=True,
        sample=POLITICAL_STATUS_LABELS["league_member"], choices=choice_labels(POLITICAL_STATUS_LABELS),
    ),
    Column("community", _l("Village or community"), 16, required=True, choices=community_names),
    Column("skills", _l("Skills"), 20, sample="急救、摄影", note=_l("Separate several with 、")),
    Column("availability", _l("Availability"), 20, note=_l("Separate several with 、")),
    Column("guardian_name", _l("Guardian's name"), 12, note=_l("Only for a volunteer under 18")),
    Column("guardian_phone", _l("Guardian's mobile phone"), 14),
    Column("guardian_consent", _l("Guardian consents"), 10, choices=lambda: [_("Yes"), _("No")]),
)  # fmt: skip

# A service's field name -> the column that holds it.
FIELDS = {"community_id": "community", "guardian.name": "guardian_name", "guardian.phone": "guardian_phone",
          "guardian.consent": "guardian_consent"}  # fmt: skip


def may_import(actor: Actor, team: Any = None) -> None:
    require(actor, "import.volunteers")


def describe(row: Row) -> str:
    return row["name"]


def check(actor: Actor, rows: Sequence[Row], progress: Progress, team: Any = None) -> Checked:
    """Every row through registration's validators; duplicates among the rows and against the registered
    volunteers found with one query per few hundred rows."""
    may_import(actor)
    on = today()
    communities = community_lookup()
    statuses, availabilities = choice_lookup(POLITICAL_STATUS_LABELS), choice_lookup(AVAILABILITY_LABELS)
    checked = Checked()
    parsed = []
    first_with_id: dict[str, int] = {}
    first_with_phone: dict[str, int] = {}
    phones = [normalise_phone(row["phone"]) for row in rows]
    taken_phones = existing(VolunteerProfile.phone, phones) | existing(User.phone, phones)
    for done, row in enumerate(rows, start=1):
        errors: Errors = {}
        info = parse_id_field(errors, row["id_number"], on)
        community_id = communities.get(normalised(row["community"]))
        clean = validate_profile(
            errors,
            name=row["name"],
            phone=row["phone"],
            political_status=pick(statuses, row["political_status"]),
            community_id=community_id,
            skills=split_list(row["skills"]),
            availability=pick_many(availabilities, row["availability"]),
            taken_phones=taken_phones,  # of volunteers and of any account: a new account takes the number too
        )
        if community_id is None:
            errors["community_id"] = [unknown_community(row["community"])]
        guardian = None
        if info is not None and info.age_on(on) < ADULT_AGE:
            given = Guardian(row["guardian_name"], row["guardian_phone"], yes(row["guardian_consent"]))
            guardian = validate_guardian(errors, given)
        digest = blind_index(info.number) if info is not None else None
        if digest and digest in first_with_id:
            errors["id_number"] = [_("The same ID number as row %(row)d.", row=first_with_id[digest])]
        elif digest:
            first_with_id[digest] = row.number
        phone = normalise_phone(row["phone"])
        if "phone" not in errors and phone in first_with_phone:
            errors["phone"] = [_("The same mobile number as row %(row)d.", row=first_with_phone[phone])]
        elif phone:
            first_with_phone.setdefault(phone, row.number)
        checked.add_errors(row.number, errors, FIELDS)
        if not errors:
            parsed.append((row, {**clean, "info": info, "digest": digest, "guardian": guardian}))
        if done % 200 == 0:
            progress(done)
    registered = existing(VolunteerProfile.id_number_digest, (v["digest"] for _r, v in parsed))
    for row, values in parsed:
        if values["digest"] in registered:
            checked.add(row.number, "id_number", _("A volunteer with this ID number is already registered."))
        else:
            checked.good.append((row, values))
    progress(len(rows))
    return checked


def _usernames(phones: Sequence[str]) -> list[str]:
    """v + the phone number (people log in with the phone anyway); a random tail where that is taken."""
    wanted = [f"v{phone}" for phone in phones]
    taken = {name.lower() for name in existing(sa.func.lower(User.username), (w.lower() for w in wanted))}
    return [f"{w}-{secrets.token_hex(3)}" if w.lower() in taken else w for w in wanted]


def write(actor: Actor, good: Sequence[tuple[Row, dict[str, Any]]], progress: Progress, team: Any = None) -> int:
    """Accounts, volunteer roles and profiles, a few INSERT statements per batch, in the caller's transaction."""
    may_import(actor)
    done = 0
    now = utcnow()
    for batch in chunks(good):
        values = [v for _row, v in batch]
        names = _usernames([v["phone"] for v in values])
        user_ids = db.session.scalars(
            sa.insert(User).returning(User.id, sort_by_parameter_order=True),
            [
                {"username": name, "display_name": v["name"], "phone": v["phone"], "password_hash": NO_PASSWORD}
                for name, v in zip(names, values, strict=True)
            ],
        ).all()
        db.session.execute(sa.insert(RoleGrant), [{"user_id": uid, "role": Role.VOLUNTEER.value} for uid in user_ids])
        db.session.execute(
            sa.insert(VolunteerProfile),
            [
                {
                    "user_id": uid,
                    "name": v["name"],
                    "phone": v["phone"],
                    "id_number": v["info"].number,
                    "id_number_digest": v["digest"],
                    "sex": v["info"].sex,
                    "birth_date": v["info"].birth_date,
                    "political_status": v["political_status"],
                    "community_id": v["community_id"],
                    "skills": v["skills"],
                    "availability": v["availability"],
                    "guardian_name": v["guardian"].name if v["guardian"] else None,
                    "guardian_phone": v["guardian"].phone if v["guardian"] else None,
                    "guardian_consent_at": now if v["guardian"] else None,
                }
                for uid, v in zip(user_ids, values, strict=True)
            ],
        )
        done += len(batch)
        progress(done)
    return done
