"""The seam where sign-up news becomes a notification.

The notification outbox arrives with the reminders issue. Until then a promotion from the waitlist is written to
the audit log (action "update", object "signup", detail {"notice": "promoted", ...}) in the same transaction as the
promotion, so nothing is lost: the reminders issue replaces the body of `notify_promoted` with an outbox row (unique
key `signup-promoted:<signup id>:<promoted_at>`) and can backfill from these audit entries if it wants to.
"""

from __future__ import annotations

from volunteer_app.core import audit
from volunteer_app.core.policy import SYSTEM


def notify_promoted(signup) -> None:
    """Called inside the transaction that moved `signup` from the waitlist to a confirmed place."""
    audit.record(
        SYSTEM,
        "update",
        "signup",
        signup.id,
        detail={
            "notice": "promoted",
            "volunteer_id": signup.volunteer_id,
            "role_id": signup.role_id,
            "promoted_at": signup.promoted_at.isoformat() if signup.promoted_at else None,
        },
    )
