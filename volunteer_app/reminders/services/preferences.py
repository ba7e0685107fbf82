"""A user's notification choices: the form's starting values, saving them, and a test notice to oneself."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time

from flask import current_app
from flask_babel import gettext as _

from volunteer_app.accounts.models import Role, User
from volunteer_app.core.errors import Errors, raise_if
from volunteer_app.core.policy import Actor, require
from volunteer_app.core.time import utcnow
from volunteer_app.extensions import db
from volunteer_app.reminders import kinds as kind_registry
from volunteer_app.reminders.models import Notification, NotificationPreference
from volunteer_app.reminders.services.planning import notify


def preferences_for(user: User) -> NotificationPreference:
    """The user's saved choices, or the defaults (not added to the session), for the preferences form."""
    pref = db.session.get(NotificationPreference, user.id)
    if pref is None:
        pref = NotificationPreference(
            user_id=user.id, email=True, webhook=False, opted_out=[], quiet_hours=True, digest=False
        )
    return pref


def has_work_role(user: User) -> bool:
    """Holds a role besides volunteer (social worker, team leader, League staff, admin): the morning digest is
    for them. Not `events.policy`'s town staff."""
    return any(role != Role.VOLUNTEER for role in user.roles)


def update_preferences(
    actor: Actor,
    user: User,
    *,
    email: bool,
    webhook: bool,
    opted_out: Iterable[str],
    quiet_hours: bool,
    quiet_start: time | None = None,
    quiet_end: time | None = None,
    digest: bool = False,
) -> NotificationPreference:
    require(actor, "notification.preferences", user)
    errors: Errors = {}
    chosen = sorted(set(opted_out))
    for key in chosen:
        try:
            spec = kind_registry.get(key)
        except LookupError:
            errors.setdefault("opted_out", []).append(_("Unknown kind of notice: %(kind)s", kind=key))
            continue
        if spec.essential:
            errors.setdefault("opted_out", []).append(
                _("%(kind)s is essential and cannot be switched off.", kind=spec.label)
            )
    if (quiet_start is None) != (quiet_end is None):
        errors.setdefault("quiet_end", []).append(_("Give both the start and the end of your quiet hours."))
    if digest and not has_work_role(user):
        errors.setdefault("digest", []).append(_("The morning digest is for staff."))
    if webhook and not current_app.config.get("WEBHOOK_URL"):
        errors.setdefault("webhook", []).append(_("No group robot is set up on this site."))
    raise_if(errors)
    pref = db.session.get(NotificationPreference, user.id)
    if pref is None:
        pref = NotificationPreference(user_id=user.id)
        db.session.add(pref)
    pref.email = email
    pref.webhook = webhook
    pref.opted_out = chosen
    pref.quiet_hours = quiet_hours
    pref.quiet_start = quiet_start
    pref.quiet_end = quiet_end
    pref.digest = digest
    db.session.commit()
    return pref


def send_test(actor: User, now: datetime | None = None) -> list[Notification]:
    """A test notice to oneself over every channel one uses; at most one a minute (the outbox key sees to it)."""
    require(actor, "notification.test", actor)
    now = (now or utcnow()).replace(second=0, microsecond=0)
    rows = notify(actor, kind_registry.TEST.key, ("user", actor.id), now, {"requested_at": now})
    db.session.commit()
    return rows
