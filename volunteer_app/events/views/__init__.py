"""Pages of the events domain, in several modules sharing one blueprint `bp` (events.*):
events.py (events, sessions, roles), signups.py (sign-ups, rosters, team sign-up), reservations.py (team
reservations), attendance.py (QR check-in, attendance sheets, hours, certificate), calendar.py (month and agenda,
feeds, holidays, recurrence, enrolments)."""

from __future__ import annotations

from flask import Blueprint, request
from flask_babel import lazy_gettext as _l

from volunteer_app.accounts.models import TOWN_STAFF, Role
from volunteer_app.core import navigation
from volunteer_app.core.ids import valid_id
from volunteer_app.events.models import (
    AUDIENCE_LABELS,
    DAY_KIND_LABELS,
    EVENT_KIND_LABELS,
    EVENT_STATUS_LABELS,
    SIGNUP_STATUS_LABELS,
)
from volunteer_app.events.policy import is_town_staff

bp = Blueprint("events", __name__, template_folder="../templates")

ORGANISERS = (*TOWN_STAFF, Role.TEAM_LEADER)


@bp.record_once
def _template_globals(state) -> None:
    state.app.jinja_env.globals.update(
        event_labels={
            "kind": EVENT_KIND_LABELS,
            "status": EVENT_STATUS_LABELS,
            "audience": AUDIENCE_LABELS,
            "signup_status": SIGNUP_STATUS_LABELS,
            "day_kind": DAY_KIND_LABELS,
        }
    )


def form_ids(name: str) -> list[int]:
    ids = []
    for value in request.form.getlist(name):
        try:
            number = int(value)
        except ValueError:
            continue
        if valid_id(number):
            ids.append(number)
    return ids


from volunteer_app.events import records as _records  # noqa: E402, F401 — names its records in the audit log
from volunteer_app.events import summaries as _summaries  # noqa: E402, F401 — its kind, for the inbox and settings
from volunteer_app.events.views import attendance, calendar, events, reservations, signups  # noqa: E402, F401

navigation.add_menu_link(
    _l("Events"), "events.index", *ORGANISERS, Role.VOLUNTEER, Role.SOCIAL_WORKER, navigation.VISITOR
)
navigation.add_menu_link(_l("My sign-ups"), "events.my_signups", Role.VOLUNTEER)
navigation.add_menu_link(_l("My hours"), "events.my_hours", Role.VOLUNTEER)
navigation.add_menu_link(_l("Calendar"), "events.month", *ORGANISERS, Role.VOLUNTEER, navigation.VISITOR)
navigation.add_menu_link(_l("Holiday calendar"), "events.holidays", *TOWN_STAFF, group="admin", shown=is_town_staff)
navigation.add_menu_link(
    _l("Corrections to approve"), "events.hours_corrections", *TOWN_STAFF, group="admin", shown=is_town_staff
)
navigation.add_home_card(
    _l("My volunteering"),
    signups.HomeSummary(),
    (Role.VOLUNTEER,),
    [
        (_l("Find events"), "events.index"),
        (_l("My sign-ups"), "events.my_signups"),
        (_l("My hours"), "events.my_hours"),
    ],
)
navigation.add_home_card(
    _l("Events"),
    _l("Plan events with sessions and roles, publish them, follow sign-ups and waitlists, take attendance."),
    ORGANISERS,
    [
        (_l("Events"), "events.index"),
        (_l("New event"), "events.new_event"),
        (_l("Calendar"), "events.month"),
    ],
)
navigation.add_home_card(
    _l("Holiday calendar"),
    _l("Dates the holiday package does not know yet: extra holidays and make-up working days."),
    TOWN_STAFF,
    [(_l("Holiday calendar"), "events.holidays")],
    shown=is_town_staff,
)
