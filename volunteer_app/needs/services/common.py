"""What every part of the needs workflow shares: finding a need through the scope, its tracking number, the one
way its status changes (recorded with who, when and why), and deadlines in working days."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from volunteer_app.core.errors import Conflict, NotFound
from volunteer_app.core.ids import valid_id
from volunteer_app.core.numbers import new_number, normalise_number
from volunteer_app.core.policy import SYSTEM, Actor
from volunteer_app.core.time import utcnow
from volunteer_app.events.calendar import cached_calendar
from volunteer_app.extensions import db
from volunteer_app.needs import scope
from volunteer_app.needs.models import Need, NeedUpdate
from volunteer_app.needs.vocabulary import STATUS_LABELS, TRANSITIONS, Status, UpdateKind

TRACKING_PREFIX = "XQ"


def new_tracking_number() -> str:
    """XQ-7K3M-9P2D, checked unique."""
    return new_number(
        TRACKING_PREFIX,
        lambda number: db.session.scalar(sa.select(Need.id).where(Need.tracking_number == number)) is not None,
    )


def normalise_tracking_number(text: str | None) -> str:
    """What a person typed (lower case, spaces, O for 0) as the stored form, or "" when it cannot be one."""
    return normalise_number(text, TRACKING_PREFIX)


def find_need(actor: Actor, need_id: object, *, for_update: bool = False) -> Need:
    """The need, if the actor reaches it; otherwise NotFound, exactly as for a need that does not exist."""
    if not valid_id(need_id):
        raise NotFound(_("No such need."))
    query = scope.needs(actor).where(Need.id == need_id)
    if for_update:
        query = query.with_for_update()
    need = db.session.scalar(query)
    if need is None:
        raise NotFound(_("No such need."))
    return need


def reaches(actor: Actor, need_id: object) -> bool:
    """Whether the actor reaches the need now: after an action of theirs a page asks where to go back to (a decline
    takes the need out of its assignee's reach)."""
    if not valid_id(need_id):
        return False
    return bool(db.session.scalar(sa.select(sa.exists().where(Need.id == need_id, scope.need_scope(actor)))))


def by_tracking_number(tracking_number: str | None) -> Need:
    number = normalise_tracking_number(tracking_number)
    need = db.session.scalar(sa.select(Need).where(Need.tracking_number == number)) if number else None
    if need is None:
        raise NotFound(_("No need has this tracking number."))
    return need


def followed(need: Need) -> Need:
    """The need whose progress a raiser follows: the one it was merged into, through every merge."""
    seen = {need.id}
    while need.merged_into is not None and need.merged_into.id not in seen:
        need = need.merged_into
        seen.add(need.id)
    return need


def change_status(actor: Actor, need: Need, to: Status, *, reason: str = "", public: bool = False) -> NeedUpdate:
    """Moves the need to `to` if the workflow allows it, and records who, when and why. The caller commits."""
    current = Status(need.status)
    if to not in TRANSITIONS[current]:
        raise Conflict(
            _(
                "A need that is %(current)s cannot become %(to)s.",
                current=STATUS_LABELS[current],
                to=STATUS_LABELS[to],
            )
        )
    need.status = to.value
    need.updated_at = utcnow()
    update = NeedUpdate(
        kind=UpdateKind.STATUS.value,
        from_status=current.value,
        to_status=to.value,
        text=reason,
        public=public,
        actor_id=None if actor is SYSTEM else actor.id,
    )
    need.updates.append(update)
    return update


def deadline_days(category: str) -> int:
    """Working days an assignee has for a need of this category (`NEED_DEADLINE_WORKING_DAYS`, by category with a
    "default")."""
    days = current_app.config["NEED_DEADLINE_WORKING_DAYS"]
    return int(days.get(category, days["default"]))


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` on the holiday calendar: weekends and public holidays are not
    working days, make-up working days (调休) are."""
    day = start
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        calendar = cached_calendar(day.year)
        weekend = day.weekday() >= 5
        if calendar.is_makeup_workday(day) or (not weekend and not calendar.is_holiday(day)):
            remaining -= 1
    return day
