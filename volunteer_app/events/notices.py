"""Where sign-up news becomes a notification in the reminders outbox."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from volunteer_app.events.reminders import when_text
from volunteer_app.reminders import kinds
from volunteer_app.reminders.services import notify

PROMOTED = kinds.register(
    kinds.Kind(
        "signup_promoted",
        _l("Promoted from the waitlist"),
        essential=True,
        template="events/messages/signup_promoted",
    )
)


def notify_promoted(signup) -> None:
    """Called inside the transaction that moved `signup` from the waitlist to a confirmed place, so the notice
    is planned exactly when the promotion commits."""
    session = signup.role.session
    notify(
        signup.volunteer.user,
        PROMOTED.key,
        subject=("signup", signup.id),
        when=signup.promoted_at,
        context={
            "event_title": session.event.title,
            "role_name": signup.role.name,
            "starts_at": when_text(session.starts_at),
        },
    )
