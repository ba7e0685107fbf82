"""Exports of the admins' lists: users and the audit log."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from volunteer_app.accounts import services as accounts
from volunteer_app.accounts.models import ROLE_LABELS
from volunteer_app.core import audit
from volunteer_app.reports.services.exports.registry import (
    Column,
    ExportList,
    register,
    search_only,
)


def _roles(user: Any) -> str:
    return "、".join(
        str(ROLE_LABELS.get(g.role, g.role)) + (f" · {accounts.scope_name(g.scope_kind, g.scope_id)}" if g.scope_kind
                                                else "")
        for g in user.grants
    )  # fmt: skip


register(ExportList(
    "users", _l("Users"), "user.list", search_only,
    lambda actor, f, page, per_page: accounts.list_users(actor, page=page, per_page=per_page, **f),
    (
        Column(_l("Name"), lambda u: u.display_name, 14),
        Column(_l("Username"), lambda u: u.username, 16),
        Column(_l("Roles"), _roles, 40),
        Column(_l("Status"), lambda u: "" if u.active else _("disabled"), 8),
    ),
))  # fmt: skip

register(ExportList(
    "audit", _l("Audit log"), "audit.list",
    lambda a: {"filter": audit.AuditFilter.from_args(a)},
    lambda actor, f, page, per_page: audit.search(actor, f["filter"], page=page, per_page=per_page),
    (
        Column(_l("Time"), lambda e: e.at, 17),
        Column(_l("User"), lambda e: e.actor_name, 14),
        Column(_l("Address"), lambda e: e.ip or "", 16),
        Column(_l("Action"), lambda e: e.action, 10),
        Column(_l("Record"), lambda e: audit.record_type_label(e.object_type), 16),
        Column(_l("Number"), lambda e: e.object_id or "", 8),
        Column(_l("Reason"), lambda e: e.reason or "", 24),
    ),
))  # fmt: skip
