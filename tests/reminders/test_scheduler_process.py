"""`flask scheduler run` is a real process of its own that starts its jobs and stops cleanly on SIGTERM."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.no_db, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]


def _flask(*args: str, env: dict[str, str], **kwargs) -> subprocess.Popen | subprocess.CompletedProcess:
    command = [sys.executable, "-m", "flask", "--app", "wsgi", *args]
    if kwargs.pop("background", False):
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=60)


def test_the_scheduler_process_runs_its_jobs_and_stops_on_sigterm(tmp_path):
    env = os.environ | {"DATABASE_URL": f"sqlite:///{tmp_path / 'sched.db'}", "INSTANCE_PATH": str(tmp_path)}
    _flask("db", "upgrade", "heads", env=env)
    process = _flask("scheduler", "run", env=env, background=True)
    lines = []
    deadline = time.monotonic() + 30
    try:
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            lines.append(line)
            if "job accounts.purge_expired_tokens done" in line:
                break
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
    output = "".join(lines)
    assert "scheduler started with jobs: accounts.purge_expired_tokens" in output
    assert "job accounts.purge_expired_tokens done" in output
