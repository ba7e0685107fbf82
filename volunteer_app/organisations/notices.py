"""The organisations registry's notices through the reminders outbox: a youth governance group that became
incomplete, to the League staff who look after it."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from volunteer_app.accounts.models import Role, RoleGrant, User
from volunteer_app.extensions import db
from volunteer_app.organisations.models import YouthGroup
from volunteer_app.reminders import kinds
from volunteer_app.reminders.services import Planned, notify_many, subject_key

# Essential: a group that may no longer act is something its staff must hear of, whatever they opted out of.
GROUP_INCOMPLETE = kinds.register(
    kinds.Kind(
        "youth_group_incomplete", _l("A youth governance group became incomplete"), essential=True,
        template="organisations/messages/youth_group_incomplete",
    )
)  # fmt: skip


def group_staff(group: YouthGroup) -> list[int]:
    """Active League staff over the whole registry (a grant without scope) or over the group's community."""
    grants = RoleGrant.scope_kind.is_(None) | (
        (RoleGrant.scope_kind == "community") & (RoleGrant.scope_id == group.community_id)
    )
    return list(
        db.session.scalars(
            sa.select(User.id).distinct().join(User.grants)
            .where(User.active, RoleGrant.role == Role.LEAGUE_STAFF.value, grants)
            .order_by(User.id)
        )
    )  # fmt: skip


def tell_group_incomplete(group: YouthGroup, *, now: datetime) -> int:
    """Plans, in the caller's transaction, the notice that `group` lost a member it needs and is no longer active.
    `missing` holds parts and counts, worded when the notice is rendered, in the reader's language."""
    context = {
        "group_id": group.id,
        "group_name": group.name,
        "community": group.community.name,
        "missing": [[part.value, count] for part, count in group.missing.items()],
    }
    return notify_many(GROUP_INCOMPLETE, [Planned(uid, subject_key(group), now, context) for uid in group_staff(group)])
