"""What the scheduler runs for events: generating the sessions of recurring events ahead of time, and dropping
reminders still pending for sessions that have already started.

(Listed in reminders.scheduler.registered_jobs with the other domains' JOBS.)
"""

from volunteer_app.core.time import Clock
from volunteer_app.events import calendar, reminders
from volunteer_app.reminders.scheduler import Job


def generate_recurring_sessions(clock: Clock) -> int:
    return calendar.generate_all(clock.now())


def drop_started_reminders(clock: Clock) -> int:
    return reminders.drop_started_reminders(clock.now())


JOBS = [
    Job("events.generate_recurring_sessions", generate_recurring_sessions, seconds=6 * 3600),
    Job("events.drop_started_reminders", drop_started_reminders, seconds=60),
]
