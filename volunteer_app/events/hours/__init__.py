"""Check-in and check-out (attendance.py), the append-only service-hours ledger with stars and certificates
(ledger.py), and corrections of recorded hours (corrections.py). Callers write `hours.name`."""

from volunteer_app.events.hours.attendance import (
    check_in_token,
    clipped_minutes,
    mark_attendance,
    scan,
    scan_state,
    session_for_token,
)
from volunteer_app.events.hours.corrections import (
    approve_correction,
    correct_hours,
    pending_by_signup,
    pending_corrections,
    reject_correction,
    review_minutes,
)
from volunteer_app.events.hours.ledger import (
    approve_hours,
    certificate,
    hours_text,
    ledger,
    most_minutes,
    recorded_minutes,
    stars_for,
    summary,
)

__all__ = [
    "approve_correction",
    "approve_hours",
    "certificate",
    "check_in_token",
    "clipped_minutes",
    "correct_hours",
    "hours_text",
    "ledger",
    "mark_attendance",
    "most_minutes",
    "pending_by_signup",
    "pending_corrections",
    "recorded_minutes",
    "reject_correction",
    "review_minutes",
    "scan",
    "scan_state",
    "session_for_token",
    "stars_for",
    "summary",
]
