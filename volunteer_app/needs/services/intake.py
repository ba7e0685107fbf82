"""The doors a need comes in by, besides receptions and meetings: the public form (anyone, no account), staff
entering one on someone's behalf from a phone call or a youth governance group, and a social worker raising one
found on a household visit. Each checks who may use it and what it links to, then calls `create_need`."""

from __future__ import annotations

from dataclasses import replace

import sqlalchemy as sa
from flask_babel import gettext as _

from volunteer_app.accounts import staff_scope
from volunteer_app.core import audit
from volunteer_app.core.errors import Errors, NotFound, raise_if
from volunteer_app.core.ids import valid_id
from volunteer_app.core.policy import Actor, require
from volunteer_app.extensions import db
from volunteer_app.needs import scope
from volunteer_app.needs.models import Need
from volunteer_app.needs.services.photos import check_photo, store_photo
from volunteer_app.needs.services.raising import NeedInput, create_need
from volunteer_app.needs.vocabulary import Source
from volunteer_app.organisations.models import YouthGroup
from volunteer_app.organisations.services import community_choices
from volunteer_app.socialwork import scope as socialwork_scope
from volunteer_app.socialwork.models import Household, Visit
from volunteer_app.socialwork.services import active_consent
from volunteer_app.socialwork.vocabulary import ConsentPurpose

# The sources staff pick on the intake page; receptions, meetings and visits have doors of their own.
ON_BEHALF = (Source.PHONE, Source.YOUTH_GROUP)


def raise_public(data: NeedInput, photo: bytes | None = None, *, actor: Actor | None = None) -> Need:
    """点单 on the public form, by anyone, without an account. A signed-in raiser (`actor`) is kept as such, so
    the need is among those they reach."""
    return _raise(actor, data, Source.PUBLIC, {}, photo)


def raise_for(
    actor: Actor, data: NeedInput, source: object, source_group_id: object = None, photo: bytes | None = None
) -> Need:
    """A need entered on someone's behalf: staff from a phone call or a youth group (League staff of a community
    for their communities), a member of a youth governance group for their own group."""
    errors: Errors = {}
    if source not in ON_BEHALF:
        raise_if({"source": [_("Choose where the need came from.")]})
    source = Source(source)
    require(actor, "need.raise_for", source)
    links: dict = {}
    if source == Source.YOUTH_GROUP:
        links["source_group_id"] = _source_group(actor, source_group_id, errors)
    elif source_group_id not in (None, ""):
        errors["source_group_id"] = [_("Only a need collected by a youth governance group names one.")]
    if valid_id(data.community_id) and data.community_id not in {c for c, _name in intake_communities(actor)}:
        errors["community_id"] = [_("Choose one of your communities.")]
    return _raise(actor, data, source, links, photo, errors)


def raise_from_visit(actor: Actor, visit_id: object, data: NeedInput, share_household: bool = False) -> Need:
    """A need a social worker found on a household visit. The need is in the household's community and keeps the
    household and the visit for the social-work side; whoever handles it sees the household only when it is
    shared, which takes the household's consent to share its information. No field of the household is copied
    into the need, and its contact is the social worker, never the household."""
    require(actor, "need.raise_for", Source.VISIT)
    visit = visit_in_scope(actor, visit_id)
    household = visit.household
    errors: Errors = {}
    if share_household and not household_consents_to_sharing(household.id):
        errors["share_household"] = [
            _("The household has not consented to sharing its information. Raise the need without it.")
        ]
    data = replace(data, community_id=household.community_id, contact_name=None, contact_phone=None, may_contact=False)
    links = {"household_id": household.id, "visit_id": visit.id, "household_shared": bool(share_household)}
    need = create_need(actor, data, source=Source.VISIT, errors=errors, **links)
    audit.record(
        actor,
        "create",
        "need",
        need.id,
        detail={"household": household.id, "visit": visit.id, "shared": bool(share_household)},
    )
    db.session.commit()
    return need


def visit_in_scope(actor: Actor, visit_id: object) -> Visit:
    """The visit, if its household is in the actor's social-work scope; otherwise NotFound, as for no visit."""
    visit = None
    if valid_id(visit_id):
        visit = db.session.scalar(
            sa.select(Visit)
            .join(Household, Household.id == Visit.household_id)
            .where(Visit.id == visit_id, socialwork_scope.household_scope(actor))
        )
    if visit is None:
        raise NotFound(_("No such visit."))
    return visit


def household_consents_to_sharing(household_id: int) -> bool:
    """Whether the household's current consent allows sharing its information with others (a referral's)."""
    return active_consent(household_id, ConsentPurpose.REFERRAL) is not None


def youth_groups_for(actor: Actor) -> list[YouthGroup]:
    """The groups the actor may name as a need's source: every group for town-wide staff, their communities' for
    community staff, their own for a member."""
    query = sa.select(YouthGroup).order_by(YouthGroup.id)
    if not scope.town_staff(actor):
        own = [group for group, _community in scope.youth_groups(actor)]
        query = query.where(
            sa.or_(YouthGroup.id.in_(own), YouthGroup.community_id.in_(sorted(staff_scope.community_ids(actor))))
        )
    return list(db.session.scalars(query))


def intake_communities(actor: Actor) -> list[tuple[int, str]]:
    """The communities a need entered on someone's behalf may be in: League staff of a community enter their
    communities' needs (those they then dispatch); anyone else any community."""
    choices = community_choices()
    if not scope.town_staff(actor) and (mine := staff_scope.community_ids(actor)):
        return [choice for choice in choices if choice[0] in mine]
    return choices


def _source_group(actor: Actor, group_id: object, errors: Errors) -> int | None:
    if valid_id(group_id) and any(group.id == int(group_id) for group in youth_groups_for(actor)):
        return int(group_id)
    errors["source_group_id"] = [_("Choose the youth governance group from the list.")]
    return None


def _raise(
    actor: Actor | None, data: NeedInput, source: Source, links: dict, photo: bytes | None, errors: Errors | None = None
) -> Need:
    errors = {} if errors is None else errors
    kind = check_photo(photo, errors)
    need = create_need(actor, data, source=source, errors=errors, **links)
    if photo is not None and kind is not None:
        store_photo(need, photo, kind)
    db.session.commit()
    return need
