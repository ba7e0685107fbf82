"""Planning notices into the outbox.

`notify(recipient, kind, subject, when, context)` adds one outbox row per channel the recipient uses. The row's key
(recipient, kind, subject, scheduled time, channel) is unique: planning twice adds nothing. It joins the caller's
transaction; the caller commits. `notify_many` plans many at once in one INSERT.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import current_app

from volunteer_app.accounts.models import User
from volunteer_app.core.errors import NotFound
from volunteer_app.core.time import as_utc, local_zone, to_local, utcnow
from volunteer_app.extensions import db
from volunteer_app.reminders import kinds as kind_registry
from volunteer_app.reminders.models import Channel, Notification, NotificationPreference, Status

N = Notification


def subject_key(subject: object) -> tuple[str, str]:
    """What a notice is about, as (type, id): a model instance, a (type, id) pair, or None."""
    if subject is None:
        return "", ""
    if isinstance(subject, tuple) and len(subject) == 2:
        return str(subject[0])[:40], str(subject[1])[:40]
    table = getattr(subject, "__tablename__", None) or type(subject).__name__.lower()
    return str(table)[:40], str(subject.id)[:40]


def jsonable(value: Any) -> Any:
    """Template variables as the outbox stores them (JSON): datetimes as ISO strings, decimals as text."""
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


@dataclass(frozen=True)
class Prefs:
    """A user's notification choices as plain values (the defaults when they saved none)."""

    email: bool = True
    webhook: bool = False
    opted_out: tuple[str, ...] = ()
    quiet_hours: bool = True
    quiet_start: time | None = None
    quiet_end: time | None = None
    digest: bool = False

    @classmethod
    def of(cls, row: NotificationPreference) -> Prefs:
        return cls(
            row.email, row.webhook, tuple(row.opted_out or ()), row.quiet_hours, row.quiet_start, row.quiet_end,
            row.digest,
        )


def preferences_of(user_ids: Iterable[int]) -> dict[int, Prefs]:
    """Saved choices of these users in one query; users who saved none are absent (use `Prefs()`)."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    return {
        row.user_id: Prefs.of(row)
        for row in db.session.scalars(sa.select(NotificationPreference).where(NotificationPreference.user_id.in_(ids)))
    }


def channels_for(email_address: str | None, pref: Prefs) -> list[str]:
    """The inbox always; email when chosen and the user has an address; the group robot when chosen and set up."""
    chosen = [Channel.INBOX.value]
    if pref.email and email_address:
        chosen.append(Channel.EMAIL.value)
    if pref.webhook and current_app.config.get("WEBHOOK_URL"):
        chosen.append(Channel.WEBHOOK.value)
    return chosen


def _parse_clock_time(text: str) -> time:
    hours, _sep, minutes = text.partition(":")
    return time(int(hours), int(minutes or 0))


def quiet_window(pref: Prefs) -> tuple[time, time] | None:
    if not pref.quiet_hours:
        return None
    start = pref.quiet_start or _parse_clock_time(current_app.config["QUIET_HOURS_START"])
    end = pref.quiet_end or _parse_clock_time(current_app.config["QUIET_HOURS_END"])
    return None if start == end else (start, end)


def quiet_until(moment: datetime, window: tuple[time, time] | None) -> datetime | None:
    """When the quiet hours containing `moment` (local time) end, in UTC; None when `moment` is not quiet."""
    if window is None:
        return None
    start, end = window
    local = to_local(moment)
    now_t = local.time()
    if start < end:
        quiet = start <= now_t < end
        end_day = local.date()
    else:  # over midnight, e.g. 22:00-07:00
        quiet = now_t >= start or now_t < end
        end_day = local.date() if now_t < end else local.date() + timedelta(days=1)
    if not quiet:
        return None
    return datetime.combine(end_day, end, tzinfo=local_zone()).astimezone(UTC)


@dataclass(frozen=True)
class Planned:
    """One notice to plan: for whom, about what (a `subject_key`), when, with which template variables.
    Callers planning for many people share one context dict among them; it is converted to JSON once."""

    user_id: int
    subject: tuple[str, str]
    when: datetime
    context: Mapping[str, Any]


OUTBOX_KEY = ["recipient_id", "kind", "subject_type", "subject_id", "scheduled_at", "channel"]


def outbox_rows(
    kind: kind_registry.Kind, planned: Iterable[Planned], *, channels: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """The outbox rows for these notices, one per channel each recipient uses (or `channels`), in a few queries
    whatever their number. Non-urgent rows for email or the robot planned inside the recipient's quiet hours are
    due when those end; the inbox is silent and takes them at once. Unknown recipients are skipped."""
    planned = list(planned)
    ids = sorted({item.user_id for item in planned})
    addresses = dict(db.session.execute(sa.select(User.id, User.email).where(User.id.in_(ids))).all()) if ids else {}
    prefs = preferences_of(ids)
    fixed = [Channel(channel).value for channel in channels] if channels is not None else None
    now = utcnow()
    windows: dict[Prefs, tuple[time, time] | None] = {}
    contexts: dict[int, Any] = {}
    rows = []
    for item in planned:
        if item.user_id not in addresses:
            continue
        pref = prefs.get(item.user_id, Prefs())
        if pref not in windows:
            windows[pref] = quiet_window(pref)
        window = None if kind.urgent else windows[pref]
        if id(item.context) not in contexts:
            contexts[id(item.context)] = jsonable(item.context)
        when = as_utc(item.when)
        for channel in fixed if fixed is not None else channels_for(addresses[item.user_id], pref):
            later = None if channel == Channel.INBOX else quiet_until(when, window)
            rows.append(
                {
                    "recipient_id": item.user_id,
                    "kind": kind.key,
                    "subject_type": item.subject[0],
                    "subject_id": item.subject[1],
                    "scheduled_at": when,
                    "channel": channel,
                    "status": Status.PENDING.value,
                    "urgent": kind.urgent,
                    "essential": kind.essential,
                    "context": contexts[id(item.context)],
                    "attempts": 0,
                    "next_attempt_at": later or when,
                    "created_at": now,
                }
            )
    return rows


def insert_rows(rows: list[dict[str, Any]]) -> None:
    """One executemany INSERT at the table (no per-row ORM work); rows whose outbox key exists are ignored."""
    if not rows:
        return
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    db.session.execute(insert(N.__table__).on_conflict_do_nothing(index_elements=OUTBOX_KEY), rows)


def notify_many(kind: kind_registry.Kind, planned: Iterable[Planned]) -> int:
    """Plans these notices (duplicates of the outbox key are ignored). Joins the caller's transaction.
    Returns the rows offered."""
    rows = outbox_rows(kind, planned)
    insert_rows(rows)
    return len(rows)


def notify(
    recipient: User | int,
    kind: str,
    subject: object = None,
    when: datetime | None = None,
    context: Mapping[str, Any] | None = None,
    *,
    channels: Iterable[str] | None = None,
) -> list[Notification]:
    """Plans a notice: one outbox row per channel, due at `when` (now when None). Idempotent on its key.

    `subject` is what the notice is about (a model instance or a (type, id) pair); `context` holds the template
    variables (datetimes are stored as ISO strings). Joins the caller's transaction: the caller commits.
    """
    user_id = recipient.id if isinstance(recipient, User) else recipient
    spec = kind_registry.get(kind)
    when = as_utc(when) if when is not None else utcnow()
    item = Planned(user_id, subject_key(subject), when, dict(context or {}))
    rows = outbox_rows(spec, [item], channels=channels)
    if not rows and db.session.get(User, user_id) is None:
        raise NotFound("no such recipient")
    insert_rows(rows)
    return list(
        db.session.scalars(
            sa.select(N)
            .where(
                N.recipient_id == user_id,
                N.kind == spec.key,
                N.subject_type == item.subject[0],
                N.subject_id == item.subject[1],
                N.scheduled_at == when,
            )
            .order_by(N.id)
        )
    )


def refresh_planned(
    kind: str, subjects: Iterable[object], changes: Mapping[str, Any], *, recipients: Iterable[int] | None = None
) -> int:
    """Sets these template variables on the notices of `kind` about `subjects` (for `recipients` only, when
    given) not yet sent, so a reminder planned before an event was renamed or moved elsewhere says what is true
    when it goes out. Rows sharing a context are updated together. Joins the caller's transaction; returns the
    rows changed."""
    keys = [subject_key(subject) for subject in subjects]
    if not keys or not changes:
        return 0
    fresh = jsonable(dict(changes))
    query = sa.select(N.id, N.context).where(
        N.kind == kind, N.status == Status.PENDING.value, sa.tuple_(N.subject_type, N.subject_id).in_(keys)
    )
    if recipients is not None:
        query = query.where(N.recipient_id.in_(sorted(set(recipients))))
    pending = db.session.execute(query).all()
    groups: dict[str, tuple[dict[str, Any], list[int]]] = {}
    for row in pending:
        context = dict(row.context or {})
        if all(context.get(key) == value for key, value in fresh.items()):
            continue
        marker = json.dumps(context, sort_keys=True)
        groups.setdefault(marker, ({**context, **fresh}, []))[1].append(row.id)
    changed = 0
    for context, ids in groups.values():
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            db.session.execute(
                sa.update(N).where(N.id.in_(chunk)).values(context=context),
                execution_options={"synchronize_session": False},
            )
            changed += len(chunk)
    return changed


def cancel_planned(
    subject: object, *, kinds: Iterable[str] | None = None, recipient: User | int | None = None, reason: str = ""
) -> int:
    """Cancels notices about `subject` not yet sent (e.g. a session moved or was called off). Caller commits."""
    subject_type, subject_id = subject_key(subject)
    statement = sa.update(N).where(
        N.subject_type == subject_type, N.subject_id == subject_id, N.status == Status.PENDING.value
    )
    if kinds is not None:
        statement = statement.where(N.kind.in_(list(kinds)))
    if recipient is not None:
        statement = statement.where(N.recipient_id == getattr(recipient, "id", recipient))
    result = db.session.execute(
        statement.values(status=Status.CANCELLED.value, last_error=reason or "cancelled"),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount
