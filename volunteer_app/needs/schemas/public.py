"""Schemas of raising a need (public, or staff on someone's behalf) and of following it by its tracking number.
The track schemas dump `services.PublicStatus`, which holds nothing personal."""

from __future__ import annotations

from marshmallow import fields, validate

from volunteer_app.api import BaseSchema, Id, InputSchema, LocalDateTime
from volunteer_app.needs.services import ON_BEHALF, tracking
from volunteer_app.needs.services.raising import DESCRIPTION_MAX, NAME_MAX, PLACE_MAX
from volunteer_app.needs.services.rating import COMMENT_MAX
from volunteer_app.needs.vocabulary import Assignee, Category, Status, UpdateKind


class NeedInSchema(InputSchema):
    category = fields.String(required=True, validate=validate.OneOf(list(Category)))
    community_id = Id(required=True)
    description = fields.String(required=True, validate=validate.Length(max=DESCRIPTION_MAX))
    place = fields.String(load_default="", validate=validate.Length(max=PLACE_MAX))
    contact_name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=NAME_MAX))
    contact_phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=20))
    may_contact = fields.Boolean(load_default=False)
    source = fields.String(
        validate=validate.OneOf([source.value for source in ON_BEHALF]),
        metadata={"description": "Only for a caller who raises needs on someone's behalf (town staff; a youth "
                  "governance group's member for their group)."},
    )  # fmt: skip
    source_group_id = Id(load_default=None, allow_none=True, metadata={"description": "With source youth_group."})


class RaisedSchema(BaseSchema):
    id = fields.Integer()
    tracking_number = fields.String(metadata={"description": "The raiser's key to the status page; keep it."})
    status = fields.String()


class StepSchema(BaseSchema):
    status = fields.String(validate=validate.OneOf(list(Status)))
    done = fields.Boolean()
    at = LocalDateTime(allow_none=True)


class EntrySchema(BaseSchema):
    at = LocalDateTime()
    kind = fields.String(validate=validate.OneOf([UpdateKind.STATUS.value, UpdateKind.REPLY.value]))
    status = fields.String(allow_none=True)
    text = fields.String()
    by = fields.String(
        allow_none=True,
        validate=validate.OneOf([tracking.TOWN_STAFF, tracking.COMMUNITY_STAFF, tracking.ASSIGNEE]),
        metadata={"description": "Who acted, as a kind (never a person's name); null for the raising."},
    )


class HandlerSchema(BaseSchema):
    kind = fields.String(validate=validate.OneOf(list(Assignee)))
    name = fields.String(
        metadata={"description": "The team's, group's, point's or department's name; empty for a deputy."}
    )


class PublicRatingSchema(BaseSchema):
    stars = fields.Integer()
    comment = fields.String()
    created_at = LocalDateTime()


class PublicStatusSchema(BaseSchema):
    tracking_number = fields.String()
    category = fields.String()
    community = fields.String()
    raised_at = LocalDateTime()
    merged = fields.Boolean(metadata={"description": "Merged into another need, whose progress this is."})
    status = fields.String()
    steps = fields.List(fields.Nested(StepSchema))
    history = fields.List(fields.Nested(EntrySchema))
    handler = fields.Nested(HandlerSchema, allow_none=True)
    deadline = fields.Date(allow_none=True)
    outcome = fields.String()
    closed_at = LocalDateTime(allow_none=True)
    rating = fields.Nested(PublicRatingSchema, allow_none=True)
    may_rate = fields.Boolean()


class RateSchema(InputSchema):
    stars = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    comment = fields.String(load_default="", validate=validate.Length(max=COMMENT_MAX))
