"""A person's own contact details (name, email address, language), and an admin setting someone's address.

An address a person gives is not used until they prove it is theirs: it waits in `User.pending_email` while a
signed, expiring link goes to it through the outbox (kind `email_confirmation`, the one kind sent to the pending
address); `User.email`, where every notice goes, changes only when the link comes back. Until then the old address
(or none) stays in use. A new request replaces the pending address, and a link for any other address is refused.

Admins set an address directly, without a confirmation: they create the accounts and answer for the details they
enter (as `create_user` already takes an email), and the change is audited. Phone numbers are login identifiers
(unique, checked at registration) and stay out of the profile: an admin changes them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from volunteer_app.accounts.addresses import clean_email
from volunteer_app.accounts.models import User
from volunteer_app.core import audit
from volunteer_app.core.errors import Invalid, NotFound
from volunteer_app.core.policy import require
from volunteer_app.core.time import utcnow
from volunteer_app.extensions import db
from volunteer_app.reminders import kinds
from volunteer_app.reminders.models import Channel, Notification
from volunteer_app.reminders.services import cancel_planned, notify

# Essential and urgent: the person just asked for it, so neither an opt-out nor quiet hours hold it back.
EMAIL_CONFIRMATION = kinds.register(
    kinds.Kind(
        "email_confirmation", _l("Confirm your email address"), essential=True, urgent=True,
        template="accounts/messages/email_confirmation", to_pending_email=True,
    )
)  # fmt: skip
SALT = "shanzhi.email-confirmation"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def confirmation_link(user: User, address: str) -> str:
    """An absolute link from PUBLIC_BASE_URL (never the request's Host, which a client chooses)."""
    token = _serializer().dumps({"user": user.id, "email": address})
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/profile/email/confirm/{token}"


def _links_sent_since(user: User, since: datetime) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).where(
            Notification.recipient_id == user.id,
            Notification.kind == EMAIL_CONFIRMATION.key,
            Notification.created_at >= since,
        )
    ) or 0


def _ask_to_confirm(user: User, address: str, now: datetime) -> None:
    """Plans the link to `address` in the caller's transaction; links sent to an earlier address stop going out."""
    if _links_sent_since(user, now - timedelta(days=1)) >= current_app.config["EMAIL_CONFIRM_MAX_PER_DAY"]:
        raise Invalid({"email": [_("Too many confirmation links were sent today. Try again tomorrow.")]})
    cancel_planned(user, kinds=[EMAIL_CONFIRMATION.key], recipient=user, reason="a newer address was given")
    user.pending_email = address
    hours = current_app.config["EMAIL_CONFIRM_MAX_AGE_HOURS"]
    notify(
        user, EMAIL_CONFIRMATION.key, subject=user, when=now,
        context={"address": address, "link": confirmation_link(user, address), "hours": hours},
        channels=[Channel.EMAIL.value],
    )  # fmt: skip


def update_profile(
    actor: User,
    *,
    display_name: str | None = None,
    email: str | None = None,
    locale: str | None = None,
    now: datetime | None = None,
) -> User:
    """Changes the actor's own details; a field left None stays as it is. A new email address waits for its
    confirmation; an empty one removes the address (no link needed to stop receiving mail)."""
    require(actor, "profile.update", actor)
    now = now or utcnow()
    errors: dict[str, list[str]] = {}
    changes: dict[str, Any] = {}
    if display_name is not None:
        name = display_name.strip()
        if not name or len(name) > 80:
            errors["display_name"] = [_("Give a name of 1 to 80 characters.")]
        elif name != actor.display_name:
            changes["display_name"] = name
    if locale is not None and locale != actor.locale:
        if locale not in current_app.config["LANGUAGES"]:
            errors["locale"] = [_("Unknown language.")]
        else:
            changes["locale"] = locale
    address = clean_email(errors, email) if email is not None else None
    if errors:
        raise Invalid(errors)
    detail: dict[str, Any] = {"fields": sorted(changes)}
    if email is not None:
        if address is None and (actor.email or actor.pending_email):
            actor.email = actor.pending_email = None
            cancel_planned(actor, kinds=[EMAIL_CONFIRMATION.key], recipient=actor, reason="address removed")
            detail["email"] = "removed"
        elif address is not None and address == actor.email and actor.pending_email:
            actor.pending_email = None  # back to the address in use: nothing to confirm
            cancel_planned(actor, kinds=[EMAIL_CONFIRMATION.key], recipient=actor, reason="address kept")
            detail["email"] = "kept"
        elif address is not None and address not in (actor.email, actor.pending_email):
            _ask_to_confirm(actor, address, now)  # first: it may refuse, and then nothing has changed
            detail["email"] = "confirmation sent"
    for field, value in changes.items():
        setattr(actor, field, value)
    if changes or "email" in detail:
        audit.record(actor, "update", "user", actor.id, detail=detail)  # addresses stay out of the log
    db.session.commit()
    return actor


def resend_confirmation(actor: User, now: datetime | None = None) -> User:
    """Sends a fresh link to the address waiting for confirmation."""
    require(actor, "profile.update", actor)
    if not actor.pending_email:
        raise Invalid({"email": [_("No address is waiting for confirmation.")]})
    _ask_to_confirm(actor, actor.pending_email, now or utcnow())
    db.session.commit()
    return actor


def read_confirmation(token: str) -> tuple[User, str]:
    """The user and the address a link confirms, while it is still good: signed by this site, not older than
    EMAIL_CONFIRM_MAX_AGE_HOURS, and for the address that user is still waiting to confirm."""
    max_age = int(current_app.config["EMAIL_CONFIRM_MAX_AGE_HOURS"] * 3600)
    try:
        data = _serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        raise Invalid({"token": [_("This link has expired. Ask for a new one on your profile page.")]}) from None
    except BadSignature:
        raise Invalid({"token": [_("This link is not valid.")]}) from None
    user_id, address = (data.get("user"), data.get("email")) if isinstance(data, dict) else (None, None)
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not isinstance(address, str) or user.pending_email != address:
        raise Invalid({"token": [_("This link is no longer valid: the address was confirmed or changed since.")]})
    return user, address


def confirm_email(token: str, *, actor: User | None = None) -> User:
    """Makes the pending address the one in use. Through the API the token must belong to the caller; the page
    route takes the link alone, as it arrives in the mailbox it proves."""
    user, address = read_confirmation(token)
    if actor is not None and actor.id != user.id:
        raise Invalid({"token": [_("This link is for another account.")]})
    user.email, user.pending_email = address, None
    audit.record(actor or user, "update", "user", user.id, detail={"email": "confirmed"})
    db.session.commit()
    return user


def set_email(actor: User, user_id: int, email: str | None) -> User:
    """An admin sets someone's address; it is in use at once (see the module's note) and any pending one is
    dropped."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("No such user."))
    require(actor, "user.update", user)
    errors: dict[str, list[str]] = {}
    address = clean_email(errors, email)
    if errors:
        raise Invalid(errors)
    if (user.email, user.pending_email) != (address, None):
        user.email, user.pending_email = address, None
        cancel_planned(user, kinds=[EMAIL_CONFIRMATION.key], recipient=user, reason="set by an administrator")
        audit.record(actor, "update", "user", user.id, detail={"email": "set" if address else "removed"})
    db.session.commit()
    return user
