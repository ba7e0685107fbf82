"""/api/v1/towns and /api/v1/communities."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import fields, validate

from volunteer_app.accounts import access
from volunteer_app.accounts.models import TOWN_STAFF
from volunteer_app.api import BaseSchema, Computed, Id, InputSchema, PageArgs, page_of
from volunteer_app.organisations import services
from volunteer_app.organisations.api.common import blp
from volunteer_app.organisations.models import (
    CommunityKind,
)


class TownSchema(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    district = fields.String()


class TownInSchema(InputSchema):
    name = fields.String(required=True, validate=validate.Length(max=60))
    district = fields.String(load_default="", validate=validate.Length(max=60))


class TownPatchSchema(TownInSchema):
    """Only the fields given change."""


@blp.route("/towns")
class Towns(MethodView):
    @access.signed_in
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(TownSchema))
    def get(self, args):
        """Towns and subdistricts, searchable by name."""
        return services.list_towns(access.current_actor(), **args)

    @access.roles(*TOWN_STAFF)
    @blp.arguments(TownInSchema)
    @blp.response(201, TownSchema)
    def post(self, body):
        """Register a town (Youth League staff and admins)."""
        return services.create_town(access.current_actor(), **body)


@blp.route("/towns/<int:town_id>")
class TownById(MethodView):
    @access.signed_in
    @blp.response(200, TownSchema)
    def get(self, town_id):
        return services.get_town(access.current_actor(), town_id)

    @access.roles(*TOWN_STAFF)
    @blp.arguments(TownPatchSchema(partial=True))
    @blp.response(200, TownSchema)
    def patch(self, body, town_id):
        return services.update_town(access.current_actor(), town_id, **body)


class CommunitySchema(BaseSchema):
    id = fields.Integer()
    town_id = fields.Integer()
    town = Computed(lambda c: c.town.name)
    name = fields.String()
    kind = fields.String()
    service_point_id = fields.Integer(allow_none=True)
    covered_by = Computed(lambda c: c.coverer_name or None)
    covered_by_station = Computed(lambda c: c.station_id is not None)
    is_covered = fields.Boolean()
    youth_group_id = Computed(lambda c: c.youth_group.id if c.youth_group else None)


class CommunityInSchema(InputSchema):
    town_id = Id(required=True)
    name = fields.String(required=True, validate=validate.Length(max=60))
    kind = fields.String(load_default=CommunityKind.COMMUNITY.value, validate=validate.OneOf(list(CommunityKind)))


class CommunityPatchSchema(CommunityInSchema):
    """Only the fields given change."""


class CommunityArgs(PageArgs):
    town_id = Id(load_default=None)
    kind = fields.String(load_default=None, validate=validate.OneOf(list(CommunityKind)))


@blp.route("/communities")
class Communities(MethodView):
    @access.signed_in
    @blp.arguments(CommunityArgs, location="query")
    @blp.response(200, page_of(CommunitySchema))
    def get(self, args):
        """Villages and communities, by town, kind (village/community) or name."""
        return services.list_communities(access.current_actor(), **args)

    @access.roles(*TOWN_STAFF)
    @blp.arguments(CommunityInSchema)
    @blp.response(201, CommunitySchema)
    def post(self, body):
        """Register a village or community in a town."""
        return services.create_community(access.current_actor(), **body)


@blp.route("/communities/<int:community_id>")
class CommunityById(MethodView):
    @access.signed_in
    @blp.response(200, CommunitySchema)
    def get(self, community_id):
        return services.get_community(access.current_actor(), community_id)

    @access.roles(*TOWN_STAFF)
    @blp.arguments(CommunityPatchSchema(partial=True))
    @blp.response(200, CommunitySchema)
    def patch(self, body, community_id):
        return services.update_community(access.current_actor(), community_id, **body)
