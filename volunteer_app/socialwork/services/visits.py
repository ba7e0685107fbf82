"""Visits 入户走访: logged quickly on a phone, never edited silently (each edit keeps the previous version),
with policies recorded as benefits, an optional next follow-up, and attachments only with consent."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from volunteer_app.accounts.models import Role, User
from volunteer_app.accounts.services import grant_holders
from volunteer_app.core import audit
from volunteer_app.core.errors import Errors, NotFound, raise_if
from volunteer_app.core.ids import valid_id
from volunteer_app.core.pagination import Page, paginate
from volunteer_app.core.policy import Actor, require
from volunteer_app.core.text import clean_text
from volunteer_app.core.time import today, utcnow
from volunteer_app.extensions import db
from volunteer_app.socialwork import scope
from volunteer_app.socialwork.models import Benefit, FollowUp, Household, Visit, VisitVersion, WelfarePolicy
from volunteer_app.socialwork.services import uploads
from volunteer_app.socialwork.services.common import (
    HouseholdFile,
    choice,
    household_for,
    writable,
)
from volunteer_app.socialwork.services.consents import active_consent
from volunteer_app.socialwork.services.households import _workers_of_point
from volunteer_app.socialwork.vocabulary import BenefitStage, ConsentPurpose, ContactType, Need, RiskLevel

TEXT_FIELDS = {
    "met": 200, "purpose": 500, "living_changes": 2000, "health_changes": 2000, "income_changes": 2000,
    "needs_text": 2000, "measures": 2000,
}  # fmt: skip
VERSIONED = ("visited_at", "contact_type", *TEXT_FIELDS, "needs", "policies", "risk_level", "worker_ids")
STAGE_ORDER = [BenefitStage.EXPLAINED, BenefitStage.APPLIED, BenefitStage.RECEIVED]


def _visit_options() -> list[Any]:
    return [
        selectinload(Visit.workers),
        selectinload(Visit.recorded_by),
        selectinload(Visit.updated_by),
        selectinload(Visit.attachments),
    ]


def _clean(errors: Errors, household: Household, data: dict[str, Any], now: datetime) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "visited_at" in data:
        visited_at = data["visited_at"]
        if not isinstance(visited_at, datetime):
            errors["visited_at"] = [_("Give the date and time of the visit.")]
        elif visited_at > now + timedelta(minutes=10):
            errors["visited_at"] = [_("A visit cannot be in the future.")]
        elif visited_at.date() < household.opened_on - timedelta(days=366):
            errors["visited_at"] = [_("This date is long before the file was opened.")]
        out["visited_at"] = visited_at
    if "contact_type" in data:
        out["contact_type"] = choice(
            errors, "contact_type", data["contact_type"], ContactType, _("Choose how you were in contact.")
        )
    if "risk_level" in data:
        out["risk_level"] = choice(errors, "risk_level", data["risk_level"], RiskLevel, _("Choose a risk level."))
    for key, limit in TEXT_FIELDS.items():
        if key in data:
            out[key] = clean_text(data[key], limit)
    if "needs" in data:
        needs = data["needs"] or []
        if not isinstance(needs, list | tuple) or any(n not in {x.value for x in Need} for n in needs):
            errors["needs"] = [_("Choose needs from the list.")]
            needs = []
        out["needs"] = [n.value for n in Need if n.value in set(needs)]
    if "policies" in data:
        out["policies"] = _clean_policies(errors, data["policies"] or {})
    if "worker_ids" in data:
        ids = set(data["worker_ids"] or [])
        allowed = _workers_of_point(household.service_point_id) | scope_supervisors(household)
        if not ids <= allowed:
            errors["worker_ids"] = [_("Choose social workers of this household's service point.")]
        out["worker_ids"] = sorted(ids)
    return out


def scope_supervisors(household: Household) -> set[int]:
    return grant_holders(Role.STATION_SUPERVISOR, "service_station", household.station_id)


def _clean_policies(errors: Errors, policies: object) -> dict[str, list[int]]:
    if not isinstance(policies, dict) or not set(policies) <= {s.value for s in BenefitStage}:
        errors["policies"] = [_("Give policies as explained, applied for or received.")]
        return {}
    ids = {i for values in policies.values() for i in (values or []) if valid_id(i)}
    known = set(db.session.scalars(sa.select(WelfarePolicy.id).where(WelfarePolicy.id.in_(ids)))) if ids else set()
    out: dict[str, list[int]] = {}
    for stage, values in policies.items():
        values = values or []
        if not isinstance(values, list | tuple) or any(v not in known for v in values):
            errors["policies"] = [_("Choose policies from the catalogue.")]
            continue
        if values:
            out[stage] = sorted(set(values))
    return out


def _record_benefits(household: Household, visit: Visit, policies: dict[str, list[int]], on: date) -> None:
    """What a visit says about policies moves the household's benefit record forward, never back."""
    existing = {
        b.policy_id: b for b in db.session.scalars(sa.select(Benefit).where(Benefit.household_id == household.id))
    }
    for stage in STAGE_ORDER:
        for policy_id in policies.get(stage, []):
            benefit = existing.get(policy_id)
            if benefit is None:
                benefit = Benefit(household_id=household.id, policy_id=policy_id, stage=stage, since=on)
                existing[policy_id] = benefit
                db.session.add(benefit)
            elif STAGE_ORDER.index(BenefitStage(benefit.stage)) < STAGE_ORDER.index(stage):
                benefit.stage, benefit.since = stage.value, on
            benefit.visit_id = visit.id


def log_visit(
    actor: Actor,
    household_id: int,
    *,
    visited_at: datetime,
    contact_type: str,
    risk_level: str = RiskLevel.LOW,
    worker_ids: list[int] | None = None,
    follow_up_task: str = "",
    follow_up_due_on: date | None = None,
    attachments: list[uploads.Upload] | None = None,
    now: datetime | None = None,
    **fields: Any,
) -> Visit:
    """Records a visit. `fields`: met, purpose, living/health/income_changes, needs, needs_text, policies
    ({"explained"|"applied"|"received": [policy ids]}), measures."""
    household = household_for(actor, household_id)
    require(actor, "visit.log", household)
    writable(household)
    now = now or utcnow()
    errors: Errors = {}
    unknown = set(fields) - set(TEXT_FIELDS) - {"needs", "policies"}
    if unknown:
        errors["_schema"] = [_("Unknown fields: %(names)s", names=", ".join(sorted(unknown)))]
    worker_ids = list(worker_ids or [])
    if actor.id and actor.id not in worker_ids:
        worker_ids.append(actor.id)
    data = {"visited_at": visited_at, "contact_type": contact_type, "risk_level": risk_level,
            "worker_ids": worker_ids, **fields}  # fmt: skip
    values = _clean(errors, household, data, now)
    task = clean_text(follow_up_task, 500)
    if task and follow_up_due_on is None:
        errors["follow_up_due_on"] = [_("Give the date the follow-up is due.")]
    elif follow_up_due_on is not None and not task:
        errors["follow_up_task"] = [_("Say what is to be done by then.")]
    elif follow_up_due_on is not None and follow_up_due_on < today(now):
        errors["follow_up_due_on"] = [_("The next follow-up cannot be in the past.")]
    attachments = attachments or []
    consent = None
    if attachments:
        consent = active_consent(household.id, ConsentPurpose.ATTACHMENTS)
        if consent is None:
            errors["attachments"] = [_("Photos and scans need the household's consent. Record it first.")]
        else:
            uploads.check_uploads(errors, "attachments", attachments)
    raise_if(errors)

    visit = Visit(household_id=household.id, recorded_by_id=actor.id, created_at=now, updated_at=now)
    _apply(visit, values)
    db.session.add(visit)
    db.session.flush()
    _record_benefits(household, visit, values.get("policies", {}), values["visited_at"].date())
    if task:
        owner = household.worker_id or actor.id
        db.session.add(
            FollowUp(
                household_id=household.id, visit_id=visit.id, task=task, due_on=follow_up_due_on,
                owner_id=owner, created_by_id=actor.id, created_at=now,
            )
        )  # fmt: skip
    for upload in attachments:
        uploads.store(actor, household, upload, visit_id=visit.id, consent_id=consent.id)
    audit.record(actor, "create", "visit", visit.id, detail={"household": household.id})
    db.session.commit()
    return visit


def _apply(visit: Visit, values: dict[str, Any]) -> None:
    for key, value in values.items():
        if key == "worker_ids":
            visit.workers = list(db.session.scalars(sa.select(User).where(User.id.in_(value)))) if value else []
        else:
            setattr(visit, key, value)


def _snapshot(visit: Visit) -> dict[str, Any]:
    data = {key: getattr(visit, key) for key in VERSIONED if key != "worker_ids"}
    data["visited_at"] = visit.visited_at.isoformat()
    data["worker_ids"] = [w.id for w in visit.workers]
    return data


def edit_visit(actor: Actor, household_id: int, visit_id: int, *, note: str, now: datetime | None = None,
               **changes: Any) -> Visit:  # fmt: skip
    """Changes a visit record; the previous version is kept with who changed it, when and why."""
    household = household_for(actor, household_id)
    require(actor, "visit.log", household)
    writable(household)
    visit = _visit_of(household, visit_id)
    now = now or utcnow()
    errors: Errors = {}
    unknown = set(changes) - set(VERSIONED)
    if unknown:
        errors["_schema"] = [_("Unknown fields: %(names)s", names=", ".join(sorted(unknown)))]
    values = _clean(errors, household, changes, now)
    note = clean_text(note, 255)
    if not note:
        errors["note"] = [_("Say what you changed and why; the previous version is kept.")]
    raise_if(errors)
    db.session.add(
        VisitVersion(
            visit_id=visit.id, version=visit.version, data=_snapshot(visit),
            changed_by_id=actor.id, changed_at=now, note=note,
        )
    )  # fmt: skip
    _apply(visit, values)
    visit.version += 1
    visit.updated_by_id = actor.id
    visit.updated_at = now
    if "policies" in values:
        _record_benefits(household, visit, values["policies"], visit.visited_at.date())
    audit.record(actor, "update", "visit", visit.id, detail={"household": household.id, "version": visit.version})
    db.session.commit()
    return visit


def _visit_of(household: Household, visit_id: object) -> Visit:
    visit = (
        db.session.scalar(
            sa.select(Visit).where(Visit.id == visit_id, Visit.household_id == household.id).options(*_visit_options())
        )
        if valid_id(visit_id)
        else None
    )
    if visit is None:
        raise NotFound(_("No such visit."))
    return visit


def get_visit(actor: Actor, household_id: int, visit_id: int) -> Visit:
    """One visit with its versions; reading it is a read of the file, so it is audited."""
    household = household_for(actor, household_id)
    require(actor, "household.view", household)
    visit = _visit_of(household, visit_id)
    audit.record(actor, "view", "household", household.id, detail={"visit": visit.id})
    db.session.commit()
    return visit


def visit_versions(actor: Actor, visit: Visit) -> list[VisitVersion]:
    require(actor, "household.view", visit.household)
    return list(
        db.session.scalars(
            sa.select(VisitVersion)
            .where(VisitVersion.visit_id == visit.id)
            .options(selectinload(VisitVersion.changed_by))
            .order_by(VisitVersion.version.desc())
        )
    )


def list_visits(
    actor: Actor,
    household_id: int | HouseholdFile,
    page: int | None = None,
    per_page: int | None = None,
    *,
    audited: bool = True,
) -> Page:
    """A household's visits, newest first. Audited as a read, unless part of a file read already audited."""
    household = household_for(actor, household_id)
    require(actor, "household.view", household)
    query = (
        sa.select(Visit)
        .where(Visit.household_id == household.id)
        .options(*_visit_options())
        .order_by(Visit.visited_at.desc(), Visit.id.desc())
    )
    result = paginate(query, page, per_page)
    if audited:
        audit.record(actor, "view", "household", household.id, detail={"visits": [v.id for v in result.items]})
        db.session.commit()
    return result


def add_attachments(actor: Actor, household_id: int, visit_id: int, files: list[uploads.Upload]) -> Visit:
    household = household_for(actor, household_id)
    require(actor, "visit.log", household)
    writable(household)
    visit = _visit_of(household, visit_id)
    errors: Errors = {}
    consent = active_consent(household.id, ConsentPurpose.ATTACHMENTS)
    if consent is None:
        errors["files"] = [_("Photos and scans need the household's consent. Record it first.")]
    elif not files:
        errors["files"] = [_("Choose a file.")]
    else:
        uploads.check_uploads(errors, "files", files)
    raise_if(errors)
    for upload in files:
        uploads.store(actor, household, upload, visit_id=visit.id, consent_id=consent.id)
    audit.record(actor, "update", "visit", visit.id, detail={"household": household.id, "attachments": len(files)})
    db.session.commit()
    return visit


def policy_names(ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    # .all(): dict() of a Result itself treats it as a mapping (it has keys()) and fails
    rows = db.session.execute(sa.select(WelfarePolicy.id, WelfarePolicy.name).where(WelfarePolicy.id.in_(ids)))
    return dict(rows.all())


def visits_in_scope(actor: Actor) -> sa.Select:
    """Visits of households the user may open (for lists across households)."""
    return sa.select(Visit).join(Visit.household).where(scope.household_scope(actor))
