"""What the organisations API shares: the blueprint and the acting user."""

from __future__ import annotations

from flask_smorest import Blueprint

from volunteer_app.accounts import access

blp = Blueprint(
    "organisations_api",
    __name__,
    url_prefix="/api/v1",
    description="Towns, communities, teams, pairings, youth groups, social-work points, liaison stations, volunteers",
)


def acting_user():
    return access.current_actor()
