from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from volunteer_app.accounts import services
from volunteer_app.accounts.models import ApiToken
from volunteer_app.extensions import db
from volunteer_app.reminders.scheduler import build_scheduler, registered_jobs, run_job


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self._now = now

    def now(self) -> datetime:
        return self._now


def test_the_scheduler_carries_every_registered_job(app):
    scheduler = build_scheduler(app, FixedClock(datetime(2026, 11, 25, tzinfo=UTC)))
    assert {job.id for job in scheduler.get_jobs()} == {job.id for job in registered_jobs()}


def test_the_app_factory_collects_each_domains_jobs(app):
    domains = {job.id.split(".")[0] for job in registered_jobs(app)}
    assert domains == {"accounts", "events", "needs", "reminders", "reports", "socialwork"}


def test_the_token_purge_job_removes_tokens_long_expired_by_the_clock_it_is_given(app, make_user):
    user = make_user("volunteer")
    services.issue_token(user)
    job = next(j for j in registered_jobs() if j.id == "accounts.purge_expired_tokens")
    run_job(app, job, FixedClock(datetime.now(UTC) + timedelta(hours=1)))
    assert db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == 1
    run_job(app, job, FixedClock(datetime.now(UTC) + timedelta(days=3)))
    assert db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == 0


def test_flask_scheduler_run_once_runs_the_named_job_and_refuses_an_unknown_one(app, make_user):
    user = make_user("volunteer")
    services.issue_token(user, now=datetime.now(UTC) - timedelta(days=30))
    db.session.commit()
    runner = app.test_cli_runner()

    result = runner.invoke(args=["scheduler", "run-once", "accounts.purge_expired_tokens"])
    assert result.exit_code == 0, result.output
    assert "accounts.purge_expired_tokens: 1" in result.output
    assert db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == 0

    refused = runner.invoke(args=["scheduler", "run-once", "reminders.nope"])
    assert refused.exit_code == 2
    assert "reminders.nope" in refused.output and "reminders.dispatch" in refused.output
