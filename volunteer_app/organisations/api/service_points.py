"""/api/v1/service-stations, /api/v1/service-points and /api/v1/coverage."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import fields, validate

from volunteer_app.accounts import access
from volunteer_app.accounts.models import TOWN_STAFF, Role
from volunteer_app.api import BaseSchema, Computed, Id, InputSchema, PageArgs, page_of
from volunteer_app.organisations import services
from volunteer_app.organisations.api.common import blp


class CommunityRefSchema(BaseSchema):
    id = fields.Integer()
    name = fields.String()


class StationSchema(BaseSchema):
    id = fields.Integer()
    town_id = fields.Integer()
    town = Computed(lambda s: s.town.name)
    name = fields.String()
    address = fields.String()
    opened_on = fields.Date(allow_none=True)
    point_ids = Computed(lambda s: [p.id for p in s.points])


class StationDetailSchema(StationSchema):
    covered_communities = fields.List(
        fields.Nested(CommunityRefSchema), metadata={"description": "communities the station covers itself"}
    )


class StationInSchema(InputSchema):
    town_id = Id(required=True)
    name = fields.String(required=True, validate=validate.Length(max=120))
    address = fields.String(load_default="", validate=validate.Length(max=200))
    opened_on = fields.Date(load_default=None, allow_none=True)
    community_ids = fields.List(Id(), load_default=list)


class StationPatchSchema(InputSchema):
    name = fields.String(validate=validate.Length(max=120))
    address = fields.String(validate=validate.Length(max=200))
    opened_on = fields.Date(allow_none=True)
    community_ids = fields.List(Id())


class StationArgs(PageArgs):
    town_id = Id(load_default=None)


@blp.route("/service-stations")
class Stations(MethodView):
    @access.signed_in
    @blp.arguments(StationArgs, location="query")
    @blp.response(200, page_of(StationSchema))
    def get(self, args):
        """Social-work stations, one per town."""
        return services.list_stations(access.current_actor(), **args)

    @access.roles(*TOWN_STAFF)
    @blp.arguments(StationInSchema)
    @blp.response(201, StationDetailSchema)
    def post(self, body):
        return services.create_station(access.current_actor(), **body)


@blp.route("/service-stations/<int:station_id>")
class StationById(MethodView):
    @access.signed_in
    @blp.response(200, StationDetailSchema)
    def get(self, station_id):
        return services.get_station(access.current_actor(), station_id)

    @access.roles(*TOWN_STAFF)
    @blp.arguments(StationPatchSchema)
    @blp.response(200, StationDetailSchema)
    def patch(self, body, station_id):
        services.update_station(access.current_actor(), station_id, **body)
        return services.get_station(access.current_actor(), station_id)


class PointSchema(BaseSchema):
    id = fields.Integer()
    station_id = fields.Integer()
    station = Computed(lambda p: p.station.name)
    town_id = Computed(lambda p: p.station.town_id)
    name = fields.String()
    address = fields.String()
    opened_on = fields.Date(allow_none=True)
    communities = fields.List(fields.Nested(CommunityRefSchema))
    worker_count = fields.Integer()


class PointInSchema(InputSchema):
    station_id = Id(required=True)
    name = fields.String(required=True, validate=validate.Length(max=120))
    address = fields.String(load_default="", validate=validate.Length(max=200))
    opened_on = fields.Date(load_default=None, allow_none=True)
    community_ids = fields.List(Id(), load_default=list, metadata={"description": "communities this point covers"})


class PointPatchSchema(InputSchema):
    name = fields.String(validate=validate.Length(max=120))
    address = fields.String(validate=validate.Length(max=200))
    opened_on = fields.Date(allow_none=True)
    community_ids = fields.List(Id())


class PointArgs(PageArgs):
    station_id = Id(load_default=None)
    town_id = Id(load_default=None)
    community_id = Id(load_default=None, metadata={"description": "the point covering this community"})


class WorkerSchema(BaseSchema):
    user_id = fields.Integer(attribute="id")
    display_name = fields.String()


class WorkerInSchema(InputSchema):
    user_id = Id(required=True)


@blp.route("/service-points")
class Points(MethodView):
    @access.signed_in
    @blp.arguments(PointArgs, location="query")
    @blp.response(200, page_of(PointSchema))
    def get(self, args):
        """Social-work service points with the communities each covers; `q` matches a point or community name."""
        return services.list_points(access.current_actor(), **args)

    @access.roles(*TOWN_STAFF)
    @blp.arguments(PointInSchema)
    @blp.response(201, PointSchema)
    def post(self, body):
        """Register a service point; a community already covered elsewhere is refused (422)."""
        point = services.create_point(access.current_actor(), **body)
        return services.get_point(access.current_actor(), point.id)


@blp.route("/service-points/<int:point_id>")
class PointById(MethodView):
    @access.signed_in
    @blp.response(200, PointSchema)
    def get(self, point_id):
        return services.get_point(access.current_actor(), point_id)

    @access.roles(*TOWN_STAFF)
    @blp.arguments(PointPatchSchema)
    @blp.response(200, PointSchema)
    def patch(self, body, point_id):
        services.update_point(access.current_actor(), point_id, **body)
        return services.get_point(access.current_actor(), point_id)


@blp.route("/service-points/<int:point_id>/workers")
class PointWorkers(MethodView):
    @access.signed_in
    @blp.response(200, WorkerSchema(many=True))
    def get(self, point_id):
        """The social workers assigned to the point (role grant social_worker scoped service_point:ID)."""
        return services.point_workers(access.current_actor(), services.get_point(access.current_actor(), point_id))

    @access.roles(*TOWN_STAFF, Role.STATION_SUPERVISOR)
    @blp.arguments(WorkerInSchema)
    @blp.response(200, WorkerSchema(many=True))
    def post(self, body, point_id):
        """Assign a social worker to this point (their one point)."""
        services.assign_social_worker(access.current_actor(), point_id, **body)
        return services.point_workers(access.current_actor(), services.get_point(access.current_actor(), point_id))


@blp.route("/service-points/<int:point_id>/workers/<int:user_id>")
class PointWorkerById(MethodView):
    @access.roles(*TOWN_STAFF, Role.STATION_SUPERVISOR)
    @blp.response(204)
    def delete(self, point_id, user_id):
        services.unassign_social_worker(access.current_actor(), point_id, user_id=user_id)


class CoverageCommunitySchema(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    covered_by = Computed(lambda c: c.coverer_name or None)


class CoverageStepSchema(BaseSchema):
    date = fields.Date(attribute="day", allow_none=True)
    opened = fields.String(attribute="label")
    percent = fields.Integer()


class CoverageSchema(BaseSchema):
    town_id = Computed(lambda c: c.town.id)
    town = Computed(lambda c: c.town.name)
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
        return services.coverage(access.current_actor(), **args)
