"""A referral 转介 to a volunteer team becomes that team's draft event 活动: the social worker opens it in one step,
the team's leaders are told, plan it (sessions, roles) and publish it.

Volunteers read events, so the event carries the household's community and the need, never who lives there or
where: no name, ID number, phone or street address."""

from __future__ import annotations

import re
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from volunteer_app.accounts.models import Role
from volunteer_app.accounts.services import grant_holders
from volunteer_app.core import audit
from volunteer_app.core.errors import Conflict, Errors, raise_if
from volunteer_app.core.policy import SYSTEM, Actor, require
from volunteer_app.core.text import clean_text
from volunteer_app.core.time import utcnow
from volunteer_app.events import services as events
from volunteer_app.events.models import Audience, EventKind
from volunteer_app.extensions import db
from volunteer_app.socialwork import labels, notices
from volunteer_app.socialwork.models import Household, Referral
from volunteer_app.socialwork.services.common import event as file_event
from volunteer_app.socialwork.services.common import (
    household_for,
    writable,
)
from volunteer_app.socialwork.services.consents import referral_of
from volunteer_app.socialwork.vocabulary import OPEN_REFERRAL_STATUSES, ReferralStatus, ReferralTarget

# Help at one household's home has no event kind of its own. "party_tuesday" goes door to door too, but it is the
# Party members' weekly duty of hearing residents out, and calling this that would mislabel it in the town's
# numbers; "other" is the honest kind.
KIND = EventKind.OTHER
# Numbers are written with spaces, dashes or brackets as often as without.
_SEPARATORS = re.compile(r"[\s\-()（）]")


def _default_title(referral: Referral) -> str:
    if referral.need:
        return _("Home help: %(need)s", need=str(labels.NEED.get(referral.need, referral.need)))
    return _("Home help")


def _names_the_household(household: Household, value: str) -> bool:
    """Whether text meant for volunteers gives away a member's name, ID or phone number, or the address on file.
    It catches the usual slips, not every way of pointing at a home; the form asks the worker for the rest."""
    squeezed = _SEPARATORS.sub("", value).upper()
    for member in household.members:
        if len(member.name) >= 2 and member.name in value:  # one character would match half the town
            return True
        if any(number and number.upper() in squeezed for number in (member.id_number, member.phone)):
            return True
    address = _SEPARATORS.sub("", household.address or "").upper()
    return bool(address) and address in squeezed


def _require_convertible(referral: Referral) -> None:
    if referral.target_kind != ReferralTarget.TEAM:
        raise Conflict(_("Only a referral to a volunteer team can become an event."))
    if not referral.is_open:
        raise Conflict(_("This referral is closed."))
    if referral.event_id is not None:
        raise Conflict(_("This referral has already become an event."))


def _claim(referral: Referral, now: datetime) -> bool:
    """Takes the referral for this transaction, or says another one got there first (a double click sends two
    requests). The guarded UPDATE holds the row lock on PostgreSQL and the write lock on SQLite until the commit,
    and a second request's UPDATE waits for it and then finds the event already linked."""
    result = db.session.execute(
        sa.update(Referral)
        .where(
            Referral.id == referral.id,
            Referral.event_id.is_(None),
            Referral.status.in_([s.value for s in OPEN_REFERRAL_STATUSES]),
        )
        .values(updated_at=now)
    )
    return result.rowcount == 1


def event_from_referral(
    actor: Actor,
    household_id: int,
    referral_id: int,
    *,
    title: str | None = None,
    description: str | None = None,
    now: datetime | None = None,
) -> Referral:
    """Opens a draft event of the team an open referral went to, in the household's community, links it to the
    referral (which is then in progress) and tells the team's leaders. `title` defaults to the need ("Home help:
    Care"), `description` to the referral's reason; neither may name the household."""
    household = household_for(actor, household_id)
    require(actor, "referral.manage", household)
    writable(household)
    referral = referral_of(household, referral_id)
    _require_convertible(referral)
    title = clean_text(title, 200) or _default_title(referral)
    description = clean_text(description, 500) or referral.reason
    errors: Errors = {}
    for field, value in (("title", title), ("description", description)):
        if _names_the_household(household, value):
            errors[field] = [_("Volunteers will read this: leave out names, ID and phone numbers and the address.")]
    raise_if(errors)
    now = now or utcnow()
    if not _claim(referral, now):
        db.session.rollback()
        raise Conflict(_("This referral has already become an event."))
    # The worker is authorised by the referral (referral.manage on a household in their scope), not by
    # event.create, which is for organisers; so the events domain creates the event on the system's behalf and
    # still validates it. created_by stays empty: the worker does not organise the event, its team's leaders do.
    # commit=False keeps the event, the link and the notices in this one transaction: all of them or none.
    event = events.create_event(
        SYSTEM,
        title=title,
        kind=KIND,
        team_id=referral.team_id,
        community_id=household.community_id,
        description=description,
        # The team was asked, and a home visit is work for its own volunteers; its leader may open it wider.
        audience=Audience.TEAMS,
        audience_team_ids=[referral.team_id],
        commit=False,
    )
    referral.event_id = event.id
    if referral.status in (ReferralStatus.REQUESTED, ReferralStatus.ACCEPTED):
        # The team has taken the referral on by planning for it, so it skips "accepted" if still requested.
        referral.status = ReferralStatus.IN_PROGRESS.value
    referral.updated_at = now
    file_event(household, actor, "referral_event", referral=referral.id, event=event.id)
    audit.record(actor, "update", "referral", referral.id,
                 detail={"household": household.id, "event": event.id, "status": referral.status})  # fmt: skip
    notices.tell_team_leaders(
        event, grant_holders(Role.TEAM_LEADER, "team", referral.team_id), need=referral.need, now=now
    )
    db.session.commit()
    return referral
