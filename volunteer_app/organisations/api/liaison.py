"""/api/v1/liaison-stations."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import fields, validate

from volunteer_app.accounts import access
from volunteer_app.accounts.models import TOWN_STAFF
from volunteer_app.api import BaseSchema, Computed, Id, InputSchema, PageArgs, page_of
from volunteer_app.organisations import services
from volunteer_app.organisations.api.common import blp
from volunteer_app.organisations.models import (
    DeputyLevel,
)
from volunteer_app.organisations.reception import weekday_name


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
    community = Computed(lambda s: s.community.name if s.community else None)
    address = fields.String()
    reception = Computed(_rule)
    deputies = fields.List(fields.Nested(DeputySchema))
    next_receptions = Computed(
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
        return services.list_liaison_stations(access.current_actor(), **args)

    @access.roles(*TOWN_STAFF)
    @blp.arguments(LiaisonInSchema)
    @blp.response(201, LiaisonStationSchema)
    def post(self, body):
        return services.create_liaison_station(access.current_actor(), **body)


@blp.route("/liaison-stations/<int:station_id>")
class LiaisonStationById(MethodView):
    @access.signed_in
    @blp.response(200, LiaisonStationSchema)
    def get(self, station_id):
        return services.get_liaison_station(access.current_actor(), station_id)

    @access.roles(*TOWN_STAFF)
    @blp.arguments(LiaisonPatchSchema(partial=True))
    @blp.response(200, LiaisonStationSchema)
    def patch(self, body, station_id):
        """Edit a station; `deputies`, when given, replaces the list."""
        return services.update_liaison_station(access.current_actor(), station_id, **body)
