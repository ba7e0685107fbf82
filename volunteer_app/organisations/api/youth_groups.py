"""/api/v1/youth-groups, each with is_complete and missing."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import fields, validate

from volunteer_app.accounts import access
from volunteer_app.accounts.models import TOWN_STAFF
from volunteer_app.api import BaseSchema, Computed, Id, InputSchema, LocalDateTime, PageArgs, page_of
from volunteer_app.organisations import services
from volunteer_app.organisations.api.common import blp
from volunteer_app.organisations.models import (
    GroupPart,
    GroupStatus,
)


class GroupMemberSchema(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    part = fields.String()
    volunteer_id = fields.Integer(allow_none=True)
    joined_on = fields.Date(allow_none=True)


def _missing(group) -> list[dict]:
    messages = services.missing_messages(group)
    return [
        {"part": part.value, "count": count, "message": message}
        for (part, count), message in zip(group.missing.items(), messages, strict=True)
    ]


class YouthGroupSchema(BaseSchema):
    id = fields.Integer()
    community_id = fields.Integer()
    community = Computed(lambda g: g.community.name)
    town = Computed(lambda g: g.community.town.name)
    name = fields.String()
    youth_home = fields.String()
    status = fields.String()
    activated_at = LocalDateTime(allow_none=True)
    is_complete = fields.Boolean()
    missing = Computed(_missing, metadata={"description": "parts the group still lacks: part, count, message"})
    members = fields.List(fields.Nested(GroupMemberSchema))


class YouthGroupInSchema(InputSchema):
    community_id = Id(required=True)
    name = fields.String(load_default=None, validate=validate.Length(max=120))
    youth_home = fields.String(load_default="", validate=validate.Length(max=200))


class YouthGroupPatchSchema(InputSchema):
    name = fields.String(validate=validate.Length(max=120))
    youth_home = fields.String(validate=validate.Length(max=200))


class GroupMemberInSchema(InputSchema):
    part = fields.String(required=True, validate=validate.OneOf(list(GroupPart)))
    name = fields.String(load_default=None, validate=validate.Length(max=80))
    volunteer_id = Id(load_default=None, allow_none=True)
    joined_on = fields.Date(load_default=None, allow_none=True)


class YouthGroupArgs(PageArgs):
    community_id = Id(load_default=None)
    town_id = Id(load_default=None)
    status = fields.String(load_default=None, validate=validate.OneOf(list(GroupStatus)))


@blp.route("/youth-groups")
class YouthGroups(MethodView):
    @access.signed_in
    @blp.arguments(YouthGroupArgs, location="query")
    @blp.response(200, page_of(YouthGroupSchema))
    def get(self, args):
        """青治团, each with `is_complete` and what it is `missing`."""
        return services.list_youth_groups(access.current_actor(), **args)

    @access.roles(*TOWN_STAFF)
    @blp.arguments(YouthGroupInSchema)
    @blp.response(201, YouthGroupSchema)
    def post(self, body):
        """Form a community's youth governance group (one per community)."""
        return services.create_youth_group(access.current_actor(), **body)


@blp.route("/youth-groups/<int:group_id>")
class YouthGroupById(MethodView):
    @access.signed_in
    @blp.response(200, YouthGroupSchema)
    def get(self, group_id):
        return services.get_youth_group(access.current_actor(), group_id)

    @access.roles(*TOWN_STAFF)
    @blp.arguments(YouthGroupPatchSchema)
    @blp.response(200, YouthGroupSchema)
    def patch(self, body, group_id):
        return services.update_youth_group(access.current_actor(), group_id, **body)


@blp.route("/youth-groups/<int:group_id>/members")
class YouthGroupMembers(MethodView):
    @access.roles(*TOWN_STAFF)
    @blp.arguments(GroupMemberInSchema)
    @blp.response(201, YouthGroupSchema)
    def post(self, body, group_id):
        """Add a member with their part: party_member, league_cadre or league_member. Answers the whole group."""
        services.add_group_member(access.current_actor(), group_id, **body)
        return services.get_youth_group(access.current_actor(), group_id)


@blp.route("/youth-groups/<int:group_id>/members/<int:member_id>")
class YouthGroupMemberById(MethodView):
    @access.roles(*TOWN_STAFF)
    @blp.response(200, YouthGroupSchema)
    def delete(self, group_id, member_id):
        """Remove a member. Answers the group, which may now be incomplete."""
        services.remove_group_member(access.current_actor(), group_id, member_id)
        return services.get_youth_group(access.current_actor(), group_id)


@blp.route("/youth-groups/<int:group_id>/activate")
class YouthGroupActivation(MethodView):
    @access.roles(*TOWN_STAFF)
    @blp.response(200, YouthGroupSchema)
    def post(self, group_id):
        """Activate a complete group; an incomplete one is refused (422) with what it still lacks."""
        return services.activate_youth_group(access.current_actor(), group_id)
