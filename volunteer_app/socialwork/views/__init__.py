"""Pages of social work, phone first. Thin: parse a form or the query string, call one service, render.

Every route is marked for social workers and supervisors (files), town staff too (numbers only), or admins
(retention). Which households a user reaches is decided by the services' scope, never here.
"""

from __future__ import annotations

from flask import Blueprint
from flask_babel import LazyString, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from volunteer_app.accounts.models import TOWN_STAFF, Role
from volunteer_app.core import navigation
from volunteer_app.core.identity import mask_id_number, mask_phone
from volunteer_app.socialwork import labels
from volunteer_app.socialwork import records as _records  # noqa: F401 — names its records in the audit log
from volunteer_app.socialwork.policy import CASEWORK

bp = Blueprint("socialwork", __name__, url_prefix="/social-work", template_folder="../templates")



@bp.record_once
def _template_globals(state) -> None:
    state.app.jinja_env.globals.update(sw_labels=labels.ALL)
    state.app.jinja_env.filters["sw_label"] = lambda value, kind: str(labels.ALL[kind].get(value, value or ""))
    state.app.jinja_env.filters["sw_previous"] = _previous_values


# An edit's old values as the history shows them: numbers masked as everywhere on the file.
_MASKED = {"id_number": mask_id_number, "disability_certificate": mask_id_number, "phone": mask_phone}


def _previous_values(previous: dict | None) -> list[tuple[str, str]]:
    shown = []
    for field, value in sorted((previous or {}).items()):
        if value in (None, "", []):
            text = "—"
        elif field in _MASKED:
            text = _MASKED[field](str(value))
        else:
            text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        shown.append((field, text))
    return shown


def _due_text() -> str:
    from volunteer_app.socialwork import services

    if not current_user.is_authenticated:
        return ""
    work = services.my_follow_ups(current_user)
    return (
        ngettext("%(num)d follow-up overdue", "%(num)d follow-ups overdue", len(work.overdue))
        + " · "
        + ngettext("%(num)d due this week", "%(num)d due this week", len(work.due_soon))
    )


navigation.add_menu_link(_l("Social work"), "socialwork.home", *CASEWORK)
navigation.add_menu_link(_l("Social-work numbers"), "socialwork.coverage", *TOWN_STAFF)
navigation.add_home_card(
    _l("My follow-ups"),
    LazyString(_due_text),
    (Role.SOCIAL_WORKER,),
    [(_l("Follow-ups"), "socialwork.home"), (_l("Households"), "socialwork.households"),
     (_l("Open a file"), "socialwork.new_household")],
)  # fmt: skip
navigation.add_home_card(
    _l("Social-work station"),
    _l("Caseload, overdue follow-ups per worker and community, and coverage of the target groups."),
    (Role.STATION_SUPERVISOR,),
    [(_l("Overview"), "socialwork.home"), (_l("Coverage"), "socialwork.coverage"),
     (_l("Households"), "socialwork.households")],
)  # fmt: skip
navigation.add_home_card(
    _l("Social-work numbers"),
    _l("Households on file, visits this quarter and coverage, without personal data."),
    TOWN_STAFF,
    [(_l("Coverage"), "socialwork.coverage")],
)

from volunteer_app.socialwork.views import households, members, reports, visits  # noqa: E402, F401

__all__ = ["_", "bp"]
