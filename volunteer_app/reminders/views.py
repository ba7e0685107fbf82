"""Pages: the inbox (with the unread badge in the navigation bar), notification preferences, the admins' outbox."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from volunteer_app.accounts import access
from volunteer_app.accounts.models import Role
from volunteer_app.core import audit, navigation
from volunteer_app.core.args import page_arg
from volunteer_app.core.forms import form_page, submitted
from volunteer_app.reminders import kinds, services
from volunteer_app.reminders.forms import PreferencesForm
from volunteer_app.reminders.models import CHANNEL_LABELS, STATUS_LABELS, Channel, Status

bp = Blueprint("reminders", __name__, template_folder="templates")


def _back(endpoint: str):
    """Back to the page the form was on (same site only), else `endpoint`."""
    target = request.referrer or ""
    if target.startswith(request.host_url):
        return redirect(target)
    return redirect(url_for(endpoint))


@bp.app_template_global()
def inbox_unread_count() -> int:
    return services.unread_count(current_user) if current_user.is_authenticated else 0


@bp.app_template_filter("notice_datetime")
def notice_datetime(value: datetime | str | None) -> str:
    """A time in local time; message templates get times from their JSON context as ISO strings."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return format_datetime(value, "yyyy-MM-dd HH:mm")


# Quotation marks a title may carry, as (opening, closing) pairs.
_QUOTE_PAIRS = (("“", "”"), ('"', '"'), ("「", "」"), ("『", "』"))
_INNER_TO_SINGLE = str.maketrans({"“": "‘", "”": "’", '"': "'", "「": "『", "」": "』"})


@bp.app_template_filter("quotable")
def quotable(title: str | None) -> str:
    """A title fit to sit inside a notice's quotation marks: a title wholly in quotes loses them and quotes
    within it become single ones, as Chinese and English nest quotes (“‘青春心向党’青年座谈会”), so no notice
    shows doubled marks. Every message template that quotes a title uses it."""
    text = (title or "").strip()
    for opening, closing in _QUOTE_PAIRS:
        inner = text[1:-1]
        wrapped = len(text) > 1 and text[0] == opening and text[-1] == closing
        if wrapped and opening not in inner and closing not in inner:
            text = inner
            break
    return text.translate(_INNER_TO_SINGLE)


@bp.app_template_filter("notification_kind")
def notification_kind(key: str) -> str:
    return kinds.label(key)


@bp.route("/notifications")
@access.signed_in
def inbox():
    unread_only = request.args.get("unread") == "1"
    page = services.inbox(current_user, unread_only=unread_only, page=page_arg())
    return render_template("reminders/inbox.html", page=page, unread_only=unread_only)


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@access.signed_in
def mark_read(notification_id: int):
    services.mark_read(current_user, notification_id)
    return _back("reminders.inbox")


@bp.route("/notifications/read-all", methods=["POST"])
@access.signed_in
def mark_all_read():
    count = services.mark_all_read(current_user)
    flash(ngettext("%(num)d notice marked read.", "%(num)d notices marked read.", count), "success")
    return redirect(url_for("reminders.inbox"))


@bp.route("/notifications/preferences", methods=["GET", "POST"])
@access.signed_in
def preferences():
    pref = services.preferences_for(current_user)
    optional_kinds = [kind for kind in kinds.all_kinds() if not kind.essential]
    form = PreferencesForm(obj=None if request.method == "POST" else pref)
    form.opted_out.choices = [(kind.key, str(kind.label)) for kind in optional_kinds]
    if request.method == "GET":
        form.opted_out.data = list(pref.opted_out or [])
    webhook_available = bool(current_app.config.get("WEBHOOK_URL"))
    staff = services.has_work_role(current_user)
    saved = submitted(
        form,
        lambda: services.update_preferences(
            current_user,
            current_user,
            email=form.email.data,
            webhook=form.webhook.data and webhook_available,
            opted_out=form.opted_out.data or [],
            quiet_hours=form.quiet_hours.data,
            quiet_start=form.quiet_start.data,
            quiet_end=form.quiet_end.data,
            digest=form.digest.data and staff,
        ),
    )
    if saved:
        flash(_("Your notification settings are saved."), "success")
        return redirect(url_for("reminders.preferences"))
    return form_page(
        "reminders/preferences.html",
        form,
        webhook_available=webhook_available,
        staff=staff,
        default_quiet=(current_app.config["QUIET_HOURS_START"], current_app.config["QUIET_HOURS_END"]),
        has_email=bool(current_user.email),
    )


@bp.route("/notifications/test", methods=["POST"])
@access.signed_in
def send_test():
    rows = services.send_test(current_user)
    channels = ", ".join(str(CHANNEL_LABELS[Channel(row.channel)]) for row in rows)
    flash(_("A test notice is on its way (%(channels)s).", channels=channels), "success")
    return redirect(url_for("reminders.preferences"))


@bp.route("/admin/outbox")
@access.roles(Role.ADMIN)
def outbox():
    filters = services.OutboxFilter.from_args(request.args)
    page = services.outbox(current_user, filters, page=page_arg())
    return render_template(
        "reminders/outbox.html",
        page=page,
        filters=filters,
        subjects=audit.name_records(current_user, [(row.subject_type, row.subject_id) for row in page.items]),
        counts=services.outbox_counts(current_user),
        statuses=list(Status),
        status_labels=STATUS_LABELS,
        channel_labels=CHANNEL_LABELS,
        kinds=kinds.all_kinds(),
    )


@bp.route("/admin/outbox/<int:notification_id>/retry", methods=["POST"])
@access.roles(Role.ADMIN)
def retry(notification_id: int):
    services.retry(current_user, notification_id)
    flash(_("Notice #%(id)d will be sent again.", id=notification_id), "success")
    return _back("reminders.outbox")


@bp.route("/admin/outbox/<int:notification_id>/cancel", methods=["POST"])
@access.roles(Role.ADMIN)
def cancel(notification_id: int):
    services.cancel(current_user, notification_id, reason=request.form.get("reason", ""))
    flash(_("Notice #%(id)d cancelled.", id=notification_id), "success")
    return _back("reminders.outbox")


def _describe_days(reader, ids) -> dict[str, audit.Named]:
    return {day: audit.Named(day) for day in ids}  # a digest is about a day: the date is its name


audit.register_record_type("notification", label=_l("Notice"))
audit.register_record_type("day", label=_l("Day"), describe=_describe_days)
navigation.add_menu_link(_l("Outbox"), "reminders.outbox", Role.ADMIN, group="admin")
navigation.add_home_card(
    _l("Notices"),
    _l("Reminders and notices reach you here, by email or in a group robot; choose how and when."),
    tuple(Role),
    [(_l("Inbox"), "reminders.inbox"), (_l("Notification settings"), "reminders.preferences")],
)
