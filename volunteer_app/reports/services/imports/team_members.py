"""Importing the members of one team: each row names a registered volunteer by mobile number, with a role and a
join date, and goes through the team page's own add_member."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from volunteer_app.core.errors import Errors
from volunteer_app.core.identity import normalise_phone
from volunteer_app.core.policy import Actor, can, require
from volunteer_app.organisations import services as org
from volunteer_app.organisations.models import MEMBER_ROLE_LABELS, MemberRole, Team
from volunteer_app.reports.services.imports.columns import Column, Row, choice_labels, choice_lookup, pick
from volunteer_app.reports.services.imports.common import Checked, Progress, bad_date, parse_date, trial

COLUMNS = (
    Column("phone", _l("Mobile phone"), 14, required=True, sample="13800138000"),
    Column("name", _l("Name"), 12, sample="张晓明", note=_l("For reading only: the mobile number finds the volunteer")),
    Column("role", _l("Role"), 10, sample=MEMBER_ROLE_LABELS[MemberRole.MEMBER],
           choices=choice_labels(MEMBER_ROLE_LABELS)),
    Column("joined_on", _l("Joined on"), 12, sample="2025-03-01", note=_l("Empty: today")),
)  # fmt: skip

FIELDS = {"volunteer_id": "phone"}


def may_import(actor: Actor, team: Team | None) -> None:
    require(actor, "import.team_members", team)


def describe(row: Row) -> str:
    return " ".join(part for part in (row["name"], row["phone"]) if part)


def _arguments(checked: Checked, row: Row, roles: dict[str, str], leaders_allowed: bool) -> dict[str, Any] | None:
    before = len(checked.problems)
    role = pick(roles, row["role"]) if row["role"] else MemberRole.MEMBER.value
    joined_on = None
    if row["joined_on"]:
        joined_on = parse_date(row["joined_on"])
        if joined_on is None:
            checked.add(row.number, "joined_on", bad_date())
    if role == MemberRole.LEADER and not leaders_allowed:
        checked.add(row.number, "role", _("Only the Youth League staff can make a member a leader."))
    if len(checked.problems) > before:
        return None
    return {"phone": row["phone"], "role": role, "joined_on": joined_on}


def check(actor: Actor, rows: Sequence[Row], progress: Progress, team: Team | None = None) -> Checked:
    may_import(actor, team)
    team_id = team.id
    roles = choice_lookup(MEMBER_ROLE_LABELS)
    leaders_allowed = can(actor, "team.leaders.manage", team)
    checked = Checked()
    first_with_phone: dict[str, int] = {}
    for done, row in enumerate(rows, start=1):
        arguments = _arguments(checked, row, roles, leaders_allowed)
        phone = normalise_phone(row["phone"])
        if phone and phone in first_with_phone:
            checked.add(row.number, "phone", _("The same mobile number as row %(row)d.", row=first_with_phone[phone]))
            arguments = None
        first_with_phone.setdefault(phone, row.number)
        if arguments is not None:
            errors: Errors = trial(lambda a=arguments: org.add_member(actor, team_id, **a, commit=False))
            checked.add_errors(row.number, errors, FIELDS)
            if not errors:
                checked.good.append((row, arguments))
        if done % 50 == 0:
            progress(done)
    progress(len(rows))
    return checked


def write(
    actor: Actor, good: Sequence[tuple[Row, dict[str, Any]]], progress: Progress, team: Team | None = None
) -> int:
    team_id = team.id
    for done, (_row, arguments) in enumerate(good, start=1):
        org.add_member(actor, team_id, **arguments, commit=False)
        if done % 50 == 0:
            progress(done)
    return len(good)
