"""The audit log: an append-only record of who created, changed, deleted, exported or viewed sensitive data."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column

from volunteer_app.core.pagination import Page, paginate
from volunteer_app.core.policy import require
from volunteer_app.core.time import UTCDateTime, as_utc, utcnow
from volunteer_app.extensions import db

ACTIONS = ("create", "update", "delete", "export", "view", "reveal", "login", "login_failed", "lock")


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    actor_name: Mapped[str] = mapped_column(sa.String(80), default="")
    ip: Mapped[str | None] = mapped_column(sa.String(45))
    action: Mapped[str] = mapped_column(sa.String(20), index=True)
    object_type: Mapped[str] = mapped_column(sa.String(40), index=True)
    object_id: Mapped[str | None] = mapped_column(sa.String(40))
    reason: Mapped[str | None] = mapped_column(sa.String(255))
    detail: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_rewrite(mapper, connection, target) -> None:
    raise RuntimeError("audit entries are append-only")


# The web layer tells the audit log where a request came from; services never read `request` themselves.
_ip_source: Callable[[], str | None] = lambda: None  # noqa: E731


def set_ip_source(source: Callable[[], str | None]) -> None:
    global _ip_source
    _ip_source = source


def record(
    actor: Any,
    action: str,
    object_type: str,
    object_id: object = None,
    *,
    reason: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Adds an entry to the current transaction, so it commits or rolls back with the change it describes."""
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        actor_name=getattr(actor, "username", "") or "system",
        ip=_ip_source(),
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        reason=reason,
        detail=detail,
    )
    db.session.add(entry)
    return entry


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    since: date | None = None
    until: date | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> AuditFilter:
        def day(name: str) -> date | None:
            try:
                return date.fromisoformat(args.get(name, ""))
            except ValueError:
                return None

        return cls(
            actor=args.get("actor", "").strip(),
            action=args.get("action", "").strip(),
            object_type=args.get("object_type", "").strip(),
            object_id=args.get("object_id", "").strip(),
            since=day("since"),
            until=day("until"),
        )


def search(actor: Any, filters: AuditFilter, page: int | None = None, per_page: int | None = None) -> Page:
    require(actor, "audit.list")
    query = sa.select(AuditEntry).order_by(AuditEntry.id.desc())
    if filters.actor:
        query = query.where(AuditEntry.actor_name.ilike(f"%{filters.actor}%"))
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.object_type:
        query = query.where(AuditEntry.object_type == filters.object_type)
    if filters.object_id:
        query = query.where(AuditEntry.object_id == filters.object_id)
    if filters.since:
        query = query.where(AuditEntry.at >= _day_start_utc(filters.since))
    if filters.until:
        query = query.where(AuditEntry.at < _day_start_utc(filters.until + timedelta(days=1)))
    return paginate(query, page, per_page)


def _day_start_utc(day: date) -> datetime:
    return as_utc(datetime.combine(day, datetime.min.time()))
