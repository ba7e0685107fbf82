"""What the scheduler runs for events: generating the sessions of recurring events ahead of time.

(Listed in reminders.scheduler.registered_jobs with the other domains' JOBS.)
"""

from volunteer_app.core.time import Clock
from volunteer_app.events import calendar
from volunteer_app.reminders.scheduler import Job


def generate_recurring_sessions(clock: Clock) -> int:
    return calendar.generate_all(clock.now())


JOBS = [Job("events.generate_recurring_sessions", generate_recurring_sessions, seconds=6 * 3600)]
