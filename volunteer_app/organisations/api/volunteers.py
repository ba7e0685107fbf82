"""/api/v1/volunteers, self-registration and full-value reveals."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_babel import gettext as _
from marshmallow import fields, validate

from volunteer_app.accounts import access
from volunteer_app.accounts import services as accounts
from volunteer_app.accounts.models import TOWN_STAFF, Role
from volunteer_app.api import BaseSchema, Computed, Id, InputSchema, LocalDateTime, PageArgs, page_of
from volunteer_app.core.errors import NotFound
from volunteer_app.core.identity import mask_phone
from volunteer_app.extensions import limiter
from volunteer_app.organisations import services
from volunteer_app.organisations.api.common import blp
from volunteer_app.organisations.models import (
    Availability,
    PoliticalStatus,
)


class TeamRefSchema(BaseSchema):
    id = Computed(lambda m: m.team.id)
    name = Computed(lambda m: m.team.name)
    role = fields.String()
    joined_on = fields.Date()


def _guardian(profile) -> dict | None:
    if not profile.guardian_name:
        return None
    return {
        "name": profile.guardian_name,
        "phone_masked": mask_phone(profile.guardian_phone),
        "consent_at": LocalDateTime().serialize("guardian_consent_at", profile),
    }


class VolunteerSchema(BaseSchema):
    """ID and phone numbers only ever masked here; `POST /volunteers/{id}/reveal` shows them (audited)."""

    id = fields.Integer()
    user_id = fields.Integer()
    name = fields.String()
    id_number_masked = fields.String()
    phone_masked = fields.String()
    sex = fields.String()
    birth_date = fields.Date()
    political_status = fields.String()
    community_id = fields.Integer()
    community = Computed(lambda p: p.community.name)
    town = Computed(lambda p: p.community.town.name)
    skills = fields.List(fields.String())
    availability = fields.List(fields.String())
    teams = Computed(lambda p: TeamRefSchema(many=True).dump([m for m in p.memberships if m.left_on is None]))
    guardian = Computed(_guardian)
    created_at = LocalDateTime()


class RegisteredSchema(VolunteerSchema):
    access_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer()


class GuardianInSchema(InputSchema):
    name = fields.String(load_default="", validate=validate.Length(max=80))
    phone = fields.String(load_default="", validate=validate.Length(max=20))
    consent = fields.Boolean(load_default=False)


class RegisterSchema(InputSchema):
    username = fields.String(required=True, validate=validate.Length(max=40))
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=200))
    name = fields.String(required=True, validate=validate.Length(max=80))
    phone = fields.String(required=True, validate=validate.Length(max=20))
    id_number = fields.String(
        required=True, validate=validate.Length(max=30), metadata={"example": "11010519491231002X"}
    )
    political_status = fields.String(
        required=True, metadata={"description": ", ".join(PoliticalStatus), "example": "league_member"}
    )
    community_id = Id(required=True)
    skills = fields.List(fields.String(validate=validate.Length(max=30)), load_default=list)
    availability = fields.List(fields.String(), load_default=list, metadata={"description": ", ".join(Availability)})
    guardian = fields.Nested(
        GuardianInSchema,
        load_default=None,
        allow_none=True,
        metadata={"description": "required under 18: name, phone, consent true"},
    )


class VolunteerPatchSchema(InputSchema):
    name = fields.String(validate=validate.Length(max=80))
    phone = fields.String(validate=validate.Length(max=20))
    political_status = fields.String()
    community_id = Id()
    skills = fields.List(fields.String(validate=validate.Length(max=30)))
    availability = fields.List(fields.String())
    guardian = fields.Nested(GuardianInSchema)


class RevealSchema(InputSchema):
    fields_ = fields.List(
        fields.String(validate=validate.OneOf(services.REVEALABLE)),
        data_key="fields",
        load_default=lambda: list(services.REVEALABLE),
    )
    reason = fields.String(load_default=None, validate=validate.Length(max=255))


class RevealedSchema(BaseSchema):
    id_number = fields.String()
    phone = fields.String()


class VolunteerArgs(PageArgs):
    community_id = Id(load_default=None)
    team_id = Id(load_default=None)
    political_status = fields.String(load_default=None, validate=validate.OneOf(list(PoliticalStatus)))


@blp.route("/volunteers")
class Volunteers(MethodView):
    @access.roles(*TOWN_STAFF, Role.TEAM_LEADER)
    @blp.arguments(VolunteerArgs, location="query")
    @blp.response(200, page_of(VolunteerSchema))
    def get(self, args):
        """Volunteers (masked): the staff see all, a team leader their team's members. `q`: name, phone tail, team."""
        return services.list_volunteers(access.current_actor(), **args)


@blp.route("/volunteers/register")
class VolunteerRegistration(MethodView):
    decorators = [limiter.limit(lambda: current_app.config["REGISTER_RATE_LIMIT"])]

    @access.public
    @blp.arguments(RegisterSchema)
    @blp.response(201, RegisteredSchema)
    @blp.doc(security=[])
    def post(self, body):
        """Register as a volunteer (no token needed): creates the account and the profile, answers a token."""
        user = services.register_volunteer(None, **body).user
        token, ttl = accounts.issue_token(user)
        profile = services.own_profile(user)
        profile.access_token, profile.token_type, profile.expires_in = token, "Bearer", ttl
        return profile


@blp.route("/volunteers/me")
class MyVolunteerProfile(MethodView):
    @access.signed_in
    @blp.response(200, VolunteerSchema)
    def get(self):
        """The caller's own volunteer profile."""
        profile = services.own_profile(access.current_actor())
        if profile is None:
            raise NotFound(_("You have no volunteer profile yet."))
        return profile


@blp.route("/volunteers/<int:profile_id>")
class VolunteerById(MethodView):
    @access.signed_in
    @blp.response(200, VolunteerSchema)
    def get(self, profile_id):
        """One volunteer (masked): staff, the volunteer themself, or a leader of a team they are in."""
        return services.get_volunteer(access.current_actor(), profile_id)

    @access.signed_in
    @blp.arguments(VolunteerPatchSchema)
    @blp.response(200, VolunteerSchema)
    def patch(self, body, profile_id):
        """Edit a profile: the volunteer their own, or the staff. The ID number cannot be changed."""
        return services.update_volunteer(access.current_actor(), profile_id, **body)


@blp.route("/volunteers/<int:profile_id>/reveal")
class VolunteerReveal(MethodView):
    @access.signed_in
    @blp.arguments(RevealSchema)
    @blp.response(200, RevealedSchema)
    def post(self, body, profile_id):
        """The full ID and/or phone number, for staff and the volunteer themself; recorded in the audit log."""
        return services.reveal_volunteer(
            access.current_actor(), profile_id, fields=body["fields_"], reason=body["reason"]
        )
