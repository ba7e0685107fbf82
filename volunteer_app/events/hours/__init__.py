"""Check-in and check-out (attendance.py), the append-only service-hours ledger with stars and certificates
(ledger.py), corrections of recorded hours (corrections.py) and no-shows with attendance records (no_shows.py).
Callers write `hours.name`."""

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
from volunteer_app.events.hours.no_shows import (
    AttendanceRecord,
    attendance_record,
    attendance_records,
    correct_no_show,
    record_no_shows,
)

__all__ = [
    "AttendanceRecord",
    "approve_correction",
    "approve_hours",
    "attendance_record",
    "attendance_records",
    "certificate",
    "check_in_token",
    "clipped_minutes",
    "correct_hours",
    "correct_no_show",
    "hours_text",
    "ledger",
    "mark_attendance",
    "most_minutes",
    "pending_by_signup",
    "pending_corrections",
    "record_no_shows",
    "recorded_minutes",
    "reject_correction",
    "review_minutes",
    "scan",
    "scan_state",
    "session_for_token",
    "stars_for",
    "summary",
]
