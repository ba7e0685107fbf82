"""Exports of a list as a download (the list page's own query string is the filter), and the monthly report
workbook. Thin: call the exports service, send the file."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_login import current_user

from volunteer_app.accounts import access
from volunteer_app.core.errors import Invalid
from volunteer_app.reports.downloads import download
from volunteer_app.reports.services import exports, monthly
from volunteer_app.reports.views.common import bp


@bp.route("/exports/<list_name>")
@access.signed_in  # each list's own rule and list service decide (exports.export_list)
def export(list_name: str):
    fmt = request.args.get("format", "xlsx")
    return download(exports.export_list(current_user, list_name, fmt, request.args))


@bp.route("/monthly")
@access.town_staff  # the town's figures: not League staff of one community
def monthly_workbook():
    """The month's workbook in one click; without a month, the page choosing one (last month by default)."""
    month = request.args.get("month", "")
    if not month:
        return render_template("reports/export_monthly.html", month=monthly.last_month(), errors=[])
    try:
        return download(monthly.workbook(current_user, month))
    except Invalid as error:
        return render_template(
            "reports/export_monthly.html", month=month[:7], errors=error.errors.get("month", [error.message])
        ), 422


def export_url(list_name: str, fmt: str, **extra: object) -> str:
    """The export of `list_name` with this page's query string (its filters), without the page number."""
    args = {key: values for key, values in request.args.lists() if key not in ("page", "format")}
    args.update({key: value for key, value in extra.items() if value is not None})
    return url_for("reports.export", list_name=list_name, format=fmt, **args)


@bp.record_once
def _template_globals(state) -> None:
    """For the export_links macro of templates/_macros.html, which every list page calls. A visitor reading a public
    list (the meetings) is offered no export: exports are signed in, to be audited."""
    state.app.jinja_env.globals.update(
        export_url=export_url,
        may_export=lambda name: current_user.is_authenticated and exports.may_export(current_user, name),
    )
