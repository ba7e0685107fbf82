"""Exports of the notices: the admins' outbox (with its filters) and one's own inbox."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from volunteer_app.reminders import kinds
from volunteer_app.reminders import services as reminders
from volunteer_app.reports.services.exports.registry import Column, ExportList, register

register(ExportList(
    "outbox", _l("Outbox"), "outbox.list",
    lambda a: {"filter": reminders.OutboxFilter.from_args(a)},
    lambda actor, f, page, per_page: reminders.outbox(actor, f["filter"], page=page, per_page=per_page),
    (
        Column(_l("Number"), lambda n: n.id, 8),
        Column(_l("Kind"), lambda n: kinds.label(n.kind), 16),
        Column(_l("Channel"), lambda n: n.channel_label, 10),
        Column(_l("Recipient"), lambda n: n.recipient.display_name, 12),
        Column(_l("Username"), lambda n: n.recipient.username, 16),
        Column(_l("Status"), lambda n: n.status_label, 10),
        Column(_l("Planned"), lambda n: n.scheduled_at, 17),
        Column(_l("Sent"), lambda n: n.sent_at, 17),
        Column(_l("Attempts"), lambda n: n.attempts, 8),
        Column(_l("Title"), lambda n: n.title or "", 30),
        Column(_l("Error"), lambda n: n.last_error if n.last_error and n.status != "sent" else "", 30),
    ),
))  # fmt: skip

register(ExportList(
    "inbox", _l("Notices"), None,  # one's own: the inbox service reads the caller's
    lambda a: {"unread_only": a.get("unread") == "1"},
    lambda actor, f, page, per_page: reminders.inbox(actor, page=page, per_page=per_page, **f),
    (
        Column(_l("Sent"), lambda n: n.sent_at, 17),
        Column(_l("Kind"), lambda n: kinds.label(n.kind), 16),
        Column(_l("Title"), lambda n: n.title or "", 30),
        Column(_l("Text"), lambda n: n.body or "", 60),
        Column(_l("Read at"), lambda n: n.read_at, 17),
    ),
))  # fmt: skip
