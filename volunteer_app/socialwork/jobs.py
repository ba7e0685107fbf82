"""What the scheduler runs for social work: the follow-up sweep and the archiving of closed files.

The follow-up sweep works out who should be told what (`services.due_follow_up_notices`). Delivering those
notices needs the reminders outbox (issue #6); until it exists the job only logs how many there are.
"""

from __future__ import annotations

import logging

from volunteer_app.core.time import Clock
from volunteer_app.reminders.scheduler import Job
from volunteer_app.socialwork import services

log = logging.getLogger("shanzhi.socialwork")


def follow_up_sweep(clock: Clock) -> int:
    notices = services.due_follow_up_notices(clock.now())
    log.info(
        "follow-ups: %d due soon, %d overdue notices (delivery waits for the reminders outbox)",
        sum(1 for n in notices if n.kind == "due_soon"),
        sum(1 for n in notices if n.kind == "overdue"),
    )
    return len(notices)


def archive_closed_households(clock: Clock) -> int:
    return services.archive_closed(clock.now())


JOBS = [
    Job("socialwork.follow_up_sweep", follow_up_sweep, seconds=3600),
    Job("socialwork.archive_closed_households", archive_closed_households, seconds=24 * 3600),
]
