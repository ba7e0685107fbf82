"""GET /api/v1/exports/{list}: a list as .xlsx or CSV, filtered by the same query string as its page; and
GET /api/v1/exports/monthly: the monthly report workbook. Bearer token only, like every /api/v1 call."""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from marshmallow import fields, validate

from volunteer_app.accounts import access
from volunteer_app.api import BaseSchema
from volunteer_app.core.spreadsheets import CSV_MIMETYPE, FORMATS, XLSX_MIMETYPE
from volunteer_app.reports.api.common import blp
from volunteer_app.reports.downloads import download
from volunteer_app.reports.services import exports, monthly

_FILE = {"type": "string", "format": "binary"}


class ExportArgs(BaseSchema):
    class Meta:
        unknown = "exclude"  # the rest of the query string is the list's own filters, read by the list

    format = fields.String(load_default="xlsx", validate=validate.OneOf(FORMATS))


class MonthArgs(BaseSchema):
    month = fields.String(required=True, metadata={"description": "YYYY-MM", "example": "2026-11"})


@blp.route("/exports/monthly")
class MonthlyWorkbook(MethodView):
    @access.town_staff  # the town's figures: not League staff of one community
    @blp.arguments(MonthArgs, location="query")
    @blp.response(200, _FILE, content_type=XLSX_MIMETYPE, description="The monthly report workbook (.xlsx).")
    def get(self, args):
        """One sheet per table: hours per team and per community, events, sign-ups, social-work coverage, needs;
        headers in Chinese and a totals row on each sheet (the dashboard's figures). Admins and League staff of the
        whole town."""
        return download(monthly.workbook(access.current_actor(), args["month"]))


@blp.route("/exports/<list_name>")
class ListExport(MethodView):
    @access.signed_in
    @blp.arguments(ExportArgs, location="query")
    @blp.response(200, _FILE, content_type=XLSX_MIMETYPE)
    @blp.doc(responses={"200": {  # both types: flask-smorest's response names one
        "description": "The list as .xlsx (format=xlsx, the default) or as CSV with a byte-order mark (format=csv).",
        "content": {XLSX_MIMETYPE: {"schema": _FILE}, CSV_MIMETYPE: {"schema": _FILE}},
    }})  # fmt: skip
    def get(self, args, list_name):
        """The list `list_name` (volunteers, teams, team_members, pairings, youth_groups, communities,
        liaison_stations, towns, service_stations, service_points, coverage, events, roster, hours, holidays, users,
        audit, households, visits, follow_ups, referrals, welfare_policies, archived_households, needs,
        overdue_needs, receptions, meetings, meeting_questions, outbox, inbox, imports) with the filters of its
        page's query string, masked as on the page; audited. The lists of one team, role, household or meeting name
        it: team_id, role_id, household_id, meeting_id."""
        return download(exports.export_list(access.current_actor(), list_name, args["format"], request.args))
