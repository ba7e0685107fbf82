"""/api/v1 endpoints of the organisations registry. Thin: parse with a schema, call one service, dump."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import fields, validate

from volunteer_app.accounts import access
from volunteer_app.accounts import services as accounts
from volunteer_app.accounts.models import Role
from volunteer_app.api import BaseSchema, InputSchema, LocalDateTime, PageArgs, page_of
from volunteer_app.core.errors import NotFound
from volunteer_app.core.identity import mask_phone
from volunteer_app.extensions import limiter
from volunteer_app.organisations import services
from volunteer_app.organisations.models import (
    Availability,
    CommunityKind,
    DeputyLevel,
    GroupPart,
    GroupStatus,
    MemberRole,
    PoliticalStatus,
    TeamKind,
)
from volunteer_app.organisations.reception import weekday_name

blp = Blueprint(
    "organisations_api",
    __name__,
    url_prefix="/api/v1",
    description="Towns, communities, teams, pairings, youth groups, social-work points, liaison stations, volunteers",
)

STAFF = (Role.ADMIN, Role.LEAGUE_STAFF)


def Id(**kwargs) -> fields.Integer:
    return fields.Integer(validate=validate.Range(min=1, max=services.MAX_ID), **kwargs)


def _actor():
    return access.current_actor()


# ---------------------------------------------------------------------------------------------- towns


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
        return services.list_towns(_actor(), **args)

    @access.roles(*STAFF)
    @blp.arguments(TownInSchema)
    @blp.response(201, TownSchema)
    def post(self, body):
        """Register a town (Youth League staff and admins)."""
        return services.create_town(_actor(), **body)


@blp.route("/towns/<int:town_id>")
class TownById(MethodView):
    @access.signed_in
    @blp.response(200, TownSchema)
    def get(self, town_id):
        return services.get_town(_actor(), town_id)

    @access.roles(*STAFF)
    @blp.arguments(TownPatchSchema(partial=True))
    @blp.response(200, TownSchema)
    def patch(self, body, town_id):
        return services.update_town(_actor(), town_id, **body)


# ---------------------------------------------------------------------------------------------- communities


class CommunitySchema(BaseSchema):
    id = fields.Integer()
    town_id = fields.Integer()
    town = fields.Function(lambda c: c.town.name)
    name = fields.String()
    kind = fields.String()
    service_point_id = fields.Integer(allow_none=True)
    covered_by = fields.Function(lambda c: c.coverer_name or None)
    covered_by_station = fields.Function(lambda c: c.station_id is not None)
    is_covered = fields.Boolean()
    youth_group_id = fields.Function(lambda c: c.youth_group.id if c.youth_group else None)


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
        return services.list_communities(_actor(), **args)

    @access.roles(*STAFF)
    @blp.arguments(CommunityInSchema)
    @blp.response(201, CommunitySchema)
    def post(self, body):
        """Register a village or community in a town."""
        return services.create_community(_actor(), **body)


@blp.route("/communities/<int:community_id>")
class CommunityById(MethodView):
    @access.signed_in
    @blp.response(200, CommunitySchema)
    def get(self, community_id):
        return services.get_community(_actor(), community_id)

    @access.roles(*STAFF)
    @blp.arguments(CommunityPatchSchema(partial=True))
    @blp.response(200, CommunitySchema)
    def patch(self, body, community_id):
        return services.update_community(_actor(), community_id, **body)


# ---------------------------------------------------------------------------------------------- teams


class LeaderSchema(BaseSchema):
    volunteer_id = fields.Integer()
    name = fields.Function(lambda m: m.volunteer.name)


class TeamSchema(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    kind = fields.String()
    town_id = fields.Integer(allow_none=True)
    town = fields.Function(lambda t: t.town.name if t.town else None)
    description = fields.String()
    founded_on = fields.Date(allow_none=True)
    member_count = fields.Integer()


class TeamPairingSchema(BaseSchema):
    id = fields.Integer()
    community_id = fields.Integer()
    community = fields.Function(lambda p: p.community.name)
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
        return services.list_teams(_actor(), **args)

    @access.roles(*STAFF)
    @blp.arguments(TeamInSchema)
    @blp.response(201, TeamDetailSchema)
    def post(self, body):
        """Register a volunteer team."""
        return services.get_team(_actor(), services.create_team(_actor(), **body).id)


@blp.route("/teams/<int:team_id>")
class TeamById(MethodView):
    @access.signed_in
    @blp.response(200, TeamDetailSchema)
    def get(self, team_id):
        return services.get_team(_actor(), team_id)

    @access.roles(*STAFF, Role.TEAM_LEADER)
    @blp.arguments(TeamPatchSchema(partial=True))
    @blp.response(200, TeamDetailSchema)
    def patch(self, body, team_id):
        """Edit a team; a team leader only their own team."""
        services.update_team(_actor(), team_id, **body)
        return services.get_team(_actor(), team_id)


class MemberSchema(BaseSchema):
    id = fields.Integer()
    team_id = fields.Integer()
    volunteer_id = fields.Integer()
    name = fields.Function(lambda m: m.volunteer.name)
    phone_masked = fields.Function(lambda m: m.volunteer.phone_masked)
    community = fields.Function(lambda m: m.volunteer.community.name)
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
    @access.roles(*STAFF, Role.TEAM_LEADER)
    @blp.arguments(MemberArgs, location="query")
    @blp.response(200, page_of(MemberSchema))
    def get(self, args, team_id):
        """A team's members with join/leave dates (phone numbers masked); its leaders and the staff only."""
        return services.list_members(_actor(), team_id, **args)

    @access.roles(*STAFF, Role.TEAM_LEADER)
    @blp.arguments(MemberInSchema)
    @blp.response(201, MemberSchema)
    def post(self, body, team_id):
        """Add a volunteer to the team (a leader: only as member)."""
        return services.add_member(_actor(), team_id, **body)


@blp.route("/teams/<int:team_id>/members/<int:membership_id>")
class TeamMemberById(MethodView):
    @access.roles(*STAFF, Role.TEAM_LEADER)
    @blp.arguments(MemberPatchSchema)
    @blp.response(200, MemberSchema)
    def patch(self, body, team_id, membership_id):
        """Record that a member left (left_on), or change their role (staff)."""
        return services.update_member(_actor(), team_id, membership_id, **body)


# ---------------------------------------------------------------------------------------------- pairings


class PairingSchema(BaseSchema):
    id = fields.Integer()
    team_id = fields.Integer()
    team = fields.Function(lambda p: p.team.name)
    team_kind = fields.Function(lambda p: p.team.kind)
    community_id = fields.Integer()
    community = fields.Function(lambda p: p.community.name)
    town = fields.Function(lambda p: p.community.town.name)
    since = fields.Date()
    purpose = fields.String()
    ended_on = fields.Date(allow_none=True)
    is_current = fields.Boolean()


class PairingInSchema(InputSchema):
    team_id = fields.Integer(required=True)
    community_id = fields.Integer(required=True)
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
        return services.list_pairings(_actor(), **args)

    @access.roles(*STAFF, Role.TEAM_LEADER)
    @blp.arguments(PairingInSchema)
    @blp.response(201, PairingSchema)
    def post(self, body):
        """Pair a team with a community (a team leader: only their own team)."""
        return services.create_pairing(_actor(), **body)


@blp.route("/pairings/<int:pairing_id>")
class PairingById(MethodView):
    @access.signed_in
    @blp.response(200, PairingSchema)
    def get(self, pairing_id):
        return services.get_pairing(_actor(), pairing_id)

    @access.roles(*STAFF, Role.TEAM_LEADER)
    @blp.arguments(PairingPatchSchema)
    @blp.response(200, PairingSchema)
    def patch(self, body, pairing_id):
        return services.update_pairing(_actor(), pairing_id, **body)


# ---------------------------------------------------------------------------------------------- youth groups


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
    community = fields.Function(lambda g: g.community.name)
    town = fields.Function(lambda g: g.community.town.name)
    name = fields.String()
    youth_home = fields.String()
    status = fields.String()
    activated_at = LocalDateTime(allow_none=True)
    is_complete = fields.Boolean()
    missing = fields.Function(_missing, metadata={"description": "parts the group still lacks: part, count, message"})
    members = fields.List(fields.Nested(GroupMemberSchema))


class YouthGroupInSchema(InputSchema):
    community_id = fields.Integer(required=True)
    name = fields.String(load_default=None, validate=validate.Length(max=120))
    youth_home = fields.String(load_default="", validate=validate.Length(max=200))


class YouthGroupPatchSchema(InputSchema):
    name = fields.String(validate=validate.Length(max=120))
    youth_home = fields.String(validate=validate.Length(max=200))


class GroupMemberInSchema(InputSchema):
    part = fields.String(required=True, validate=validate.OneOf(list(GroupPart)))
    name = fields.String(load_default=None, validate=validate.Length(max=80))
    volunteer_id = fields.Integer(load_default=None, allow_none=True)
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
        return services.list_youth_groups(_actor(), **args)

    @access.roles(*STAFF)
    @blp.arguments(YouthGroupInSchema)
    @blp.response(201, YouthGroupSchema)
    def post(self, body):
        """Form a community's youth governance group (one per community)."""
        return services.create_youth_group(_actor(), **body)


@blp.route("/youth-groups/<int:group_id>")
class YouthGroupById(MethodView):
    @access.signed_in
    @blp.response(200, YouthGroupSchema)
    def get(self, group_id):
        return services.get_youth_group(_actor(), group_id)

    @access.roles(*STAFF)
    @blp.arguments(YouthGroupPatchSchema)
    @blp.response(200, YouthGroupSchema)
    def patch(self, body, group_id):
        return services.update_youth_group(_actor(), group_id, **body)


@blp.route("/youth-groups/<int:group_id>/members")
class YouthGroupMembers(MethodView):
    @access.roles(*STAFF)
    @blp.arguments(GroupMemberInSchema)
    @blp.response(201, YouthGroupSchema)
    def post(self, body, group_id):
        """Add a member with their part: party_member, league_cadre or league_member. Answers the whole group."""
        services.add_group_member(_actor(), group_id, **body)
        return services.get_youth_group(_actor(), group_id)


@blp.route("/youth-groups/<int:group_id>/members/<int:member_id>")
class YouthGroupMemberById(MethodView):
    @access.roles(*STAFF)
    @blp.response(200, YouthGroupSchema)
    def delete(self, group_id, member_id):
        """Remove a member. Answers the group, which may now be incomplete."""
        services.remove_group_member(_actor(), group_id, member_id)
        return services.get_youth_group(_actor(), group_id)


@blp.route("/youth-groups/<int:group_id>/activate")
class YouthGroupActivation(MethodView):
    @access.roles(*STAFF)
    @blp.response(200, YouthGroupSchema)
    def post(self, group_id):
        """Activate a complete group; an incomplete one is refused (422) with what it still lacks."""
        return services.activate_youth_group(_actor(), group_id)


# ---------------------------------------------------------------------------------------------- social work


class CommunityRefSchema(BaseSchema):
    id = fields.Integer()
    name = fields.String()


class StationSchema(BaseSchema):
    id = fields.Integer()
    town_id = fields.Integer()
    town = fields.Function(lambda s: s.town.name)
    name = fields.String()
    address = fields.String()
    opened_on = fields.Date(allow_none=True)
    point_ids = fields.Function(lambda s: [p.id for p in s.points])


class StationDetailSchema(StationSchema):
    covered_communities = fields.List(
        fields.Nested(CommunityRefSchema), metadata={"description": "communities the station covers itself"}
    )


class StationInSchema(InputSchema):
    town_id = Id(required=True)
    name = fields.String(required=True, validate=validate.Length(max=120))
    address = fields.String(load_default="", validate=validate.Length(max=200))
    opened_on = fields.Date(load_default=None, allow_none=True)
    community_ids = fields.List(fields.Integer(), load_default=list)


class StationPatchSchema(InputSchema):
    name = fields.String(validate=validate.Length(max=120))
    address = fields.String(validate=validate.Length(max=200))
    opened_on = fields.Date(allow_none=True)
    community_ids = fields.List(fields.Integer())


class StationArgs(PageArgs):
    town_id = Id(load_default=None)


@blp.route("/service-stations")
class Stations(MethodView):
    @access.signed_in
    @blp.arguments(StationArgs, location="query")
    @blp.response(200, page_of(StationSchema))
    def get(self, args):
        """Social-work stations, one per town."""
        return services.list_stations(_actor(), **args)

    @access.roles(*STAFF)
    @blp.arguments(StationInSchema)
    @blp.response(201, StationDetailSchema)
    def post(self, body):
        return services.create_station(_actor(), **body)


@blp.route("/service-stations/<int:station_id>")
class StationById(MethodView):
    @access.signed_in
    @blp.response(200, StationDetailSchema)
    def get(self, station_id):
        return services.get_station(_actor(), station_id)

    @access.roles(*STAFF)
    @blp.arguments(StationPatchSchema)
    @blp.response(200, StationDetailSchema)
    def patch(self, body, station_id):
        services.update_station(_actor(), station_id, **body)
        return services.get_station(_actor(), station_id)


class PointSchema(BaseSchema):
    id = fields.Integer()
    station_id = fields.Integer()
    station = fields.Function(lambda p: p.station.name)
    town_id = fields.Function(lambda p: p.station.town_id)
    name = fields.String()
    address = fields.String()
    opened_on = fields.Date(allow_none=True)
    communities = fields.List(fields.Nested(CommunityRefSchema))
    worker_count = fields.Integer()


class PointInSchema(InputSchema):
    station_id = fields.Integer(required=True)
    name = fields.String(required=True, validate=validate.Length(max=120))
    address = fields.String(load_default="", validate=validate.Length(max=200))
    opened_on = fields.Date(load_default=None, allow_none=True)
    community_ids = fields.List(
        fields.Integer(), load_default=list, metadata={"description": "communities this point covers"}
    )


class PointPatchSchema(InputSchema):
    name = fields.String(validate=validate.Length(max=120))
    address = fields.String(validate=validate.Length(max=200))
    opened_on = fields.Date(allow_none=True)
    community_ids = fields.List(fields.Integer())


class PointArgs(PageArgs):
    station_id = Id(load_default=None)
    town_id = Id(load_default=None)
    community_id = Id(load_default=None, metadata={"description": "the point covering this community"})


class WorkerSchema(BaseSchema):
    user_id = fields.Integer(attribute="id")
    display_name = fields.String()


class WorkerInSchema(InputSchema):
    user_id = fields.Integer(required=True)


@blp.route("/service-points")
class Points(MethodView):
    @access.signed_in
    @blp.arguments(PointArgs, location="query")
    @blp.response(200, page_of(PointSchema))
    def get(self, args):
        """Social-work service points with the communities each covers; `q` matches a point or community name."""
        return services.list_points(_actor(), **args)

    @access.roles(*STAFF)
    @blp.arguments(PointInSchema)
    @blp.response(201, PointSchema)
    def post(self, body):
        """Register a service point; a community already covered elsewhere is refused (422)."""
        point = services.create_point(_actor(), **body)
        return services.get_point(_actor(), point.id)


@blp.route("/service-points/<int:point_id>")
class PointById(MethodView):
    @access.signed_in
    @blp.response(200, PointSchema)
    def get(self, point_id):
        return services.get_point(_actor(), point_id)

    @access.roles(*STAFF)
    @blp.arguments(PointPatchSchema)
    @blp.response(200, PointSchema)
    def patch(self, body, point_id):
        services.update_point(_actor(), point_id, **body)
        return services.get_point(_actor(), point_id)


@blp.route("/service-points/<int:point_id>/workers")
class PointWorkers(MethodView):
    @access.signed_in
    @blp.response(200, WorkerSchema(many=True))
    def get(self, point_id):
        """The social workers assigned to the point (role grant social_worker scoped service_point:ID)."""
        return services.point_workers(_actor(), services.get_point(_actor(), point_id))

    @access.roles(*STAFF, Role.STATION_SUPERVISOR)
    @blp.arguments(WorkerInSchema)
    @blp.response(200, WorkerSchema(many=True))
    def post(self, body, point_id):
        """Assign a social worker to this point (their one point)."""
        services.assign_social_worker(_actor(), point_id, **body)
        return services.point_workers(_actor(), services.get_point(_actor(), point_id))


@blp.route("/service-points/<int:point_id>/workers/<int:user_id>")
class PointWorkerById(MethodView):
    @access.roles(*STAFF, Role.STATION_SUPERVISOR)
    @blp.response(204)
    def delete(self, point_id, user_id):
        services.unassign_social_worker(_actor(), point_id, user_id=user_id)


class CoverageCommunitySchema(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    covered_by = fields.Function(lambda c: c.coverer_name or None)


class CoverageStepSchema(BaseSchema):
    date = fields.Date(attribute="day", allow_none=True)
    opened = fields.String(attribute="label")
    percent = fields.Integer()


class CoverageSchema(BaseSchema):
    town_id = fields.Function(lambda c: c.town.id)
    town = fields.Function(lambda c: c.town.name)
    total = fields.Integer()
    covered = fields.Integer()
    percent = fields.Integer()
    uncovered = fields.List(fields.Nested(CoverageCommunitySchema))
    communities = fields.List(fields.Nested(CoverageCommunitySchema))
    steps = fields.List(fields.Nested(CoverageStepSchema), metadata={"description": "coverage as each point opened"})


class CoverageArgs(PageArgs):
    town_id = Id(load_default=None)


@blp.route("/coverage")
class Coverage(MethodView):
    @access.signed_in
    @blp.arguments(CoverageArgs, location="query")
    @blp.response(200, page_of(CoverageSchema))
    def get(self, args):
        """Per town: communities covered by a service point (or the station) and the percentage."""
        args.pop("q", None)
        return services.coverage(_actor(), **args)


# ---------------------------------------------------------------------------------------------- liaison stations


class DeputySchema(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    level = fields.String()
    title = fields.String()


class DeputyInSchema(InputSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=80))
    level = fields.String(load_default=DeputyLevel.DISTRICT.value, validate=validate.OneOf(list(DeputyLevel)))
    title = fields.String(load_default="", validate=validate.Length(max=200))


class ReceptionSchema(BaseSchema):
    date = fields.Date(attribute="day")
    start = fields.Time()
    end = fields.Time()


def _rule(station) -> dict:
    rule = services.reception_rule(station)
    return {
        "weekday": rule.weekday,
        "weekday_name": weekday_name(rule.weekday),
        "start": rule.start.strftime("%H:%M"),
        "end": rule.end.strftime("%H:%M"),
        "except_public_holidays": rule.except_public_holidays,
        "holidays_applied": rule.holidays_applied,
        "description": rule.describe(),
    }


class LiaisonStationSchema(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    community_id = fields.Integer(allow_none=True)
    community = fields.Function(lambda s: s.community.name if s.community else None)
    address = fields.String()
    reception = fields.Function(_rule)
    deputies = fields.List(fields.Nested(DeputySchema))
    next_receptions = fields.Function(
        lambda s: ReceptionSchema(many=True).dump(services.next_receptions(s)),
        metadata={"description": "the next weekly reception dates"},
    )


class LiaisonInSchema(InputSchema):
    name = fields.String(required=True, validate=validate.Length(max=120))
    community_id = Id(load_default=None, allow_none=True)
    address = fields.String(load_default="", validate=validate.Length(max=200))
    reception_weekday = fields.Integer(
        required=True, validate=validate.Range(min=0, max=6), metadata={"description": "Monday 0 ... Sunday 6"}
    )
    reception_start = fields.Time(required=True, metadata={"example": "14:30"})
    reception_end = fields.Time(required=True, metadata={"example": "17:30"})
    except_public_holidays = fields.Boolean(load_default=True)
    deputies = fields.List(fields.Nested(DeputyInSchema), load_default=list)


class LiaisonPatchSchema(LiaisonInSchema):
    """Only the fields given change."""


class LiaisonArgs(PageArgs):
    community_id = Id(load_default=None)
    town_id = Id(load_default=None)


@blp.route("/liaison-stations")
class LiaisonStations(MethodView):
    @access.signed_in
    @blp.arguments(LiaisonArgs, location="query")
    @blp.response(200, page_of(LiaisonStationSchema))
    def get(self, args):
        """人大代表联络站 with their deputies, reception rule and next reception dates."""
        return services.list_liaison_stations(_actor(), **args)

    @access.roles(*STAFF)
    @blp.arguments(LiaisonInSchema)
    @blp.response(201, LiaisonStationSchema)
    def post(self, body):
        return services.create_liaison_station(_actor(), **body)


@blp.route("/liaison-stations/<int:station_id>")
class LiaisonStationById(MethodView):
    @access.signed_in
    @blp.response(200, LiaisonStationSchema)
    def get(self, station_id):
        return services.get_liaison_station(_actor(), station_id)

    @access.roles(*STAFF)
    @blp.arguments(LiaisonPatchSchema(partial=True))
    @blp.response(200, LiaisonStationSchema)
    def patch(self, body, station_id):
        """Edit a station; `deputies`, when given, replaces the list."""
        return services.update_liaison_station(_actor(), station_id, **body)


# ---------------------------------------------------------------------------------------------- volunteers


class TeamRefSchema(BaseSchema):
    id = fields.Function(lambda m: m.team.id)
    name = fields.Function(lambda m: m.team.name)
    role = fields.String()
    joined_on = fields.Date()


def _guardian(profile) -> dict | None:
    if not profile.guardian_name:
        return None
    return {
        "name": profile.guardian_name,
        "phone_masked": mask_phone(profile.guardian_phone),
        "consent_at": LocalDateTime().serialize("guardian_consent_at", profile),
    }


class VolunteerSchema(BaseSchema):
    """ID and phone numbers only ever masked here; `POST /volunteers/{id}/reveal` shows them (audited)."""

    id = fields.Integer()
    user_id = fields.Integer()
    name = fields.String()
    id_number_masked = fields.String()
    phone_masked = fields.String()
    sex = fields.String()
    birth_date = fields.Date()
    political_status = fields.String()
    community_id = fields.Integer()
    community = fields.Function(lambda p: p.community.name)
    town = fields.Function(lambda p: p.community.town.name)
    skills = fields.List(fields.String())
    availability = fields.List(fields.String())
    teams = fields.Function(lambda p: TeamRefSchema(many=True).dump([m for m in p.memberships if m.left_on is None]))
    guardian = fields.Function(_guardian)
    created_at = LocalDateTime()


class RegisteredSchema(VolunteerSchema):
    access_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer()


class GuardianInSchema(InputSchema):
    name = fields.String(load_default="", validate=validate.Length(max=80))
    phone = fields.String(load_default="", validate=validate.Length(max=20))
    consent = fields.Boolean(load_default=False)


class RegisterSchema(InputSchema):
    username = fields.String(required=True, validate=validate.Length(max=40))
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=200))
    name = fields.String(required=True, validate=validate.Length(max=80))
    phone = fields.String(required=True, validate=validate.Length(max=20))
    id_number = fields.String(
        required=True, validate=validate.Length(max=30), metadata={"example": "11010519491231002X"}
    )
    political_status = fields.String(
        required=True, metadata={"description": ", ".join(PoliticalStatus), "example": "league_member"}
    )
    community_id = fields.Integer(required=True)
    skills = fields.List(fields.String(validate=validate.Length(max=30)), load_default=list)
    availability = fields.List(fields.String(), load_default=list, metadata={"description": ", ".join(Availability)})
    guardian = fields.Nested(
        GuardianInSchema,
        load_default=None,
        allow_none=True,
        metadata={"description": "required under 18: name, phone, consent true"},
    )


class VolunteerPatchSchema(InputSchema):
    name = fields.String(validate=validate.Length(max=80))
    phone = fields.String(validate=validate.Length(max=20))
    political_status = fields.String()
    community_id = fields.Integer()
    skills = fields.List(fields.String(validate=validate.Length(max=30)))
    availability = fields.List(fields.String())
    guardian = fields.Nested(GuardianInSchema)


class RevealSchema(InputSchema):
    fields_ = fields.List(
        fields.String(validate=validate.OneOf(services.REVEALABLE)),
        data_key="fields",
        load_default=lambda: list(services.REVEALABLE),
    )
    reason = fields.String(load_default=None, validate=validate.Length(max=255))


class RevealedSchema(BaseSchema):
    id_number = fields.String()
    phone = fields.String()


class VolunteerArgs(PageArgs):
    community_id = Id(load_default=None)
    team_id = Id(load_default=None)
    political_status = fields.String(load_default=None, validate=validate.OneOf(list(PoliticalStatus)))


@blp.route("/volunteers")
class Volunteers(MethodView):
    @access.roles(*STAFF, Role.TEAM_LEADER)
    @blp.arguments(VolunteerArgs, location="query")
    @blp.response(200, page_of(VolunteerSchema))
    def get(self, args):
        """Volunteers (masked): the staff see all, a team leader their team's members. `q`: name, phone tail, team."""
        return services.list_volunteers(_actor(), **args)


@blp.route("/volunteers/register")
class VolunteerRegistration(MethodView):
    decorators = [limiter.limit(lambda: current_app.config.get("REGISTER_RATE_LIMIT", "10 per minute"))]

    @access.public
    @blp.arguments(RegisterSchema)
    @blp.response(201, RegisteredSchema)
    @blp.doc(security=[])
    def post(self, body):
        """Register as a volunteer (no token needed): creates the account and the profile, answers a token."""
        user = services.register_volunteer(None, **body).user
        token, ttl = accounts.issue_token(user)
        profile = services.own_profile(user)
        profile.access_token, profile.token_type, profile.expires_in = token, "Bearer", ttl
        return profile


@blp.route("/volunteers/me")
class MyVolunteerProfile(MethodView):
    @access.signed_in
    @blp.response(200, VolunteerSchema)
    def get(self):
        """The caller's own volunteer profile."""
        profile = services.own_profile(_actor())
        if profile is None:
            raise NotFound(_("You have no volunteer profile yet."))
        return profile


@blp.route("/volunteers/<int:profile_id>")
class VolunteerById(MethodView):
    @access.signed_in
    @blp.response(200, VolunteerSchema)
    def get(self, profile_id):
        """One volunteer (masked): staff, the volunteer themself, or a leader of a team they are in."""
        return services.get_volunteer(_actor(), profile_id)

    @access.signed_in
    @blp.arguments(VolunteerPatchSchema)
    @blp.response(200, VolunteerSchema)
    def patch(self, body, profile_id):
        """Edit a profile: the volunteer their own, or the staff. The ID number cannot be changed."""
        return services.update_volunteer(_actor(), profile_id, **body)


@blp.route("/volunteers/<int:profile_id>/reveal")
class VolunteerReveal(MethodView):
    @access.signed_in
    @blp.arguments(RevealSchema)
    @blp.response(200, RevealedSchema)
    def post(self, body, profile_id):
        """The full ID and/or phone number, for staff and the volunteer themself; recorded in the audit log."""
        return services.reveal_volunteer(_actor(), profile_id, fields=body["fields_"], reason=body["reason"])
