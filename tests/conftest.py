"""One app per test session, a clean database per test, on SQLite or on TEST_DATABASE_URL (PostgreSQL)."""

from __future__ import annotations

import contextvars
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade

from volunteer_app import create_app
from volunteer_app.accounts import services as accounts
from volunteer_app.accounts.models import User
from volunteer_app.core.policy import SYSTEM
from volunteer_app.extensions import db, limiter

PASSWORD = "correct-horse-9"
TRANSLATIONS = Path(__file__).resolve().parents[1] / "volunteer_app" / "translations"


def compile_catalogs(translations: Path = TRANSLATIONS) -> list[Path]:
    """Compiles each catalog whose .mo is missing or older than its .po, as `scripts/translations compile` does at
    install time, so a plain `pytest` in a fresh clone (where no .mo is committed) tests the translated app. Each
    .mo is written to a temporary file and renamed, so parallel test sessions never read half of one."""
    compiled = []
    for po in sorted(translations.glob("*/LC_MESSAGES/messages.po")):
        mo = po.with_suffix(".mo")
        if mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=po.parents[1].name)
        with tempfile.NamedTemporaryFile(dir=po.parent, suffix=".mo.tmp", delete=False) as handle:
            write_mo(handle, catalog)
        os.replace(handle.name, mo)
        compiled.append(mo)
    return compiled


def pytest_sessionstart(session: pytest.Session) -> None:
    compile_catalogs()


def _database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    # A file, not :memory:, so that threads, subprocesses and a served app all see the same data.
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def _drop_everything() -> None:
    """Leaves an empty database, so the session starts from the migrations like a new deployment."""
    metadata = sa.MetaData()
    metadata.reflect(bind=db.engine)
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            for table in metadata.sorted_tables:
                conn.execute(sa.text(f'DROP TABLE IF EXISTS "{table.name}" CASCADE'))
    else:
        metadata.drop_all(bind=db.engine)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    return _database_url(tmp_path_factory)


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory) -> Iterator[Flask]:
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_url,
        INSTANCE_PATH=str(tmp_path_factory.mktemp("instance")),
    )
    with app.app_context():
        _drop_everything()
        upgrade(revision="heads")
    yield app


def _truncate_all() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            quoted = ", ".join(f'"{t}"' for t in tables)
            conn.execute(sa.text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        else:
            # SQLite checks ON DELETE RESTRICT row by row, so a table's rows pointing at its own rows (a merged
            # need at the need it was merged into) go first: deleting the target first would be refused.
            for table in db.metadata.sorted_tables:
                for key in table.foreign_keys:
                    if key.column.table is table:
                        conn.execute(sa.text(f'DELETE FROM "{table.name}" WHERE "{key.parent.name}" IS NOT NULL'))
            for table in tables:
                conn.execute(sa.text(f'DELETE FROM "{table}"'))


@pytest.fixture(autouse=True)
def _rate_limits_follow_the_test_app(app) -> None:
    """Flask-Limiter keeps `enabled` on its one shared instance, as the last app created set it: a test that builds
    a production app would leave limits on for the tests after it (429s depending on test order)."""
    limiter.enabled = app.config["RATELIMIT_ENABLED"]


@pytest.fixture(autouse=True)
def _clean_database(request, app) -> Iterator[None]:
    if "no_db" in request.keywords:
        yield
        return
    ctx = app.app_context()
    ctx.push()
    try:
        yield
    finally:
        db.session.remove()
        _truncate_all()
        ctx.pop()


class IsolatedClient(FlaskClient):
    """Serves each request in a fresh context, as a real server would.

    Without this, every request of a test would share the test's own app context, and with it `g` (the
    logged-in user, the chosen language) and the database session, hiding bugs that only show between
    requests. Afterwards the test's session forgets what it had loaded, so it reads what the request wrote.
    """

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            db.session.expire_all()
        return response


@pytest.fixture
def client(app) -> FlaskClient:
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def make_user():
    counter = iter(range(1, 10_000))

    def make(role: str = "volunteer", scope: str | None = None, username: str | None = None, **extra) -> User:
        n = next(counter)
        return accounts.create_user(
            SYSTEM,
            username=username or f"{role.replace('_', '-')}-{n}",
            password=extra.pop("password", PASSWORD),
            display_name=extra.pop("display_name", f"{role} {n}"),
            roles=[accounts.RoleSpec.parse(role, scope)],
            **extra,
        )

    return make


@pytest.fixture
def login(client):
    def do_login(user: User, password: str = PASSWORD):
        response = client.post("/login", data={"login": user.username, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return do_login


@pytest.fixture
def token_for(client):
    def issue(user: User, password: str = PASSWORD) -> dict[str, str]:
        response = client.post("/api/v1/auth/token", json={"username": user.username, "password": password})
        assert response.status_code == 200, response.get_json()
        return {"Authorization": f"Bearer {response.get_json()['access_token']}"}

    return issue
