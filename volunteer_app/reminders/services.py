"""The notification service: plan notices into the outbox, dispatch what is due, the inbox, preferences and
the admins' view of the outbox.

- `notify(recipient, kind, subject, when, context)` adds one outbox row per channel the recipient uses. The row's
  key (recipient, kind, subject, scheduled time, channel) is unique: planning twice adds nothing. It joins the
  caller's transaction; the caller commits.
- `dispatch_due(clock, ...)` claims due rows in small batches (`FOR UPDATE SKIP LOCKED` on PostgreSQL; on SQLite
  the same guarded UPDATE, which SQLite serialises), sends each and marks it sent in its own commit, so a killed
  process leaves at most the rows it was holding in "sending"; those are taken again once their lease expires.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import socket
import time as monotonic_time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from babel import Locale
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from jinja2 import TemplateNotFound

from volunteer_app.accounts.models import Role, User
from volunteer_app.core import audit
from volunteer_app.core.errors import Conflict, Invalid, NotFound
from volunteer_app.core.pagination import Page, paginate
from volunteer_app.core.policy import require
from volunteer_app.core.time import Clock, as_utc, local_zone, to_local, utcnow
from volunteer_app.extensions import db
from volunteer_app.reminders import kinds as kind_registry
from volunteer_app.reminders.channels import Channel as ChannelImpl
from volunteer_app.reminders.channels import Message, SendError, Undeliverable, open_channels
from volunteer_app.reminders.models import Channel, Notification, NotificationPreference, Status

log = logging.getLogger("shanzhi.reminders")

N = Notification
WORKER_ID = f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


# ---------------------------------------------------------------------------------------------------- planning


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


def preferences_for(user: User) -> NotificationPreference:
    """The user's saved choices, or the defaults (not added to the session), for the preferences form."""
    pref = db.session.get(NotificationPreference, user.id)
    if pref is None:
        pref = NotificationPreference(
            user_id=user.id, email=True, webhook=False, opted_out=[], quiet_hours=True, digest=False
        )
    return pref


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


# ---------------------------------------------------------------------------------------------------- dispatch


@dataclass
class DispatchReport:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    dropped: int = 0
    delayed: int = 0
    released: int = 0

    def __str__(self) -> str:
        return ", ".join(f"{name} {value}" for name, value in vars(self).items())


def _due(now: datetime, lease: timedelta) -> sa.ColumnElement[bool]:
    return sa.or_(
        sa.and_(N.status == Status.PENDING.value, N.next_attempt_at <= now),
        sa.and_(N.status == Status.SENDING.value, N.claimed_at < now - lease),  # its process died
    )


def claim(now: datetime, worker_id: str, batch_size: int, lease: timedelta) -> list[int]:
    """Marks up to `batch_size` due rows "sending" for this worker and commits; returns their ids.

    On PostgreSQL the candidates are locked with SKIP LOCKED, so two dispatchers take different rows; on both
    databases the UPDATE repeats the due condition, so a row another dispatcher took in between is left alone.
    """
    candidates = sa.select(N.id).where(_due(now, lease)).order_by(N.next_attempt_at, N.id).limit(batch_size)
    if db.session.get_bind().dialect.name == "postgresql":
        # Locked first, in a statement of its own: inside `UPDATE ... WHERE id IN (...)` PostgreSQL may run the
        # subquery once per row, and its LIMIT would no longer bound the batch.
        chosen = list(db.session.scalars(candidates.with_for_update(skip_locked=True)))
        if not chosen:
            db.session.commit()
            return []
        which = N.id.in_(chosen)
    else:
        # SQLite runs one writer at a time, so this single guarded UPDATE is the claim.
        which = N.id.in_(candidates.scalar_subquery())
    statement = (
        sa.update(N)
        .where(which, _due(now, lease))
        .values(status=Status.SENDING.value, claimed_by=worker_id, claimed_at=now)
        .returning(N.id)
    )
    ids = sorted(db.session.execute(statement, execution_options={"synchronize_session": False}).scalars())
    db.session.commit()
    return ids


def _finish(notification_id: int, worker_id: str, **values: Any) -> bool:
    """Writes a claimed row's outcome, only if this worker still holds it, and commits."""
    result = db.session.execute(
        sa.update(N)
        .where(N.id == notification_id, N.status == Status.SENDING.value, N.claimed_by == worker_id)
        .values(**values),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    if result.rowcount != 1:
        log.warning("notification %s was taken from worker %s before it finished", notification_id, worker_id)
    return result.rowcount == 1


def _release(ids: list[int], worker_id: str) -> int:
    result = db.session.execute(
        sa.update(N)
        .where(N.id.in_(ids), N.status == Status.SENDING.value, N.claimed_by == worker_id)
        .values(status=Status.PENDING.value, claimed_by=None, claimed_at=None),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    return result.rowcount


def backoff(attempts: int) -> timedelta:
    config = current_app.config
    seconds = config["NOTIFY_BACKOFF_SECONDS"] * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, config["NOTIFY_BACKOFF_MAX_SECONDS"]))


def _locale_for(user: Recipient) -> str:
    languages = current_app.config["LANGUAGES"]
    return user.locale if user.locale in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


@functools.cache
def _babel_locale(code: str) -> Locale:
    return Locale.parse(code)  # force_locale takes a parsed Locale as it is, without looking up locale data again


def _render_one(name: str, variables: dict[str, Any]) -> str:
    return current_app.jinja_env.get_template(name).render(**variables).strip()


def render(row: Claimed, user: Recipient) -> tuple[str, Message]:
    """The notice's text in the recipient's language: (locale, message)."""
    locale = _locale_for(user)
    with force_locale(_babel_locale(locale)):
        return locale, render_now(row, user)


def render_now(row: Claimed, user: Recipient) -> Message:
    """The notice's text in the language in force (the reader's, on a page or in the API)."""
    spec = kind_registry.get(row.kind)
    context = dict(row.context or {})
    variables = {**context, "context": context, "recipient": user, "notification": row, "when": row.scheduled_at}
    base = spec.template_base
    subject = _render_one(f"{base}.subject.txt", variables).splitlines()
    text = _render_one(f"{base}.txt", variables)
    try:
        markdown = _render_one(f"{base}.md", variables)
    except TemplateNotFound:
        markdown = text
    title = (subject[0] if subject else spec.key)[:200]
    return Message(
        notification_id=row.id,
        kind=row.kind,
        recipient_name=user.display_name,
        recipient_email=user.pending_email if spec.to_pending_email else user.email,
        subject=title,
        text=text,
        markdown=markdown if markdown.startswith("#") else f"### {title}\n\n{markdown}",
    )


@dataclass(frozen=True)
class Recipient:
    """What dispatch needs of a user, read once per batch (templates see it as `recipient`)."""

    id: int
    username: str
    display_name: str
    email: str | None
    pending_email: str | None
    locale: str | None
    active: bool


@dataclass(frozen=True)
class Claimed:
    """A claimed outbox row as read at the start of its batch (templates see it as `notification`)."""

    id: int
    kind: str
    channel: str
    subject_type: str
    subject_id: str
    scheduled_at: datetime
    urgent: bool
    essential: bool
    attempts: int
    context: dict[str, Any]
    recipient: Recipient

    @classmethod
    def of(cls, row: Notification) -> Claimed:
        user = row.recipient
        return cls(
            id=row.id, kind=row.kind, channel=row.channel, subject_type=row.subject_type, subject_id=row.subject_id,
            scheduled_at=row.scheduled_at, urgent=row.urgent, essential=row.essential, attempts=row.attempts,
            context=dict(row.context or {}),
            recipient=Recipient(
                user.id, user.username, user.display_name, user.email, user.pending_email, user.locale, user.active
            ),
        )


def _load_batch(ids: list[int], worker_id: str) -> tuple[list[Claimed], dict[int, Prefs]]:
    """The claimed rows, their recipients and preferences in two queries, as plain values that outlive commits."""
    result = db.session.execute(
        sa.select(
            N.id, N.kind, N.channel, N.subject_type, N.subject_id, N.scheduled_at, N.urgent, N.essential, N.attempts,
            N.context, User.id.label("user_id"), User.username, User.display_name, User.email, User.pending_email,
            User.locale, User.active,
        )
        .join(User, User.id == N.recipient_id)
        .where(N.id.in_(ids), N.status == Status.SENDING.value, N.claimed_by == worker_id)
        .order_by(N.id)
    )
    claimed = [
        Claimed(
            id=r.id, kind=r.kind, channel=r.channel, subject_type=r.subject_type, subject_id=r.subject_id,
            scheduled_at=r.scheduled_at, urgent=r.urgent, essential=r.essential, attempts=r.attempts,
            context=dict(r.context or {}),
            recipient=Recipient(r.user_id, r.username, r.display_name, r.email, r.pending_email, r.locale, r.active),
        )
        for r in result
    ]
    user_ids = {c.recipient.id for c in claimed}
    prefs = preferences_of(user_ids)
    db.session.rollback()  # end the read transaction before slow sends
    return claimed, prefs


def _deliver(
    row: Claimed,
    worker_id: str,
    clock: Clock,
    channels: Mapping[str, ChannelImpl],
    pref: Prefs,
    report: DispatchReport,
) -> None:
    user = row.recipient
    now = clock.now()

    def drop(reason: str) -> None:
        report.dropped += 1
        _finish(row.id, worker_id, status=Status.DROPPED.value, last_error=reason)

    if not user.active:
        return drop("account disabled")
    if not row.essential and row.kind in pref.opted_out:
        return drop("recipient opted out of this kind")
    email_off = not pref.email and not kind_registry.get(row.kind).to_pending_email
    if (row.channel == Channel.EMAIL and email_off) or (row.channel == Channel.WEBHOOK and not pref.webhook):
        return drop("recipient switched this channel off")
    if not row.urgent and row.channel != Channel.INBOX:
        later = quiet_until(now, quiet_window(pref))
        if later is not None:
            report.delayed += 1
            _finish(
                row.id, worker_id, status=Status.PENDING.value, next_attempt_at=later, claimed_by=None, claimed_at=None
            )
            return None
    attempts = row.attempts + 1
    try:
        locale, message = render(row, user)
        channels[row.channel].send(message)
    except Undeliverable as error:
        return drop(str(error)[:500])
    except Exception as error:  # a send or template error: retry later, up to the limit
        db.session.rollback()
        reason = f"{type(error).__name__}: {error}"[:1000] if not isinstance(error, SendError) else str(error)
        if attempts >= current_app.config["NOTIFY_MAX_ATTEMPTS"]:
            report.failed += 1
            log.warning("notification %s failed for good after %d attempts: %s", row.id, attempts, reason)
            _finish(row.id, worker_id, status=Status.FAILED.value, attempts=attempts, last_error=reason)
        else:
            report.retried += 1
            _finish(
                row.id, worker_id, status=Status.PENDING.value, attempts=attempts, last_error=reason,
                next_attempt_at=now + backoff(attempts), claimed_by=None, claimed_at=None,
            )
        return None
    report.sent += 1
    _finish(
        row.id, worker_id, status=Status.SENT.value, attempts=attempts, sent_at=clock.now(),
        locale=locale, title=message.subject, body=message.text,
    )
    return None


def dispatch_due(
    clock: Clock,
    batch_size: int | None = None,
    worker_id: str | None = None,
    *,
    limit: int | None = None,
    channels: Mapping[str, ChannelImpl] | None = None,
) -> DispatchReport:
    """Sends what is due, batch by batch, until nothing is due or `limit` rows were handled."""
    config = current_app.config
    batch_size = batch_size or config["DISPATCH_BATCH_SIZE"]
    limit = limit or config["DISPATCH_MAX_PER_RUN"]
    worker_id = worker_id or WORKER_ID
    lease = timedelta(seconds=config["NOTIFY_LEASE_SECONDS"])
    own_channels = channels is None
    channels = channels or open_channels(config)
    report = DispatchReport()
    try:
        while report.claimed < limit:
            # The claim's age counts from the time written into `claimed_at`, even if the claim waited for a lock.
            started = monotonic_time.monotonic()
            ids = claim(clock.now(), worker_id, min(batch_size, limit - report.claimed), lease)
            if not ids:
                break
            report.claimed += len(ids)
            rows, preferences = _load_batch(ids, worker_id)
            for index, row in enumerate(rows):
                # Never keep sending on a claim about to expire: another dispatcher would take the rows too.
                if monotonic_time.monotonic() - started > lease.total_seconds() / 2:
                    report.released += _release([r.id for r in rows[index:]], worker_id)
                    break
                _deliver(row, worker_id, clock, channels, preferences.get(row.recipient.id, Prefs()), report)
    finally:
        db.session.rollback()
        if own_channels:
            for channel in channels.values():
                channel.close()
    return report


# ---------------------------------------------------------------------------------------------------- inbox


def _inbox_query(user: User) -> sa.Select:
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
    query = _inbox_query(actor)
    if unread_only:
        query = query.where(N.read_at.is_(None))
    found = paginate(query.order_by(N.sent_at.desc(), N.id.desc()), page, per_page)
    return Page([InboxNotice.of(row) for row in found.items], found.total, found.page, found.per_page)


def unread_count(user: User) -> int:
    query = _inbox_query(user).where(N.read_at.is_(None))
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0


def get_inbox_item(actor: User, notification_id: int) -> Notification:
    row = db.session.get(N, notification_id)
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


# ---------------------------------------------------------------------------------------------------- preferences


def is_staff(user: User) -> bool:
    return any(role != Role.VOLUNTEER for role in user.roles)


def update_preferences(
    actor: User,
    user: User,
    *,
    email: bool,
    webhook: bool,
    opted_out: Iterable[str],
    quiet_hours: bool,
    quiet_start: time | None = None,
    quiet_end: time | None = None,
    digest: bool = False,
) -> NotificationPreference:
    require(actor, "notification.preferences", user)
    errors: dict[str, list[str]] = {}
    chosen = sorted(set(opted_out))
    for key in chosen:
        try:
            spec = kind_registry.get(key)
        except LookupError:
            errors.setdefault("opted_out", []).append(_("Unknown kind of notice: %(kind)s", kind=key))
            continue
        if spec.essential:
            errors.setdefault("opted_out", []).append(
                _("%(kind)s is essential and cannot be switched off.", kind=spec.label)
            )
    if (quiet_start is None) != (quiet_end is None):
        errors.setdefault("quiet_end", []).append(_("Give both the start and the end of your quiet hours."))
    if digest and not is_staff(user):
        errors.setdefault("digest", []).append(_("The morning digest is for staff."))
    if webhook and not current_app.config.get("WEBHOOK_URL"):
        errors.setdefault("webhook", []).append(_("No group robot is set up on this site."))
    if errors:
        raise Invalid(errors)
    pref = db.session.get(NotificationPreference, user.id)
    if pref is None:
        pref = NotificationPreference(user_id=user.id)
        db.session.add(pref)
    pref.email = email
    pref.webhook = webhook
    pref.opted_out = chosen
    pref.quiet_hours = quiet_hours
    pref.quiet_start = quiet_start
    pref.quiet_end = quiet_end
    pref.digest = digest
    db.session.commit()
    return pref


def send_test(actor: User, now: datetime | None = None) -> list[Notification]:
    """A test notice to oneself over every channel one uses; at most one a minute (the outbox key sees to it)."""
    require(actor, "notification.test", actor)
    now = (now or utcnow()).replace(second=0, microsecond=0)
    rows = notify(actor, kind_registry.TEST.key, ("user", actor.id), now, {"requested_at": now})
    db.session.commit()
    return rows


# ---------------------------------------------------------------------------------------------------- outbox (admins)


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
            kind=args.get("kind", "").strip()[:60],
            channel=channel if channel in set(Channel) else "",
            q=args.get("q", "").strip()[:100],
        )


def outbox(actor: User, filters: OutboxFilter, page: int | None = None, per_page: int | None = None) -> Page:
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


def outbox_counts(actor: User) -> dict[str, int]:
    require(actor, "outbox.list")
    counts = dict(db.session.execute(sa.select(N.status, sa.func.count()).group_by(N.status)).all())
    return {status.value: counts.get(status.value, 0) for status in Status}


def get_notification(actor: User, notification_id: int) -> Notification:
    require(actor, "outbox.list")
    row = db.session.get(N, notification_id)
    if row is None:
        raise NotFound("no such notification")
    return row


def retry(actor: User, notification_id: int, now: datetime | None = None) -> Notification:
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


def cancel(actor: User, notification_id: int, reason: str = "") -> Notification:
    require(actor, "outbox.manage")
    row = get_notification(actor, notification_id)
    if row.status not in (Status.PENDING, Status.FAILED):
        raise Conflict(_("Only a pending or failed notice can be cancelled."))
    previous = row.status
    row.status = Status.CANCELLED.value
    row.last_error = (reason or "cancelled by an administrator")[:1000]
    audit.record(actor, "update", "notification", row.id, reason=reason or None,
                 detail={"op": "cancel", "from": previous})
    db.session.commit()
    return row


# ---------------------------------------------------------------------------------------------------- digest


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
        _inbox_query(user)
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
        if exists or not is_staff(user):
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

