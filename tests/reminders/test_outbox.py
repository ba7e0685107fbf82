"""The outbox: planning is idempotent; dispatch claims, sends over real SMTP and HTTP servers, retries with
backoff, gives up, reclaims abandoned rows; quiet hours, opt-outs and the recipient's language."""

from __future__ import annotations

import dataclasses
import email
import email.policy
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from jinja2 import ChoiceLoader, DictLoader

from volunteer_app.core.audit import AuditEntry
from volunteer_app.core.errors import Conflict, Forbidden
from volunteer_app.extensions import db
from volunteer_app.reminders import kinds, services
from volunteer_app.reminders.channels import EmailChannel, Message
from volunteer_app.reminders.models import Notification, Status

pytestmark = pytest.mark.slow

REMINDER = kinds.register(kinds.Kind("test_reminder", "Test reminder", template="reminders_test/reminder"))
URGENT = kinds.register(kinds.Kind("test_urgent", "Test urgent", urgent=True, template="reminders_test/reminder"))
TEMPLATES = {
    "reminders_test/reminder.subject.txt": "{{ _('Log in') }}: {{ title }}",
    "reminders_test/reminder.txt": "{{ _('Log out') }} {{ title }} {{ starts_at|notice_datetime }}",
}


@pytest.fixture(autouse=True)
def message_templates(app, monkeypatch):
    monkeypatch.setattr(app.jinja_env, "loader", ChoiceLoader([DictLoader(TEMPLATES), app.jinja_env.loader]))
    app.jinja_env.cache.clear()
    yield
    app.jinja_env.cache.clear()


def rows(**where) -> list[Notification]:
    query = sa.select(Notification).order_by(Notification.id)
    for key, value in where.items():
        query = query.where(getattr(Notification, key) == value)
    db.session.expire_all()
    return list(db.session.scalars(query))


def plan(user, clock, kind="test_reminder", subject=("session", 7), when=None, **context):
    result = services.notify(
        user, kind, subject, when or clock.now(), {"title": "Clean-up", "starts_at": clock.now(), **context}
    )
    db.session.commit()
    return result


def test_planning_twice_creates_nothing_new(make_user, clock):
    user = make_user(email="a@example.org")
    first = plan(user, clock)
    second = plan(user, clock)
    assert {r.channel for r in first} == {"inbox", "email"}
    assert [r.id for r in first] == [r.id for r in second]
    assert len(rows()) == 2
    plan(user, clock, when=clock.now() + timedelta(hours=1))  # another scheduled time is another notice
    assert len(rows()) == 4


def test_inbox_notices_are_sent_and_shown_unread(make_user, clock):
    user = make_user()  # no email address: the inbox only
    plan(user, clock)
    report = services.dispatch_due(clock)
    assert (report.claimed, report.sent) == (1, 1)
    [row] = rows()
    assert row.status == Status.SENT and row.channel == "inbox"
    assert row.title == "登录: Clean-up"  # the default language
    assert services.unread_count(user) == 1
    services.mark_read(user, row.id)
    assert services.unread_count(user) == 0


def test_nothing_is_sent_before_its_time(make_user, clock):
    user = make_user()
    plan(user, clock, when=clock.now() + timedelta(hours=2))
    assert services.dispatch_due(clock).claimed == 0
    clock.advance(hours=2)
    assert services.dispatch_due(clock).sent == 1


def test_email_goes_to_a_real_smtp_server_with_the_id_and_kind_headers(make_user, clock, mail_config):
    user = make_user(email="li@example.org", display_name="Li Hua")
    planned = plan(user, clock, channels=None)
    services.dispatch_due(clock)
    email_row = next(r for r in planned if r.channel == "email")
    [message] = mail_config.messages
    assert message["X-Notification-Id"] == str(email_row.id)
    assert message["X-Notification-Kind"] == "test_reminder"
    assert message["To"] == "Li Hua <li@example.org>"
    assert message["Subject"] == "登录: Clean-up"
    assert "Clean-up" in message.get_content()
    assert rows(channel="email")[0].status == Status.SENT


def test_webhook_posts_signed_markdown_to_a_real_http_server(make_user, clock, webhook_server):
    user = make_user()
    services.update_preferences(user, user, email=False, webhook=True, opted_out=[], quiet_hours=True)
    plan(user, clock)
    report = services.dispatch_due(clock)
    assert report.sent == 2  # inbox and webhook
    [request] = webhook_server.requests
    row = rows(channel="webhook")[0]
    body = request["json"]
    assert body["msgtype"] == "markdown"
    assert "Clean-up" in body["markdown"]["content"]
    assert body["notification_id"] == row.id and body["notification_kind"] == "test_reminder"
    headers = request["headers"]
    expected = hmac.new(b"s3cret", headers["X-Shanzhi-Timestamp"].encode() + b"." + request["raw"], hashlib.sha256)
    assert headers["X-Shanzhi-Signature"] == f"sha256={expected.hexdigest()}"


def test_a_refused_send_is_retried_with_backoff_then_sent(make_user, clock, mail_config, app):
    user = make_user(email="a@example.org")
    plan(user, clock, channels=None)
    mail_config.refuse = 2
    assert services.dispatch_due(clock).retried == 1
    row = rows(channel="email")[0]
    assert (row.status, row.attempts) == (Status.PENDING, 1)
    assert "451" in row.last_error
    assert row.next_attempt_at == clock.now() + timedelta(seconds=app.config["NOTIFY_BACKOFF_SECONDS"])
    assert services.dispatch_due(clock).claimed == 0  # not before its next attempt
    clock.advance(seconds=app.config["NOTIFY_BACKOFF_SECONDS"])
    services.dispatch_due(clock)
    row = rows(channel="email")[0]
    assert row.attempts == 2  # refused again; the wait doubles
    assert row.next_attempt_at == clock.now() + 2 * timedelta(seconds=app.config["NOTIFY_BACKOFF_SECONDS"])
    clock.advance(hours=1)
    services.dispatch_due(clock)
    row = rows(channel="email")[0]
    assert (row.status, row.attempts) == (Status.SENT, 3)
    assert len(mail_config.messages) == 1


def plan_emails(users, clock) -> None:
    context = {"title": "Clean-up", "starts_at": clock.now()}
    for user in users:
        services.notify(user, "test_urgent", ("session", 7), clock.now(), context, channels=["email"])
    db.session.commit()


@pytest.mark.parametrize("sync_each", [False, True], ids=["marks-not-waiting-for-disk", "each-mark-waits-for-disk"])
def test_one_connection_serves_the_run_and_each_row_records_what_was_sent(
    make_user, clock, mail_config, app, monkeypatch, sync_each
):
    monkeypatch.setitem(app.config, "DISPATCH_SYNC_EACH_MARK", sync_each)
    plan_emails([make_user(email=f"v{n}@example.org") for n in range(12)], clock)
    report = services.dispatch_due(clock, batch_size=5)  # three batches
    assert (report.claimed, report.sent) == (12, 12)
    assert len(mail_config.messages) == 12
    assert mail_config.connections == 1
    sent = rows(channel="email")
    assert sorted(int(m["X-Notification-Id"]) for m in mail_config.messages) == [r.id for r in sent]
    for row in sent:
        assert (row.status, row.attempts, row.sent_at) == (Status.SENT, 1, clock.now())
        assert (row.locale, row.title) == (app.config["BABEL_DEFAULT_LOCALE"], "登录: Clean-up")
        assert "Clean-up" in row.body


def test_a_refused_message_does_not_hold_up_the_others(make_user, clock, mail_config):
    plan_emails([make_user(email=f"v{n}@example.org") for n in range(6)], clock)
    mail_config.refuse = 1
    report = services.dispatch_due(clock)
    assert (report.sent, report.retried) == (5, 1)
    assert len(mail_config.messages) == 5
    assert mail_config.connections == 2  # a failed send closes its connection; the next message opens another
    [refused] = rows(channel="email", status=Status.PENDING)
    assert refused.attempts == 1 and "451" in refused.last_error
    assert int(mail_config.messages[0]["X-Notification-Id"]) != refused.id


def test_a_notice_keeps_its_message_id_from_one_attempt_to_the_next(app):
    """So a mail store that drops repeated Message-IDs drops the copy sent again after a crash."""
    channel = EmailChannel(app.config)
    name = "李雷\r\nBcc: someone@example.org"
    notice = Message(7, "test_urgent", name, "li@example.org", "明天的活动", "明早九点集合。", "")
    first, again, other = (
        email.message_from_string(channel.build(item), policy=email.policy.default)
        for item in (notice, notice, dataclasses.replace(notice, notification_id=8))
    )
    assert first["Message-ID"] == again["Message-ID"] != other["Message-ID"]
    assert first["Message-ID"].startswith("<notification-7.")
    assert first["Bcc"] is None  # a line break in a name cannot add a header
    assert (first["Subject"], first.get_content().strip()) == ("明天的活动", "明早九点集合。")


def test_a_send_that_keeps_failing_is_marked_failed_and_an_admin_retries_it(
    make_user, clock, app, monkeypatch, mail_config
):
    monkeypatch.setitem(app.config, "NOTIFY_MAX_ATTEMPTS", 3)
    monkeypatch.setitem(app.config, "MAIL_PORT", 1)  # nobody listens there
    admin = make_user("admin")
    user = make_user(email="a@example.org")
    plan(user, clock, channels=None)
    for _ in range(3):
        services.dispatch_due(clock)
        clock.advance(days=1)
    row = rows(channel="email")[0]
    assert (row.status, row.attempts) == (Status.FAILED, 3)
    assert row.last_error.startswith("SMTP")
    assert services.outbox_counts(admin)["failed"] == 1
    monkeypatch.setitem(app.config, "MAIL_PORT", mail_config.port)
    services.retry(admin, row.id, now=clock.now())
    assert services.dispatch_due(clock).sent == 1
    assert rows(channel="email")[0].status == Status.SENT
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.object_type == "notification"))
    assert entry.detail == {"op": "retry", "from": "failed"}


def test_only_admins_retry_or_cancel_and_only_in_the_right_state(make_user, clock):
    admin = make_user("admin")
    volunteer = make_user()
    [row] = plan(volunteer, clock)
    with pytest.raises(Forbidden):
        services.cancel(volunteer, row.id)
    with pytest.raises(Conflict):
        services.retry(admin, row.id)  # pending: nothing to retry
    services.cancel(admin, row.id, reason="the session was called off")
    assert services.dispatch_due(clock).claimed == 0
    with pytest.raises(Conflict):
        services.cancel(admin, row.id)
    assert rows()[0].status == Status.CANCELLED


def test_a_row_left_sending_by_a_dead_process_is_taken_again_after_the_lease(make_user, clock, app):
    user = make_user()
    plan(user, clock)
    lease = timedelta(seconds=app.config["NOTIFY_LEASE_SECONDS"])
    assert services.claim(clock.now(), "dead-worker", 10, lease)  # claimed, then the process "dies"
    assert services.dispatch_due(clock, worker_id="alive").claimed == 0
    clock.advance(seconds=lease.total_seconds() + 1)
    report = services.dispatch_due(clock, worker_id="alive")
    assert report.sent == 1
    assert rows()[0].claimed_by == "alive"


def test_two_dispatchers_never_claim_the_same_row(make_user, clock, app):
    user = make_user()
    for n in range(30):
        plan(user, clock, subject=("session", n))
    lease = timedelta(seconds=app.config["NOTIFY_LEASE_SECONDS"])
    first = services.claim(clock.now(), "one", 20, lease)
    second = services.claim(clock.now(), "two", 20, lease)
    assert len(first) == 20 and len(second) == 10 and not set(first) & set(second)


def test_quiet_hours_hold_non_urgent_notices_until_morning(make_user, clock, mail_config):
    user = make_user(email="a@example.org")
    clock.set(datetime(2026, 5, 12, 15, 30, tzinfo=UTC))  # 23:30 in Shanghai
    plan(user, clock)
    plan(user, clock, kind="test_urgent")
    report = services.dispatch_due(clock)
    assert report.sent == 3  # both inbox notices (silent) and the urgent email
    assert [m["X-Notification-Kind"] for m in mail_config.messages] == ["test_urgent"]
    held = rows(kind="test_reminder", channel="email")[0]
    assert held.status == Status.PENDING
    assert held.next_attempt_at == datetime(2026, 5, 12, 23, 0, tzinfo=UTC)  # 07:00 local
    clock.set(datetime(2026, 5, 12, 22, 59, tzinfo=UTC))
    assert services.dispatch_due(clock).claimed == 0
    clock.set(datetime(2026, 5, 12, 23, 0, tzinfo=UTC))
    assert services.dispatch_due(clock).sent == 1
    assert len(mail_config.messages) == 2


def test_own_quiet_hours_and_quiet_hours_switched_off(make_user, clock, mail_config):
    from datetime import time

    user = make_user(email="a@example.org")
    services.update_preferences(
        user, user, email=True, webhook=False, opted_out=[], quiet_hours=True,
        quiet_start=time(9, 0), quiet_end=time(12, 0),
    )
    plan(user, clock)  # 10:00 local: inside 09:00-12:00
    assert services.dispatch_due(clock).delayed == 0  # held already when planned
    assert rows(channel="email")[0].next_attempt_at == datetime(2026, 5, 12, 4, 0, tzinfo=UTC)
    services.update_preferences(user, user, email=True, webhook=False, opted_out=[], quiet_hours=False)
    plan(user, clock, subject=("session", 8))  # planned without quiet hours: goes now
    services.dispatch_due(clock)
    assert len(mail_config.messages) == 1


def test_opted_out_kinds_are_dropped_but_essential_ones_are_sent(make_user, clock, mail_config):
    user = make_user(email="a@example.org")
    services.update_preferences(user, user, email=True, webhook=False, opted_out=["test_reminder"], quiet_hours=True)
    plan(user, clock)
    services.notify(user, "test", ("user", user.id), clock.now(), {"requested_at": clock.now()})
    db.session.commit()
    report = services.dispatch_due(clock)
    assert report.dropped == 2 and report.sent == 2
    assert {r.kind for r in rows(status=Status.SENT.value)} == {"test"}
    assert rows(kind="test_reminder")[0].last_error == "recipient opted out of this kind"


def test_essential_kinds_cannot_be_opted_out(make_user):
    from volunteer_app.core.errors import Invalid

    user = make_user()
    with pytest.raises(Invalid) as error:
        services.update_preferences(user, user, email=True, webhook=False, opted_out=["test"], quiet_hours=True)
    assert "opted_out" in error.value.errors


def test_the_message_is_in_the_recipients_language(make_user, clock, mail_config):
    english = make_user(email="en@example.org")
    chinese = make_user(email="zh@example.org")
    _set_locale(english, "en")
    _set_locale(chinese, "zh_CN")
    plan(english, clock, channels=None)
    plan(chinese, clock, channels=None)
    services.dispatch_due(clock)
    by_address = {m["To"].addresses[0].addr_spec: m for m in mail_config.messages}
    assert by_address["en@example.org"]["Subject"] == "Log in: Clean-up"
    assert by_address["zh@example.org"]["Subject"] == "登录: Clean-up"
    assert "退出" in by_address["zh@example.org"].get_content()
    assert "2026-05-12 10:00" in by_address["zh@example.org"].get_content()  # local time
    inbox_row = rows(recipient_id=chinese.id, channel="inbox")[0]
    assert (inbox_row.locale, inbox_row.title) == ("zh_CN", "登录: Clean-up")


def _set_locale(user, locale: str) -> None:
    user.locale = locale
    db.session.commit()


def test_cancel_planned_cancels_what_is_not_sent_yet(make_user, clock):
    user = make_user()
    plan(user, clock, when=clock.now() + timedelta(hours=1))
    plan(user, clock, subject=("session", 9), when=clock.now() + timedelta(hours=1))
    assert services.cancel_planned(("session", 7), reason="moved") == 1
    db.session.commit()
    assert [r.status for r in rows()] == [Status.CANCELLED, Status.PENDING]


def test_a_disabled_account_gets_nothing(make_user, clock):
    user = make_user()
    plan(user, clock)
    user.active = False
    db.session.commit()
    assert services.dispatch_due(clock).dropped == 1


def test_the_dispatch_job_runs_through_the_scheduler_registry(app, make_user, clock):
    from volunteer_app.reminders.scheduler import registered_jobs, run_job

    user = make_user()
    plan(user, clock)
    job = next(j for j in registered_jobs() if j.id == "reminders.dispatch")
    run_job(app, job, clock)
    assert rows()[0].status == Status.SENT


def test_send_test_notice_is_at_most_one_a_minute(make_user):
    user = make_user(email="a@example.org")
    first = services.send_test(user, now=datetime(2026, 5, 12, 2, 0, 10, tzinfo=UTC))
    again = services.send_test(user, now=datetime(2026, 5, 12, 2, 0, 50, tzinfo=UTC))
    assert [r.id for r in first] == [r.id for r in again]
    assert {r.channel for r in first} == {"inbox", "email"}


def test_a_webhook_refusal_is_retried(make_user, clock, webhook_server, app):
    user = make_user()
    services.update_preferences(user, user, email=False, webhook=True, opted_out=[], quiet_hours=True)
    webhook_server.answers = [(500, {}), (200, {"errcode": 93000, "errmsg": "invalid webhook url"})]
    plan(user, clock)
    services.dispatch_due(clock)
    row = rows(channel="webhook")[0]
    assert (row.status, row.attempts) == (Status.PENDING, 1) and "500" in row.last_error
    clock.advance(seconds=app.config["NOTIFY_BACKOFF_SECONDS"])
    services.dispatch_due(clock)
    row = rows(channel="webhook")[0]
    assert (row.status, row.attempts) == (Status.PENDING, 2) and "93000" in row.last_error
    clock.advance(hours=1)
    services.dispatch_due(clock)
    assert rows(channel="webhook")[0].status == Status.SENT
    assert len(webhook_server.requests) == 3
