"""Retention: closed files are archived after HOUSEHOLD_ARCHIVE_AFTER_DAYS; an admin may then anonymise one.
Both are logged."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from volunteer_app.core import audit
from volunteer_app.core.errors import raise_if
from volunteer_app.core.pagination import Page, paginate
from volunteer_app.core.policy import SYSTEM, Actor, require
from volunteer_app.core.text import clean_text
from volunteer_app.core.time import today, utcnow
from volunteer_app.extensions import db
from volunteer_app.socialwork import scope
from volunteer_app.socialwork.models import Attachment, Consent, Household, HouseholdMember, Visit, VisitVersion
from volunteer_app.socialwork.services import uploads
from volunteer_app.socialwork.services.common import (
    event,
    household_for,
)
from volunteer_app.socialwork.vocabulary import HouseholdStatus

ANONYMOUS = "已匿名"


def archive_closed(now: datetime, actor: Actor = SYSTEM) -> int:
    """Archives the files closed at least HOUSEHOLD_ARCHIVE_AFTER_DAYS ago. Returns how many."""
    require(actor, "household.retention")
    cutoff = today(now) - timedelta(days=current_app.config["HOUSEHOLD_ARCHIVE_AFTER_DAYS"])
    due = list(
        db.session.scalars(
            sa.select(Household).where(Household.status == HouseholdStatus.CLOSED, Household.closed_on <= cutoff)
        )
    )
    for household in due:
        household.status = HouseholdStatus.ARCHIVED.value
        household.archived_at = now
        event(household, actor, "archived")
        audit.record(actor, "update", "household", household.id, detail={"status": "archived"})
    db.session.commit()
    return len(due)


def list_archived(actor: Actor, page: int | None = None, per_page: int | None = None) -> Page:
    """Archived files for an admin deciding on anonymisation: numbers and dates only, never names."""
    require(actor, "household.retention")
    query = (
        scope.households(actor, "retention")
        .options(selectinload(Household.community), selectinload(Household.service_point))
        .order_by(Household.archived_at)
    )
    return paginate(query, page, per_page)


def anonymise(actor: Actor, household_id: int, *, reason: str, now: datetime | None = None) -> Household:
    """Removes what identifies the people in an archived file: names, ID and phone numbers, birth dates, notes,
    free text of visits and their earlier versions, consent givers, and the stored photos and scans. Counts
    (visits, follow-ups, benefits) stay for the statistics. Logged with the reason."""
    require(actor, "household.anonymise")
    household = household_for(actor, household_id, purpose="retention")
    reason = clean_text(reason, 255)
    if household.anonymised_at is not None:
        raise_if({"_schema": [_("This file is already anonymised.")]})
    if not reason:
        raise_if({"reason": [_("Say why the file is anonymised.")]})
    now = now or utcnow()
    members = db.session.scalars(sa.select(HouseholdMember).where(HouseholdMember.household_id == household.id))
    for number, member in enumerate(members, start=1):
        member.name = f"{ANONYMOUS}{number}"
        member.id_number = member.phone = member.disability_certificate = None
        member.birth_date = member.birth_date.replace(month=1, day=1) if member.birth_date else None
        member.health_notes = member.insurance_notes = member.other_flag_note = ""
    household.address = household.community.name if household.community else ANONYMOUS
    household.notes = ""
    household.closed_reason = ANONYMOUS
    blank = {"met": "", "purpose": "", "living_changes": "", "health_changes": "", "income_changes": "",
             "needs_text": "", "measures": ""}  # fmt: skip
    visit_ids = list(db.session.scalars(sa.select(Visit.id).where(Visit.household_id == household.id)))
    if visit_ids:
        db.session.execute(sa.update(Visit).where(Visit.id.in_(visit_ids)).values(**blank))
        db.session.execute(sa.update(VisitVersion).where(VisitVersion.visit_id.in_(visit_ids)).values(data={}))
    db.session.execute(
        sa.update(Consent).where(Consent.household_id == household.id).values(given_by=ANONYMOUS, witness=None)
    )
    attachments = list(db.session.scalars(sa.select(Attachment).where(Attachment.household_id == household.id)))
    uploads.delete_files(attachments)
    for attachment in attachments:
        db.session.delete(attachment)
    household.anonymised_at = now
    event(household, actor, "anonymised")
    audit.record(actor, "update", "household", household.id, reason=reason, detail={"anonymised": True})
    db.session.commit()
    return household


__all__ = ["ANONYMOUS", "anonymise", "archive_closed", "list_archived"]
