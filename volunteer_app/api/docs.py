"""Serves the Swagger UI files from the installed swagger-ui-bundle package, so the docs need no CDN."""

from flask import Blueprint, send_from_directory
from swagger_ui_bundle import swagger_ui_path

from volunteer_app.accounts import access

bp = Blueprint("api_docs_assets", __name__)


@bp.route("/api/v1/docs/assets/<path:filename>")
@access.public
def asset(filename: str):
    return send_from_directory(swagger_ui_path, filename, max_age=86400)
