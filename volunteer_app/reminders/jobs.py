"""What the scheduler runs for notifications: dispatch what is due, plan the staff's morning digest."""

from __future__ import annotations

from volunteer_app.core.jobs import Job
from volunteer_app.core.time import Clock
from volunteer_app.reminders import services


def dispatch(clock: Clock) -> services.DispatchReport:
    return services.dispatch_due(clock)


def plan_digests(clock: Clock) -> int:
    return services.plan_digests(clock.now())


JOBS = [
    Job("reminders.dispatch", dispatch, seconds=10, interval_setting="DISPATCH_INTERVAL_SECONDS"),
    Job("reminders.digest", plan_digests, seconds=600, interval_setting="DIGEST_INTERVAL_SECONDS"),
]
