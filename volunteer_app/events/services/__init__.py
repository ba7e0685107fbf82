"""Events, their sessions and roles: reading (reading.py), the one validation of a whole event (validation.py) and
the changes (writing.py). Callers write `services.name`. Sign-ups live in signups.py and team_signups.py, check-in and
hours in the hours package, beneficiaries in enrolments.py, recurrence in calendar.py.
"""

from volunteer_app.events.services.reading import (
    EventFilter,
    attach_event_places,
    attach_role_counts,
    get_event,
    get_event_for_update,
    get_role,
    get_session,
    home_community,
    list_events,
    sessions_between,
    teams_to_organise_for,
    visible_events,
)
from volunteer_app.events.services.validation import (
    check_event,
    clean_role_template,
    completeness_errors,
)
from volunteer_app.events.services.writing import (
    add_role,
    add_session,
    cancel_event,
    create_event,
    delete_role,
    delete_session,
    publish,
    refresh_event_span,
    update_event,
    update_role,
    update_session,
)

__all__ = [
    "EventFilter",
    "add_role",
    "add_session",
    "attach_event_places",
    "attach_role_counts",
    "cancel_event",
    "check_event",
    "clean_role_template",
    "completeness_errors",
    "create_event",
    "delete_role",
    "delete_session",
    "get_event",
    "get_event_for_update",
    "get_role",
    "get_session",
    "home_community",
    "list_events",
    "publish",
    "refresh_event_span",
    "sessions_between",
    "teams_to_organise_for",
    "update_event",
    "update_role",
    "update_session",
    "visible_events",
]
