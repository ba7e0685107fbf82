"""Notification dispatch throughput: plan email notices for 1,000 volunteers, then dispatch them to a local SMTP
server (aiosmtpd, in a process of its own as a relay would be) and report messages per second, side by side in the
same run: each mark waiting for the disk (DISPATCH_SYNC_EACH_MARK, how every commit behaved before #16), the
default, and the in-app inbox (no SMTP at all). Besides messages per second it reports the CPU each message cost
in the dispatcher, the SMTP server and PostgreSQL (see `CpuMeter`).

    .venv/bin/python bench/dispatch.py [--total 5000] [--database-url URL] [--rounds 2]

Without --database-url (or BENCH_DATABASE_URL) it uses a fresh SQLite file in a temporary directory. The variants
alternate for --rounds rounds, so a machine whose load changes during the run still compares them fairly.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import socket
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa
from flask_migrate import upgrade

from volunteer_app import create_app
from volunteer_app.accounts.models import RoleGrant, User
from volunteer_app.core.time import SystemClock, utcnow
from volunteer_app.extensions import db
from volunteer_app.reminders import kinds, services
from volunteer_app.reminders.models import Notification


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Counts:
    """What the SMTP server saw, shared with the bench process: messages accepted and connections they came on."""

    def __init__(self) -> None:
        self._messages = multiprocessing.Value("l", 0)
        self._connections = multiprocessing.Value("l", 0)

    @property
    def messages(self) -> int:
        return self._messages.value

    @property
    def connections(self) -> int:
        return self._connections.value


def _serve(port: int, counts: Counts, ready, stop) -> None:
    from aiosmtpd.controller import Controller

    seen: set[tuple] = set()  # the client address and port of each connection

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            with counts._messages.get_lock():
                counts._messages.value += 1
            if tuple(session.peer) not in seen:
                seen.add(tuple(session.peer))
                with counts._connections.get_lock():
                    counts._connections.value += 1
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()


@contextmanager
def smtp_server() -> Iterator[tuple[int, Counts, int]]:
    """aiosmtpd in a child process (in this one it would take the GIL from the dispatcher it measures)."""
    port, counts = free_port(), Counts()
    ready, stop = multiprocessing.Event(), multiprocessing.Event()
    process = multiprocessing.Process(target=_serve, args=(port, counts, ready, stop), daemon=True)
    process.start()
    try:
        if not ready.wait(30):
            raise RuntimeError("the SMTP server did not start")
        yield port, counts, process.pid
    finally:
        stop.set()
        process.join(10)


def process_cpu(pids: list[int]) -> dict[int, float]:
    """CPU seconds used so far by each of these processes of this machine (Linux /proc; empty elsewhere)."""
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
    return used


def database_backends() -> list[int]:
    """The PostgreSQL server processes serving this database (on this machine), to count their CPU too."""
    if db.session.get_bind().dialect.name != "postgresql":
        return []
    sql = "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
    pids = list(db.session.scalars(sa.text(sql)))
    db.session.commit()
    return pids


class CpuMeter:
    """CPU used by the dispatcher (this process), the SMTP server and the database server while dispatching. On a
    shared machine wall-clock rates follow the neighbours' load; the CPU a message costs does not, and since the
    three work in turn for each message, 1 / (CPU per message) is what one dispatcher could reach on idle cores."""

    def __init__(self, smtp_pid: int) -> None:
        self.smtp_pid = smtp_pid

    def start(self) -> None:
        self.backends = database_backends()
        self.dispatcher = time.process_time()
        self.others = process_cpu([self.smtp_pid, *self.backends])

    def stop(self) -> tuple[float, float, float]:
        """CPU seconds of (dispatcher, SMTP server, database) since `start`."""
        dispatcher = time.process_time() - self.dispatcher
        backends = set(self.backends) | set(database_backends())
        now = process_cpu([self.smtp_pid, *backends])
        smtp = now.get(self.smtp_pid, 0.0) - self.others.get(self.smtp_pid, 0.0)
        database = sum(now[pid] - self.others.get(pid, 0.0) for pid in now if pid != self.smtp_pid)
        return dispatcher, smtp, database


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
    """`total` due notices of the urgent kind "test" (no quiet hours), planned in one INSERT."""
    started = time.perf_counter()
    now = utcnow()
    context = {"requested_at": now}
    planned = [services.Planned(user_ids[n % len(user_ids)], (tag, str(n)), now, context) for n in range(total)]
    services.insert_rows(services.outbox_rows(kinds.get("test"), planned, channels=[channel]))
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
    parser.add_argument("--total", type=int, default=5_000)
    parser.add_argument("--volunteers", type=int, default=1_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-dispatch-"))
    url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    with smtp_server() as (port, counts, smtp_pid):
        app = create_app(
            "testing", SQLALCHEMY_DATABASE_URI=url, INSTANCE_PATH=str(workdir), MAIL_SERVER="127.0.0.1",
            MAIL_PORT=port, MAIL_USE_TLS=False, MAIL_USE_SSL=False, MAIL_USERNAME=None,
        )
        batch = app.config["DISPATCH_BATCH_SIZE"]
        variants = [
            ("email, each mark waits for the disk", "email", True),
            ("email (default)", "email", False),
            ("inbox (no SMTP)", "inbox", False),
        ]
        rates: dict[str, list[tuple[float, float]]] = {name: [] for name, _, _ in variants}
        meter = CpuMeter(smtp_pid)
        with app.app_context():
            upgrade(revision="heads")
            clear_outbox()
            users = list(db.session.scalars(sa.select(User.id).where(User.username.like("bench-%")).limit(
                args.volunteers))) or make_volunteers(args.volunteers)  # fmt: skip
            print(f"dispatch bench: {args.total} notices a variant and round, {len(users)} volunteers, "
                  f"{url.split(':')[0]}, batch {batch}, load average {os.getloadavg()[0]:.1f}")
            for round_ in range(args.rounds):
                for name, channel, sync_each in variants:
                    clear_outbox()
                    plan(users, args.total, channel, f"{name}-{round_}")
                    app.config["DISPATCH_SYNC_EACH_MARK"] = sync_each
                    before = counts.messages, counts.connections
                    meter.start()
                    sent, seconds = dispatch(batch)
                    cpu = meter.stop()
                    per_message = [1000 * value / sent for value in cpu]
                    rates[name].append((sent / seconds, 1000 / sum(per_message)))
                    got = counts.messages - before[0], counts.connections - before[1]
                    print(f"  round {round_ + 1}  {name:<36} {sent / seconds:6.0f} messages/s ({sent} in {seconds:.1f}"
                          f" s; the server got {got[0]} on {got[1]} connections); CPU ms a message: dispatcher "
                          f"{per_message[0]:.2f}, SMTP server {per_message[1]:.2f}, database {per_message[2]:.2f}")
            clear_outbox()
            db.session.remove()
            db.engine.dispose()
    print(f"best of {args.rounds} rounds (load average now {os.getloadavg()[0]:.1f}):")
    print(f"  {'':<40} {'measured':>10} {'CPU-bound':>10}")
    for name, values in rates.items():
        print(f"  {name:<40} {max(v[0] for v in values):10.0f} {max(v[1] for v in values):10.0f}  messages/s")
    print("  (CPU-bound: 1000 / the CPU ms a message costs in all three processes)")

if __name__ == "__main__":
    main()
