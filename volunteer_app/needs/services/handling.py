"""接单: the assignee (or town staff) accepts or declines a need, works it, posts progress replies the raiser sees
and notes for those handling it, and closes it with what was done. Each step is a change of status recorded with
who, when and why (`change_status`), in one transaction with its notices."""

from __future__ import annotations

from flask_babel import gettext as _

from volunteer_app.core.errors import Conflict, Invalid
from volunteer_app.core.policy import SYSTEM, Actor, require
from volunteer_app.core.text import clean_text
from volunteer_app.core.time import utcnow
from volunteer_app.extensions import db
from volunteer_app.needs import notices, scope
from volunteer_app.needs.models import Need, NeedUpdate
from volunteer_app.needs.services.common import change_status, find_need
from volunteer_app.needs.vocabulary import Status, UpdateKind

TEXT_MAX = 2000
ASSIGNEE_COLUMNS = ("team_id", "youth_group_id", "service_point_id", "deputy_id")


def _required_text(field: str, text: object, message: str) -> str:
    cleaned = clean_text(text if isinstance(text, str) else "")
    if not cleaned:
        raise Invalid({field: [message]})
    if len(cleaned) > TEXT_MAX:
        raise Invalid({field: [_("Keep it under %(n)d characters.", n=TEXT_MAX)]})
    return cleaned


def _handled(actor: Actor, need_id: object) -> Need:
    need = find_need(actor, need_id, for_update=True)
    require(actor, "need.handle", need)
    return need


def accept(actor: Actor, need_id: object) -> Need:
    """The assignee takes the need on; its deadline keeps running."""
    need = _handled(actor, need_id)
    change_status(actor, need, Status.ACCEPTED, public=True)
    need.accepted_at = utcnow()
    db.session.commit()
    return need


def decline(actor: Actor, need_id: object, reason: object) -> Need:
    """The assignee hands the need back with a reason: it returns to the dispatch queue and leaves the assignee's
    list (the history keeps who declined and why, and staff are told)."""
    need = _handled(actor, need_id)
    reason = _required_text("reason", reason, _("Say why the need is declined."))
    change_status(actor, need, Status.DECLINED, reason=reason)
    for column in ASSIGNEE_COLUMNS:
        setattr(need, column, None)
    need.assignee_kind = None
    need.department = ""
    need.deadline = need.assigned_at = need.accepted_at = None
    notices.withdraw_deadline_notices(need)
    notices.declined(need)
    db.session.commit()
    return need


def start(actor: Actor, need_id: object) -> Need:
    need = _handled(actor, need_id)
    change_status(actor, need, Status.IN_PROGRESS, public=True)
    db.session.commit()
    return need


def reply(actor: Actor, need_id: object, text: object, *, public: bool = True) -> NeedUpdate:
    """A progress reply the raiser reads on the status page, or (`public=False`) a note kept for staff and the
    assignee. A merged need takes none: its raiser follows the need it was merged into."""
    need = _handled(actor, need_id)
    text = _required_text("text", text, _("Write the reply."))
    if need.status == Status.MERGED:
        raise Conflict(_("This need was merged into another: reply there."))
    update = NeedUpdate(
        kind=(UpdateKind.REPLY if public else UpdateKind.NOTE).value,
        text=text,
        public=public,
        actor_id=None if actor is SYSTEM else actor.id,
    )
    need.updates.append(update)
    need.updated_at = utcnow()
    db.session.commit()
    return update


def close(actor: Actor, need_id: object, outcome: object) -> Need:
    """Closes an accepted or in-progress need with what was done (shown to the raiser, who may then rate it).
    A need reopened for review is closed again by staff only."""
    need = _handled(actor, need_id)
    outcome = _required_text("outcome", outcome, _("Say what was done."))
    if need.status == Status.REOPENED and not scope.staff_for(actor, need):
        raise Conflict(_("Town staff review a reopened need before it is closed again."))
    change_status(actor, need, Status.CLOSED, reason=outcome, public=True)
    need.outcome = outcome
    need.closed_at = utcnow()
    need.times_closed += 1
    notices.withdraw_deadline_notices(need)
    db.session.commit()
    return need
