"""/api/v1 endpoints for tokens and users."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import ValidationError, fields, validate

from volunteer_app.accounts import access, login_limits, services
from volunteer_app.accounts.models import Role
from volunteer_app.api import BaseSchema, Computed, InputSchema, PageArgs, page_of

blp = Blueprint("accounts_api", __name__, url_prefix="/api/v1", description="Tokens and users")


class TokenRequestSchema(InputSchema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=40))
    password = fields.String(required=True, validate=validate.Length(min=1, max=200), load_only=True)


class TokenSchema(BaseSchema):
    access_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer()


class GrantSchema(BaseSchema):
    role = fields.String()
    scope_kind = fields.String(allow_none=True)
    scope_id = fields.Integer(allow_none=True)
    scope_name = Computed(
        lambda grant: services.scope_name(grant.scope_kind, grant.scope_id) or None,
        metadata={"description": "what the scope names, e.g. the service point's name"},
    )


class UserSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    username = fields.String()
    display_name = fields.String()
    roles = fields.List(fields.String())
    grants = fields.List(fields.Nested(GrantSchema))
    locale = fields.String(allow_none=True)


ROLE_NAME = {"type": "string", "enum": [role.value for role in Role]}
SCOPED_ROLE = {
    "type": "object",
    "properties": {"role": ROLE_NAME, "scope": {"type": "string", "nullable": True, "example": "service_point:3"}},
    "required": ["role"],
}


class RoleSpecField(fields.Field):
    """A role as `"volunteer"` or as `{"role": "social_worker", "scope": "service_point:3"}`."""

    def __init__(self, **kwargs) -> None:
        # Both shapes documented: the field has no type of its own that the document could show.
        super().__init__(metadata={"oneOf": [ROLE_NAME, SCOPED_ROLE]}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            return services.RoleSpec(value)
        if isinstance(value, dict) and isinstance(value.get("role"), str):
            scope = value.get("scope")
            if scope is not None and not isinstance(scope, str):
                raise ValidationError("scope is written KIND:ID")
            return services.RoleSpec.parse(value["role"], scope)
        raise ValidationError("A role is a name or an object with 'role' and optional 'scope'.")


class UserCreateSchema(InputSchema):
    username = fields.String(required=True)
    password = fields.String(required=True, load_only=True)
    display_name = fields.String(required=True)
    phone = fields.String(load_default=None, allow_none=True)
    email = fields.String(load_default=None, allow_none=True)
    roles = fields.List(
        RoleSpecField(),
        required=True,
        metadata={"description": f"names from {', '.join(Role)}; a scope as 'KIND:ID'"},
    )


@blp.route("/auth/token")
class Tokens(MethodView):
    decorators = [login_limits.limited]

    @access.public
    @blp.arguments(TokenRequestSchema)
    @blp.response(200, TokenSchema)
    @blp.doc(security=[])
    def post(self, body):
        """Exchange a username (or phone) and password for a bearer token."""
        user = services.authenticate(body["username"], body["password"])
        token, ttl = services.issue_token(user)
        return {"access_token": token, "token_type": "Bearer", "expires_in": ttl}


@blp.route("/users")
class Users(MethodView):
    @access.roles(Role.ADMIN)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(UserSchema))
    def get(self, args):
        """Users, searchable by username, name or phone (admins only)."""
        return services.list_users(access.current_actor(), **args)

    @access.roles(Role.ADMIN)
    @blp.arguments(UserCreateSchema)
    @blp.response(201, UserSchema)
    def post(self, body):
        """Create a user with roles (admins only)."""
        return services.create_user(access.current_actor(), **body)


@blp.route("/users/<int:user_id>/sessions/end")
class UserSessions(MethodView):
    @access.roles(Role.ADMIN)
    @blp.response(204)
    def post(self, user_id: int):
        """Log the user out everywhere: their login sessions end and their API tokens are revoked (admins only;
        not one's own, which would revoke the token in use: log out instead)."""
        services.end_sessions(access.current_actor(), user_id)


# /me and the email routes (api/profile.py) join this blueprint.
from volunteer_app.accounts.api import profile as _profile  # noqa: E402, F401 — registers /me
