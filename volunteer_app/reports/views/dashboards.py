"""The figures pages: the town dashboard (a station supervisor's shows the social-work part only), a team's and a
community's figures, and a volunteer's own hours by month. Thin: read the filters, call figures, render the charts
with their tables."""

from __future__ import annotations

from datetime import date

from flask import current_app, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from volunteer_app.accounts import access
from volunteer_app.accounts.models import TOWN_STAFF, Role
from volunteer_app.core import navigation
from volunteer_app.core.args import id_arg
from volunteer_app.core.errors import Errors, Invalid
from volunteer_app.extensions import limiter
from volunteer_app.organisations import services as organisations
from volunteer_app.reports.services import figures
from volunteer_app.reports.views.charts import charts_of
from volunteer_app.reports.views.common import bp

DASHBOARD_READERS = (*TOWN_STAFF, Role.STATION_SUPERVISOR)


def _date_arg(name: str) -> date | None:
    """A date of the query string (YYYY-MM-DD); anything else means no date, as every list's filters."""
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def _filters(**scope: int | None) -> tuple[figures.Filters, Errors]:
    """The period asked for, or the default one with the reasons it was refused (shown beside the dates); the
    community of League staff of one when they ask for the town's (figures.filters_for)."""
    try:
        return figures.filters_for(current_user, _date_arg("from"), _date_arg("to"), **scope), {}
    except Invalid as error:
        return figures.filters_for(current_user, **scope), error.errors


def _kept(found_filters: figures.Filters) -> figures.Figures:
    """The kept figures; `refresh=1` (the page's link beside their time) counts them again, at most
    FIGURES_REFRESH_LIMIT times per user: past it the kept figures are shown, with why."""
    refresh = request.args.get("refresh") == "1"
    if refresh and not _may_count_again():
        flash(_("The figures were counted again too often in a short time: these are the kept ones. "
                "Try again in a minute."), "warning")  # fmt: skip
        refresh = False
    return figures.kept_figures(current_user, found_filters, refresh=refresh)


_IN_THIS_WORKER = MovingWindowRateLimiter(MemoryStorage())


def _may_count_again() -> bool:
    """One more recount for this user within FIGURES_REFRESH_LIMIT, counted in the limiter's storage (shared by every
    worker when RATELIMIT_STORAGE_URI names a Redis): a recount runs every aggregate query of the town. With that
    Redis away, counted in this worker, as the limiter counts its own limits then (RATELIMIT_IN_MEMORY_FALLBACK)."""
    if not limiter.enabled:
        return True
    limit = parse(current_app.config["FIGURES_REFRESH_LIMIT"])
    keys = ("figures-refresh", str(current_user.id))
    try:
        return limiter.limiter.hit(limit, *keys)
    except Exception:  # whatever the storage's client raises when it cannot reach it (redis.ConnectionError, ...)
        current_app.logger.warning("rate limit storage unreachable: recounts are limited in this worker alone")
        return _IN_THIS_WORKER.hit(limit, *keys)


def _page(template: str, found: figures.Figures, errors: Errors, **context):
    again = url_for(request.endpoint, **{**request.args.to_dict(), **request.view_args, "refresh": "1"})
    html = render_template(
        template, figures=found, charts=charts_of(found), errors=errors, refresh_url=again, **context
    )
    return html, 422 if errors else 200


@bp.route("/")
@access.roles(*DASHBOARD_READERS)
def dashboard():
    found_filters, errors = _filters(community_id=id_arg("community_id"))
    found = _kept(found_filters)
    communities = []
    if found.scope != "socialwork":
        communities = figures.readable_communities(current_user, organisations.community_choices(current_user))
    return _page("reports/dashboard.html", found, errors, communities=communities)


@bp.route("/teams/<int:team_id>")
@access.roles(*TOWN_STAFF, Role.TEAM_LEADER)
def team(team_id: int):
    found_filters, errors = _filters(team_id=team_id)
    return _page("reports/dashboard.html", _kept(found_filters), errors)


@bp.route("/communities/<int:community_id>")
@access.roles(*TOWN_STAFF)  # League staff of a community: their own (figures.community)
def community(community_id: int):
    found_filters, errors = _filters(community_id=community_id)
    return _page("reports/dashboard.html", _kept(found_filters), errors)


@bp.route("/me")
@access.signed_in
def mine():
    found_filters, errors = _filters()
    return _page("reports/dashboard_me.html", figures.own_hours(current_user, found_filters), errors)


navigation.add_menu_link(_l("Dashboard"), "reports.dashboard", *DASHBOARD_READERS)
