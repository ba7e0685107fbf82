"""What the reports pages share: the blueprint."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports", template_folder="../templates")
