"""Deadlines of needs: the assignee is reminded before the deadline, town staff are told once it has passed.

The deadline job runs this sweep every hour. Each notice is planned at a fixed time per deadline (notices.py), so
the outbox's unique key lets the sweep run as often as it likes and still send each notice once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from volunteer_app.core.time import today
from volunteer_app.extensions import db
from volunteer_app.needs import notices
from volunteer_app.needs.models import Need
from volunteer_app.needs.services.common import add_working_days
from volunteer_app.needs.vocabulary import OPEN_WORK


@dataclass(frozen=True)
class SweepReport:
    due_soon: int  # needs whose assignee's people were reminded (planned again: nothing new)
    overdue: int  # needs town staff were told of
    planned: int  # outbox rows offered (those already there are ignored)


def deadline_sweep(now: datetime) -> SweepReport:
    """Open work (assigned, accepted, in progress) due within NEED_REMIND_DAYS working days of `now`'s day, the
    deadline's day included: "due soon" to the assignee's people; past its deadline's day: "overdue" to town
    staff. Commits."""
    on = today(now)
    horizon = add_working_days(on, current_app.config["NEED_REMIND_DAYS"])
    needs = db.session.scalars(
        sa.select(Need)
        .where(Need.status.in_([s.value for s in OPEN_WORK]), Need.deadline <= horizon)
        .options(
            selectinload(Need.community),
            selectinload(Need.team),
            selectinload(Need.youth_group),
            selectinload(Need.service_point),
            selectinload(Need.deputy),
        )
        .order_by(Need.deadline, Need.id)
    ).all()
    due_soon = [need for need in needs if need.deadline >= on]
    overdue = [need for need in needs if need.deadline < on]
    planned = sum(notices.due_soon(need) for need in due_soon) + sum(notices.overdue(need) for need in overdue)
    db.session.commit()
    return SweepReport(len(due_soon), len(overdue), planned)
