"""/api/v1/me/data (everything held about the caller, as the page's JSON download) and /api/v1/me/close."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from volunteer_app.accounts import access
from volunteer_app.api import BaseSchema, InputSchema
from volunteer_app.privacy import closing, holdings

blp = Blueprint("privacy_api", __name__, url_prefix="/api/v1", description="One's own data: see it, close the account")


class PersonalDataSchema(BaseSchema):
    made_at = fields.String(metadata={"description": "when this copy was made, local time (ISO 8601)"})
    user_id = fields.Integer()
    sections = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.Dict()),
        metadata={"description": "each section (account, volunteer_profile, guardian, team_memberships, "
                                 "youth_groups, signups, attendance, hours_ledger, certificate, notices, "
                                 "notification_preferences, needs, audit_entries) as a list of records"},
    )  # fmt: skip


class CloseSchema(InputSchema):
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200))


@blp.route("/me/data")
class MyData(MethodView):
    @access.signed_in
    @blp.response(200, PersonalDataSchema)
    def get(self):
        """Everything Shanzhi holds about the caller, full numbers included (audited as a download)."""
        return holdings.for_download(access.current_actor(), "json").as_json()


@blp.route("/me/close")
class CloseAccount(MethodView):
    @access.signed_in
    @blp.arguments(CloseSchema)
    @blp.response(204)
    def post(self, body):
        """Close the caller's own account, confirmed with their password: it is disabled, every session and token
        ends (this one too), and their personal data is erased or anonymised; the hours ledger stays, without
        their identity. The last administrator is refused (409)."""
        closing.close_account(access.current_actor(), body["password"])
