"""What the needs API shares: its blueprint."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "needs_api",
    __name__,
    url_prefix="/api/v1",
    description="Needs from raising to rating, deputies' receptions, deliberation meetings",
)
