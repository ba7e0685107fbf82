"""The needs boards 需求看板: the town's (town staff) and each community's (staff, and the community's youth
governance group), figures as tables with bars and the overdue needs behind them."""

from __future__ import annotations

from datetime import date

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from volunteer_app.accounts import access
from volunteer_app.accounts.models import TOWN_STAFF, Role
from volunteer_app.core import navigation
from volunteer_app.core.args import id_arg, page_arg, search_arg
from volunteer_app.core.errors import Invalid
from volunteer_app.core.lookup import get_or_404
from volunteer_app.needs import scope, services
from volunteer_app.needs.views.common import bp
from volunteer_app.needs.vocabulary import CATEGORY_LABELS, SOURCE_LABELS, STATUS_LABELS
from volunteer_app.organisations.models import Community


def _date_arg(name: str) -> date | None:
    """A day of the period (YYYY-MM-DD); anything else means no bound."""
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def _labelled(counts: dict[str, int], labels: dict) -> list[tuple[object, int]]:
    return [(labels[value], count) for value, count in counts.items()]


def _board(community: Community | None, communities: list[Community]):
    """The board's page: its figures for the period asked (none when the period ends before it starts, said so
    beside the filter: 422 like a refused form) and its overdue needs."""
    community_id = community.id if community else None
    period = {"date_from": _date_arg("from"), "date_to": _date_arg("to")}
    problem = None
    try:
        figures = services.needs_figures(current_user, community_id=community_id, **period)
    except Invalid as error:
        problem = error.message
        figures = services.needs_figures(current_user, community_id=community_id)
        period = {"date_from": None, "date_to": None}
    overdue = services.overdue_needs(current_user, community_id=community_id, q=search_arg(), page=page_arg())
    page = render_template(
        "needs/board.html",
        community=community,
        communities=communities,
        figures=figures,
        overdue=overdue,
        period=period,
        problem=problem,
        q=search_arg(),
        labels={"category": CATEGORY_LABELS},
        tables=[
            (_("By status"), "by-status", _labelled(figures.by_status, STATUS_LABELS)),
            (_("By category"), "by-category", _labelled(figures.by_category, CATEGORY_LABELS)),
            (_("By source"), "by-source", _labelled(figures.by_source, SOURCE_LABELS)),
        ],
    )
    return page, 422 if problem else 200


@bp.route("/needs/board")
@access.town_staff
def board():
    """The town's board; the community filter shows one community's figures on it."""
    community_id = id_arg("community_id")
    community = get_or_404(Community, community_id, _("No such community.")) if community_id else None
    return _board(community, services.board_communities(current_user))


@bp.route("/needs/board/communities")
@access.signed_in
def community_boards():
    """The communities whose board the reader may open; straight to it when there is only one."""
    communities = services.board_communities(current_user)
    if len(communities) == 1 and not scope.town_staff(current_user):
        return redirect(url_for("needs.community_board", community_id=communities[0].id))
    return render_template("needs/board_communities.html", communities=communities)


@bp.route("/needs/board/communities/<int:community_id>")
@access.signed_in
def community_board(community_id: int):
    community = get_or_404(Community, community_id, _("No such community."))
    return _board(community, [])


navigation.add_menu_link(_l("Needs board"), "needs.board", *TOWN_STAFF, shown=scope.town_staff)
# League staff of a community read their community's board (the town's is the town-wide staff's).
navigation.add_menu_link(
    _l("Needs board"), "needs.community_boards", Role.LEAGUE_STAFF, shown=lambda user: not scope.town_staff(user)
)
navigation.add_home_card(
    _l("Needs board"),
    _l("What your community's residents need: raised, solved, on time, overdue, and how they rated it."),
    tuple(Role),
    [(_l("Needs board"), "needs.community_boards")],
    shown=lambda user: not scope.any_staff(user) and bool(scope.youth_groups(user)),
)
