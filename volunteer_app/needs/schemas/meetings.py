"""Schemas of the meetings API: meetings, their questions (the asker's name and phone only for town staff), and
commitments as the public reads them (never a raiser's contact or a tracking number)."""

from __future__ import annotations

from marshmallow import fields, validate

from volunteer_app.api import BaseSchema, Id, InputSchema, LocalDateTime, PageArgs
from volunteer_app.needs.schemas.receptions import DeputyRefSchema
from volunteer_app.needs.services.dispatch import DEPARTMENT_MAX
from volunteer_app.needs.vocabulary import Assignee, Category, QuestionStatus


class MeetingSummarySchema(BaseSchema):
    id = fields.Integer()
    title = fields.String()
    community_id = fields.Integer(allow_none=True)
    starts_at = LocalDateTime()
    place = fields.String()
    deputies = fields.List(fields.Nested(DeputyRefSchema))
    officials = fields.String()
    livestream_url = fields.String()
    viewer_count = fields.Integer()
    questions_close_at = LocalDateTime(allow_none=True)


class MeetingSchema(MeetingSummarySchema):
    minutes = fields.String()


class MeetingArgs(PageArgs):
    when = fields.String(load_default=None, validate=validate.OneOf(["upcoming", "past"]))


class MeetingFields(InputSchema):
    title = fields.String(validate=validate.Length(max=200))
    community_id = Id(allow_none=True)
    starts_at = LocalDateTime()
    place = fields.String(validate=validate.Length(max=200))
    deputy_ids = fields.List(Id(), validate=validate.Length(max=200))
    officials = fields.String(validate=validate.Length(max=500))
    livestream_url = fields.String(validate=validate.Length(max=500), metadata={"description": "http or https"})
    viewer_count = fields.Integer(strict=True, validate=validate.Range(min=0))
    questions_close_at = LocalDateTime(allow_none=True, metadata={"description": "default: the start"})
    minutes = fields.String(validate=validate.Length(max=20_000))


class MeetingInSchema(MeetingFields):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    starts_at = LocalDateTime(required=True)


class PublicQuestionSchema(BaseSchema):
    id = fields.Integer()
    text = fields.String()
    status = fields.String()
    answer = fields.String()
    answered_at = LocalDateTime(allow_none=True)


class QuestionSchema(PublicQuestionSchema):
    """As town staff read it: with the asker's name and phone, to call back."""

    asker_name = fields.String(allow_none=True)
    asker_phone = fields.String(allow_none=True)
    created_at = LocalDateTime()


class QuestionArgs(PageArgs):
    status = fields.String(load_default=None, validate=validate.OneOf(list(QuestionStatus)))


class QuestionInSchema(InputSchema):
    text = fields.String(required=True, validate=validate.Length(max=1000))
    asker_name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=80))
    asker_phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=20))


class SubmittedSchema(BaseSchema):
    id = fields.Integer()
    status = fields.String(metadata={"description": "pending: shown once staff checked it"})


class ModerateInSchema(InputSchema):
    publish = fields.Boolean(required=True)


class AnswerInSchema(InputSchema):
    answer = fields.String(required=True, validate=validate.Length(max=5000))


class ReplySchema(BaseSchema):
    created_at = LocalDateTime()
    text = fields.String()


class CommitmentSchema(BaseSchema):
    id = fields.Integer(metadata={"description": "the need's id"})
    description = fields.String()
    category = fields.String()
    community = fields.String()
    status = fields.String()
    owner = fields.String()
    deadline = fields.Date(allow_none=True)
    closed = fields.Boolean()
    question_id = fields.Integer(allow_none=True)
    replies = fields.List(fields.Nested(ReplySchema), metadata={"description": "public progress replies"})


class PublicMeetingSchema(BaseSchema):
    meeting = fields.Nested(MeetingSchema)
    questions = fields.List(fields.Nested(PublicQuestionSchema))
    commitments = fields.List(fields.Nested(CommitmentSchema))
    closed = fields.Integer(metadata={"description": "commitments done"})


class CommitmentInSchema(InputSchema):
    description = fields.String(required=True, validate=validate.Length(max=2000))
    category = fields.String(required=True, validate=validate.OneOf(list(Category)))
    community_id = Id(load_default=None, allow_none=True, metadata={"description": "default: the meeting's"})
    question_id = Id(load_default=None, allow_none=True)
    place = fields.String(load_default="", validate=validate.Length(max=200))
    assignee_kind = fields.String(required=True, validate=validate.OneOf(list(Assignee)))
    assignee_id = Id(load_default=None, allow_none=True, metadata={"description": "the team, group, point, deputy"})
    department = fields.String(load_default="", validate=validate.Length(max=DEPARTMENT_MAX))
    deadline = fields.Date(load_default=None, allow_none=True, metadata={"description": "default: by category"})
