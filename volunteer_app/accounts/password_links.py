"""Set-password links: how a person whose account was made for them (an imported volunteer, someone who forgot
their password) gets a password without one being mailed or read out. Staff issue a link, shown once as a QR code
to scan on the spot; it is signed, lasts PASSWORD_LINK_HOURS, and works once: it names the password it replaces,
so setting a password (or any other change of it) ends it."""

from __future__ import annotations

import hashlib
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.security import generate_password_hash

from volunteer_app.accounts.models import User
from volunteer_app.accounts.services import end_every_session
from volunteer_app.core import audit
from volunteer_app.core.errors import Invalid, NotFound
from volunteer_app.core.policy import Actor, require
from volunteer_app.core.urls import public_url
from volunteer_app.extensions import db

SALT = "set-password"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _fingerprint(user: User) -> str:
    """Changes whenever the password does, so a used link (or one issued before a change) no longer works."""
    return hashlib.sha256(f"{user.id}:{user.password_hash}".encode()).hexdigest()[:16]


def issue(actor: Actor, user_id: int) -> tuple[User, str]:
    """The link for `user_id`, to show its owner (audited; nothing is sent)."""
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None:
        raise NotFound(_("No such user."))
    require(actor, "user.password_link", user)
    token = _serializer().dumps({"user": user.id, "fp": _fingerprint(user)})
    audit.record(actor, "update", "user", user.id, detail={"password_link": "issued"})
    db.session.commit()
    return user, public_url("accounts.set_password", token=token)


def holder(token: str, now: datetime | None = None) -> User:
    """The user a link is for, while it is good."""
    hours = current_app.config["PASSWORD_LINK_HOURS"]
    try:
        data = _serializer().loads(token, max_age=hours * 3600)
    except SignatureExpired:
        raise Invalid(_("This link has expired. Ask the Youth League staff for a new one.")) from None
    except BadSignature:
        raise NotFound(_("This link is not valid.")) from None
    user = db.session.get(User, data.get("user")) if isinstance(data, dict) else None
    if user is None or not user.active or data.get("fp") != _fingerprint(user):
        raise Invalid(_("This link has been used or replaced. Ask the Youth League staff for a new one."))
    return user


def set_password(token: str, password: str, confirm: str) -> User:
    """Sets the password the link is for; every session and token of the account ends."""
    user = holder(token)
    errors = {}
    if len(password or "") < current_app.config["PASSWORD_MIN_LENGTH"]:
        errors["password"] = [
            _("The password needs at least %(n)d characters.", n=current_app.config["PASSWORD_MIN_LENGTH"])
        ]
    elif password != confirm:
        errors["confirm"] = [_("The two passwords differ.")]
    if errors:
        raise Invalid(errors)
    user.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])
    end_every_session(user)
    audit.record(user, "update", "user", user.id, detail={"password_link": "used"})
    db.session.commit()
    return user
