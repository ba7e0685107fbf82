"""The staff's morning digest: what is new since yesterday's, gathered from the registered sections."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from volunteer_app.accounts.models import Role, User
from volunteer_app.core.time import local_zone, to_local
from volunteer_app.extensions import db
from volunteer_app.reminders import kinds as kind_registry
from volunteer_app.reminders.models import Notification, NotificationPreference, Status
from volunteer_app.reminders.services.planning import notify
from volunteer_app.reminders.services.preferences import has_work_role
from volunteer_app.reminders.services.reading import inbox_query

N = Notification


@dataclass(frozen=True)
class DigestSection:
    """A part of the morning digest. `collect(user, since, until)` returns the template's data, or None when
    there is nothing to say; `template` renders it (plain text; it sees `data`)."""

    key: str
    template: str
    collect: Callable[[User, datetime, datetime], dict[str, Any] | None]


_digest_sections: list[DigestSection] = []


def register_digest_section(section: DigestSection) -> None:
    if any(existing.key == section.key for existing in _digest_sections):
        return
    _digest_sections.append(section)


def _unread_section(user: User, since: datetime, until: datetime) -> dict[str, Any] | None:
    rows = db.session.scalars(
        inbox_query(user)
        .where(N.read_at.is_(None), N.kind != kind_registry.DIGEST.key, N.sent_at >= since, N.sent_at < until)
        .order_by(N.sent_at)
        .limit(20)
    ).all()
    if not rows:
        return None
    return {"items": [{"title": row.title or row.kind, "sent_at": row.sent_at} for row in rows]}


def _outbox_section(user: User, since: datetime, until: datetime) -> dict[str, Any] | None:
    if not user.has_role(Role.ADMIN):
        return None
    failed = db.session.scalar(sa.select(sa.func.count()).where(N.status == Status.FAILED.value)) or 0
    late = db.session.scalar(
        sa.select(sa.func.count()).where(
            N.status == Status.PENDING.value, N.next_attempt_at < until - timedelta(hours=1)
        )
    ) or 0
    return {"failed": failed, "late": late} if failed or late else None


register_digest_section(DigestSection("unread", "reminders/messages/digest_unread.txt", _unread_section))
register_digest_section(DigestSection("outbox", "reminders/messages/digest_outbox.txt", _outbox_section))


def plan_digests(now: datetime) -> int:
    """In the DIGEST_HOUR (local), plans today's digest for each staff member who asked for one and has news."""
    hour = current_app.config["DIGEST_HOUR"]
    local = to_local(now)
    if local.hour != hour:
        return 0
    day = local.date()
    at = datetime.combine(day, time(hour), tzinfo=local_zone()).astimezone(UTC)
    since = at - timedelta(days=1)
    planned = 0
    users = db.session.scalars(
        sa.select(User)
        .join(NotificationPreference, NotificationPreference.user_id == User.id)
        .where(NotificationPreference.digest.is_(True), User.active.is_(True))
        .order_by(User.id)
    ).all()
    for user in users:
        exists = db.session.scalar(
            sa.select(N.id).where(
                N.recipient_id == user.id, N.kind == kind_registry.DIGEST.key, N.subject_type == "day",
                N.subject_id == day.isoformat(),
            ).limit(1)
        )
        if exists or not has_work_role(user):
            continue
        sections = []
        for section in _digest_sections:
            data = section.collect(user, since, at)
            if data:
                sections.append({"key": section.key, "template": section.template, "data": data})
        if not sections:
            continue
        notify(user, kind_registry.DIGEST.key, ("day", day.isoformat()), at, {"day": day, "sections": sections})
        planned += 1
    db.session.commit()
    return planned
