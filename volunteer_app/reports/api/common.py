"""What the reports API shares: its blueprint."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("reports_api", __name__, url_prefix="/api/v1", description="Figures and charts, imports and exports")
