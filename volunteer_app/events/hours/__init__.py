"""Check-in and check-out (attendance.py), the append-only service-hours ledger with stars and certificates
(ledger.py), numbered certificates anyone can verify (certificates.py), corrections of recorded hours
(corrections.py) and no-shows with attendance records (no_shows.py). Callers write `hours.name`."""

from volunteer_app.events.hours.attendance import (
    check_in_token,
    clipped_minutes,
    mark_attendance,
    scan,
    scan_state,
    session_for_token,
)
from volunteer_app.events.hours.certificates import (
    Verification,
    certificates_of,
    forget_holder,
    issue_certificate,
    normalise_certificate_number,
    verify_certificate,
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
    "Verification",
    "approve_correction",
    "approve_hours",
    "attendance_record",
    "attendance_records",
    "certificate",
    "certificates_of",
    "check_in_token",
    "clipped_minutes",
    "correct_hours",
    "correct_no_show",
    "forget_holder",
    "hours_text",
    "issue_certificate",
    "ledger",
    "mark_attendance",
    "most_minutes",
    "normalise_certificate_number",
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
    "verify_certificate",
]
