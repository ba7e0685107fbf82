"""The shapes of /api/v1 social-work requests and answers. Rules and their messages live in the services."""

from __future__ import annotations

from enum import StrEnum

from flask_smorest.fields import Upload
from marshmallow import fields, post_dump, validate

from volunteer_app.api import BaseSchema, Computed, Id, InputSchema, LocalDateTime, PageArgs
from volunteer_app.socialwork.vocabulary import (
    ConsentMethod,
    ConsentPurpose,
    ContactType,
    DisabilityType,
    Flag,
    FollowUpStatus,
    HouseholdStatus,
    HouseholdType,
    Housing,
    IncomeBand,
    Need,
    PolicyKind,
    ReferralStatus,
    ReferralTarget,
    Relation,
    ResourceKind,
    RiskLevel,
)


def Text(limit: int, **kwargs) -> fields.String:
    if kwargs.get("required"):
        kwargs["metadata"] = {"minLength": 1, **kwargs.get("metadata", {})}
    return fields.String(validate=validate.Length(max=limit), **kwargs)


def Choice(choices: type[StrEnum], **kwargs) -> fields.String:
    """One of `choices`. The services check it, with their own messages; the document lists the choices."""
    values: list[str | None] = [choice.value for choice in choices]
    if kwargs.get("allow_none"):
        values.append(None)
    return fields.String(metadata={"enum": values}, **kwargs)


FULL_ONLY = "present only for the household's own social worker and the station supervisor"


class SocialWorkUserRefSchema(BaseSchema):
    id = fields.Integer()
    name = fields.String(attribute="display_name")


# ---------------------------------------------------------------------------------------------- members


class HouseholdMemberSchema(BaseSchema):
    id = fields.Integer()
    household_id = fields.Integer()
    name = fields.String()
    relation = fields.String()
    sex = fields.String(allow_none=True)
    birth_date = fields.Date(allow_none=True)
    id_number_masked = fields.String()
    phone_masked = fields.String()
    id_number = fields.String(allow_none=True, metadata={"description": FULL_ONLY})
    phone = fields.String(allow_none=True, metadata={"description": FULL_ONLY})
    flags = fields.List(fields.String())
    disability_type = fields.String(allow_none=True)
    disability_grade = fields.Integer(allow_none=True)
    disability_certificate_masked = fields.String()
    disability_certificate = fields.String(allow_none=True, metadata={"description": FULL_ONLY})
    other_flag_note = fields.String()
    health_notes = fields.String()
    insurance_notes = fields.String()
    joined_on = fields.Date()
    left_on = fields.Date(allow_none=True)
    left_reason = fields.String(allow_none=True)
    moved_to_member_id = fields.Integer(allow_none=True)

    @post_dump(pass_original=True)
    def _mask(self, data, member, **kwargs):
        """The full numbers go out only when the masking decision (`scope.may_see_full`) allowed them."""
        if not getattr(member, "show_full", False):
            for key in ("id_number", "phone", "disability_certificate"):
                data.pop(key, None)
        return data


class HouseholdMemberInSchema(InputSchema):
    name = Text(80, required=True)
    relation = Choice(Relation, required=True)
    id_number = Text(30, load_default=None, allow_none=True)
    phone = Text(30, load_default=None, allow_none=True)
    flags = fields.List(fields.String(validate=validate.OneOf(list(Flag))), load_default=list)
    sex = fields.String(allow_none=True, validate=validate.OneOf(["M", "F"]))
    birth_date = fields.Date(allow_none=True)
    disability_type = Choice(DisabilityType, allow_none=True)
    disability_grade = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=4))
    disability_certificate = Text(40, allow_none=True)
    other_flag_note = Text(200)
    health_notes = Text(2000)
    insurance_notes = Text(2000)


class HouseholdMemberPatchSchema(HouseholdMemberInSchema):
    """Only the fields given change."""


class MemberMoveSchema(InputSchema):
    to_household_id = Id(required=True)
    relation = Choice(Relation, required=True)


class MemberLeaveSchema(InputSchema):
    reason = Text(200, required=True)


class HouseholdHeadSchema(InputSchema):
    member_id = Id(required=True)
    previous_head_relation = Choice(Relation, load_default="other")


class MemberRevealSchema(InputSchema):
    reason = Text(255, load_default="")


class MemberRevealedSchema(BaseSchema):
    id_number = fields.String()
    phone = fields.String()
    disability_certificate = fields.String()


# ---------------------------------------------------------------------------------------------- households


class HouseholdListSchema(BaseSchema):
    id = fields.Integer()
    community_id = fields.Integer()
    community = Computed(lambda h: h.community.name)
    service_point_id = fields.Integer(allow_none=True)
    service_point = Computed(lambda h: h.service_point.name if h.service_point else None)
    station_id = fields.Integer()
    address = fields.String()
    household_type = fields.String()
    status = fields.String()
    head_name = fields.String()
    flags = fields.List(fields.String())
    is_target = fields.Boolean()
    worker = fields.Nested(SocialWorkUserRefSchema, allow_none=True)
    member_count = Computed(lambda h: len(h.current_members))
    opened_on = fields.Date()


class PromptSchema(BaseSchema):
    kind = fields.String()
    message = fields.String()
    level = fields.String()


class HouseholdSchema(HouseholdListSchema):
    closed_on = fields.Date(allow_none=True)
    closed_reason = fields.String(allow_none=True)
    income_band = fields.String(allow_none=True)
    housing = fields.String(allow_none=True)
    notes = fields.String()
    members = fields.List(fields.Nested(HouseholdMemberSchema))
    full_numbers = fields.Boolean(metadata={"description": "whether this reader sees full ID and phone numbers"})
    prompts = fields.List(fields.Nested(PromptSchema))


class HouseholdInSchema(InputSchema):
    community_id = Id(required=True)
    address = Text(200, required=True)
    members = fields.List(fields.Nested(HouseholdMemberInSchema), required=True)
    household_type = Choice(HouseholdType, load_default="general")
    worker_id = Id(load_default=None, allow_none=True)
    opened_on = fields.Date(load_default=None, allow_none=True)
    income_band = Choice(IncomeBand, load_default=None, allow_none=True)
    housing = Choice(Housing, load_default=None, allow_none=True)
    notes = Text(4000, load_default="")


class HouseholdPatchSchema(InputSchema):
    address = Text(200)
    household_type = Choice(HouseholdType)
    worker_id = Id(allow_none=True)
    income_band = Choice(IncomeBand, allow_none=True)
    housing = Choice(Housing, allow_none=True)
    notes = Text(4000)


class HouseholdArgs(PageArgs):
    community_id = Id(load_default=None)
    status = fields.String(load_default=None, validate=validate.OneOf(list(HouseholdStatus)))
    flag = fields.String(load_default=None, validate=validate.OneOf(list(Flag)))
    worker_id = Id(load_default=None)


class HouseholdCloseSchema(InputSchema):
    reason = Text(255, required=True)


class HouseholdAuditEntrySchema(BaseSchema):
    at = LocalDateTime()
    actor = fields.String(attribute="actor_name")
    action = fields.String()
    reason = fields.String(allow_none=True)
    detail = fields.Dict(allow_none=True)


# ---------------------------------------------------------------------------------------------- visits


class VisitAttachmentSchema(BaseSchema):
    id = fields.Integer()
    filename = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    uploaded_at = LocalDateTime()


class AttachmentUploadSchema(InputSchema):
    files = fields.List(
        Upload(),
        load_default=list,
        metadata={"description": "one or more photos or scans: JPEG, PNG or PDF, recognised by their content"},
    )


class VisitSchema(BaseSchema):
    id = fields.Integer()
    household_id = fields.Integer()
    visited_at = LocalDateTime()
    contact_type = Choice(ContactType)
    workers = fields.List(fields.Nested(SocialWorkUserRefSchema))
    met = fields.String()
    purpose = fields.String()
    living_changes = fields.String()
    health_changes = fields.String()
    income_changes = fields.String()
    needs = fields.List(fields.String())
    needs_text = fields.String()
    policies = fields.Dict(keys=fields.String(), values=fields.List(fields.Integer()))
    measures = fields.String()
    risk_level = fields.String()
    version = fields.Integer()
    updated_at = LocalDateTime()
    attachments = fields.List(fields.Nested(VisitAttachmentSchema))


class VisitVersionSchema(BaseSchema):
    version = fields.Integer()
    data = fields.Dict()
    changed_by = fields.Nested(SocialWorkUserRefSchema, allow_none=True)
    changed_at = LocalDateTime()
    note = fields.String()


class VisitDetailSchema(VisitSchema):
    versions = fields.List(fields.Nested(VisitVersionSchema))


class VisitFieldsSchema(InputSchema):
    visited_at = LocalDateTime()
    contact_type = Choice(ContactType)
    worker_ids = fields.List(Id())
    met = Text(200)
    purpose = Text(500)
    living_changes = Text(2000)
    health_changes = Text(2000)
    income_changes = Text(2000)
    needs = fields.List(Choice(Need))
    needs_text = Text(2000)
    policies = fields.Dict(keys=fields.String(), values=fields.List(Id()))
    measures = Text(2000)
    risk_level = Choice(RiskLevel)


class VisitInSchema(VisitFieldsSchema):
    visited_at = LocalDateTime(required=True)
    contact_type = Choice(ContactType, required=True)
    follow_up_task = Text(500, load_default="")
    follow_up_due_on = fields.Date(load_default=None, allow_none=True)


class VisitPatchSchema(VisitFieldsSchema):
    note = Text(255, required=True, metadata={"description": "what changed and why; the old version is kept"})


# ---------------------------------------------------------------------------------------------- follow-ups


class FollowUpSchema(BaseSchema):
    id = fields.Integer()
    household_id = fields.Integer()
    visit_id = fields.Integer(allow_none=True)
    task = fields.String()
    due_on = fields.Date()
    owner = fields.Nested(SocialWorkUserRefSchema)
    status = fields.String()
    outcome = fields.String()
    closed_at = LocalDateTime(allow_none=True)


class FollowUpInSchema(InputSchema):
    task = Text(500, required=True)
    due_on = fields.Date(required=True)
    owner_id = Id(load_default=None, allow_none=True)


class FollowUpPatchSchema(InputSchema):
    status = fields.String(required=True, validate=validate.OneOf([FollowUpStatus.DONE, FollowUpStatus.CANCELLED]))
    outcome = Text(500, load_default="")


class MyFollowUpsSchema(BaseSchema):
    overdue = fields.List(fields.Nested(FollowUpSchema))
    due_soon = fields.List(fields.Nested(FollowUpSchema))
    later = fields.Integer()


# ---------------------------------------------------------------------------------------------- consent, referrals


class ConsentSchema(BaseSchema):
    id = fields.Integer()
    household_id = fields.Integer()
    member_id = fields.Integer(allow_none=True)
    given_by = fields.String()
    given_at = LocalDateTime()
    purpose = fields.String()
    method = fields.String()
    witness = fields.String(allow_none=True)
    withdrawn_at = LocalDateTime(allow_none=True)
    withdrawn_reason = fields.String(allow_none=True)
    is_active = fields.Boolean()


class ConsentInSchema(InputSchema):
    purpose = fields.String(required=True, validate=validate.OneOf(list(ConsentPurpose)))
    method = fields.String(required=True, validate=validate.OneOf(list(ConsentMethod)))
    given_at = LocalDateTime(load_default=None, allow_none=True)
    member_id = Id(load_default=None, allow_none=True)
    given_by = Text(80, load_default="")
    witness = Text(80, load_default="")


class ConsentWithdrawSchema(InputSchema):
    reason = Text(255, load_default="")


class ReferralSchema(BaseSchema):
    id = fields.Integer()
    household_id = fields.Integer()
    visit_id = fields.Integer(allow_none=True)
    consent_id = fields.Integer()
    target_kind = fields.String()
    target_name = fields.String()
    department = fields.String(allow_none=True)
    resource_id = fields.Integer(allow_none=True)
    team_id = fields.Integer(allow_none=True)
    event_id = fields.Integer(allow_none=True, metadata={"description": "the team's event the referral became"})
    need = fields.String(allow_none=True)
    reason = fields.String()
    status = fields.String()
    outcome = fields.String()
    created_at = LocalDateTime()
    closed_at = LocalDateTime(allow_none=True)


class ReferralInSchema(InputSchema):
    target_kind = fields.String(required=True, validate=validate.OneOf(list(ReferralTarget)))
    reason = Text(500, required=True)
    department = Text(120, load_default="")
    resource_id = Id(load_default=None, allow_none=True)
    team_id = Id(load_default=None, allow_none=True)
    need = Choice(Need, load_default=None, allow_none=True)
    visit_id = Id(load_default=None, allow_none=True)


class ReferralPatchSchema(InputSchema):
    status = fields.String(required=True, validate=validate.OneOf(list(ReferralStatus)))
    outcome = Text(500, load_default="")


VOLUNTEERS_READ = "volunteers read it: no name, ID or phone number or address of the household"


class ReferralEventInSchema(InputSchema):
    title = Text(200, load_default=None, allow_none=True,
                 metadata={"description": f"default: the need, e.g. 'Home help: Care'; {VOLUNTEERS_READ}"})  # fmt: skip
    description = Text(500, load_default=None, allow_none=True,
                       metadata={"description": f"default: the referral's reason; {VOLUNTEERS_READ}"})  # fmt: skip


# ---------------------------------------------------------------------------------------------- catalogue, coverage


class WelfarePolicySchema(BaseSchema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    kind = fields.String()
    department = fields.String()
    description = fields.String()
    target_flags = fields.List(fields.String())
    active = fields.Boolean()


class WelfarePolicyInSchema(InputSchema):
    code = Text(40, required=True)
    name = Text(120, required=True)
    kind = Choice(PolicyKind, load_default="benefit")
    department = Text(120, load_default="")
    description = Text(4000, load_default="")
    target_flags = fields.List(Choice(Flag), load_default=list)


class WelfarePolicyArgs(PageArgs):
    flag = fields.String(load_default=None, validate=validate.OneOf(list(Flag)))


class SocialResourceSchema(BaseSchema):
    id = fields.Integer()
    kind = fields.String()
    name = fields.String()
    team_id = fields.Integer(allow_none=True)
    description = fields.String()
    contact = fields.String()
    helps_with = fields.List(fields.String())
    active = fields.Boolean()


class SocialResourceInSchema(InputSchema):
    kind = Choice(ResourceKind, required=True)
    name = Text(120, required=True)
    team_id = Id(load_default=None, allow_none=True)
    description = Text(4000, load_default="")
    contact = Text(120, load_default="")
    helps_with = fields.List(Choice(Need), load_default=list)


class SocialWorkCoverageRowSchema(BaseSchema):
    id = fields.Integer(allow_none=True)
    name = fields.String()
    households = fields.Integer()
    target = fields.Integer()
    visited = fields.Integer()
    target_visited = fields.Integer()
    target_percent = fields.Integer()
    overdue = fields.Integer()


class CoveragePointSchema(SocialWorkCoverageRowSchema):
    communities = fields.List(fields.Nested(SocialWorkCoverageRowSchema))


class WorkerVisitsSchema(BaseSchema):
    user_id = fields.Integer()
    name = fields.String()
    visits = fields.Integer()


class OverdueRowSchema(BaseSchema):
    user_id = fields.Integer()
    community_id = fields.Integer()
    name = fields.String()
    overdue = fields.Integer()


class SocialWorkCoverageSchema(BaseSchema):
    quarter_start = fields.Date()
    on = fields.Date()
    total = fields.Nested(SocialWorkCoverageRowSchema)
    points = fields.List(fields.Nested(CoveragePointSchema))
    workers = fields.List(fields.Nested(WorkerVisitsSchema))
    overdue_per_worker = fields.List(fields.Nested(OverdueRowSchema))
    overdue_per_community = fields.List(fields.Nested(OverdueRowSchema))
