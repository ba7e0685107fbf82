"""Schemas of the dispatch and handling API: the needs list and one need as its reader may see it, and the bodies
of assigning, merging, accepting, declining, replying, closing, turning into an event, rating by phone and
reopening."""

from __future__ import annotations

from marshmallow import fields, pre_dump, validate

from volunteer_app.api import BaseSchema, Computed, Id, InputSchema, LocalDateTime, PageArgs
from volunteer_app.core.time import today
from volunteer_app.needs.services.handling import TEXT_MAX
from volunteer_app.needs.services.listing import STATUS_GROUPS, NeedDetail
from volunteer_app.needs.vocabulary import OPEN_WORK, Assignee, Category, Source, Status

ASSIGNEE_ID = {"team": "team_id", "youth_group": "youth_group_id", "service_point": "service_point_id",
               "deputy": "deputy_id"}  # fmt: skip


def _assignee_id(need) -> int | None:
    column = ASSIGNEE_ID.get(need.assignee_kind)
    return getattr(need, column) if column else None


def _overdue(need) -> bool:
    return need.deadline is not None and need.status in OPEN_WORK and need.deadline < today()


class NeedSchema(BaseSchema):
    id = fields.Integer()
    tracking_number = fields.String()
    category = fields.String()
    community_id = fields.Integer()
    community = Computed(lambda n: n.community.name)
    description = fields.String()
    place = fields.String()
    source = fields.String()
    status = fields.String()
    assignee_kind = fields.String(allow_none=True)
    assignee_id = Computed(_assignee_id, metadata={"description": "the team, group, point or deputy"})
    assignee_name = fields.String()
    department = fields.String()
    deadline = fields.Date(allow_none=True)
    overdue = Computed(_overdue)
    event_id = fields.Integer(allow_none=True)
    merged_into_id = fields.Integer(allow_none=True)
    outcome = fields.String()
    created_at = LocalDateTime()
    assigned_at = LocalDateTime(allow_none=True)
    accepted_at = LocalDateTime(allow_none=True)
    closed_at = LocalDateTime(allow_none=True)


class NeedListArgs(PageArgs):
    status = fields.String(
        load_default=None,
        validate=validate.OneOf([*STATUS_GROUPS, *Status]),
        metadata={"description": "a status, or a tab: dispatch (new, declined, reopened), open, closed"},
    )
    category = fields.String(load_default=None, validate=validate.OneOf(list(Category)))
    source = fields.String(load_default=None, validate=validate.OneOf(list(Source)))
    community_id = Id(load_default=None)
    assignee = fields.String(
        load_default=None,
        validate=validate.Length(max=40),
        metadata={"description": "kind:id, e.g. team:3; or department for any department"},
    )
    overdue = fields.Boolean(load_default=False)


class NeedContactSchema(BaseSchema):
    name = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    may_contact = fields.Boolean()


class NeedHouseholdSchema(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    address = fields.String(allow_none=True)


class NeedUpdateSchema(BaseSchema):
    kind = fields.String(metadata={"description": "status, reply (the raiser sees it) or note"})
    from_status = fields.String(allow_none=True)
    to_status = fields.String(allow_none=True)
    text = fields.String()
    public = fields.Boolean()
    actor = Computed(lambda u: u.actor.display_name if u.actor else None, allow_none=True)
    created_at = LocalDateTime()


class NeedRatingSchema(BaseSchema):
    stars = fields.Integer()
    comment = fields.String()
    round = fields.Integer()
    by_phone = Computed(lambda r: r.recorded_by_id is not None)
    created_at = LocalDateTime()


class _DetailView:
    """One need's fields and what its reader may see of it, read as one object."""

    def __init__(self, detail: NeedDetail) -> None:
        self._detail = detail

    def __getattr__(self, name: str):
        if hasattr(self._detail, name):
            return getattr(self._detail, name)
        return getattr(self._detail.need, name)


class NeedDetailSchema(NeedSchema):
    contact = fields.Nested(
        NeedContactSchema, allow_none=True, metadata={"description": "staff, and the assignee when allowed; else null"}
    )
    household = fields.Nested(
        NeedHouseholdSchema,
        allow_none=True,
        metadata={"description": "only within the social worker's scope or when shared with the assignee"},
    )
    from_visit = fields.Boolean(metadata={"description": "raised on a household visit"})
    hours = fields.Float(metadata={"description": "approved service hours of the need's event"})
    history = fields.List(fields.Nested(NeedUpdateSchema))
    ratings = fields.List(fields.Nested(NeedRatingSchema))

    @pre_dump
    def _flatten(self, detail: NeedDetail, **kwargs) -> _DetailView:
        return _DetailView(detail)


class NeedAssignInSchema(InputSchema):
    assignee_kind = fields.String(required=True, validate=validate.OneOf(list(Assignee)))
    assignee_id = Id(load_default=None, allow_none=True, metadata={"description": "unless a department"})
    department = fields.String(load_default="", validate=validate.Length(max=120))
    deadline = fields.Date(load_default=None, allow_none=True, metadata={"description": "default: by category"})
    reason = fields.String(load_default="", validate=validate.Length(max=TEXT_MAX))


class NeedReasonInSchema(InputSchema):
    reason = fields.String(required=True, validate=validate.Length(max=TEXT_MAX))


class NeedReplyInSchema(InputSchema):
    text = fields.String(required=True, validate=validate.Length(max=TEXT_MAX))
    public = fields.Boolean(load_default=True, metadata={"description": "false: an internal note"})


class NeedCloseInSchema(InputSchema):
    outcome = fields.String(required=True, validate=validate.Length(max=TEXT_MAX))


class NeedMergeInSchema(InputSchema):
    into_id = Id(required=True)
    reason = fields.String(load_default="", validate=validate.Length(max=TEXT_MAX))


class NeedEventInSchema(InputSchema):
    title = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    description = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class NeedEventSchema(BaseSchema):
    id = fields.Integer()
    title = fields.String()
    status = fields.String()


class NeedPhoneRatingInSchema(InputSchema):
    stars = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    comment = fields.String(load_default="", validate=validate.Length(max=1000))
