"""The /api/v1 conventions every domain's `api.py` follows: paging arguments, the list envelope, ids, local times,
the documented error shape, and no NUL character in any input."""

from __future__ import annotations

import typing
from collections.abc import Mapping
from datetime import datetime

from flask_babel import gettext as _
from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_dump, pre_load, utils, validate

from volunteer_app.core.ids import MAX_ID
from volunteer_app.core.time import as_utc, to_local


def _where_nul(value: object) -> list[str] | dict | None:
    """The errors for the NUL characters in `value`, nested as marshmallow nests field errors; None without any."""
    if isinstance(value, str):
        return [_("Must not contain a NUL character.")] if "\x00" in value else None
    if isinstance(value, Mapping):
        if any(isinstance(key, str) and "\x00" in key for key in value):
            return [_("Must not contain a NUL character.")]
        items = value.items()
    elif isinstance(value, list | tuple):
        items = enumerate(value)
    else:
        return None
    found = {key: errors for key, item in items if (errors := _where_nul(item)) is not None}
    return found or None


class BaseSchema(Schema):
    @pre_load
    def _refuse_nul(self, data: object, **kwargs) -> object:
        """PostgreSQL cannot store or even compare text holding NUL (a server error where SQLite takes it): every
        string a client sends, in a body or a query string, is refused with a field error on both databases."""
        errors = _where_nul(data)
        if errors is not None:
            raise ValidationError(errors)
        return data


class InputSchema(BaseSchema):
    """Unknown fields in a request body are a mistake worth reporting."""


class PageArgs(BaseSchema):
    class Meta:
        unknown = EXCLUDE  # list filters of other endpoints share the query string

    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1))
    q = fields.String(load_default=None, validate=validate.Length(max=100))


class CursorPageArgs(PageArgs):
    """The paging arguments of a list that can also be read from a cursor (core.pagination.Keyset)."""

    after = fields.String(
        load_default=None,
        validate=validate.Length(max=500),
        metadata={
            "description": "the `next` of the previous answer: the page after it, read from the list's sort key "
            "instead of skipping rows (faster deep in a long list); `page` is then ignored. A value that is not such "
            "a cursor is a 422 on `after`."
        },
    )


def Id(**kwargs) -> fields.Integer:
    """A record id in a body or query string; the document states the range, and a number beyond it is a field
    error rather than a query PostgreSQL refuses."""
    return fields.Integer(validate=validate.Range(min=1, max=MAX_ID), **kwargs)


class _PageEnvelope(BaseSchema):
    total = fields.Integer(
        metadata={"description": "the matching rows, counted up to a cap (PAGINATION_COUNT_CAP, 1,000 by default)"}
    )
    total_exact = fields.Boolean(
        metadata={"description": "present, and false, only when more rows match than the cap: `total` is the cap"}
    )
    page = fields.Integer(allow_none=True, metadata={"description": "null for a page read with `after`"})
    per_page = fields.Integer()
    next = fields.String(
        attribute="next_after",
        metadata={"description": "lists that take `after`: present when more rows follow; pass it as `after`"},
    )

    @post_dump
    def _only_when_telling(self, data: dict, **kwargs) -> dict:
        """An exact total and the last page are the usual case: the keys saying otherwise appear only when they do."""
        if data.get("total_exact", False) is not False:
            data.pop("total_exact", None)
        if data.get("next") is None:
            data.pop("next", None)
        return data


_envelopes: dict[type, type] = {}


def page_of(item_schema: type[Schema]) -> type[Schema]:
    """The list envelope `{"items", "total", "page", "per_page"}` around `item_schema`, with `total_exact: false` when
    the total stopped at the cap and `next` when a list read by cursor has more rows (core.pagination)."""
    if item_schema not in _envelopes:
        _envelopes[item_schema] = type(
            f"{item_schema.__name__.removesuffix('Schema')}PageSchema",
            (_PageEnvelope,),
            {"items": fields.List(fields.Nested(item_schema))},
        )
    return _envelopes[item_schema]


class ErrorDetailSchema(BaseSchema):
    code = fields.String(metadata={"description": "stable and machine-readable, e.g. not_found, conflict"})
    message = fields.String(metadata={"description": "for people, in the caller's language"})


class ErrorSchema(BaseSchema):
    """What `core.errorhandlers` answers on /api/ paths: `errors` for a 422, `error` for every other status."""

    error = fields.Nested(ErrorDetailSchema)
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "each field's messages (422 only)"},
    )


class Computed(fields.Function):
    """A value computed from the object alone (read-only), as fields.Function, but with the function's signature
    read once: marshmallow 3 reads it again for every value it writes (about 10-25 µs each, and a list of 20 events
    writes a hundred of them). A function of the schema's context as well is refused here; use fields.Function."""

    def __init__(self, serialize: typing.Callable[[typing.Any], typing.Any], **kwargs) -> None:
        if len(utils.get_func_args(serialize)) != 1:
            raise TypeError(f"Computed takes a function of the object alone, not {serialize!r}")
        super().__init__(serialize, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return self.serialize_func(obj)


class LocalDateTime(fields.DateTime):
    """ISO 8601 with an offset on the way out (local time); on the way in a time without offset is local time.

    Only times from FIRST_YEAR to LAST_YEAR come in: nothing the app records happened earlier or will happen later,
    and beyond them times break things: near the ends of the calendar they overflow when moved to UTC or when
    reminders are computed from them, and before about 1901 the time zone's local mean time answers an offset in
    seconds, which ISO 8601 readers refuse."""

    FIRST_YEAR = 1970
    LAST_YEAR = 2999

    def _serialize(self, value: datetime | None, attr, obj, **kwargs):
        return None if value is None else to_local(value).isoformat()

    def _deserialize(self, value, attr, data, **kwargs) -> datetime:
        parsed = super()._deserialize(value, attr, data, **kwargs)
        if not self.FIRST_YEAR <= parsed.year <= self.LAST_YEAR:
            raise ValidationError(
                _("Give a time between the years %(first)d and %(last)d.", first=self.FIRST_YEAR, last=self.LAST_YEAR)
            )
        return as_utc(parsed)
