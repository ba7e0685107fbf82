"""`flask doctor` names each unsafe production setting and passes a safe deployment."""

from __future__ import annotations

import pytest

from volunteer_app import create_app
from volunteer_app.core.doctor import examine

pytestmark = pytest.mark.no_db

SAFE = {
    "SECRET_KEY": "f" * 64,
    "SESSION_COOKIE_SECURE": True,
    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
    "MAIL_SERVER": "smtp.example.cn",
    "MAIL_USE_TLS": True,
    "PUBLIC_BASE_URL": "https://shanzhi.lishui.example.cn",
    "DATA_ENCRYPTION_KEYS": "Wy1jAKZ5vEJDpF0M5DsQ0y0eJqk0OvN3m3w2zQ4nJmY=",
    "BLIND_INDEX_KEY": "b" * 64,
}


def _problems(app_url, tmp_path, workers=4, **settings):
    app = create_app("production", SQLALCHEMY_DATABASE_URI=app_url, INSTANCE_PATH=str(tmp_path), **{**SAFE, **settings})
    with app.app_context():
        return {f.topic for f in examine(app, workers=workers) if not f.ok}


@pytest.fixture
def postgres_like(app):
    """The test database, already at the newest migration (SQLite when the tests run on SQLite: then one worker)."""
    return app.config["SQLALCHEMY_DATABASE_URI"]


def test_a_safe_deployment_has_nothing_to_fix(postgres_like, tmp_path):
    workers = 1 if postgres_like.startswith("sqlite") else 4
    assert _problems(postgres_like, tmp_path, workers=workers) == set()


@pytest.mark.parametrize(
    ("settings", "topic"),
    [
        ({"DEBUG": True}, "debug"),
        ({"SECRET_KEY": "dev"}, "secret"),
        ({"SESSION_COOKIE_SECURE": False}, "cookies"),
        ({"RATELIMIT_STORAGE_URI": "memory://"}, "limits"),
        ({"MAIL_USE_TLS": False}, "mail"),
        ({"PUBLIC_BASE_URL": "http://127.0.0.1:5000"}, "public url"),
        ({"PUBLIC_BASE_URL": "http://shanzhi.lishui.example.cn"}, "public url"),
        ({"DATA_ENCRYPTION_KEYS": None, "BLIND_INDEX_KEY": None}, "keys"),  # made in instance/, never backed up
    ],
)
def test_each_unsafe_setting_is_named(postgres_like, tmp_path, settings, topic):
    assert topic in _problems(postgres_like, tmp_path, workers=4, **settings)


def test_sqlite_under_several_workers_is_named(tmp_path):
    assert "database" in _problems(f"sqlite:///{tmp_path / 'x.db'}", tmp_path, workers=4)


def test_a_backup_settles_the_keys(app, tmp_path):
    settings = {"DATA_ENCRYPTION_KEYS": None, "BLIND_INDEX_KEY": None}
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    deployment = create_app(
        "production", SQLALCHEMY_DATABASE_URI=url, INSTANCE_PATH=str(tmp_path), **{**SAFE, **settings}
    )
    result = deployment.test_cli_runner().invoke(args=["doctor", "--workers", "1"])
    assert result.exit_code == 1 and "flask backup create" in result.output
    assert (
        deployment.test_cli_runner().invoke(args=["backup", "create", "--output", str(tmp_path / "b.tar.gz")]).exit_code
        == 0
    )
    assert "keys" not in _problems(url, tmp_path, workers=1, **settings)
