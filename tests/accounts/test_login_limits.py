"""Login attempts are limited per address, and per address and login name, counting the login page and the API's
token endpoint together; with a Redis every worker shares the count."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from volunteer_app import create_app
from volunteer_app.extensions import db


def _limited_app(tmp_path, **config):
    app = create_app(
        "testing",
        INSTANCE_PATH=str(tmp_path),
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'limits.db'}",
        RATELIMIT_ENABLED=True,
        **config,
    )
    with app.app_context():
        db.create_all()
    return app


def _page(client, name):
    return client.post("/login", data={"login": name, "password": "wrong-password"}).status_code


def _api(client, name):
    return client.post("/api/v1/auth/token", json={"username": name, "password": "wrong-password"}).status_code


def test_the_login_page_and_the_api_count_against_one_limit_per_address(tmp_path):
    client = _limited_app(tmp_path, LOGIN_RATE_LIMIT="3 per minute", LOGIN_PERSON_RATE_LIMIT="100 per minute")
    client = client.test_client()
    assert [_page(client, "a"), _api(client, "b"), _page(client, "c")] == [422, 401, 422]
    assert _api(client, "d") == 429
    assert _page(client, "e") == 429


def test_guesses_at_one_login_name_are_limited_without_stopping_other_names(tmp_path):
    app = _limited_app(tmp_path, LOGIN_RATE_LIMIT="100 per minute", LOGIN_PERSON_RATE_LIMIT="2 per minute")
    client = app.test_client()
    assert [_page(client, "Alice"), _api(client, "alice")] == [422, 401]
    assert _page(client, " ALICE ") == 429
    assert _page(client, "bob") == 422


def _redis_answers() -> bool:
    try:
        import redis

        return bool(redis.Redis(socket_timeout=1).ping())
    except Exception:
        return False


WORKER = """
import sys
from tests.accounts.test_login_limits import _limited_app, _api
from pathlib import Path
app = _limited_app(Path(sys.argv[1]), **dict(arg.split("=", 1) for arg in sys.argv[2:]))
print(_api(app.test_client(), "someone"))
"""


def _other_worker(tmp_path, config) -> int:
    """One login attempt from another process, as another gunicorn worker would make it."""
    (tmp_path / "worker").mkdir()
    args = [f"{key}={value}" for key, value in config.items()]
    done = subprocess.run(
        [sys.executable, "-c", WORKER, str(tmp_path / "worker"), *args],
        capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parents[2], timeout=120,
    )  # fmt: skip
    return int(done.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not _redis_answers(), reason="needs the Redis on 127.0.0.1:6379")
@pytest.mark.parametrize(("storage", "shared"), [("redis://127.0.0.1:6379/0", True), ("memory://", False)])
def test_with_redis_every_worker_counts_together(tmp_path, storage, shared):
    config = {
        "RATELIMIT_STORAGE_URI": storage,
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",  # this test's own counters
        "LOGIN_RATE_LIMIT": "2 per minute",
        "LOGIN_PERSON_RATE_LIMIT": "100 per minute",
    }
    client = _limited_app(tmp_path, **config).test_client()
    assert [_page(client, "a"), _page(client, "b")] == [422, 422]
    assert _other_worker(tmp_path, config) == (429 if shared else 401)
