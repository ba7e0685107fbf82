"""Pages every domain shares: language switch, the audit log, health."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup, escape

from volunteer_app.accounts import access
from volunteer_app.accounts import services as accounts
from volunteer_app.accounts.models import Role
from volunteer_app.core import audit
from volunteer_app.core.args import page_arg
from volunteer_app.core.errors import Invalid
from volunteer_app.core.health import readiness

bp = Blueprint("core", __name__)


@bp.app_template_global()
def select_options(choices: Iterable[tuple[object, object]], selected: object = None) -> Markup:
    """The <option>s of a filter's <select> from (value, label) pairs, `selected` marked. Joined here rather than
    looped in the template: a district's community filter has 600 of them on every list page (~4 ms in Jinja)."""
    options = (
        f'<option value="{escape(value)}"{" selected" if value == selected else ""}>{escape(label)}</option>'
        for value, label in choices
    )
    return Markup("".join(options))  # each value and label escaped above


@bp.route("/language", methods=["POST"])
@access.public
def set_language():
    lang = request.form.get("lang", "")
    if lang not in current_app.config["LANGUAGES"]:
        raise Invalid({"lang": [_("Unknown language.")]})
    session["lang"] = lang
    if current_user.is_authenticated:
        accounts.set_locale(current_user, lang)
    target = request.referrer or "/"
    return redirect(target if target.startswith(request.host_url) or target.startswith("/") else "/")


@bp.route("/favicon.ico")
@access.public
def favicon():
    """Browsers ask for /favicon.ico whatever the page links to."""
    return current_app.send_static_file("favicon.ico")


@bp.route("/health")
@bp.route("/healthz")
@access.public
def health():
    """The process is up (for a load balancer's liveness check); /readyz says whether it can serve."""
    return jsonify({"status": "ok"})


@bp.route("/readyz")
@access.public
def ready():
    """503 with the reason when the database does not answer, its schema is not at the newest migration, or the
    scheduler has been silent longer than SCHEDULER_HEARTBEAT_MAX_SECONDS."""
    result = readiness()
    return jsonify({"status": "ready" if result.ready else "not ready", "checks": result.checks}), (
        200 if result.ready else 503
    )


@bp.route("/admin/audit")
@access.roles(Role.ADMIN)
def audit_entries():
    filters = audit.AuditFilter.from_args(request.args)
    page = audit.search(current_user, filters, page=page_arg())
    records = audit.name_records(current_user, [(entry.object_type, entry.object_id) for entry in page.items])
    return render_template(
        "core/audit.html", page=page, filters=filters, actions=audit.ACTIONS, records=records,
        record_types=audit.record_type_choices(),
    )  # fmt: skip
