"""/healthz says the process is up; /readyz whether it can serve: database, newest migration, a living scheduler."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from volunteer_app.core import health
from volunteer_app.core.jobs import Job
from volunteer_app.core.time import SystemClock, utcnow
from volunteer_app.extensions import db
from volunteer_app.reminders.scheduler import run_job


def test_healthz_answers_without_asking_who_is_asking(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_readyz_waits_for_the_scheduler_then_answers_ready(app, client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"] == {
        "database": "ok", "migrations": "ok", "scheduler": "no job has run yet",
    }  # fmt: skip
    run_job(app, Job("tick", lambda clock: "done", 60), SystemClock())
    response = client.get("/readyz")
    assert response.status_code == 200 and response.get_json()["status"] == "ready"


def test_a_failing_job_still_beats_and_keeps_its_error(app):
    def broken(clock):
        raise RuntimeError("mail server gone")

    run_job(app, Job("broken", broken, 60), SystemClock())
    row = db.session.get(health.Heartbeat, "broken")
    assert row.last_ok_at is None and "mail server gone" in row.last_error


def test_a_silent_scheduler_makes_the_app_not_ready(app, client):
    health.beat(
        "dispatch", ok=True, now=utcnow() - timedelta(seconds=app.config["SCHEDULER_HEARTBEAT_MAX_SECONDS"] + 5)
    )
    response = client.get("/readyz")
    assert response.status_code == 503 and response.get_json()["checks"]["scheduler"].startswith("silent for")


def test_a_schema_behind_the_newest_migration_is_not_ready(app, client, monkeypatch):
    health.beat("dispatch", ok=True)
    monkeypatch.setattr(health, "migration_heads", lambda: frozenset({"a-newer-revision"}))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["migrations"] == "not at the newest migration"


def test_a_schema_far_behind_is_not_ready_rather_than_an_error(app, client, monkeypatch):
    monkeypatch.setattr(health, "Heartbeat", None)  # as if its table did not exist yet: it must not be read
    monkeypatch.setattr(health, "migration_heads", lambda: frozenset({"a-newer-revision"}))
    assert client.get("/readyz").status_code == 503


def test_the_heads_are_read_from_the_migrations_folder(app):
    versions = set(db.session.scalars(sa.text("SELECT version_num FROM alembic_version")))
    assert health.migration_heads() == frozenset(versions)
