"""Social work's notices through the reminders outbox: follow-ups to their owner before the due date and to the
station's supervisors once overdue; a referral's new draft event to the team's leaders. The notices carry ids,
dates, the community and the need only; no personal data travels in a notice."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from volunteer_app.core.time import as_utc
from volunteer_app.events.models import Event
from volunteer_app.extensions import db
from volunteer_app.reminders import kinds
from volunteer_app.reminders.services import Planned, notify, notify_many, subject_key

FOLLOW_UP_DUE = kinds.register(
    kinds.Kind("follow_up_due", _l("Follow-up due soon"), template="socialwork/messages/follow_up_due")
)
FOLLOW_UP_OVERDUE = kinds.register(
    kinds.Kind(
        "follow_up_overdue", _l("Follow-up overdue"), essential=True, template="socialwork/messages/follow_up_overdue"
    )
)
# Essential: a draft nobody hears of is help that never comes, so a leader's opt-out does not silence it.
REFERRAL_EVENT = kinds.register(
    kinds.Kind(
        "referral_event", _l("A referral became a draft event"), essential=True,
        template="socialwork/messages/referral_event",
    )
)  # fmt: skip
MORNING = time(8, 0)


@dataclass(frozen=True)
class Notice:
    """Who should be told what about a follow-up. `key` is unique per notice, for the reminders outbox (#6)."""

    key: str
    kind: str  # "due_soon" to the owner, "overdue" to the station's supervisors
    recipient_id: int
    follow_up_id: int
    household_id: int
    due_on: date


def _morning_of(day: date) -> datetime:
    """A fixed time per follow-up, so the hourly sweep plans each notice once (the outbox key includes it)."""
    return as_utc(datetime.combine(day, MORNING))


def plan_follow_up_notices(notices: list[Notice]) -> int:
    """Plans the sweep's notices (`services.due_follow_up_notices`) into the outbox; planning again adds nothing."""
    remind_days = current_app.config["FOLLOW_UP_REMIND_DAYS"]
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


def tell_team_leaders(event: Event, leader_ids: Iterable[int], *, need: str | None, now: datetime) -> int:
    """Plans, in the caller's transaction, the notice that a referral opened `event` as a draft of the leaders'
    team, for them to add sessions and roles and publish. Returns the notices offered."""
    context = {
        "event_id": event.id,
        "event_title": event.title,
        "community": event.community.name if event.community else "",
        "team": event.team.name if event.team else "",
        "need": need,
    }
    return notify_many(REFERRAL_EVENT, [Planned(uid, subject_key(event), now, context) for uid in sorted(leader_ids)])
