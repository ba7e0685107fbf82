"""How accounts read in the audit log and the outbox (see `core.audit.register_record_type`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from volunteer_app.accounts.models import User
from volunteer_app.core import audit
from volunteer_app.core.policy import can
from volunteer_app.extensions import db


def describe_users(reader: Any, ids: Sequence[str]) -> Mapping[str, audit.Named]:
    named = {}
    for user in db.session.scalars(sa.select(User).where(User.id.in_(audit.int_ids(ids)))):
        url = url_for("accounts.user_detail", user_id=user.id) if can(reader, "user.view", user) else None
        named[str(user.id)] = audit.Named(f"{user.display_name} ({user.username})", url)
    return named


audit.register_record_type("user", "users", label=_l("User"), describe=describe_users)
