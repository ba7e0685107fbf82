"""GET /api/v1/exports/{list}: a list as .xlsx or CSV, filtered by the same query string as its page. Bearer token
only, like every /api/v1 call."""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from marshmallow import fields, validate

from volunteer_app.accounts import access
from volunteer_app.api import BaseSchema
from volunteer_app.core.spreadsheets import CSV_MIMETYPE, FORMATS, XLSX_MIMETYPE
from volunteer_app.reports.api.common import blp
from volunteer_app.reports.downloads import download
from volunteer_app.reports.services import exports

_FILE = {"type": "string", "format": "binary"}


class ExportArgs(BaseSchema):
    class Meta:
        unknown = "exclude"  # the rest of the query string is the list's own filters, read by the list

    format = fields.String(load_default="xlsx", validate=validate.OneOf(FORMATS))


@blp.route("/exports/<list_name>")
class ListExport(MethodView):
    @access.signed_in
    @blp.arguments(ExportArgs, location="query")
    @blp.response(200, _FILE, content_type=XLSX_MIMETYPE, description="The list as .xlsx, or as CSV (text/csv).")
    @blp.doc(responses={"200": {"content": {CSV_MIMETYPE: {"schema": _FILE}}}})
    def get(self, args, list_name):
        """The list `list_name` (volunteers, teams, team_members, pairings, youth_groups, communities,
        liaison_stations, events, roster, hours, holidays, users, audit, households, visits, follow_ups,
        referrals) with the filters of its page's query string, masked as on the page; audited."""
        return download(exports.export_list(access.current_actor(), list_name, args["format"], request.args))
