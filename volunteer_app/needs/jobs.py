"""What the scheduler runs for needs: the deadline sweep (due soon to the assignee, overdue to town staff), through
the reminders outbox. (The app factory collects `JOBS`; see core/jobs.py.)"""

from __future__ import annotations

import logging

from volunteer_app.core.jobs import Job
from volunteer_app.core.time import Clock
from volunteer_app.needs import services

log = logging.getLogger("shanzhi.needs")


def deadline_sweep(clock: Clock) -> services.SweepReport:
    report = services.deadline_sweep(clock.now())
    log.info("needs deadlines: %d due soon, %d overdue, %d notices offered", *report.__dict__.values())
    return report


JOBS = [Job("needs.deadline_sweep", deadline_sweep, seconds=3600)]
