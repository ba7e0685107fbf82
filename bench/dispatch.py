"""Notification dispatch throughput: plan reminders for 1,000 volunteers (10,000 email notices), then dispatch
them to a local SMTP sink (aiosmtpd) and report messages per second, beside the in-app inbox channel and two
other batch sizes on the same machine in the same run.

    .venv/bin/python bench/dispatch.py [--total 10000] [--database-url URL]

Without --database-url (or BENCH_DATABASE_URL) it uses a fresh SQLite file in a temporary directory.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask_migrate import upgrade

from volunteer_app import create_app
from volunteer_app.accounts.models import RoleGrant, User
from volunteer_app.core.time import SystemClock, utcnow
from volunteer_app.extensions import db
from volunteer_app.reminders import services
from volunteer_app.reminders.models import Notification


class Sink:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_volunteers(count: int) -> list[int]:
    users = [
        User(username=f"bench-{n}", display_name=f"Volunteer {n}", password_hash="x", email=f"bench-{n}@example.org")
        for n in range(count)
    ]
    db.session.add_all(users)
    db.session.flush()
    db.session.add_all(RoleGrant(user_id=user.id, role="volunteer") for user in users)
    db.session.commit()
    return [user.id for user in users]


def plan(user_ids: list[int], total: int, channel: str, tag: str) -> float:
    started = time.perf_counter()
    now = utcnow()
    for n in range(total):
        services.notify(
            user_ids[n % len(user_ids)], "test", (tag, n), now, {"requested_at": now}, channels=[channel]
        )
        if n % 500 == 499:
            db.session.commit()
    db.session.commit()
    return time.perf_counter() - started


def dispatch(batch_size: int) -> tuple[int, float]:
    started = time.perf_counter()
    sent = 0
    while True:
        report = services.dispatch_due(SystemClock(), batch_size=batch_size, limit=100_000)
        sent += report.sent
        if report.claimed == 0:
            break
    return sent, time.perf_counter() - started


def clear_outbox() -> None:
    db.session.execute(sa.delete(Notification))
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--total", type=int, default=10_000)
    parser.add_argument("--volunteers", type=int, default=1_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-dispatch-"))
    url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    app = create_app(
        "testing", SQLALCHEMY_DATABASE_URI=url, INSTANCE_PATH=str(workdir), MAIL_SERVER="127.0.0.1", MAIL_PORT=port,
        MAIL_USE_TLS=False, MAIL_USE_SSL=False, MAIL_USERNAME=None,
    )
    try:
        with app.app_context():
            upgrade(revision="heads")
            clear_outbox()
            users = make_volunteers(args.volunteers)
            print(f"dispatch bench: {args.total} notices for {args.volunteers} volunteers, {url.split(':')[0]}")

            seconds = plan(users, args.total, "email", "plan")
            print(f"  plan (notify)           {args.total / seconds:8.0f} notices/s   ({seconds:.1f} s)")
            sent, seconds = dispatch(app.config["DISPATCH_BATCH_SIZE"])
            email_rate = sent / seconds
            print(f"  email, batch {app.config['DISPATCH_BATCH_SIZE']:<4}      {email_rate:8.0f} messages/s "
                  f"({sent} to the SMTP sink in {seconds:.1f} s; sink got {sink.count})")

            side = max(1000, args.total // 5)
            for batch in (10, 200):
                clear_outbox()
                plan(users, side, "email", f"batch{batch}")
                sent, seconds = dispatch(batch)
                print(f"  email, batch {batch:<4}      {sent / seconds:8.0f} messages/s "
                      f"({sent / seconds / email_rate:.2f}x)")
            clear_outbox()
            plan(users, side, "inbox", "inbox")
            sent, seconds = dispatch(app.config["DISPATCH_BATCH_SIZE"])
            print(f"  inbox, batch {app.config['DISPATCH_BATCH_SIZE']:<4}      {sent / seconds:8.0f} notices/s  "
                  f"({sent / seconds / email_rate:.2f}x email: the cost of SMTP itself)")
            db.session.remove()
            db.engine.dispose()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
