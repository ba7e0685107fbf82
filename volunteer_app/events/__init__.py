"""Events, sessions, roles, sign-ups and waitlists, beneficiaries' enrolment, check-in/out, the service-hours
ledger, recurrence on the Chinese holiday calendar, and calendar feeds."""

from __future__ import annotations


def _plug_in_holiday_calendar() -> None:
    """The deputies' reception rule skips public holidays with the same calendar as recurring events."""
    from volunteer_app.events.calendar import is_public_holiday
    from volunteer_app.organisations.reception import set_holiday_filter

    set_holiday_filter(is_public_holiday)


_plug_in_holiday_calendar()
