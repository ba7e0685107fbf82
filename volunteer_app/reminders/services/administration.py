"""The admins' outbox: listing the notices with their status, sending one again, cancelling one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from volunteer_app.accounts.models import User
from volunteer_app.core import audit
from volunteer_app.core.errors import Conflict
from volunteer_app.core.lookup import get_or_404
from volunteer_app.core.pagination import Page, paginate
from volunteer_app.core.policy import Actor, require
from volunteer_app.core.text import clean_text
from volunteer_app.core.time import utcnow
from volunteer_app.extensions import db
from volunteer_app.reminders.models import Channel, Notification, Status

N = Notification


@dataclass(frozen=True)
class OutboxFilter:
    status: str = ""
    kind: str = ""
    channel: str = ""
    q: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> OutboxFilter:
        status = args.get("status", "").strip()
        channel = args.get("channel", "").strip()
        return cls(
            status=status if status in set(Status) else "",
            kind=clean_text(args.get("kind"), 60),
            channel=channel if channel in set(Channel) else "",
            q=clean_text(args.get("q"), 100),
        )


def outbox(actor: Actor, filters: OutboxFilter, page: int | None = None, per_page: int | None = None) -> Page:
    require(actor, "outbox.list")
    query = sa.select(N).order_by(N.next_attempt_at.desc(), N.id.desc())
    if filters.status:
        query = query.where(N.status == filters.status)
    if filters.kind:
        query = query.where(N.kind == filters.kind)
    if filters.channel:
        query = query.where(N.channel == filters.channel)
    if filters.q:
        pattern = f"%{filters.q}%"
        query = query.where(
            N.recipient_id.in_(
                sa.select(User.id).where(sa.or_(User.username.ilike(pattern), User.display_name.ilike(pattern)))
            )
        )
    return paginate(query, page, per_page)


def outbox_counts(actor: Actor) -> dict[str, int]:
    require(actor, "outbox.list")
    counts = dict(db.session.execute(sa.select(N.status, sa.func.count()).group_by(N.status)).all())
    return {status.value: counts.get(status.value, 0) for status in Status}


def get_notification(actor: Actor, notification_id: int) -> Notification:
    require(actor, "outbox.list")
    return get_or_404(N, notification_id, "no such notification")


def retry(actor: Actor, notification_id: int, now: datetime | None = None) -> Notification:
    """Sends a failed, cancelled or dropped notice again, from its first attempt, at the next dispatch."""
    require(actor, "outbox.manage")
    row = get_notification(actor, notification_id)
    if row.status not in (Status.FAILED, Status.CANCELLED, Status.DROPPED):
        raise Conflict(_("Only a failed, cancelled or unsent notice can be retried."))
    previous = row.status
    row.status = Status.PENDING.value
    row.attempts = 0
    row.next_attempt_at = now or utcnow()
    row.claimed_by = None
    row.claimed_at = None
    audit.record(actor, "update", "notification", row.id, detail={"op": "retry", "from": previous})
    db.session.commit()
    return row


def cancel(actor: Actor, notification_id: int, reason: str = "") -> Notification:
    require(actor, "outbox.manage")
    row = get_notification(actor, notification_id)
    if row.status not in (Status.PENDING, Status.FAILED):
        raise Conflict(_("Only a pending or failed notice can be cancelled."))
    previous = row.status
    row.status = Status.CANCELLED.value
    reason = clean_text(reason, 255)
    row.last_error = reason or "cancelled by an administrator"
    audit.record(actor, "update", "notification", row.id, reason=reason or None,
                 detail={"op": "cancel", "from": previous})
    db.session.commit()
    return row
