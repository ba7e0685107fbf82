"""Dispatching what is due.

`dispatch_due(clock, ...)` claims due rows in small batches (`FOR UPDATE SKIP LOCKED` on PostgreSQL; on SQLite the
same guarded UPDATE, which SQLite serialises), sends each and marks it sent in its own commit before sending the
next, so a killed process leaves at most the rows it was holding in "sending", and of those only the one being sent
may have gone out; they are taken again once their lease expires. The marks are written by `Outcomes`, which keeps
them cheap without batching them (see there).
"""

from __future__ import annotations

import functools
import logging
import os
import socket
import time as monotonic_time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from jinja2 import TemplateNotFound

from volunteer_app.accounts.models import User
from volunteer_app.core import languages
from volunteer_app.core.time import Clock
from volunteer_app.extensions import db
from volunteer_app.reminders import kinds as kind_registry
from volunteer_app.reminders.channels import Channel as ChannelImpl
from volunteer_app.reminders.channels import Message, SendError, Undeliverable, open_channels
from volunteer_app.reminders.models import Channel, Notification, Status
from volunteer_app.reminders.services.planning import Prefs, preferences_of, quiet_until, quiet_window

N = Notification


log = logging.getLogger("shanzhi.reminders")

WORKER_ID = f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


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


@functools.cache
def _outcome_statement(columns: tuple[str, ...]) -> sa.Update:
    """The UPDATE writing these columns of a row this worker holds, built once: a statement made anew for every row
    cost as much CPU as the round trip to the database."""
    return (
        sa.update(N.__table__)
        .where(
            N.__table__.c.id == sa.bindparam("outcome_id"),
            N.__table__.c.status == Status.SENDING.value,
            N.__table__.c.claimed_by == sa.bindparam("worker"),
        )
        .values({column: sa.bindparam(column) for column in columns})
    )


class Outcomes:
    """Writes each claimed row's outcome (sent, dropped, retried, released) in a transaction of its own, one
    statement in autocommit on a connection of its own: one round trip a row. A row is marked before the next
    message is sent, so a killed dispatcher has at most the message it was sending out and unmarked, as when each
    mark waited for the disk; batching the marks would widen that to the whole batch.

    What made a mark slow was waiting for the disk (an fsync per commit: 107 messages/s on PostgreSQL). Unless
    DISPATCH_SYNC_EACH_MARK is set these commits do not wait for it (PostgreSQL `synchronous_commit=off`,
    SQLite `synchronous=NORMAL` in WAL mode): the database has applied a mark when the call returns, so killing the
    dispatcher loses none. Only a crash of the database server or of the machine can lose the newest marks not yet
    on disk: PostgreSQL writes them within 3 × wal_writer_delay (0.6 s by default), and the next claim, an ordinary
    commit, writes all earlier ones first, so at most the current batch. Those rows are still "sending" and are
    sent again after the lease, like the message in flight at a kill.
    """

    def __init__(self, sync_each: bool) -> None:
        engine = db.session.get_bind()
        self.dialect = engine.dialect.name
        # An in-memory SQLite database exists only on the session's own connection.
        self.connection = None if engine.url.database in (None, "", ":memory:") else engine.connect()
        self.restore: str | None = None
        if self.connection is None:
            return
        self.connection = self.connection.execution_options(isolation_level="AUTOCOMMIT")
        if sync_each:
            return
        if self.dialect == "postgresql":
            self.connection.exec_driver_sql("SET synchronous_commit TO off")
            self.restore = "RESET synchronous_commit"
        elif self.dialect == "sqlite" and self._sqlite_wal():
            level = self.connection.exec_driver_sql("PRAGMA synchronous").scalar()
            self.connection.exec_driver_sql("PRAGMA synchronous=NORMAL")
            self.restore = f"PRAGMA synchronous={int(level)}"

    def _sqlite_wal(self) -> bool:
        # Without WAL, synchronous=NORMAL could leave a corrupt database after a power loss: keep FULL there.
        return str(self.connection.exec_driver_sql("PRAGMA journal_mode").scalar()).lower() == "wal"

    def _execute(self, statement: sa.Executable, parameters: dict[str, Any] | None = None) -> int:
        if self.connection is None:
            result = db.session.execute(statement, parameters, execution_options={"synchronize_session": False})
            db.session.commit()
        else:
            result = self.connection.execute(statement, parameters)
        return result.rowcount

    def finish(self, notification_id: int, worker_id: str, **values: Any) -> bool:
        """Writes a claimed row's outcome, only if this worker still holds it."""
        done = self._execute(
            _outcome_statement(tuple(sorted(values))), {"outcome_id": notification_id, "worker": worker_id, **values}
        )
        if done != 1:
            log.warning("notification %s was taken from worker %s before it finished", notification_id, worker_id)
        return done == 1

    def release(self, ids: list[int], worker_id: str) -> int:
        return self._execute(
            sa.update(N)
            .where(N.id.in_(ids), N.status == Status.SENDING.value, N.claimed_by == worker_id)
            .values(status=Status.PENDING.value, claimed_by=None, claimed_at=None)
        )

    def close(self) -> None:
        if self.connection is None:
            return
        try:
            if self.restore:
                self.connection.exec_driver_sql(self.restore)  # the connection goes back to the pool
        finally:
            self.connection.close()


def backoff(attempts: int) -> timedelta:
    config = current_app.config
    seconds = config["NOTIFY_BACKOFF_SECONDS"] * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, config["NOTIFY_BACKOFF_MAX_SECONDS"]))


def _locale_for(user: Recipient) -> str:
    languages = current_app.config["LANGUAGES"]
    return user.locale if user.locale in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def _render_one(name: str, variables: dict[str, Any]) -> str:
    return current_app.jinja_env.get_template(name).render(**variables).strip()


def render(row: Claimed, user: Recipient) -> tuple[str, Message]:
    """The notice's text in the recipient's language: (locale, message)."""
    locale = _locale_for(user)
    with force_locale(languages.parsed(locale)):
        return locale, render_now(row, user)


def render_now(row: Claimed, user: Recipient) -> Message:
    """The notice's text in the language in force (the reader's, on a page or in the API)."""
    spec = kind_registry.get(row.kind)
    context = dict(row.context or {})
    variables = {**context, "context": context, "recipient": user, "notification": row, "when": row.scheduled_at}
    base = spec.template_base
    subject = _render_one(f"{base}.subject.txt", variables).splitlines()
    text = _render_one(f"{base}.txt", variables)
    title = (subject[0] if subject else spec.key)[:200]
    markdown = ""  # only the group robot shows Markdown: not rendered for the other channels
    if row.channel == Channel.WEBHOOK:
        try:
            markdown = _render_one(f"{base}.md", variables)
        except TemplateNotFound:
            markdown = text
        markdown = markdown if markdown.startswith("#") else f"### {title}\n\n{markdown}"
    return Message(
        notification_id=row.id,
        kind=row.kind,
        recipient_name=user.display_name,
        recipient_email=user.pending_email if spec.to_pending_email else user.email,
        subject=title,
        text=text,
        markdown=markdown,
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
    outcomes: Outcomes,
) -> None:
    user = row.recipient
    now = clock.now()

    def drop(reason: str) -> None:
        report.dropped += 1
        outcomes.finish(row.id, worker_id, status=Status.DROPPED.value, last_error=reason)

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
            outcomes.finish(
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
        reason = f"{type(error).__name__}: {error}"[:1000] if not isinstance(error, SendError) else str(error)
        if attempts >= current_app.config["NOTIFY_MAX_ATTEMPTS"]:
            report.failed += 1
            log.warning("notification %s failed for good after %d attempts: %s", row.id, attempts, reason)
            outcomes.finish(row.id, worker_id, status=Status.FAILED.value, attempts=attempts, last_error=reason)
        else:
            report.retried += 1
            outcomes.finish(
                row.id, worker_id, status=Status.PENDING.value, attempts=attempts, last_error=reason,
                next_attempt_at=now + backoff(attempts), claimed_by=None, claimed_at=None,
            )
        return None
    report.sent += 1
    outcomes.finish(
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
    outcomes = Outcomes(bool(config["DISPATCH_SYNC_EACH_MARK"]))
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
                    report.released += outcomes.release([r.id for r in rows[index:]], worker_id)
                    break
                _deliver(
                    row, worker_id, clock, channels, preferences.get(row.recipient.id, Prefs()), report, outcomes
                )
    finally:
        db.session.rollback()
        outcomes.close()
        if own_channels:
            for channel in channels.values():
                channel.close()
    return report
