"""/api/v1: one's own notices (list, mark read) and, for admins, the outbox (list, retry, cancel)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, fields, validate

from volunteer_app.accounts import access
from volunteer_app.accounts.models import Role
from volunteer_app.api import BaseSchema, InputSchema, LocalDateTime, PageArgs, page_of
from volunteer_app.core.text import clean_text
from volunteer_app.reminders import services
from volunteer_app.reminders.models import Channel, Status

blp = Blueprint("reminders_api", __name__, url_prefix="/api/v1", description="Notifications and the outbox")


class InboxArgs(PageArgs):
    unread = fields.Boolean(load_default=False)


class NoticeSchema(BaseSchema):
    id = fields.Integer()
    kind = fields.String()
    subject_type = fields.String()
    subject_id = fields.String()
    title = fields.String(allow_none=True)
    body = fields.String(allow_none=True)
    sent_at = LocalDateTime(allow_none=True)
    read_at = LocalDateTime(allow_none=True)


class OutboxArgs(PageArgs):
    class Meta:
        unknown = EXCLUDE

    status = fields.String(load_default="", validate=validate.OneOf(["", *Status]))
    channel = fields.String(load_default="", validate=validate.OneOf(["", *Channel]))
    kind = fields.String(load_default="", validate=validate.Length(max=60))


class OutboxRowSchema(BaseSchema):
    id = fields.Integer()
    recipient_id = fields.Integer()
    kind = fields.String()
    channel = fields.String()
    subject_type = fields.String()
    subject_id = fields.String()
    status = fields.String()
    urgent = fields.Boolean()
    essential = fields.Boolean()
    scheduled_at = LocalDateTime()
    next_attempt_at = LocalDateTime()
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    claimed_by = fields.String(allow_none=True)
    sent_at = LocalDateTime(allow_none=True)
    title = fields.String(allow_none=True)


class CancelSchema(InputSchema):
    reason = fields.String(load_default="", validate=validate.Length(max=255))


class NoticeCountSchema(BaseSchema):
    count = fields.Integer()


@blp.route("/me/notifications")
class MyNotices(MethodView):
    @access.signed_in
    @blp.arguments(InboxArgs, location="query")
    @blp.response(200, page_of(NoticeSchema))
    def get(self, args):
        """My in-app notices, newest first (`unread=true` for the unread ones)."""
        return services.inbox(
            access.current_actor(), unread_only=args["unread"], page=args["page"], per_page=args["per_page"]
        )


@blp.route("/me/notifications/<int:notification_id>/read")
class MarkRead(MethodView):
    @access.signed_in
    @blp.response(200, NoticeSchema)
    def post(self, notification_id):
        """Mark one of my notices read."""
        return services.mark_read(access.current_actor(), notification_id)


@blp.route("/me/notifications/read-all")
class MarkAllRead(MethodView):
    @access.signed_in
    @blp.response(200, NoticeCountSchema)
    def post(self):
        """Mark all my notices read; answers how many were unread."""
        return {"count": services.mark_all_read(access.current_actor())}


@blp.route("/outbox")
class Outbox(MethodView):
    @access.roles(Role.ADMIN)
    @blp.arguments(OutboxArgs, location="query")
    @blp.response(200, page_of(OutboxRowSchema))
    def get(self, args):
        """The notification outbox, filtered by status, channel, kind or recipient (`q`) (admins only)."""
        filters = services.OutboxFilter(
            status=args["status"], channel=args["channel"], kind=args["kind"], q=clean_text(args.get("q"))
        )
        return services.outbox(access.current_actor(), filters, page=args["page"], per_page=args["per_page"])


@blp.route("/outbox/<int:notification_id>/retry")
class Retry(MethodView):
    @access.roles(Role.ADMIN)
    @blp.response(200, OutboxRowSchema)
    def post(self, notification_id):
        """Send a failed, cancelled or unsent notice again (admins only)."""
        return services.retry(access.current_actor(), notification_id)


@blp.route("/outbox/<int:notification_id>/cancel")
class Cancel(MethodView):
    @access.roles(Role.ADMIN)
    @blp.arguments(CancelSchema)
    @blp.response(200, OutboxRowSchema)
    def post(self, body, notification_id):
        """Cancel a pending or failed notice (admins only)."""
        return services.cancel(access.current_actor(), notification_id, reason=body["reason"])
