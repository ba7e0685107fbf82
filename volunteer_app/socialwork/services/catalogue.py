"""The policy and resource catalogue, a household's benefits, and the prompts that point at possible gaps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from volunteer_app.core import audit
from volunteer_app.core.errors import Errors, Invalid, raise_if
from volunteer_app.core.lookup import find, search
from volunteer_app.core.pagination import Page, paginate
from volunteer_app.core.policy import Actor, require
from volunteer_app.core.text import clean_text
from volunteer_app.extensions import db
from volunteer_app.organisations.models import Team
from volunteer_app.socialwork import labels
from volunteer_app.socialwork.models import (
    Benefit,
    Consent,
    FollowUp,
    Household,
    Referral,
    Resource,
    Visit,
    WelfarePolicy,
)
from volunteer_app.socialwork.services.common import (
    choice,
)
from volunteer_app.socialwork.vocabulary import (
    OPEN_REFERRAL_STATUSES,
    BenefitStage,
    ConsentPurpose,
    Flag,
    FollowUpStatus,
    HouseholdType,
    Need,
    PolicyKind,
    ResourceKind,
)

# A household type implies the flag it is known by, for the prompts.
TYPE_FLAGS = {
    HouseholdType.DIBAO: Flag.DIBAO,
    HouseholdType.TEKUN: Flag.TEKUN,
    HouseholdType.DIBAO_EDGE: Flag.DIBAO_EDGE,
}


def list_policies(actor: Actor, *, q: str | None = None, flag: str | None = None, page: int | None = None,
                  per_page: int | None = None) -> Page:  # fmt: skip
    require(actor, "welfare_policy.view")
    query = search(sa.select(WelfarePolicy).order_by(WelfarePolicy.kind, WelfarePolicy.name), q,
                   WelfarePolicy.name, WelfarePolicy.department, WelfarePolicy.description)  # fmt: skip
    result = paginate(query, page, per_page)
    if flag:  # JSON lists are filtered here; the catalogue is short
        result.items[:] = [p for p in result.items if flag in (p.target_flags or [])]
    return result


def active_policies() -> list[WelfarePolicy]:
    return list(db.session.scalars(sa.select(WelfarePolicy).where(WelfarePolicy.active).order_by(WelfarePolicy.name)))


def _clean_flags(errors: Errors, field: str, values: object, allowed: type) -> list[str]:
    if not isinstance(values, list | tuple) or any(v not in {a.value for a in allowed} for v in values):
        errors[field] = [_("Choose from the list.")]
        return []
    return [a.value for a in allowed if a.value in set(values)]


def create_policy(actor: Actor, *, code: str, name: str, kind: str = PolicyKind.BENEFIT, department: str = "",
                  description: str = "", target_flags: list[str] | None = None) -> WelfarePolicy:  # fmt: skip
    require(actor, "welfare_policy.manage")
    errors: Errors = {}
    code, name = clean_text(code, 40).lower(), clean_text(name, 120)
    if not code:
        errors["code"] = [_("Give a short code.")]
    elif db.session.scalar(sa.select(WelfarePolicy.id).where(WelfarePolicy.code == code)):
        errors["code"] = [_("This code is taken.")]
    if not name:
        errors["name"] = [_("Give a name.")]
    elif db.session.scalar(sa.select(WelfarePolicy.id).where(WelfarePolicy.name == name)):
        errors["name"] = [_("A policy of this name is in the catalogue.")]
    kind = choice(errors, "kind", kind, PolicyKind, _("Choose a kind."))
    flags = _clean_flags(errors, "target_flags", target_flags or [], Flag)
    raise_if(errors)
    policy = WelfarePolicy(code=code, name=name, kind=kind, department=clean_text(department, 120),
                           description=clean_text(description, 4000), target_flags=flags)  # fmt: skip
    db.session.add(policy)
    db.session.flush()
    audit.record(actor, "create", "welfare_policy", policy.id, detail={"code": code})
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Invalid({"code": [_("This code is taken.")]}) from None
    return policy


def list_resources(actor: Actor, *, q: str | None = None, page: int | None = None,
                   per_page: int | None = None) -> Page:  # fmt: skip
    require(actor, "welfare_policy.view")
    query = search(sa.select(Resource).options(selectinload(Resource.team)).order_by(Resource.kind, Resource.name),
                   q, Resource.name, Resource.description)  # fmt: skip
    return paginate(query, page, per_page)


def active_resources() -> list[Resource]:
    return list(db.session.scalars(sa.select(Resource).where(Resource.active).order_by(Resource.name)))


def create_resource(actor: Actor, *, kind: str, name: str, team_id: int | None = None, description: str = "",
                    contact: str = "", helps_with: list[str] | None = None) -> Resource:  # fmt: skip
    require(actor, "welfare_policy.manage")
    errors: Errors = {}
    kind = choice(errors, "kind", kind, ResourceKind, _("Choose a kind."))
    name = clean_text(name, 120)
    if not name:
        errors["name"] = [_("Give a name.")]
    elif db.session.scalar(sa.select(Resource.id).where(Resource.name == name)):
        errors["name"] = [_("A resource of this name is in the catalogue.")]
    if kind == ResourceKind.VOLUNTEER_TEAM and find(Team, team_id) is None:
        errors["team_id"] = [_("Choose a registered volunteer team.")]
    needs = _clean_flags(errors, "helps_with", helps_with or [], Need)
    raise_if(errors)
    resource = Resource(kind=kind, name=name, team_id=team_id if kind == ResourceKind.VOLUNTEER_TEAM else None,
                        description=clean_text(description, 4000), contact=clean_text(contact, 120),
                        helps_with=needs)  # fmt: skip
    db.session.add(resource)
    db.session.flush()
    audit.record(actor, "create", "social_resource", resource.id, detail={"name": name})
    db.session.commit()
    return resource


def household_benefits(household: Household) -> list[Benefit]:
    return list(
        db.session.scalars(
            sa.select(Benefit)
            .where(Benefit.household_id == household.id)
            .options(selectinload(Benefit.policy))
            .order_by(Benefit.since.desc())
        )
    )


def quarter_start(on: date) -> date:
    return date(on.year, 3 * ((on.month - 1) // 3) + 1, 1)


@dataclass(frozen=True)
class Prompt:
    kind: str
    message: str
    level: str = "warning"


def _file_state(household_id: int, on: date) -> sa.Row:
    """What the prompts ask of the rows hanging off a file, in one query (each part reads an index by
    household): the last visit, overdue follow-ups, a consent for sensitive information in force, open
    referrals whose consent was withdrawn."""
    last_visit = sa.select(sa.func.max(Visit.visited_at)).where(Visit.household_id == household_id)
    overdue = sa.select(sa.func.count(FollowUp.id)).where(
        FollowUp.household_id == household_id, FollowUp.status == FollowUpStatus.OPEN, FollowUp.due_on < on
    )
    consent = sa.select(Consent.id).where(
        Consent.household_id == household_id,
        Consent.purpose == ConsentPurpose.SENSITIVE_INFO,
        Consent.withdrawn_at.is_(None),
    )
    orphaned = (
        sa.select(sa.func.count(Referral.id))
        .join(Consent, Consent.id == Referral.consent_id)
        .where(
            Referral.household_id == household_id,
            Referral.status.in_([s.value for s in OPEN_REFERRAL_STATUSES]),
            Consent.withdrawn_at.is_not(None),
        )
    )
    return db.session.execute(
        sa.select(
            last_visit.scalar_subquery().label("last_visit"),
            overdue.scalar_subquery().label("overdue"),
            consent.exists().label("consent"),
            orphaned.scalar_subquery().label("orphaned"),
        )
    ).one()


def prompts(household: Household, *, on: date, benefits: list[Benefit] | None = None) -> list[Prompt]:
    """Possible gaps in a file: a flagged member with no matching benefit recorded, a target household not
    visited this quarter, overdue follow-ups, no consent on file, an open referral whose consent is gone."""
    found: list[Prompt] = []
    benefits = household_benefits(household) if benefits is None else benefits
    covered = {b.policy_id for b in benefits if b.stage in (BenefitStage.APPLIED, BenefitStage.RECEIVED)}
    policies = active_policies()
    people: list[tuple[str, set[str]]] = [(m.name, set(m.flags)) for m in household.current_members]
    if household.household_type in TYPE_FLAGS:
        people.append((household.head_name, {TYPE_FLAGS[HouseholdType(household.household_type)].value}))
    seen: set[tuple[str, int]] = set()
    for name, flags in people:
        for policy in policies:
            if policy.kind != PolicyKind.BENEFIT or policy.id in covered or (name, policy.id) in seen:
                continue
            matching = flags & set(policy.target_flags or [])
            if matching:
                seen.add((name, policy.id))
                flag = labels.FLAG[Flag(sorted(matching)[0])]
                found.append(Prompt("benefit", _("%(name)s is flagged %(flag)s, but no %(policy)s is recorded.",
                                                 name=name, flag=flag, policy=policy.name)))  # fmt: skip
    state = _file_state(household.id, on)
    if household.is_target and household.status == "active":
        from volunteer_app.core.time import to_local

        if state.last_visit is None or to_local(state.last_visit).date() < quarter_start(on):
            found.append(Prompt("visit", _("A household in the target groups, not visited this quarter."), "danger"))
    if state.overdue:
        message = ngettext("%(num)d follow-up overdue.", "%(num)d follow-ups overdue.", state.overdue)
        found.append(Prompt("follow_up", message, "danger"))
    if not state.consent:
        found.append(Prompt("consent", _("No consent to keep sensitive information is on file."), "info"))
    if state.orphaned:
        found.append(Prompt("referral", _("Consent was withdrawn while a referral is still open: close it."), "danger"))
    return found


def policy_label(policy: WelfarePolicy) -> dict[str, Any]:
    return {"id": policy.id, "name": policy.name}
