"""The audit log: an append-only record of who created, changed, deleted, exported or viewed sensitive data."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column

from volunteer_app.core.ids import MAX_ID
from volunteer_app.core.pagination import Page, paginate
from volunteer_app.core.policy import require
from volunteer_app.core.time import UTCDateTime, as_utc, utcnow
from volunteer_app.extensions import db

# "lock" is kept for entries written before login throttling (accounts/throttle.py) replaced the lockout.
ACTIONS = (
    "create", "update", "delete", "export", "view", "view_contact", "reveal",
    "login", "login_failed", "throttle", "login_throttled", "lock", "close",
)  # fmt: skip


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


# ---------------------------------------------------------------------------------------------- naming records
# An entry names its record by type and id; people read a name instead. Each domain registers the types it owns,
# so core never imports a domain.


@dataclass(frozen=True)
class Named:
    """A record as a person reads it: its name, and a link only when the reader may open it."""

    label: str
    url: str | None = None


# describe(reader, ids) -> {id: Named} for the ids that still exist; one call per type and page, not per entry.
Describer = Callable[[Any, Sequence[str]], Mapping[str, Named]]


@dataclass(frozen=True)
class RecordType:
    label: Any  # a lazy string: what the record is ("Household file"), shown with its number when it is gone
    describe: Describer | None = None


_record_types: dict[str, RecordType] = {}
_audited_names: list[str] = []  # the first name of each type: the one the audit log records


def register_record_type(*names: str, label: Any, describe: Describer | None = None) -> None:
    """Names a record type for people. A type may go by several names (the audit log's "event_session", the
    outbox's table name "event_sessions")."""
    for name in names:
        _record_types[name] = RecordType(label, describe)
    if names[0] not in _audited_names:
        _audited_names.append(names[0])


def record_type_choices() -> list[tuple[str, str]]:
    """(name, label) of the audited record types, by label, for the audit page's filter."""
    return sorted(((name, record_type_label(name)) for name in _audited_names), key=lambda choice: choice[1])


def record_type_label(name: str) -> str:
    known = _record_types.get(name)
    return str(known.label) if known else _("Record")


def name_records(reader: Any, refs: Iterable[tuple[str, str | None]]) -> dict[tuple[str, str | None], Named]:
    """How each (type, id) reads to `reader`: the record's name, linked where the reader may open it; a record
    that is gone, or that its domain does not describe, as its translated type and number."""
    wanted: dict[str, set[str]] = {}
    for record_type, record_id in refs:
        wanted.setdefault(record_type, set())
        if record_id:
            wanted[record_type].add(record_id)
    named: dict[tuple[str, str | None], Named] = {}
    for record_type, ids in wanted.items():
        known = _record_types.get(record_type)
        found = known.describe(reader, sorted(ids)) if known and known.describe and ids else {}
        label = record_type_label(record_type)
        named[(record_type, None)] = Named(label)
        for record_id in ids:
            named[(record_type, record_id)] = found.get(record_id) or Named(
                _("%(record)s no. %(id)s", record=label, id=record_id)
            )
    return named


def int_ids(ids: Iterable[str]) -> list[int]:
    """The ids that can be a table's integer key (entries keep ids as text)."""
    return [int(i) for i in ids if i.isdigit() and 0 < int(i) <= MAX_ID]


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
