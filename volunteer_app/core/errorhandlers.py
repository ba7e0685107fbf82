"""Maps errors to HTTP in one place: JSON on /api/ paths, a page (or a flash message) elsewhere."""

from __future__ import annotations

from flask import Flask, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError

from volunteer_app.core.errors import DomainError, Invalid
from volunteer_app.core.validation_messages import translated
from volunteer_app.extensions import db


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _http_messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood."),
        401: _("Please log in."),
        403: _("You are not allowed to do this."),
        404: _("The page or record you asked for does not exist."),
        405: _("This method is not allowed here."),
        413: _("The request is too large."),
        422: _("Some fields are not valid."),
        429: _("Too many requests. Please wait a moment and try again."),
        500: _("Something went wrong on our side. Nothing was saved; please try again."),
    }


def json_error(status: int, code: str, message: str):
    return jsonify({"error": {"code": code, "message": message}}), status


def _flatten_messages(messages: object, prefix: str = "") -> dict[str, list[str]]:
    """Marshmallow nests the errors of nested fields, lists and dicts ({"members": {0: {"name": [...]}}}); clients
    get one flat shape with dotted names ({"members.0.name": [...]}), the names the services use too, and its
    English messages in the request's language."""
    flat: dict[str, list[str]] = {}

    def add(found: dict[str, list[str]]) -> None:
        for name, errors in found.items():
            flat.setdefault(name, []).extend(errors)

    if isinstance(messages, dict):
        for key, value in messages.items():
            add(_flatten_messages(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(messages, list):
        for item in messages:
            add(_flatten_messages(item, prefix))
    else:
        flat[prefix or "_schema"] = [translated(str(messages))]
    return flat


def _flatten_webargs(messages: dict) -> dict[str, list[str]]:
    """webargs nests errors by location ({"json": {"field": [...]}}); clients want {"field": [...]}."""
    return _flatten_messages(list(messages.values()))


def handle_domain_error(error: DomainError):
    db.session.rollback()
    if _is_api():
        if isinstance(error, Invalid):
            return jsonify({"errors": error.errors}), 422
        return json_error(error.status, error.code, error.message)
    if error.status == 403 and request.method == "GET" and not current_user.is_authenticated:
        # A visitor refused what a login may open (a team-only event on a public page): log in, then come back.
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
    if error.status in (401, 403, 404):
        return render_template("errors/error.html", status=error.status, message=error.message), error.status
    # A rule broken on a page without its own form handling: say why and go back where the user was.
    flash(error.message, "danger")
    return redirect(request.referrer or "/")


def handle_http_error(error: HTTPException):
    status = error.code or 500
    message = _http_messages().get(status, error.description or "")
    if _is_api():
        data = getattr(error, "data", None) or {}
        if status == 422 and "messages" in data:
            return jsonify({"errors": _flatten_webargs(data["messages"])}), 422
        if status == 400 and "messages" in data:
            message = _("The request body is not valid JSON.")
        return json_error(status, error.name.lower().replace(" ", "_"), message)
    return render_template("errors/error.html", status=status, message=message), status


def handle_unexpected(error: Exception):
    db.session.rollback()
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    current_app.logger.exception("Unhandled error", exc_info=error)
    return handle_http_error(InternalServerError())


def refuse_nul_characters() -> None:
    """PostgreSQL can neither store nor compare text holding a NUL character; a page request carrying one (a login
    name, a search) is refused before it reaches a query. The API's schemas do the same with a field error."""
    if _is_api():
        return
    values = [*request.args.values(), *(request.form.values() if request.form else ())]
    if any("\x00" in value for value in values):
        raise BadRequest()


def init_app(app: Flask) -> None:
    app.before_request(refuse_nul_characters)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_error)
    if not app.testing and not app.debug:
        app.register_error_handler(Exception, handle_unexpected)
