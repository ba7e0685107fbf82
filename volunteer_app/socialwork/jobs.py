"""What the scheduler runs for social work: the follow-up sweep and the archiving of closed files.

The follow-up sweep works out who should be told what (`services.due_follow_up_notices`) and plans those
notices into the reminders outbox, which delivers them.
"""

from __future__ import annotations

import logging

from volunteer_app.core.jobs import Job
from volunteer_app.core.time import Clock
from volunteer_app.socialwork import notices, services

log = logging.getLogger("shanzhi.socialwork")


def follow_up_sweep(clock: Clock) -> int:
    planned = notices.plan_follow_up_notices(services.due_follow_up_notices(clock.now()))
    log.info("follow-ups: %d notices planned into the outbox", planned)
    return planned


def archive_closed_households(clock: Clock) -> int:
    return services.archive_closed(clock.now())


JOBS = [
    Job("socialwork.follow_up_sweep", follow_up_sweep, seconds=3600),
    Job("socialwork.archive_closed_households", archive_closed_households, seconds=24 * 3600),
]
