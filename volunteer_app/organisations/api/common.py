"""What the organisations API shares: its blueprint."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "organisations_api",
    __name__,
    url_prefix="/api/v1",
    description="Towns, communities, teams, pairings, youth groups, social-work points, liaison stations, volunteers",
)
