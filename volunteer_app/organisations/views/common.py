"""What the organisations pages share: the blueprint, role groups, query-string helpers, form pages."""

from __future__ import annotations

from flask import Blueprint, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from volunteer_app.accounts.models import TOWN_STAFF, Role
from volunteer_app.organisations import services
from volunteer_app.organisations.models import (
    AVAILABILITY_LABELS,
    COMMUNITY_KIND_LABELS,
    DEPUTY_LEVEL_LABELS,
    GROUP_PART_LABELS,
    GROUP_STATUS_LABELS,
    MEMBER_ROLE_LABELS,
    POLITICAL_STATUS_LABELS,
    SEX_LABELS,
    TEAM_KIND_LABELS,
)

bp = Blueprint("organisations", __name__, template_folder="../templates")

EVERYONE_WORKING = (*TOWN_STAFF, Role.TEAM_LEADER, Role.SOCIAL_WORKER, Role.STATION_SUPERVISOR)


def filter_url(endpoint: str | None = None, **changes: object) -> str:
    """This page (or `endpoint`) with the same query string, some arguments changed (None drops one), page 1."""
    args = request.args.to_dict()
    args.pop("page", None)
    for key, value in changes.items():
        if value is None or value == "":
            args.pop(key, None)
        else:
            args[key] = value
    view_args = (request.view_args or {}) if endpoint is None else {}
    return url_for(endpoint or request.endpoint, **{**view_args, **args})


@bp.record_once
def _template_globals(state) -> None:
    """Globals, not context: the macros in organisations/_macros.html see them too."""
    state.app.jinja_env.globals.update(
        filter_url=filter_url,
        org_labels={
            "community_kind": COMMUNITY_KIND_LABELS,
            "team_kind": TEAM_KIND_LABELS,
            "member_role": MEMBER_ROLE_LABELS,
            "group_status": GROUP_STATUS_LABELS,
            "group_part": GROUP_PART_LABELS,
            "political_status": POLITICAL_STATUS_LABELS,
            "availability": AVAILABILITY_LABELS,
            "deputy_level": DEPUTY_LEVEL_LABELS,
            "sex": SEX_LABELS,
        },
    )


def town_choices(optional: bool = False) -> list[tuple[object, str]]:
    choices = [(t.id, t.name) for t in services.all_towns(current_user)]
    return [("", _("— none —")), *choices] if optional else [("", _("— choose —")), *choices]


def community_choices(optional: bool = False) -> list[tuple[object, str]]:
    blank = _("— none —") if optional else _("— choose —")
    return [("", blank), *services.community_choices(current_user)]
