"""Consent (who gave it, when, for what, how; withdrawable) and referrals 转介, which need it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from volunteer_app.core import audit
from volunteer_app.core.errors import Errors, NotFound, raise_if
from volunteer_app.core.ids import valid_id
from volunteer_app.core.lookup import find
from volunteer_app.core.policy import Actor, require
from volunteer_app.core.text import clean_text
from volunteer_app.core.time import utcnow
from volunteer_app.extensions import db
from volunteer_app.organisations.models import Team
from volunteer_app.socialwork.models import Consent, Household, Referral, Resource, Visit
from volunteer_app.socialwork.services import uploads
from volunteer_app.socialwork.services.common import (
    HouseholdFile,
    choice,
    event,
    household_for,
    writable,
)
from volunteer_app.socialwork.vocabulary import ConsentMethod, ConsentPurpose, Need, ReferralStatus, ReferralTarget

# Which status may follow which; closed and declined are final.
NEXT_STATUS = {
    ReferralStatus.REQUESTED: {ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.CLOSED},
    ReferralStatus.ACCEPTED: {ReferralStatus.IN_PROGRESS, ReferralStatus.CLOSED},
    ReferralStatus.IN_PROGRESS: {ReferralStatus.CLOSED},
    ReferralStatus.CLOSED: set(),
    ReferralStatus.DECLINED: set(),
}


def active_consent(household_id: int, purpose: str) -> Consent | None:
    return db.session.scalar(
        sa.select(Consent)
        .where(Consent.household_id == household_id, Consent.purpose == purpose, Consent.withdrawn_at.is_(None))
        .order_by(Consent.given_at.desc())
        .limit(1)
    )


def list_consents(actor: Actor, household_id: int | HouseholdFile) -> list[Consent]:
    household = household_for(actor, household_id)
    require(actor, "consent.manage", household)
    return list(
        db.session.scalars(
            sa.select(Consent)
            .where(Consent.household_id == household.id)
            .options(selectinload(Consent.member), selectinload(Consent.recorded_by), selectinload(Consent.scans))
            .order_by(Consent.given_at.desc())
        )
    )


def record_consent(
    actor: Actor,
    household_id: int,
    *,
    purpose: str,
    method: str,
    given_at: datetime | None = None,
    member_id: int | None = None,
    given_by: str = "",
    witness: str = "",
    scan: uploads.Upload | None = None,
    now: datetime | None = None,
) -> Consent:
    household = household_for(actor, household_id)
    require(actor, "consent.manage", household)
    writable(household)
    now = now or utcnow()
    errors: Errors = {}
    purpose = choice(errors, "purpose", purpose, ConsentPurpose, _("Choose what the consent is for."))
    method = choice(errors, "method", method, ConsentMethod, _("Choose how consent was given."))
    member = None
    if member_id not in (None, ""):
        member = next((m for m in household.members if m.id == member_id and m.left_on is None), None)
        if member is None:
            errors["member_id"] = [_("Choose a member of this household.")]
    given_by = clean_text(given_by, 80) or (member.name if member else "")
    if not given_by:
        errors["given_by"] = [_("Say who gave consent.")]
    witness = clean_text(witness, 80)
    if method == ConsentMethod.VERBAL and not witness:
        errors["witness"] = [_("Verbal consent needs a witness.")]
    given_at = given_at or now
    if given_at > now + timedelta(minutes=5):
        errors["given_at"] = [_("Consent cannot be given in the future.")]
    if scan is not None:
        uploads.check_uploads(errors, "scan", [scan])
    raise_if(errors)
    consent = Consent(
        household_id=household.id,
        member_id=member.id if member else None,
        given_by=given_by,
        given_at=given_at,
        purpose=purpose,
        method=method,
        witness=witness or None,
        recorded_by_id=getattr(actor, "id", None),
    )
    db.session.add(consent)
    db.session.flush()
    if scan is not None:
        uploads.store(actor, household, scan, consent_id=consent.id)
    event(household, actor, "consent_given", consent=consent.id, purpose=purpose)
    audit.record(actor, "create", "consent", consent.id, detail={"household": household.id, "purpose": purpose})
    db.session.commit()
    return consent


def withdraw_consent(
    actor: Actor, household_id: int, consent_id: int, *, reason: str = "", now: datetime | None = None
) -> Consent:
    household = household_for(actor, household_id)
    require(actor, "consent.manage", household)
    consent = find(Consent, consent_id)
    if consent is None or consent.household_id != household.id:
        raise NotFound(_("No such consent."))
    if consent.withdrawn_at is not None:
        raise_if({"_schema": [_("This consent was already withdrawn.")]})
    consent.withdrawn_at = max(now or utcnow(), consent.given_at)
    consent.withdrawn_reason = clean_text(reason, 255) or None
    event(household, actor, "consent_withdrawn", consent=consent.id, purpose=consent.purpose)
    audit.record(actor, "update", "consent", consent.id, detail={"withdrawn": True, "household": household.id})
    db.session.commit()
    return consent


# ---------------------------------------------------------------------------------------------- referrals


def list_referrals(actor: Actor, household_id: int | HouseholdFile) -> list[Referral]:
    household = household_for(actor, household_id)
    require(actor, "referral.manage", household)
    return list(
        db.session.scalars(
            sa.select(Referral)
            .where(Referral.household_id == household.id)
            .options(
                selectinload(Referral.resource),
                selectinload(Referral.team),
                selectinload(Referral.consent),
                selectinload(Referral.event),
            )
            .order_by(Referral.id.desc())
        )
    )


def create_referral(
    actor: Actor,
    household_id: int,
    *,
    target_kind: str,
    reason: str,
    department: str = "",
    resource_id: int | None = None,
    team_id: int | None = None,
    need: str | None = None,
    visit_id: int | None = None,
    now: datetime | None = None,
) -> Referral:
    """Refers the household on. Sharing its information needs the household's consent for referrals."""
    household = household_for(actor, household_id)
    require(actor, "referral.manage", household)
    writable(household)
    errors: Errors = {}
    target_kind = choice(errors, "target_kind", target_kind, ReferralTarget, _("Choose where to refer to."))
    fields: dict[str, Any] = {}
    if target_kind == ReferralTarget.DEPARTMENT:
        fields["department"] = clean_text(department, 120)
        if not fields["department"]:
            errors["department"] = [_("Name the department.")]
    elif target_kind == ReferralTarget.RESOURCE:
        resource = find(Resource, resource_id)
        if resource is None or not resource.active:
            errors["resource_id"] = [_("Choose a resource from the catalogue.")]
        else:
            fields["resource_id"] = resource.id
    elif target_kind == ReferralTarget.TEAM:
        if find(Team, team_id) is None:
            errors["team_id"] = [_("Choose a registered volunteer team.")]
        else:
            fields["team_id"] = team_id
    need = choice(errors, "need", need, Need, _("Choose a need from the list."), optional=True)
    reason = clean_text(reason, 500)
    if not reason:
        errors["reason"] = [_("Say what the referral is for.")]
    if visit_id not in (None, ""):
        visit = find(Visit, visit_id) if valid_id(visit_id) else None
        if visit is None or visit.household_id != household.id:
            errors["visit_id"] = [_("Choose a visit of this household.")]
    consent = active_consent(household.id, ConsentPurpose.REFERRAL)
    if consent is None:
        errors["consent"] = [
            _("The household has not consented to sharing its information in a referral. Record consent first.")
        ]
    raise_if(errors)
    now = now or utcnow()
    referral = Referral(
        household_id=household.id,
        visit_id=visit_id or None,
        consent_id=consent.id,
        target_kind=target_kind,
        need=need,
        reason=reason,
        created_by_id=getattr(actor, "id", None),
        created_at=now,
        updated_at=now,
        **fields,
    )
    db.session.add(referral)
    db.session.flush()
    event(household, actor, "referred", referral=referral.id, target_kind=target_kind)
    audit.record(actor, "create", "referral", referral.id, detail={"household": household.id, "to": target_kind})
    db.session.commit()
    return referral


def referral_of(household: Household, referral_id: object) -> Referral:
    referral = find(Referral, referral_id)
    if referral is None or referral.household_id != household.id:
        raise NotFound(_("No such referral."))
    return referral


def update_referral(
    actor: Actor, household_id: int, referral_id: int, *, status: str, outcome: str = "", now: datetime | None = None
) -> Referral:
    household = household_for(actor, household_id)
    require(actor, "referral.manage", household)
    referral = referral_of(household, referral_id)
    errors: Errors = {}
    status = choice(errors, "status", status, ReferralStatus, _("Choose a status."))
    if status and status != referral.status and status not in NEXT_STATUS[ReferralStatus(referral.status)]:
        errors["status"] = [_("A referral cannot go from this status to that one.")]
    raise_if(errors)
    now = now or utcnow()
    referral.status = status
    if clean_text(outcome):
        referral.outcome = clean_text(outcome, 500)
    referral.updated_at = now
    if status in (ReferralStatus.CLOSED, ReferralStatus.DECLINED):
        referral.closed_at = now
    audit.record(actor, "update", "referral", referral.id, detail={"status": status})
    db.session.commit()
    return referral
