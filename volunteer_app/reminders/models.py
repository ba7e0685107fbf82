"""The notification outbox, each user's notification preferences.

One outbox row is one message to one recipient over one channel. Its natural key (recipient, kind, subject,
scheduled time, channel) is unique, so planning the same notice twice adds nothing. The in-app inbox is the
set of sent rows of the "inbox" channel; `read_at` marks them read.
"""

from __future__ import annotations

import enum
from datetime import datetime, time
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer_app.accounts.models import User
from volunteer_app.core.models import one_of
from volunteer_app.core.time import UTCDateTime, utcnow
from volunteer_app.extensions import db


class Status(enum.StrEnum):
    PENDING = "pending"  # waiting for its time (or its next attempt)
    SENDING = "sending"  # claimed by a dispatcher; taken again after the lease if that process died
    SENT = "sent"
    FAILED = "failed"  # gave up after NOTIFY_MAX_ATTEMPTS; an admin may retry
    CANCELLED = "cancelled"  # by an admin, or because what it was about changed
    DROPPED = "dropped"  # never to be sent: opted out, channel switched off, no address


STATUS_LABELS = {
    Status.PENDING: _l("pending"),
    Status.SENDING: _l("sending"),
    Status.SENT: _l("sent"),
    Status.FAILED: _l("failed"),
    Status.CANCELLED: _l("cancelled"),
    Status.DROPPED: _l("not sent"),
}


class Channel(enum.StrEnum):
    INBOX = "inbox"
    EMAIL = "email"
    WEBHOOK = "webhook"


CHANNEL_LABELS = {
    Channel.INBOX: _l("In-app inbox"),
    Channel.EMAIL: _l("Email"),
    Channel.WEBHOOK: _l("Group robot (WeCom / DingTalk)"),
}


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        sa.UniqueConstraint(
            "recipient_id", "kind", "subject_type", "subject_id", "scheduled_at", "channel",
            name="uq_notifications_dedupe",
        ),
        sa.CheckConstraint(one_of("status", Status), name="status_known"),
        sa.CheckConstraint(one_of("channel", Channel), name="channel_known"),
        sa.Index("ix_notifications_due", "status", "next_attempt_at"),
        sa.Index("ix_notifications_inbox", "recipient_id", "channel", "status", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(60), index=True)
    subject_type: Mapped[str] = mapped_column(sa.String(40), default="")
    subject_id: Mapped[str] = mapped_column(sa.String(40), default="")
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime)
    channel: Mapped[str] = mapped_column(sa.String(10))
    status: Mapped[str] = mapped_column(sa.String(10), default=Status.PENDING)
    urgent: Mapped[bool] = mapped_column(default=False)
    essential: Mapped[bool] = mapped_column(default=False)
    context: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    claimed_by: Mapped[str | None] = mapped_column(sa.String(80))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What was sent, in the recipient's language, kept for the inbox and for admins.
    locale: Mapped[str | None] = mapped_column(sa.String(10))
    title: Mapped[str | None] = mapped_column(sa.String(200))
    body: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    recipient: Mapped[User] = relationship(lazy="joined")

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS.get(self.status, self.status))

    @property
    def channel_label(self) -> str:
        return str(CHANNEL_LABELS.get(self.channel, self.channel))

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.kind} {self.channel} {self.status}>"


class NotificationPreference(db.Model):
    """A user's choices. No row means the defaults: inbox and email, every kind, default quiet hours."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    email: Mapped[bool] = mapped_column(default=True)
    webhook: Mapped[bool] = mapped_column(default=False)
    opted_out: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # kinds; essential kinds are still sent
    quiet_hours: Mapped[bool] = mapped_column(default=True)
    quiet_start: Mapped[time | None] = mapped_column(sa.Time)  # None: QUIET_HOURS_START
    quiet_end: Mapped[time | None] = mapped_column(sa.Time)
    digest: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
