"""What the needs pages share: the blueprint."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("needs", __name__, template_folder="../templates")
