"""When volunteers are needed, the team a need is assigned to turns it into a draft event of its own (a clean-up,
a visit): the event is linked to the need both ways, and the service hours approved on it count toward the need.

Volunteers read events, so the event carries the need's category, community and place, never the raiser's name
or phone, nor a household; its tracking number stays off it too (it is the raiser's key)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from volunteer_app.core.errors import Conflict
from volunteer_app.core.policy import SYSTEM, Actor, require
from volunteer_app.core.text import clean_text
from volunteer_app.core.time import utcnow
from volunteer_app.events import services as events
from volunteer_app.events.models import Audience, Event, EventKind
from volunteer_app.extensions import db
from volunteer_app.needs import scope
from volunteer_app.needs.models import Need, NeedUpdate
from volunteer_app.needs.services.common import change_status, find_need
from volunteer_app.needs.vocabulary import CATEGORY_LABELS, Assignee, Category, Status, UpdateKind

TITLE_MAX = 200
DESCRIPTION_MAX = 500
# The event kind a need of a category most often becomes; anything else is "other", which the leader may change.
KIND_OF_CATEGORY = {Category.ENVIRONMENT: EventKind.CLEANUP, Category.PUBLIC_SAFETY: EventKind.PATROL}


def default_event_title(need: Need) -> str:
    return _("%(category)s in %(community)s", category=CATEGORY_LABELS[Category(need.category)],
             community=need.community.name)  # fmt: skip


def to_event(actor: Actor, need_id: object, *, title: object = None, description: object = None) -> Event:
    """Opens a draft event of the team the need is assigned to, in the need's community and place, links it to the
    need (one event per need) and moves an accepted need to in progress. The team's leader (or staff) acts; the
    leader then adds sessions and roles and publishes it."""
    need = find_need(actor, need_id, for_update=True)
    require(actor, "need.handle", need)
    if need.assignee_kind != Assignee.TEAM or need.team_id is None:
        raise Conflict(_("Only a need assigned to a volunteer team can become its event."))
    if need.event_id is not None:
        raise Conflict(_("This need has an event already."))
    if need.status not in (Status.ACCEPTED, Status.IN_PROGRESS):
        raise Conflict(_("Accept the need before turning it into an event."))
    now = utcnow()
    # A double click sends two requests: the guarded UPDATE lets one of them link an event.
    claimed = db.session.execute(
        sa.update(Need).where(Need.id == need.id, Need.event_id.is_(None)).values(updated_at=now)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        raise Conflict(_("This need has an event already."))
    event = events.create_event(
        actor,
        title=clean_text(title if isinstance(title, str) else "", TITLE_MAX) or default_event_title(need),
        kind=KIND_OF_CATEGORY.get(Category(need.category), EventKind.OTHER),
        team_id=need.team_id,
        community_id=need.community_id,
        place=need.place,
        description=clean_text(description if isinstance(description, str) else "", DESCRIPTION_MAX),
        # Asked of the team: its own volunteers first; its leader may open it wider before publishing.
        audience=Audience.TEAMS,
        audience_team_ids=[need.team_id],
        commit=False,
        now=now,
    )
    need.event_id = event.id
    line = _("Volunteers are organising an event for it: %(title)s", title=event.title)
    if need.status == Status.ACCEPTED:
        change_status(actor, need, Status.IN_PROGRESS, reason=line, public=True)
    else:
        need.updates.append(
            NeedUpdate(kind=UpdateKind.REPLY.value, text=line, public=True,
                       actor_id=None if actor is SYSTEM else actor.id)
        )  # fmt: skip
    db.session.commit()
    return event


def needs_served_by(actor: Actor, event_id: int) -> list[Need]:
    """The needs an event serves that the actor reaches (the event's page links back to them)."""
    return list(db.session.scalars(scope.needs(actor).where(Need.event_id == event_id).order_by(Need.id)))
