"""Schemas of the events API. Nested input errors come out flat with dotted names (`sessions.0.roles.1.capacity`),
the same names the services use (`core.errorhandlers` flattens them for every API)."""

from __future__ import annotations

from marshmallow import fields, validate

from volunteer_app.api import BaseSchema, Computed, CursorPageArgs, Id, InputSchema, LocalDateTime, PageArgs
from volunteer_app.events.models import Audience, DayKind, EventKind, EventStatus, Frequency, SignupStatus
from volunteer_app.organisations.models import PoliticalStatus

# ---------------------------------------------------------------------------------------------- input


class RoleIn(InputSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=80))
    capacity = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=100_000))
    description = fields.String(load_default="", validate=validate.Length(max=500))
    min_age = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0, max=100))
    political_status = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(list(PoliticalStatus)))
    skill = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))


class NewRoleSchema(RoleIn):
    pass


class RolePatchSchema(RoleIn):
    """Only the fields given change."""


class SessionIn(InputSchema):
    title = fields.String(load_default="", validate=validate.Length(max=120))
    starts_at = LocalDateTime(required=True)
    ends_at = LocalDateTime(required=True)
    roles = fields.List(fields.Nested(RoleIn), load_default=list)


class NewSessionSchema(SessionIn):
    pass


class SessionPatchSchema(InputSchema):
    title = fields.String(validate=validate.Length(max=120))
    starts_at = LocalDateTime()
    ends_at = LocalDateTime()


class EventFields(InputSchema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(required=True, validate=validate.OneOf(list(EventKind)))
    team_id = Id(load_default=None, allow_none=True)
    community_id = Id(load_default=None, allow_none=True)
    place = fields.String(load_default="", validate=validate.Length(max=200))
    description = fields.String(load_default="", validate=validate.Length(max=5000))
    signup_opens_at = LocalDateTime(load_default=None, allow_none=True)
    signup_closes_at = LocalDateTime(load_default=None, allow_none=True)
    audience = fields.String(load_default=Audience.PUBLIC.value, validate=validate.OneOf(list(Audience)))
    audience_team_ids = fields.List(Id(), load_default=list)
    beneficiary_capacity = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(min=0, max=100_000)
    )
    promotion_confirm_hours = fields.Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=1, max=24 * 14),
        metadata={"description": "promoted volunteers must accept within this many hours; null promotes at once"},
    )
    attendance_confirm_hours = fields.Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=1, max=24 * 14),
        metadata={"description": "confirmed volunteers are asked 'still coming?' this many hours before each session"},
    )


class EventInSchema(EventFields):
    status = fields.String(
        load_default=EventStatus.DRAFT.value, validate=validate.OneOf([EventStatus.DRAFT, EventStatus.PUBLISHED])
    )
    sessions = fields.List(fields.Nested(SessionIn), load_default=list)


class EventPatchSchema(EventFields):
    status = fields.String(validate=validate.OneOf(list(EventStatus)))
    cancel_reason = fields.String(validate=validate.Length(max=500))


class EventArgs(CursorPageArgs):
    from_ = LocalDateTime(load_default=None, data_key="from")
    to = LocalDateTime(load_default=None)
    kind = fields.String(load_default=None, validate=validate.OneOf(list(EventKind)))
    community_id = Id(load_default=None)
    team_id = Id(load_default=None)
    status = fields.String(load_default=None, validate=validate.OneOf(list(EventStatus)))


class SignupInSchema(InputSchema):
    role_id = Id(required=True)
    volunteer_id = Id(load_default=None, allow_none=True)


class BulkSignupInSchema(InputSchema):
    role_id = Id(required=True)
    volunteer_ids = fields.List(Id(), load_default=list, validate=validate.Length(max=2000))
    team_id = Id(load_default=None, allow_none=True, metadata={"description": "all current members of this team"})


class SignupArgs(PageArgs):
    role_id = Id(required=True)
    status = fields.String(load_default=None, validate=validate.OneOf(list(SignupStatus)))


class MySignupArgs(PageArgs):
    upcoming = fields.Boolean(load_default=False)
    include_cancelled = fields.Boolean(load_default=False)


class CheckinInSchema(InputSchema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=500))


class AttendanceInSchema(InputSchema):
    signup_ids = fields.List(Id(), required=True, validate=validate.Length(min=1, max=2000))
    action = fields.String(required=True, validate=validate.OneOf(["present", "check_in", "check_out", "clear"]))


class ApproveInSchema(InputSchema):
    signup_ids = fields.List(Id(), load_default=None, allow_none=True)


class FindCoverInSchema(InputSchema):
    count = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=50))


class ReservationInSchema(InputSchema):
    team_id = Id(required=True)
    places = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=100_000))
    fill_by = LocalDateTime(required=True)


class ReservationPatchSchema(InputSchema):
    volunteer_ids = fields.List(
        Id(),
        required=True,
        validate=validate.Length(max=2000),
        metadata={"description": "the full list of names: new ones are signed up, those left out cancelled"},
    )


class ReservationArgs(PageArgs):
    open_only = fields.Boolean(load_default=False)


class CoverArgs(PageArgs):
    q = fields.String(load_default=None, validate=validate.Length(max=100))


class NoShowCorrectionInSchema(InputSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=300))


class CorrectionInSchema(InputSchema):
    hours = fields.Float(required=True, validate=validate.Range(min=0, max=1000))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=300))


class EnrolmentInSchema(InputSchema):
    child_name = fields.String(required=True, validate=validate.Length(min=1, max=80))
    child_age = fields.Integer(required=True, strict=True)
    school = fields.String(load_default="", validate=validate.Length(max=120))
    guardian_name = fields.String(required=True, validate=validate.Length(min=1, max=80))
    guardian_phone = fields.String(required=True, validate=validate.Length(max=20))
    guardian_consent = fields.Boolean(required=True)


class EnrolmentArgs(PageArgs):
    status = fields.String(load_default=None, validate=validate.OneOf(list(SignupStatus)))


class OverrideInSchema(InputSchema):
    day = fields.Date(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(list(DayKind)))
    note = fields.String(load_default="", validate=validate.Length(max=200))


class RecurrenceInSchema(InputSchema):
    frequency = fields.String(required=True, validate=validate.OneOf(list(Frequency)))
    weekdays = fields.List(fields.Integer(validate=validate.Range(min=0, max=6)), required=True)
    nth = fields.Integer(load_default=None, allow_none=True, validate=validate.OneOf([1, 2, 3, 4, 5, -1]))
    start_time = fields.Time(required=True)
    end_time = fields.Time(required=True)
    starts_on = fields.Date(required=True)
    until = fields.Date(load_default=None, allow_none=True)
    skip_holidays = fields.Boolean(load_default=True)
    add_makeup_workdays = fields.Boolean(load_default=False)
    weeks_ahead = fields.Integer(load_default=8, validate=validate.Range(min=1, max=52))
    roles = fields.List(fields.Nested(RoleIn), required=True, validate=validate.Length(min=1))


# ---------------------------------------------------------------------------------------------- output


class RoleSchema(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    description = fields.String()
    capacity = fields.Integer()
    min_age = fields.Integer(allow_none=True)
    political_status = fields.String(allow_none=True)
    skill = fields.String(allow_none=True)
    confirmed_count = fields.Integer()
    waitlisted_count = fields.Integer()
    offered_count = fields.Integer(metadata={"description": "places held by open promotion offers"})
    reserved_count = fields.Integer(metadata={"description": "places teams reserved and have not filled yet"})
    places_left = fields.Integer()


class SessionSchema(BaseSchema):
    id = fields.Integer()
    title = fields.String()
    starts_at = LocalDateTime()
    ends_at = LocalDateTime()
    roles = fields.List(fields.Nested(RoleSchema))
    warnings = fields.List(
        fields.String(),
        dump_default=list,
        metadata={"description": "what the organiser should check in what was just saved (a start in the past)"},
    )


class EventSummarySchema(BaseSchema):
    id = fields.Integer()
    title = fields.String()
    kind = fields.String()
    status = fields.String()
    team_id = fields.Integer(allow_none=True)
    team = Computed(lambda e: e.team.name if e.team else None)
    community_id = fields.Integer(allow_none=True)
    community = Computed(lambda e: e.community.name if e.community else None)
    place = fields.String()
    starts_at = LocalDateTime(allow_none=True)
    ends_at = LocalDateTime(allow_none=True)
    signup_opens_at = LocalDateTime(allow_none=True)
    signup_closes_at = LocalDateTime(allow_none=True)
    audience = fields.String()
    total_places = fields.Integer()
    confirmed_count = fields.Integer()
    reserved_count = fields.Integer(metadata={"description": "places teams reserved and have not filled yet"})


class EventSchema(EventSummarySchema):
    description = fields.String()
    cancel_reason = fields.String(allow_none=True)
    beneficiary_capacity = fields.Integer(allow_none=True)
    promotion_confirm_hours = fields.Integer(allow_none=True)
    attendance_confirm_hours = fields.Integer(allow_none=True)
    audience_team_ids = Computed(lambda e: [t.id for t in e.audience_teams])
    sessions = fields.List(fields.Nested(SessionSchema))
    recurring = Computed(lambda e: e.recurrence is not None)


class SignupSchema(BaseSchema):
    id = fields.Integer()
    role_id = fields.Integer()
    volunteer_id = fields.Integer()
    status = fields.String(metadata={"description": "confirmed, waitlisted, offered, cancelled or no_show"})
    waitlist_position = fields.Integer(allow_none=True)
    created_at = LocalDateTime()
    promoted_at = LocalDateTime(allow_none=True)
    offer_expires_at = LocalDateTime(allow_none=True, metadata={"description": "an offered place lapses then"})
    attendance_asked_at = LocalDateTime(allow_none=True, metadata={"description": "asked 'still coming?' then"})
    attendance_confirmed_at = LocalDateTime(allow_none=True, metadata={"description": "answered 'I'm coming' then"})
    checked_in_at = LocalDateTime(allow_none=True)
    checked_out_at = LocalDateTime(allow_none=True)


class SignupDetailSchema(SignupSchema):
    volunteer = Computed(lambda s: s.volunteer.name)
    role = Computed(lambda s: s.role.name)
    session_id = Computed(lambda s: s.role.session_id)
    event_id = Computed(lambda s: s.role.session.event_id)
    event = Computed(lambda s: s.role.session.event.title)
    starts_at = Computed(lambda s: LocalDateTime()._serialize(s.role.session.starts_at, None, None))
    ends_at = Computed(lambda s: LocalDateTime()._serialize(s.role.session.ends_at, None, None))


class BulkResultSchema(BaseSchema):
    volunteer_id = fields.Integer()
    name = fields.String()
    status = fields.String(allow_none=True)
    waitlist_position = fields.Integer(allow_none=True)
    signup_id = fields.Integer(allow_none=True)
    problem = fields.String(allow_none=True)


class BulkSchema(BaseSchema):
    results = fields.List(fields.Nested(BulkResultSchema))
    confirmed = fields.Integer()
    waitlisted = fields.Integer()
    refused = fields.Integer()


class CheckinSchema(BaseSchema):
    action = fields.String()
    signup_id = Computed(lambda r: r.signup.id)
    checked_in_at = Computed(lambda r: LocalDateTime()._serialize(r.signup.checked_in_at, None, None))
    checked_out_at = Computed(lambda r: LocalDateTime()._serialize(r.signup.checked_out_at, None, None))


class AttendanceRowSchema(SignupDetailSchema):
    computed_hours = fields.Float()
    recorded_hours = fields.Float(allow_none=True)
    hours_approved_at = LocalDateTime(allow_none=True)


class CountSchema(BaseSchema):
    count = fields.Integer()


class ApprovalSchema(BaseSchema):
    count = fields.Integer()
    zero_hours = Computed(
        lambda a: [s.id for s in a.zero_hours],
        metadata={"description": "Sign-ups left unapproved: checked out with no time inside the session"},
    )


class HoursCorrectionSchema(BaseSchema):
    id = fields.Integer()
    signup_id = fields.Integer()
    volunteer_id = Computed(lambda c: c.signup.volunteer_id)
    hours = fields.Float(metadata={"description": "The hours asked for"})
    minutes = fields.Integer(attribute="delta", metadata={"description": "The difference to the ledger when asked"})
    reason = fields.String()
    status = fields.String(metadata={"description": "approved, or pending until a second staff member decides"})
    requested_by_id = fields.Integer(allow_none=True)
    requested_at = LocalDateTime()
    decided_by_id = fields.Integer(allow_none=True)
    decided_at = LocalDateTime(allow_none=True)


class HoursEntrySchema(BaseSchema):
    id = fields.Integer()
    volunteer_id = fields.Integer()
    signup_id = fields.Integer(allow_none=True)
    event_id = fields.Integer(allow_none=True)
    kind = fields.String()
    minutes = fields.Integer()
    hours = fields.Float()
    service_date = fields.Date()
    organiser = fields.String()
    content = fields.String()
    reason = fields.String(allow_none=True)
    created_at = LocalDateTime()


class HoursSummarySchema(BaseSchema):
    volunteer_id = Computed(lambda s: s.volunteer.id)
    minutes = fields.Integer()
    hours = fields.Float()
    stars = fields.Integer()
    next_threshold = fields.Integer(allow_none=True)


class EnrolmentSchema(BaseSchema):
    id = fields.Integer()
    event_id = fields.Integer()
    child_name = fields.String()
    child_age = fields.Integer()
    school = fields.String()
    guardian_name = fields.String()
    guardian_phone = Computed(
        lambda e: e.guardian_phone if getattr(e, "phone_shown", False) else e.guardian_phone_masked
    )
    guardian_consent_at = LocalDateTime()
    status = fields.String()
    waitlist_position = fields.Integer(allow_none=True)


class FeedSchema(BaseSchema):
    url = fields.String()


class OverrideSchema(BaseSchema):
    id = fields.Integer()
    day = fields.Date()
    kind = fields.String()
    note = fields.String()


class RecurrenceSchema(BaseSchema):
    id = fields.Integer()
    event_id = fields.Integer()
    frequency = fields.String()
    weekdays = fields.List(fields.Integer())
    nth = fields.Integer(allow_none=True)
    start_time = fields.Time()
    end_time = fields.Time()
    starts_on = fields.Date()
    until = fields.Date(allow_none=True)
    skip_holidays = fields.Boolean()
    add_makeup_workdays = fields.Boolean()
    weeks_ahead = fields.Integer()
    roles = fields.List(fields.Dict())
    generated_until = fields.Date(allow_none=True)


class GeneratedSchema(BaseSchema):
    count = fields.Integer()
    sessions = fields.List(fields.Nested(SessionSchema))


class AttendanceRecordSchema(BaseSchema):
    kept = fields.Integer(metadata={"description": "places kept at sessions whose no-shows were recorded"})
    no_shows = fields.Integer()
    sessions = fields.Integer()
    rate = fields.Integer(allow_none=True, metadata={"description": "percent of places kept; null before any"})


class CoverRequestSchema(BaseSchema):
    id = fields.Integer()
    role_id = fields.Integer()
    volunteer_id = fields.Integer()
    volunteer = Computed(lambda r: r.volunteer.name)
    asked_at = LocalDateTime()
    signup_status = fields.String(
        allow_none=True, metadata={"description": "their sign-up for the role since, if any (filled in on lists)"}
    )


class CertificateVerificationSchema(BaseSchema):
    number = fields.String()
    hours = fields.Float()
    stars = fields.Integer()
    period_from = fields.Date()
    period_to = fields.Date()
    issuer = fields.String()
    issued_on = fields.Date()
    holder = fields.String(
        metadata={"description": "the holder's name masked (王*明); empty once the account is closed"}
    )
    account_closed = fields.Boolean()


class ReservedNameSchema(BaseSchema):
    signup_id = fields.Integer(attribute="id")
    volunteer_id = fields.Integer()
    name = Computed(lambda s: s.volunteer.name)


class ReservationSchema(BaseSchema):
    id = fields.Integer()
    role_id = fields.Integer()
    team_id = fields.Integer()
    team = Computed(lambda r: r.team.name)
    places = fields.Integer()
    filled = fields.Integer()
    unfilled = fields.Integer(metadata={"description": "places still held for names; 0 once released"})
    fill_by = LocalDateTime()
    status = fields.String(metadata={"description": "open, or released (at fill_by or by the leader)"})
    created_at = LocalDateTime()
    released_at = LocalDateTime(allow_none=True)
    names = fields.List(fields.Nested(ReservedNameSchema), attribute="members")
