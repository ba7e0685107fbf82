"""Two scheduler processes never run the same job at the same moment on PostgreSQL: each run holds the job's
advisory lock, and a run that finds it held is skipped (a standby scheduler is then safe)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from volunteer_app.core import jobs
from volunteer_app.core.jobs import Job
from volunteer_app.core.time import SystemClock
from volunteer_app.extensions import db
from volunteer_app.reminders.scheduler import run_job


def _job(runs: list[str], job_id: str = "tick") -> Job:
    return Job(job_id, lambda clock: runs.append(job_id), 60)


def test_a_job_runs_when_no_other_scheduler_holds_it(app):
    runs: list[str] = []
    run_job(app, _job(runs), SystemClock())
    run_job(app, _job(runs), SystemClock())
    assert runs == ["tick", "tick"]


def test_a_job_another_scheduler_is_running_is_skipped_and_others_still_run(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's; SQLite serves one host")
    runs: list[str] = []
    with app.app_context(), jobs.exclusive("tick") as ours:  # the other scheduler, mid-run
        assert ours
        run_job(app, _job(runs), SystemClock())
        run_job(app, _job(runs, "other"), SystemClock())
    assert runs == ["other"]
    run_job(app, _job(runs), SystemClock())  # released when the other run ended
    assert runs == ["other", "tick"]


def test_the_lock_is_released_when_the_job_fails(app):
    def broken(clock):
        raise RuntimeError("mail server gone")

    run_job(app, Job("tick", broken, 60), SystemClock())
    if db.engine.dialect.name == "postgresql":
        held = db.session.scalar(sa.text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"))
        assert held == 0
