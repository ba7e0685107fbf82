"""The one way a need comes into being, whatever door it came through (the public form, a reception, a youth
group, a household visit, a meeting, a phone call): its fields checked, a tracking number given, its first line
of history written. The doors (public form, staff intake, a visit, a reception, a meeting) call `create_need`
after checking who may use them and what they link to."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from volunteer_app.core.errors import Errors, raise_if
from volunteer_app.core.identity import is_mainland_mobile, normalise_phone
from volunteer_app.core.ids import valid_id
from volunteer_app.core.policy import SYSTEM, Actor
from volunteer_app.core.text import clean_text
from volunteer_app.extensions import db
from volunteer_app.needs.models import Need, NeedUpdate
from volunteer_app.needs.services.common import new_tracking_number
from volunteer_app.needs.vocabulary import Category, Source, Status, UpdateKind
from volunteer_app.organisations.models import Community

DESCRIPTION_MIN = 5
DESCRIPTION_MAX = 2000
PLACE_MAX = 200
NAME_MAX = 80


@dataclass(frozen=True)
class NeedInput:
    """What a raiser tells: the same fields on every door."""

    category: str
    community_id: object
    description: str
    place: str = ""
    contact_name: str | None = None
    contact_phone: str | None = None
    may_contact: bool = False


def check_need_input(data: NeedInput, errors: Errors) -> dict:
    """The fields cleaned, or their problems added to `errors` under each field's name."""
    if data.category not in Category.__members__.values():
        errors["category"] = [_("Choose a category from the list.")]
    community = db.session.get(Community, data.community_id) if valid_id(data.community_id) else None
    if community is None:
        errors["community_id"] = [_("Choose a community from the list.")]
    description = clean_text(data.description)
    if len(description) < DESCRIPTION_MIN:
        errors["description"] = [_("Say in a few words what is wrong (at least %(n)d characters).", n=DESCRIPTION_MIN)]
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = [_("Keep it under %(n)d characters.", n=DESCRIPTION_MAX)]
    place = clean_text(data.place)
    if len(place) > PLACE_MAX:
        errors["place"] = [_("Keep it under %(n)d characters.", n=PLACE_MAX)]
    name = clean_text(data.contact_name) or None
    if name is not None and len(name) > NAME_MAX:
        errors["contact_name"] = [_("Keep it under %(n)d characters.", n=NAME_MAX)]
    phone = normalise_phone(data.contact_phone) or None
    if phone is not None and not is_mainland_mobile(phone):
        errors["contact_phone"] = [_("Give an 11-digit mainland mobile number.")]
    if data.may_contact and phone is None:
        errors["contact_phone"] = [_("Give a phone number, or say we may not contact you.")]
    return {
        "category": data.category,
        "community_id": community.id if community is not None else None,
        "description": description,
        "place": place,
        "contact_name": name,
        "contact_phone": phone,
        "may_contact": bool(data.may_contact),
    }


def create_need(actor: Actor | None, data: NeedInput, *, source: Source, errors: Errors | None = None, **links) -> Need:
    """Adds the need to the session (the caller commits, so a door's own rows go in the same transaction).
    `errors` holds problems the door found already, so every problem is shown at once. `links` are Need columns
    naming where it came from (source_group_id, household_id, visit_id, reception_visitor_id, meeting_id, ...),
    checked by the door."""
    errors = {} if errors is None else errors
    fields = check_need_input(data, errors)
    raise_if(errors)
    signed_in = actor is not None and actor is not SYSTEM and getattr(actor, "is_authenticated", False)
    need = Need(
        tracking_number=new_tracking_number(),
        source=source.value,
        status=Status.NEW.value,
        raised_by_id=actor.id if signed_in else None,
        **fields,
        **links,
    )
    need.updates.append(
        NeedUpdate(
            kind=UpdateKind.STATUS.value,
            to_status=Status.NEW.value,
            public=True,
            actor_id=need.raised_by_id,
        )
    )
    db.session.add(need)
    db.session.flush()
    return need
