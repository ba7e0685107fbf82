"""The /api/v1 conventions every domain's `api.py` follows: paging arguments and the list envelope."""

from __future__ import annotations

from datetime import datetime

from marshmallow import EXCLUDE, Schema, fields, validate

from volunteer_app.core.time import as_utc, to_local


class BaseSchema(Schema):
    pass


class InputSchema(BaseSchema):
    """Unknown fields in a request body are a mistake worth reporting."""


class PageArgs(BaseSchema):
    class Meta:
        unknown = EXCLUDE  # list filters of other endpoints share the query string

    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1))
    q = fields.String(load_default=None, validate=validate.Length(max=100))


_envelopes: dict[type, type] = {}


def page_of(item_schema: type[Schema]) -> type[Schema]:
    """The list envelope `{"items", "total", "page", "per_page"}` around `item_schema`."""
    if item_schema not in _envelopes:
        _envelopes[item_schema] = type(
            f"{item_schema.__name__.removesuffix('Schema')}PageSchema",
            (BaseSchema,),
            {
                "items": fields.List(fields.Nested(item_schema)),
                "total": fields.Integer(),
                "page": fields.Integer(),
                "per_page": fields.Integer(),
            },
        )
    return _envelopes[item_schema]


class ErrorSchema(BaseSchema):
    error = fields.Dict()


class LocalDateTime(fields.DateTime):
    """ISO 8601 with an offset on the way out (local time); on the way in a time without offset is local time."""

    def _serialize(self, value: datetime | None, attr, obj, **kwargs):
        return None if value is None else to_local(value).isoformat()

    def _deserialize(self, value, attr, data, **kwargs) -> datetime:
        return as_utc(super()._deserialize(value, attr, data, **kwargs))
