"""The scheduler process. It runs apart from the web workers, so each job runs once per deployment,
however many gunicorn workers serve pages."""

from __future__ import annotations

import logging
import signal

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask, current_app

from volunteer_app.core import health, jobs, logs
from volunteer_app.core.jobs import Job
from volunteer_app.core.time import Clock, SystemClock
from volunteer_app.extensions import db

log = logging.getLogger("shanzhi.scheduler")


def registered_jobs(app: Flask | None = None) -> list[Job]:
    """The jobs the app factory collected from each domain's `jobs.JOBS` (the current app's when none is given)."""
    return list((app or current_app).extensions[jobs.EXTENSION])


def run_job(app: Flask, job: Job, clock: Clock) -> None:
    """Runs one job in its own app context and session, so one failure leaves the next run clean."""
    with app.app_context(), jobs.exclusive(job.id) as ours:
        if not ours:
            log.info("job %s skipped: another scheduler is running it", job.id)
            return
        try:
            result = job.func(clock)
            log.info("job %s done: %s", job.id, result)
            health.beat(job.id, ok=True)
        except Exception as error:
            db.session.rollback()
            log.exception("job %s failed", job.id)
            health.beat(job.id, ok=False, error=f"{type(error).__name__}: {error}")
        finally:
            db.session.remove()


def build_scheduler(app: Flask, clock: Clock | None = None) -> BlockingScheduler:
    clock = clock or SystemClock()
    scheduler = BlockingScheduler(timezone=app.config["TIMEZONE"])
    for job in registered_jobs(app):
        scheduler.add_job(
            run_job, "interval", seconds=job.interval(app.config), args=(app, job, clock), id=job.id, name=job.id,
            max_instances=1, coalesce=True, next_run_time=clock.now(),
        )
    return scheduler


def run_forever() -> None:
    app = current_app._get_current_object()
    logs.configure(app.config["LOG_FORMAT"] or "text", app.config["LOG_LEVEL"])
    scheduler = build_scheduler(app)
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
    log.info("scheduler started with jobs: %s", ", ".join(j.id for j in scheduler.get_jobs()))
    scheduler.start()
