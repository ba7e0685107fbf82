"""/api/v1/stats: the figures of the dashboards, for the town, a community, a team or oneself. Thin: parse the
query, call reports.services.figures (which decides who reads what), dump.

Every endpoint takes `from` and `to` (local dates, both included; by default the twelve months up to today),
`community_id` and `team_id`. What each role gets:
- town-wide staff (admin, League staff): every figure, of the town, a community or a team;
- League staff of a community: the figures of their community (taken when no `community_id` nor `team_id` is
  given) and of the teams paired with it; another community's, or the town's, answer 403;
- a team leader: their own team's figures (`team_id` of a team they lead); any other scope answers 403;
- a station supervisor: `/stats/coverage` (their station's households, numbers only); the rest answers 403;
- a volunteer: `/stats/hours` without a team or community gives their own hours by month (404 for someone not
  registered as a volunteer); the rest answers 403;
- `/stats/needs`: staff, counted as the needs boards count them (the community's board for community staff).

The town's figures are counted once and kept for a while (reports/services/kept.py), the same the dashboard shows:
`as_of` says when they were counted.
"""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import fields

from volunteer_app.accounts import access
from volunteer_app.accounts.models import TOWN_STAFF, Role
from volunteer_app.api import BaseSchema, Id
from volunteer_app.reports.api.common import blp
from volunteer_app.reports.services import figures

# ---------------------------------------------------------------------------------------------- schemas


class StatsArgs(BaseSchema):
    from_ = fields.Date(
        load_default=None, data_key="from", metadata={"description": "first day (local); default: 11 months back"}
    )
    to = fields.Date(load_default=None, metadata={"description": "last day, included (local); default: today"})
    community_id = Id(load_default=None)
    team_id = Id(load_default=None)


class StatsPeriodSchema(BaseSchema):
    from_ = fields.Date(attribute="date_from", data_key="from")
    to = fields.Date(attribute="date_to")
    community_id = fields.Integer(allow_none=True)
    team_id = fields.Integer(allow_none=True)


class StatsScopedSchema(BaseSchema):
    as_of = fields.DateTime(metadata={"description": "when these figures were counted (they are kept a while)"})
    scope = fields.String(metadata={"description": "town, community, team or own (the caller's own hours)"})
    period = fields.Nested(StatsPeriodSchema, attribute="filters")


class StatsVolunteersSchema(BaseSchema):
    registered = fields.Integer(metadata={"description": "registered by the end of the period"})
    new = fields.Integer(metadata={"description": "registered within the period"})
    active = fields.Integer(
        metadata={"description": "approved hours in the period, or a confirmed place in one of its sessions"}
    )


class StatsAttendanceSchema(BaseSchema):
    places = fields.Integer(metadata={"description": "places of the roles of sessions of events held"})
    confirmed = fields.Integer()
    fill_rate = fields.Float(allow_none=True, metadata={"description": "confirmed / places, 0..1"})
    ended_confirmed = fields.Integer(metadata={"description": "confirmed sign-ups of sessions that have ended"})
    no_shows = fields.Integer(metadata={"description": "of those, never checked in"})
    no_show_rate = fields.Float(allow_none=True, metadata={"description": "no_shows / ended_confirmed, 0..1"})


class StatsYouthGroupsSchema(BaseSchema):
    complete = fields.Integer()
    incomplete = fields.Integer()
    communities_without = fields.Integer()


class StatsOverviewSchema(StatsScopedSchema):
    volunteers = fields.Nested(StatsVolunteersSchema)
    hours = fields.Float(attribute="hours_total", metadata={"description": "approved service hours"})
    events = fields.Integer(attribute="events_total")
    attendance = fields.Nested(StatsAttendanceSchema)
    youth_groups = fields.Nested(StatsYouthGroupsSchema, allow_none=True, metadata={"description": "none for a team"})


class StatsMonthHoursSchema(BaseSchema):
    month = fields.String(metadata={"description": "YYYY-MM"})
    hours = fields.Float()


class StatsTeamHoursSchema(BaseSchema):
    team_id = fields.Integer(attribute="key", allow_none=True, metadata={"description": "none: no team, or others"})
    name = fields.String(attribute="label")
    hours = fields.Float(attribute="value")


class StatsCommunityHoursSchema(BaseSchema):
    community_id = fields.Integer(attribute="key", allow_none=True)
    name = fields.String(attribute="label")
    hours = fields.Float(attribute="value")


class StatsHoursSchema(StatsScopedSchema):
    total = fields.Float(attribute="hours_total")
    by_month = fields.List(fields.Nested(StatsMonthHoursSchema), attribute="hours_by_month")
    by_team = fields.List(fields.Nested(StatsTeamHoursSchema), attribute="hours_by_team", allow_none=True)
    by_community = fields.List(
        fields.Nested(StatsCommunityHoursSchema), attribute="hours_by_community", allow_none=True
    )


class StatsKindCountSchema(BaseSchema):
    kind = fields.String(attribute="key")
    label = fields.String()
    events = fields.Integer(attribute="value")


class StatsStatusCountSchema(BaseSchema):
    status = fields.String(attribute="key")
    label = fields.String()
    events = fields.Integer(attribute="value")


class StatsEventsSchema(StatsScopedSchema):
    total = fields.Integer(attribute="events_total")
    by_kind = fields.List(fields.Nested(StatsKindCountSchema), attribute="events_by_kind")
    by_status = fields.List(fields.Nested(StatsStatusCountSchema), attribute="events_by_status")
    attendance = fields.Nested(StatsAttendanceSchema)


class StatsCoverageRowSchema(BaseSchema):
    community_id = fields.Integer(attribute="key", allow_none=True)
    name = fields.String(attribute="label")
    households = fields.Integer()
    target = fields.Integer()
    target_visited = fields.Integer()
    target_percent = fields.Integer()
    overdue = fields.Integer()


class StatsCoverageSchema(BaseSchema):
    as_of = fields.DateTime(metadata={"description": "when these figures were counted (they are kept a while)"})
    quarter_start = fields.Date()
    on = fields.Date()
    total = fields.Nested(StatsCoverageRowSchema)
    communities = fields.List(fields.Nested(StatsCoverageRowSchema))


class StatsNeedsSchema(BaseSchema):
    as_of = fields.DateTime(metadata={"description": "when these figures were counted (they are kept a while)"})
    raised = fields.Integer()
    by_status = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_category = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_source = fields.Dict(keys=fields.String(), values=fields.Integer())
    closed = fields.Integer()
    median_days_to_close = fields.Float(allow_none=True)
    closed_with_deadline = fields.Integer()
    closed_on_time = fields.Integer()
    on_time_share = fields.Float(allow_none=True)
    ratings = fields.Integer()
    average_rating = fields.Float(allow_none=True, metadata={"description": "satisfaction, 1 to 5"})
    overdue = fields.Integer(metadata={"description": "today, whatever the period"})


# ---------------------------------------------------------------------------------------------- endpoints


def _filters(args: dict) -> figures.Filters:
    return figures.filters_for(
        access.current_actor(), args["from_"], args["to"], community_id=args["community_id"], team_id=args["team_id"]
    )


@blp.route("/stats/overview")
class StatsOverview(MethodView):
    @access.roles(*TOWN_STAFF, Role.TEAM_LEADER)
    @blp.arguments(StatsArgs, location="query")
    @blp.response(200, StatsOverviewSchema)
    def get(self, args):
        """Volunteers registered, new and active; hours; events; places filled and no-shows; youth groups. Town staff;
        a team's leaders with its `team_id`."""
        return figures.overview(access.current_actor(), _filters(args))


@blp.route("/stats/hours")
class StatsHours(MethodView):
    @access.signed_in
    @blp.arguments(StatsArgs, location="query")
    @blp.response(200, StatsHoursSchema)
    def get(self, args):
        """Approved service hours by month, team and community. Town staff; a team's leaders with its `team_id`;
        anyone else, without `team_id` or `community_id`: their own hours by month (`scope` "own"; 404 for
        someone not registered as a volunteer)."""
        return figures.hours(access.current_actor(), _filters(args))


@blp.route("/stats/events")
class StatsEvents(MethodView):
    @access.roles(*TOWN_STAFF, Role.TEAM_LEADER)
    @blp.arguments(StatsArgs, location="query")
    @blp.response(200, StatsEventsSchema)
    def get(self, args):
        """Events held by kind, every event by status, places filled and no-shows. Town staff; a team's leaders
        with its `team_id`."""
        return figures.events(access.current_actor(), _filters(args))


@blp.route("/stats/coverage")
class StatsCoverage(MethodView):
    @access.roles(*TOWN_STAFF, Role.STATION_SUPERVISOR)
    @blp.arguments(StatsArgs, location="query")
    @blp.response(200, StatsCoverageSchema)
    def get(self, args):
        """Social-work coverage this quarter (up to `to`): households on file, target households visited, overdue
        follow-ups, per community. Town staff and station supervisors (their station's); not by team (422)."""
        return figures.social_work(access.current_actor(), _filters(args))


@blp.route("/stats/needs")
class StatsNeeds(MethodView):
    @access.roles(*TOWN_STAFF)
    @blp.arguments(StatsArgs, location="query")
    @blp.response(200, StatsNeedsSchema)
    def get(self, args):
        """Needs raised and closed in the period, median days to close, share closed on time, satisfaction, as the
        needs boards count them. Town staff; not by team (422)."""
        return figures.needs_of(access.current_actor(), _filters(args))
