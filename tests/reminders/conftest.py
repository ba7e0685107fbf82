"""Real servers for the notification tests: an SMTP server (aiosmtpd) and an HTTP server for webhooks, both in
this process on free ports; a clock the tests move; a database of its own for tests that run processes."""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from sqlalchemy.engine import make_url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MovableClock:
    def __init__(self, now: datetime) -> None:
        self._now = now

    def now(self) -> datetime:
        return self._now

    def set(self, now: datetime) -> None:
        self._now = now

    def advance(self, **delta: float) -> None:
        self._now += timedelta(**delta)


@pytest.fixture
def clock() -> MovableClock:
    # 10:00 in Shanghai: outside the default quiet hours
    return MovableClock(datetime(2026, 5, 12, 2, 0, tzinfo=UTC))


class SmtpSink:
    """Keeps every message it accepts and counts the connections messages were offered on; refuses the next
    `refuse` recipients with a temporary error."""

    def __init__(self, delay: float = 0.0) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.peers: set[tuple] = set()  # the client address and port of each connection used
        self.refuse = 0
        self.delay = delay
        self.port = 0
        self.lock = threading.Lock()

    @property
    def connections(self) -> int:
        with self.lock:
            return len(self.peers)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            self.peers.add(tuple(session.peer))
            if self.refuse:
                self.refuse -= 1
                return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def ids(self) -> list[int]:
        with self.lock:
            return [int(m["X-Notification-Id"]) for m in self.messages]


@pytest.fixture
def smtp_server() -> Iterator[tuple[SmtpSink, int]]:
    sink = SmtpSink()
    port = sink.port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


@pytest.fixture
def mail_config(app, smtp_server, monkeypatch):
    sink, port = smtp_server
    for key, value in {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_USE_TLS": False,
                       "MAIL_USE_SSL": False, "MAIL_USERNAME": None}.items():
        monkeypatch.setitem(app.config, key, value)
    return sink


class WebhookReceiver:
    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.answers: list[tuple[int, dict]] = []  # served first, then 200 {"errcode": 0}


@pytest.fixture
def webhook_server(app, monkeypatch) -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            receiver.requests.append({"headers": dict(self.headers), "raw": body, "json": json.loads(body)})
            status, answer = receiver.answers.pop(0) if receiver.answers else (200, {"errcode": 0, "errmsg": "ok"})
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setitem(app.config, "WEBHOOK_URL", f"http://127.0.0.1:{server.server_port}/robot/send?key=k")
    monkeypatch.setitem(app.config, "WEBHOOK_SECRET", "s3cret")
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def own_database_url(database_url, tmp_path, request) -> Iterator[str]:
    """A database of its own for a test that runs scheduler processes (SQLite file or a new PostgreSQL db)."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        yield f"sqlite:///{tmp_path / 'outbox.db'}"
        return
    name = f"{url.database}_{request.node.name[:30].lower()}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
