"""/api/v1/pairings."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import fields, validate

from volunteer_app.accounts import access
from volunteer_app.accounts.models import TOWN_STAFF, Role
from volunteer_app.api import BaseSchema, Computed, Id, InputSchema, PageArgs, page_of
from volunteer_app.organisations import services
from volunteer_app.organisations.api.common import blp
from volunteer_app.organisations.models import (
    TeamKind,
)


class PairingSchema(BaseSchema):
    id = fields.Integer()
    team_id = fields.Integer()
    team = Computed(lambda p: p.team.name)
    team_kind = Computed(lambda p: p.team.kind)
    community_id = fields.Integer()
    community = Computed(lambda p: p.community.name)
    town = Computed(lambda p: p.community.town.name)
    since = fields.Date()
    purpose = fields.String()
    ended_on = fields.Date(allow_none=True)
    is_current = fields.Boolean()


class PairingInSchema(InputSchema):
    team_id = Id(required=True)
    community_id = Id(required=True)
    since = fields.Date(load_default=None, allow_none=True)
    purpose = fields.String(load_default="", validate=validate.Length(max=500))


class PairingPatchSchema(InputSchema):
    since = fields.Date()
    purpose = fields.String(validate=validate.Length(max=500))
    ended_on = fields.Date(allow_none=True)


class PairingArgs(PageArgs):
    community_id = Id(load_default=None)
    team_id = Id(load_default=None)
    town_id = Id(load_default=None)
    kind = fields.String(
        load_default=None, validate=validate.OneOf(list(TeamKind)), metadata={"description": "the team's kind"}
    )
    current_only = fields.Boolean(load_default=False)


@blp.route("/pairings")
class Pairings(MethodView):
    @access.signed_in
    @blp.arguments(PairingArgs, location="query")
    @blp.response(200, page_of(PairingSchema))
    def get(self, args):
        """结对共建: which teams serve which communities, since when, for what."""
        return services.list_pairings(access.current_actor(), **args)

    @access.roles(*TOWN_STAFF, Role.TEAM_LEADER)
    @blp.arguments(PairingInSchema)
    @blp.response(201, PairingSchema)
    def post(self, body):
        """Pair a team with a community (a team leader: only their own team)."""
        return services.create_pairing(access.current_actor(), **body)


@blp.route("/pairings/<int:pairing_id>")
class PairingById(MethodView):
    @access.signed_in
    @blp.response(200, PairingSchema)
    def get(self, pairing_id):
        return services.get_pairing(access.current_actor(), pairing_id)

    @access.roles(*TOWN_STAFF, Role.TEAM_LEADER)
    @blp.arguments(PairingPatchSchema)
    @blp.response(200, PairingSchema)
    def patch(self, body, pairing_id):
        return services.update_pairing(access.current_actor(), pairing_id, **body)
