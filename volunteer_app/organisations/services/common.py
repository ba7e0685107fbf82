"""Helpers the organisations services share: narrowing a list, naming, committing, the overview counts."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from volunteer_app.core.errors import Errors, Invalid
from volunteer_app.core.policy import Actor, can, require
from volunteer_app.core.text import clean_text
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

ADULT_AGE = 18


def narrowed(query: sa.Select, *filters: tuple[object, sa.ColumnElement[bool]]) -> sa.Select:
    """A list narrowed by the filters the caller gave: each (value, condition) applies only when the value is given
    (None, 0, "" and False mean "any")."""
    for value, condition in filters:
        if value:
            query = query.where(condition)
    return query


def required_name(errors: Errors, value: object, field_name: str = "name", limit: int = 60) -> str:
    name = clean_text(value)
    if not name:
        errors[field_name] = [_("Give a name.")]
    elif len(name) > limit:
        errors[field_name] = [_("Use at most %(n)d characters.", n=limit)]
    return name


def commit_or_conflict(conflict: Errors) -> None:
    """Commits; a unique constraint that a concurrent request won first becomes the same field message."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Invalid(conflict) from None


def check_dates(errors: Errors, start: date | None, end: date | None, end_field: str) -> None:
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
