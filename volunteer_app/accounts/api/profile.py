"""/api/v1/me: the caller's own details, editable (a new email address waits for its confirmation link), and
an admin setting someone's email address. Registered on the accounts API blueprint."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import fields, validate

from volunteer_app.accounts import access, profile
from volunteer_app.accounts.api import UserSchema, blp
from volunteer_app.accounts.models import Role
from volunteer_app.api import InputSchema


class ProfileSchema(UserSchema):
    phone = fields.String(allow_none=True, metadata={"description": "the login phone number; an admin changes it"})
    email = fields.String(allow_none=True, metadata={"description": "the confirmed address notices go to"})
    pending_email = fields.String(
        allow_none=True, metadata={"description": "an address given but not confirmed yet; not used until it is"}
    )


class ProfilePatchSchema(InputSchema):
    display_name = fields.String(validate=validate.Length(max=200))
    email = fields.String(
        allow_none=True, validate=validate.Length(max=200),
        metadata={"description": "a new address gets a confirmation link and stays pending until it is opened; "
                                 "null or an empty string removes the address"},
    )  # fmt: skip
    locale = fields.String(validate=validate.Length(max=10), metadata={"description": "zh_CN or en"})


class ConfirmSchema(InputSchema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class EmailSchema(InputSchema):
    email = fields.String(required=True, allow_none=True, validate=validate.Length(max=200))


@blp.route("/me")
class Me(MethodView):
    @access.signed_in
    @blp.response(200, ProfileSchema)
    def get(self):
        """The user this token belongs to, with their contact details."""
        return access.current_actor()

    @access.signed_in
    @blp.arguments(ProfilePatchSchema)
    @blp.response(200, ProfileSchema)
    def patch(self, body):
        """Change one's own name, email address or language. A new address is not used until confirmed: a link
        goes to it (open it, or POST its token to /me/email/confirm); until then the old one (or none) stays."""
        if "email" in body and body["email"] is None:
            body["email"] = ""
        return profile.update_profile(access.current_actor(), **body)


@blp.route("/me/email/confirm")
class MeEmailConfirm(MethodView):
    @access.signed_in
    @blp.arguments(ConfirmSchema)
    @blp.response(200, ProfileSchema)
    def post(self, body):
        """Confirm the pending address with the token of the link sent to it (the caller's own link only)."""
        return profile.confirm_email(body["token"], actor=access.current_actor())


@blp.route("/me/email/resend")
class MeEmailResend(MethodView):
    @access.signed_in
    @blp.response(200, ProfileSchema)
    def post(self):
        """Send a fresh confirmation link to the pending address."""
        return profile.resend_confirmation(access.current_actor())


@blp.route("/users/<int:user_id>/email")
class UserEmail(MethodView):
    @access.roles(Role.ADMIN)
    @blp.arguments(EmailSchema)
    @blp.response(200, ProfileSchema)
    def put(self, body, user_id: int):
        """Set a user's email address, in use at once (admins only, audited); null removes it."""
        return profile.set_email(access.current_actor(), user_id, body["email"])
