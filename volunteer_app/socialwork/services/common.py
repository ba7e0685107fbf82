"""Helpers every social-work service shares: finding a household through the scope, its history, choices."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import defer, joinedload, selectinload

from volunteer_app.accounts.models import User
from volunteer_app.core.errors import Errors, Invalid, NotFound
from volunteer_app.core.ids import valid_id
from volunteer_app.core.policy import Actor
from volunteer_app.extensions import db
from volunteer_app.organisations.models import Community
from volunteer_app.socialwork import scope
from volunteer_app.socialwork.models import Household, HouseholdEvent, HouseholdMember
from volunteer_app.socialwork.vocabulary import HouseholdStatus


def not_found() -> NotFound:
    return NotFound(_("No such household file."))


@dataclass(frozen=True)
class HouseholdFile:
    """A file this request has read through the scope, audited (`read_household` makes it, nothing else). The
    services listing what hangs off a household take it in place of an id, so a file page finds the household
    once instead of once per list."""

    household: Household
    full: bool  # may this reader see full numbers (the masking decision, made once)


def household_for(
    actor: Actor, household_id: object | HouseholdFile, *options: Any, purpose: scope.Purpose = "file"
) -> Household:
    """The household, found only through the scope: outside it, the answer is the same as for no household."""
    if isinstance(household_id, HouseholdFile):
        return household_id.household
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
    """What a household page shows, in two queries whatever the number of members: the household with its
    community, town, point, station and worker joined in, then its members with their flags joined in."""
    return [
        joinedload(Household.community).joinedload(Community.town),
        joinedload(Household.service_point),
        joinedload(Household.station),
        _worker(),
        selectinload(Household.members).joinedload(HouseholdMember.flag_rows),
    ]


def _worker() -> Any:
    """The responsible worker, for their name: not their role grants (which User loads eagerly elsewhere)."""
    return joinedload(Household.worker).lazyload(User.grants)


def list_options() -> list[Any]:
    """A list shows names, flags, community and worker, never a number: the members' encrypted columns are
    left undecrypted (deferred) there. Two queries for a page of households, as for a file."""
    return [
        joinedload(Household.community),
        _worker(),
        selectinload(Household.members).options(
            defer(HouseholdMember.id_number),
            defer(HouseholdMember.phone),
            defer(HouseholdMember.disability_certificate),
            joinedload(HouseholdMember.flag_rows),
        ),
    ]


def commit_read() -> None:
    """Commits a read's audit entry without expiring what the session loaded. A read changes nothing else, so
    nothing loaded is stale; expiring it would reload the file and the reader, query by query, while the
    page renders."""
    session = db.session()
    expiring, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expiring
