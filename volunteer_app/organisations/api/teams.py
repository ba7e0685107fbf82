"""/api/v1/teams and /api/v1/teams/{id}/members."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import fields, validate

from volunteer_app.accounts import access
from volunteer_app.accounts.models import TOWN_STAFF, Role
from volunteer_app.api import BaseSchema, Computed, Id, InputSchema, PageArgs, page_of
from volunteer_app.organisations import services
from volunteer_app.organisations.api.common import blp
from volunteer_app.organisations.models import (
    MemberRole,
    TeamKind,
)


class LeaderSchema(BaseSchema):
    volunteer_id = fields.Integer()
    name = Computed(lambda m: m.volunteer.name)


class TeamSchema(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    kind = fields.String()
    town_id = fields.Integer(allow_none=True)
    town = Computed(lambda t: t.town.name if t.town else None)
    description = fields.String()
    founded_on = fields.Date(allow_none=True)
    member_count = fields.Integer()


class TeamPairingSchema(BaseSchema):
    id = fields.Integer()
    community_id = fields.Integer()
    community = Computed(lambda p: p.community.name)
    since = fields.Date()
    purpose = fields.String()
    ended_on = fields.Date(allow_none=True)


class TeamDetailSchema(TeamSchema):
    leaders = fields.List(fields.Nested(LeaderSchema))
    pairings = fields.List(fields.Nested(TeamPairingSchema))


class TeamInSchema(InputSchema):
    name = fields.String(required=True, validate=validate.Length(max=120))
    kind = fields.String(required=True, validate=validate.OneOf(list(TeamKind)))
    town_id = Id(load_default=None, allow_none=True)
    description = fields.String(load_default="", validate=validate.Length(max=2000))
    founded_on = fields.Date(load_default=None, allow_none=True)


class NewTeamSchema(TeamInSchema):
    community_id = Id(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "pair the new team with this community from today; League staff of a community "
            "must give theirs"
        },
    )


class TeamPatchSchema(TeamInSchema):
    """Only the fields given change."""


class TeamArgs(PageArgs):
    kind = fields.String(load_default=None, validate=validate.OneOf(list(TeamKind)))
    community_id = Id(load_default=None, metadata={"description": "teams paired with this community"})
    town_id = Id(load_default=None)


@blp.route("/teams")
class Teams(MethodView):
    @access.signed_in
    @blp.arguments(TeamArgs, location="query")
    @blp.response(200, page_of(TeamSchema))
    def get(self, args):
        """Volunteer teams, by kind, by a community they are paired with, or by name."""
        return services.list_teams(access.current_actor(), **args)

    @access.roles(*TOWN_STAFF)
    @blp.arguments(NewTeamSchema)
    @blp.response(201, TeamDetailSchema)
    def post(self, body):
        """Register a volunteer team, paired with a community if community_id is given (League staff of a community:
        with theirs)."""
        return services.get_team(access.current_actor(), services.create_team(access.current_actor(), **body).id)


@blp.route("/teams/<int:team_id>")
class TeamById(MethodView):
    @access.signed_in
    @blp.response(200, TeamDetailSchema)
    def get(self, team_id):
        return services.get_team(access.current_actor(), team_id)

    @access.roles(*TOWN_STAFF, Role.TEAM_LEADER)
    @blp.arguments(TeamPatchSchema(partial=True))
    @blp.response(200, TeamDetailSchema)
    def patch(self, body, team_id):
        """Edit a team; a team leader only their own team."""
        services.update_team(access.current_actor(), team_id, **body)
        return services.get_team(access.current_actor(), team_id)


class MemberSchema(BaseSchema):
    id = fields.Integer()
    team_id = fields.Integer()
    volunteer_id = fields.Integer()
    name = Computed(lambda m: m.volunteer.name)
    phone_masked = Computed(lambda m: m.volunteer.phone_masked)
    community = Computed(lambda m: m.volunteer.community.name)
    role = fields.String()
    joined_on = fields.Date()
    left_on = fields.Date(allow_none=True)


class MemberInSchema(InputSchema):
    volunteer_id = Id(required=True)
    role = fields.String(load_default=MemberRole.MEMBER.value, validate=validate.OneOf(list(MemberRole)))
    joined_on = fields.Date(load_default=None, allow_none=True)


class MemberPatchSchema(InputSchema):
    role = fields.String(validate=validate.OneOf(list(MemberRole)))
    left_on = fields.Date()


class MemberArgs(PageArgs):
    include_former = fields.Boolean(load_default=False)


@blp.route("/teams/<int:team_id>/members")
class TeamMembers(MethodView):
    @access.roles(*TOWN_STAFF, Role.TEAM_LEADER)
    @blp.arguments(MemberArgs, location="query")
    @blp.response(200, page_of(MemberSchema))
    def get(self, args, team_id):
        """A team's members with join/leave dates (phone numbers masked); its leaders and the staff only."""
        return services.list_members(access.current_actor(), team_id, **args)

    @access.roles(*TOWN_STAFF, Role.TEAM_LEADER)
    @blp.arguments(MemberInSchema)
    @blp.response(201, MemberSchema)
    def post(self, body, team_id):
        """Add a volunteer to the team (a leader: only as member)."""
        return services.add_member(access.current_actor(), team_id, **body)


@blp.route("/teams/<int:team_id>/members/<int:membership_id>")
class TeamMemberById(MethodView):
    @access.roles(*TOWN_STAFF, Role.TEAM_LEADER)
    @blp.arguments(MemberPatchSchema)
    @blp.response(200, MemberSchema)
    def patch(self, body, team_id, membership_id):
        """Record that a member left (left_on), or change their role (staff)."""
        return services.update_member(access.current_actor(), team_id, membership_id, **body)
