"""Helpers every social-work service shares: finding a household through the scope, its history, choices."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from volunteer_app.core.errors import Errors, Invalid, NotFound
from volunteer_app.core.ids import valid_id
from volunteer_app.core.policy import Actor
from volunteer_app.extensions import db
from volunteer_app.organisations.models import Community
from volunteer_app.socialwork import scope
from volunteer_app.socialwork.models import Household, HouseholdEvent
from volunteer_app.socialwork.vocabulary import HouseholdStatus


def not_found() -> NotFound:
    return NotFound(_("No such household file."))


def household_for(actor: Actor, household_id: object, *options: Any, purpose: scope.Purpose = "file") -> Household:
    """The household, found only through the scope: outside it, the answer is the same as for no household."""
    if not valid_id(household_id):
        raise not_found()
    query = scope.households(actor, purpose).where(Household.id == household_id)
    if options:
        query = query.options(*options)
    household = db.session.scalar(query)
    if household is None:
        raise not_found()
    return household


def writable(household: Household) -> None:
    """Closed and archived files are read-only until reopened (archived ones for good)."""
    if household.status != HouseholdStatus.ACTIVE:
        raise Invalid({"_schema": [_("This file is closed. Reopen it before changing it.")]})


def event(household: Household, actor: Actor, kind: str, previous: dict[str, Any] | None = None, **detail: Any) -> None:
    """Adds a line to the file's history; `previous`: an edit's old values (kept encrypted)."""
    db.session.add(
        HouseholdEvent(household_id=household.id, actor_id=actor.id, kind=kind, detail=detail, previous=previous)
    )


def choice(errors: Errors, field: str, value: object, allowed: type, message: str, optional: bool = False) -> Any:
    if value in (None, "") and optional:
        return None
    if value not in {item.value for item in allowed}:
        errors[field] = [message]
        return None
    return value


def file_options() -> list[Any]:
    """What a household page needs, loaded in a few queries instead of one per row."""
    return [
        selectinload(Household.community).selectinload(Community.town),
        selectinload(Household.service_point),
        selectinload(Household.station),
        selectinload(Household.worker),
        selectinload(Household.members),
    ]
