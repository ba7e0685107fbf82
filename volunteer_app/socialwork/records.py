"""How household records read in the audit log and the outbox (see `core.audit.register_record_type`).

A household is named as its file page names it (the head's name and the file number) and linked only for a reader
whose scope reaches the file; anyone else, an admin included, reads the file number alone: no member's name or
number leaves the scope through the log."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from volunteer_app.core import audit
from volunteer_app.core.time import to_local
from volunteer_app.extensions import db
from volunteer_app.socialwork import scope
from volunteer_app.socialwork.models import Consent, FollowUp, Household, HouseholdMember, Referral, Visit
from volunteer_app.socialwork.vocabulary import Relation


def _households(reader: Any, ids: Sequence[int]) -> dict[int, audit.Named]:
    if not ids:
        return {}
    reach = dict(
        db.session.execute(
            sa.select(Household.id, scope.household_scope(reader).label("reach")).where(Household.id.in_(ids))
        ).all()
    )
    heads = dict(
        db.session.execute(
            sa.select(HouseholdMember.household_id, HouseholdMember.name).where(
                HouseholdMember.household_id.in_([i for i, reached in reach.items() if reached]),
                HouseholdMember.relation == Relation.HEAD,
                HouseholdMember.left_on.is_(None),
            )
        ).all()
    )
    named = {}
    for household_id, reached in reach.items():
        number = _("Household file no. %(id)d", id=household_id)
        if reached:
            label = f"{heads.get(household_id) or '—'} · {number}"
            named[household_id] = audit.Named(label, url_for("socialwork.household", household_id=household_id))
        else:
            named[household_id] = audit.Named(number)
    return named


def describe_households(reader: Any, ids: Sequence[str]) -> Mapping[str, audit.Named]:
    return {str(k): v for k, v in _households(reader, audit.int_ids(ids)).items()}


def _in_a_household(model: Any) -> audit.Describer:
    """A record that belongs to one household (a member, consent, follow-up, referral) reads as that household."""

    def describe(reader: Any, ids: Sequence[str]) -> Mapping[str, audit.Named]:
        query = sa.select(model.id, model.household_id).where(model.id.in_(audit.int_ids(ids)))
        owners = dict(db.session.execute(query).all())
        households = _households(reader, sorted(set(owners.values())))
        return {str(k): households[v] for k, v in owners.items() if v in households}

    return describe


def describe_visits(reader: Any, ids: Sequence[str]) -> Mapping[str, audit.Named]:
    rows = db.session.execute(
        sa.select(Visit.id, Visit.household_id, Visit.visited_at).where(Visit.id.in_(audit.int_ids(ids)))
    ).all()
    households = _households(reader, sorted({r.household_id for r in rows}))
    named = {}
    for row in rows:
        household = households[row.household_id]
        label = _("Visit on %(day)s", day=to_local(row.visited_at).date().isoformat()) + f" · {household.label}"
        url = (
            url_for("socialwork.visit", household_id=row.household_id, visit_id=row.id) if household.url else None
        )
        named[str(row.id)] = audit.Named(label, url)
    return named


audit.register_record_type("household", "households", label=_l("Household file"), describe=describe_households)
audit.register_record_type("visit", "household_visits", label=_l("Visit"), describe=describe_visits)
audit.register_record_type(
    "household_member", "household_members", label=_l("Household member"), describe=_in_a_household(HouseholdMember)
)
audit.register_record_type("consent", "household_consents", label=_l("Consent"), describe=_in_a_household(Consent))
audit.register_record_type("follow_up", "follow_ups", label=_l("Follow-up"), describe=_in_a_household(FollowUp))
audit.register_record_type("referral", "referrals", label=_l("Referral"), describe=_in_a_household(Referral))
audit.register_record_type("welfare_policy", label=_l("Policy"))
audit.register_record_type("social_resource", label=_l("Charity resource"))
