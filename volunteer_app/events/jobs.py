"""What the scheduler runs for events: generating the sessions of recurring events ahead of time, dropping
reminders still pending for sessions that have already started, the organisers' summary when sign-up closes, and
recording no-shows once a session's check-out window has closed, passing on promotion offers that lapsed, and
asking confirmed volunteers "still coming?" before their sessions, and team reservations: reminding the leaders
before the fill-by time and releasing the places left unfilled at it.

(The app factory collects `JOBS` into app.extensions["shanzhi.jobs"] with the other domains' jobs; see core/jobs.py.)
"""

from volunteer_app.core.jobs import Job
from volunteer_app.core.time import Clock
from volunteer_app.events import calendar, confirmations, hours, notices, offers, reservations, summaries


def generate_recurring_sessions(clock: Clock) -> int:
    return calendar.generate_all(clock.now())


def drop_started_reminders(clock: Clock) -> int:
    return notices.drop_started_reminders(clock.now())


def plan_closing_summaries(clock: Clock) -> int:
    return summaries.plan_closing_summaries(clock.now())


def record_no_shows(clock: Clock) -> int:
    return hours.record_no_shows(clock.now())


def expire_offers(clock: Clock) -> int:
    return offers.expire_offers(clock.now())


def ask_attendance(clock: Clock) -> int:
    return confirmations.ask_attendance(clock.now())


def remind_reservations(clock: Clock) -> int:
    return reservations.remind_due(clock.now())


def release_reservations(clock: Clock) -> int:
    return reservations.release_due(clock.now())


JOBS = [
    Job("events.generate_recurring_sessions", generate_recurring_sessions, seconds=6 * 3600),
    Job("events.drop_started_reminders", drop_started_reminders, seconds=60),
    Job("events.plan_closing_summaries", plan_closing_summaries, seconds=300),
    Job("events.record_no_shows", record_no_shows, seconds=600),
    Job("events.expire_offers", expire_offers, seconds=60),
    Job("events.ask_attendance", ask_attendance, seconds=300),
    Job("events.remind_reservations", remind_reservations, seconds=300),
    Job("events.release_reservations", release_reservations, seconds=60),
]
