"""/api/v1 endpoints for events, sign-ups, attendance, hours, enrolments, recurrence and calendar feeds, in several
modules sharing one blueprint `blp` (events_api.*), as the pages are in views/: events.py (events, sessions, roles),
signups.py (sign-ups, offers, "still coming?"), reservations.py (team reservations, cover), attendance.py
(attendance, hours, corrections, certificates), calendar.py (enrolments, recurrence, holidays, feeds).
Thin: parse with a schema (schemas.py), call one service, dump."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "events_api",
    __name__,
    url_prefix="/api/v1",
    description="Events, sessions, roles, sign-ups and waitlists, attendance, service hours, enrolments, calendars",
)

# In this order: the OpenAPI document lists the operations in the order their modules register them.
from volunteer_app.events.api import events, signups, reservations, attendance, calendar  # noqa: E402, F401, I001
