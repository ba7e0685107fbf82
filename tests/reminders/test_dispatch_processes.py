"""The real `flask scheduler run` process against a real SMTP server: killed with SIGKILL in the middle of 1,000
reminders and started again, it loses none and repeats at most the one message it was sending at the kill; two
scheduler processes started by mistake still send each notice once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask_migrate import upgrade

from tests.reminders.conftest import SmtpSink, free_port
from volunteer_app import create_app
from volunteer_app.accounts import services as accounts
from volunteer_app.core.policy import SYSTEM
from volunteer_app.core.time import utcnow
from volunteer_app.extensions import db
from volunteer_app.reminders import services
from volunteer_app.reminders.models import Notification

pytestmark = [pytest.mark.no_db, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
BATCH = 20


@pytest.fixture
def sink():
    sink = SmtpSink(delay=0.003)  # a little latency, as a real relay has, so the kill lands mid-batch
    sink.port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    yield sink
    controller.stop()


@pytest.fixture
def side_app(own_database_url, tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=own_database_url, INSTANCE_PATH=str(tmp_path / "instance"))
    with app.app_context():
        upgrade(revision="heads")
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def make_recipients(app, count: int) -> list[int]:
    with app.app_context():
        users = [
            accounts.create_user(
                SYSTEM, username=f"vol-{n}", password="correct-horse-9", display_name=f"Volunteer {n}",
                roles=[accounts.RoleSpec.parse("volunteer")], email=f"vol-{n}@example.org",
            )
            for n in range(count)
        ]
        ids = [user.id for user in users]
        db.session.remove()
        return ids


def plan_reminders(app, user_ids: list[int], total: int) -> set[int]:
    """`total` email notices, spread over the users, due now ("test" is urgent: no quiet hours in the way)."""
    with app.app_context():
        now = utcnow()
        planned = set()
        for n in range(total):
            rows = services.notify(
                user_ids[n % len(user_ids)], "test", ("reminder", n), now, {"requested_at": now}, channels=["email"]
            )
            planned.update(row.id for row in rows)
        db.session.commit()
        db.session.remove()
        return planned


def statuses(app) -> dict[int, str]:
    with app.app_context():
        result = dict(db.session.execute(sa.select(Notification.id, Notification.status)).all())
        db.session.remove()
        return result


def claimers(app) -> Counter:
    with app.app_context():
        result = Counter(db.session.scalars(sa.select(Notification.claimed_by)))
        db.session.remove()
        return result


def scheduler_env(database_url: str, tmp_path: Path, sink: SmtpSink, lease: int = 30) -> dict[str, str]:
    return os.environ | {
        "FLASK_CONFIG": "development",
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(sink.port),
        "MAIL_USE_TLS": "0",
        "MAIL_USE_SSL": "0",
        "MAIL_TIMEOUT_SECONDS": "5",
        "DISPATCH_INTERVAL_SECONDS": "1",
        "DISPATCH_BATCH_SIZE": str(BATCH),
        "NOTIFY_LEASE_SECONDS": str(lease),
    }


def start_scheduler(env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("w") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "scheduler", "run"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )


def wait_for(condition, timeout: float, what: str, logs: list[Path] = ()) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    tails = "\n".join(log.read_text()[-3000:] for log in logs)
    raise AssertionError(f"timed out waiting for {what}\n{tails}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_sigkill_mid_dispatch_loses_nothing_and_repeats_at_most_what_was_in_flight(side_app, sink, tmp_path):
    planned = plan_reminders(side_app, make_recipients(side_app, 50), 1000)
    assert len(planned) == 1000
    # A short lease, so the restarted process takes back what the killed one held without a long wait.
    env = scheduler_env(side_app.config["SQLALCHEMY_DATABASE_URI"], tmp_path, sink, lease=4)
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"

    first = start_scheduler(env, first_log)
    try:
        wait_for(lambda: len(sink.ids()) >= 300, 90, "300 messages before the kill", [first_log])
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    at_kill = statuses(side_app)
    in_flight = {i for i, status in at_kill.items() if status == "sending"}
    sent_at_kill = {i for i, status in at_kill.items() if status == "sent"}
    assert 0 < len(sent_at_kill) < 1000, "the kill should land in the middle of the run"
    assert len(in_flight) <= BATCH

    second = start_scheduler(env, second_log)
    try:
        wait_for(lambda: set(statuses(side_app).values()) == {"sent"}, 120, "every notice sent", [second_log])
    finally:
        stop(second)

    received = Counter(sink.ids())
    assert set(received) == planned, "a notice was lost"
    repeated = {i for i, times in received.items() if times > 1}
    assert repeated <= in_flight, "only a message in flight at the kill may arrive twice"
    # Each row is marked sent before the next message goes out (marks are not batched), so of the rows the killed
    # process held at most the one it was sending can have gone out unmarked.
    assert len(repeated) <= 1, f"more than the message being sent at the kill arrived twice: {sorted(repeated)}"
    assert max(received.values()) <= 2
    assert not repeated & sent_at_kill
    assert sink.connections <= 2 * BATCH, "SMTP connections are reused across messages and batches"


def test_two_scheduler_processes_send_each_notice_once(side_app, sink, tmp_path):
    users = make_recipients(side_app, 20)
    env = scheduler_env(side_app.config["SQLALCHEMY_DATABASE_URI"], tmp_path, sink)
    logs = [tmp_path / "one.log", tmp_path / "two.log"]
    processes = [start_scheduler(env, log) for log in logs]
    try:
        wait_for(
            lambda: all("scheduler started" in log.read_text() for log in logs), 60, "both schedulers", logs
        )
        planned = plan_reminders(side_app, users, 600)
        wait_for(lambda: set(statuses(side_app).values()) == {"sent"}, 120, "every notice sent", logs)
    finally:
        for process in processes:
            stop(process)
    received = Counter(sink.ids())
    assert set(received) == planned
    assert max(received.values()) == 1, "a notice was sent twice"
    workers = claimers(side_app)
    if side_app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        assert len(workers) == 2, f"both processes should have sent some: {workers}"
    # On PostgreSQL the scheduler's job lock (core/jobs.py `exclusive`) lets one process dispatch at a time, so one
    # may send them all; claims made side by side are kept apart by the claim itself (test_outbox.py).
