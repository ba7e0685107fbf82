"""Follow-up reminders through the reminders outbox: the owner before the due date, the station's supervisors
once it is overdue. The notices carry ids and dates only; no personal data travels in a reminder."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from volunteer_app.core.time import as_utc
from volunteer_app.extensions import db
from volunteer_app.reminders import kinds
from volunteer_app.reminders.services import notify
from volunteer_app.socialwork import services

FOLLOW_UP_DUE = kinds.register(
    kinds.Kind("follow_up_due", _l("Follow-up due soon"), template="socialwork/messages/follow_up_due")
)
FOLLOW_UP_OVERDUE = kinds.register(
    kinds.Kind(
        "follow_up_overdue", _l("Follow-up overdue"), essential=True, template="socialwork/messages/follow_up_overdue"
    )
)
MORNING = time(8, 0)


def _morning_of(day: date) -> datetime:
    """A fixed time per follow-up, so the hourly sweep plans each notice once (the outbox key includes it)."""
    return as_utc(datetime.combine(day, MORNING))


def plan_follow_up_notices(now: datetime) -> int:
    """Plans the sweep's notices into the outbox; planning again adds nothing."""
    remind_days = current_app.config["FOLLOW_UP_REMIND_DAYS"]
    notices = services.due_follow_up_notices(now)
    for notice in notices:
        if notice.kind == "due_soon":
            kind, when = FOLLOW_UP_DUE.key, _morning_of(notice.due_on - timedelta(days=remind_days))
        else:
            kind, when = FOLLOW_UP_OVERDUE.key, _morning_of(notice.due_on + timedelta(days=1))
        notify(
            notice.recipient_id,
            kind,
            subject=("follow_up", notice.follow_up_id),
            when=when,
            context={"household_id": notice.household_id, "due_on": notice.due_on.isoformat()},
        )
    db.session.commit()
    return len(notices)
