"""The inbox: one's sent notices, read in the language in force, and marking them read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from jinja2 import TemplateNotFound

from volunteer_app.accounts.models import User
from volunteer_app.core.errors import NotFound
from volunteer_app.core.lookup import find
from volunteer_app.core.pagination import Page, paginate
from volunteer_app.core.policy import require
from volunteer_app.core.time import utcnow
from volunteer_app.extensions import db
from volunteer_app.reminders.models import Channel, Notification, Status
from volunteer_app.reminders.services.dispatch import Claimed, render_now

N = Notification


def inbox_query(user: User) -> sa.Select:
    """The notices sent to the user's inbox."""
    return sa.select(N).where(
        N.recipient_id == user.id, N.channel == Channel.INBOX.value, N.status == Status.SENT.value
    )


@dataclass(frozen=True)
class InboxNotice:
    """A sent inbox notice as its reader sees it: its text rendered again from its kind's templates and stored
    variables in the language in force, so switching language changes the notices already received too."""

    id: int
    kind: str
    subject_type: str
    subject_id: str
    title: str | None
    body: str | None
    sent_at: datetime | None
    read_at: datetime | None

    @classmethod
    def of(cls, row: Notification) -> InboxNotice:
        claimed = Claimed.of(row)
        try:
            message = render_now(claimed, claimed.recipient)
        except (LookupError, TemplateNotFound):  # its kind or template was removed since: what was sent stays
            title, body = row.title, row.body
        else:
            title, body = message.subject, message.text
        return cls(row.id, row.kind, row.subject_type, row.subject_id, title, body, row.sent_at, row.read_at)


def inbox(actor: User, *, unread_only: bool = False, page: int | None = None, per_page: int | None = None) -> Page:
    """The actor's notices, newest first, in the language in force."""
    require(actor, "notification.inbox", actor)
    query = inbox_query(actor)
    if unread_only:
        query = query.where(N.read_at.is_(None))
    found = paginate(query.order_by(N.sent_at.desc(), N.id.desc()), page, per_page)
    return found.with_items([InboxNotice.of(row) for row in found.items])


def unread_count(user: User) -> int:
    query = inbox_query(user).where(N.read_at.is_(None))
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0


def get_inbox_item(actor: User, notification_id: int) -> Notification:
    row = find(N, notification_id)
    if row is None or row.channel != Channel.INBOX or row.status != Status.SENT:
        raise NotFound("no such notice")
    require(actor, "notification.read", row)
    return row


def mark_read(actor: User, notification_id: int, now: datetime | None = None) -> InboxNotice:
    row = get_inbox_item(actor, notification_id)
    if row.read_at is None:
        row.read_at = now or utcnow()
        db.session.commit()
    return InboxNotice.of(row)


def mark_all_read(actor: User, now: datetime | None = None) -> int:
    require(actor, "notification.inbox", actor)
    result = db.session.execute(
        sa.update(N)
        .where(
            N.recipient_id == actor.id,
            N.channel == Channel.INBOX.value,
            N.status == Status.SENT.value,
            N.read_at.is_(None),
        )
        .values(read_at=now or utcnow()),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    return result.rowcount
