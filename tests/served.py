"""The real app served by gunicorn for tests that need real processes: the browser tests and the concurrency tests.

One place starts it, waits for it to answer and stops it, so that every such test runs the app as production does
(FLASK_CONFIG=production, several workers) and fails with gunicorn's own log when it does not come up."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(database_url: str, instance: Path, **extra: str) -> dict[str, str]:
    """The environment of a production start on `database_url`, never the suite's own test database."""
    env = dict(os.environ)
    env.pop("TEST_DATABASE_URL", None)
    env.update(
        DATABASE_URL=database_url,
        INSTANCE_PATH=str(instance),
        FLASK_APP="wsgi",
        FLASK_CONFIG="production",
        SESSION_COOKIE_SECURE="0",  # served over plain http here
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


def wait_until_healthy(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    pytest.fail(f"{url}/health did not answer within {timeout}s:\n{log.read_text(errors='replace')}")


@contextmanager
def gunicorn(env: dict[str, str], *, workers: int, port: int | None = None) -> Iterator[tuple[str, Path]]:
    """Serves wsgi:app with `workers` workers; yields its base URL and the log file, and stops it after."""
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    log = Path(env["INSTANCE_PATH"]) / "gunicorn.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}", "--timeout", "120",
             "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            # Same process group as pytest: a Ctrl-C (or scripts/test stopping the run) reaches gunicorn too.
        )  # fmt: skip
    try:
        wait_until_healthy(url, process, log)
        yield url, log
    finally:
        if process.poll() is None:
            process.terminate()  # the gunicorn master stops its workers
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
