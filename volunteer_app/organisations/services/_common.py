"""Helpers the organisations services share: cleaning text, loading by id, searching, committing."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from volunteer_app.accounts.models import Role
from volunteer_app.core.errors import Invalid, NotFound
from volunteer_app.core.ids import valid_id
from volunteer_app.core.policy import can, require
from volunteer_app.core.time import to_local, utcnow
from volunteer_app.extensions import db
from volunteer_app.organisations.models import (
    Community,
    LiaisonStation,
    Pairing,
    ServicePoint,
    ServiceStation,
    Team,
    Town,
    VolunteerProfile,
    YouthGroup,
)

Actor = Any
ADULT_AGE = 18
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def today() -> date:
    """Today in the town's time zone."""
    return to_local(utcnow()).date()


def clean_text(value: object, limit: int | None = None) -> str:
    text = _CONTROL.sub("", str(value or "")).strip()
    return text[:limit] if limit else text


def get_or_not_found(model: type, object_id: object, message: str, *options) -> Any:
    if not valid_id(object_id):
        raise NotFound(message)
    obj = db.session.get(model, object_id, options=list(options)) if options else db.session.get(model, object_id)
    if obj is None:
        raise NotFound(message)
    return obj


def find_by_id(model: type, object_id: object) -> Any:
    """Like `get_or_not_found`, for ids given in a form or body: None when it names nothing."""
    if not valid_id(object_id):
        return None
    return db.session.get(model, object_id)


def search(query: sa.Select, q: str | None, *columns) -> sa.Select:
    q = clean_text(q, 100)
    if not q:
        return query
    return query.where(sa.or_(*(column.icontains(q, autoescape=True) for column in columns)))


def required_name(errors: dict[str, list[str]], value: object, field_name: str = "name", limit: int = 60) -> str:
    name = clean_text(value)
    if not name:
        errors[field_name] = [_("Give a name.")]
    elif len(name) > limit:
        errors[field_name] = [_("Use at most %(n)d characters.", n=limit)]
    return name


def commit_or_conflict(conflict: dict[str, list[str]]) -> None:
    """Commits; a unique constraint that a concurrent request won first becomes the same field message."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Invalid(conflict) from None


def raise_if_errors(errors: dict[str, list[str]]) -> None:
    if errors:
        raise Invalid(errors)


def check_dates(errors: dict[str, list[str]], start: date | None, end: date | None, end_field: str) -> None:
    if start and end and end < start:
        errors[end_field] = [_("This date cannot be before the start date.")]


def registry_counts(actor: Actor) -> dict[str, int]:
    """How many of each kind of record the registry holds, for the overview page."""
    require(actor, "organisation.view")
    counts = {
        name: db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0
        for name, model in (
            ("towns", Town),
            ("communities", Community),
            ("teams", Team),
            ("pairings", Pairing),
            ("youth_groups", YouthGroup),
            ("stations", ServiceStation),
            ("points", ServicePoint),
            ("liaison_stations", LiaisonStation),
        )
    }
    covered = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Community)
        .where(sa.or_(Community.service_point_id.is_not(None), Community.station_id.is_not(None)))
    )
    counts["coverage_percent"] = round(100 * (covered or 0) / counts["communities"]) if counts["communities"] else 0
    if can(actor, "volunteer.list_all"):
        counts["volunteers"] = db.session.scalar(sa.select(sa.func.count()).select_from(VolunteerProfile)) or 0
    return counts


def led_team_ids(actor: Actor) -> list[int]:
    """The teams this user leads (their team_leader grants scoped to a team)."""
    if actor is None or not hasattr(actor, "scopes"):
        return []
    return sorted(actor.scopes(Role.TEAM_LEADER, "team"))
