"""Schemas of the receptions API: receptions with their deputies on duty, and a visitor recorded there with the
need it became."""

from __future__ import annotations

from marshmallow import fields, validate

from volunteer_app.api import BaseSchema, Computed, Id, InputSchema, PageArgs
from volunteer_app.needs.services.receptions import Owner
from volunteer_app.needs.vocabulary import Category


class DeputyRefSchema(BaseSchema):
    id = fields.Integer()
    name = fields.String()


class ReceptionSchema(BaseSchema):
    id = fields.Integer()
    station_id = fields.Integer()
    station_name = Computed(lambda r: r.station.name)
    day = fields.Date()
    starts_at = fields.Time()
    ends_at = fields.Time()
    deputies = fields.List(fields.Nested(DeputyRefSchema), metadata={"description": "the deputies on duty"})
    visitor_count = Computed(lambda r: len(r.visitors))


class ReceptionArgs(PageArgs):
    station_id = Id(load_default=None)
    from_ = fields.Date(load_default=None, data_key="from")
    to = fields.Date(load_default=None)


class ReceptionInSchema(InputSchema):
    station_id = Id(required=True)
    day = fields.Date(required=True, metadata={"description": "a date the station's rule gives"})


class VisitorInSchema(InputSchema):
    name = fields.String(required=True, validate=validate.Length(max=80))
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=20))
    raised = fields.String(required=True, validate=validate.Length(max=2000))
    category = fields.String(required=True, validate=validate.OneOf(list(Category)))
    deputy_id = Id(load_default=None, allow_none=True, metadata={"description": "the receiving deputy, on duty"})
    owner = fields.String(
        required=True,
        validate=validate.OneOf(list(Owner)),
        metadata={"description": "deputy: assigned to the receiving deputy at once; dispatch: left for town staff"},
    )
    community_id = Id(load_default=None, allow_none=True, metadata={"description": "default: the station's"})
    place = fields.String(load_default="", validate=validate.Length(max=200))


class VisitorSchema(BaseSchema):
    id = fields.Integer()
    reception_id = fields.Integer()
    name = fields.String()
    phone = fields.String(allow_none=True)
    raised = fields.String()
    deputy_id = fields.Integer(allow_none=True)
    need_id = fields.Integer()
    tracking_number = fields.String()
    need_status = fields.String()
