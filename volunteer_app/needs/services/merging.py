"""Staff merge a duplicate into the need that stays (the raisers of both then follow that one, see
`followed`), and reopen a closed need with a public reason: a closed need is never reopened silently."""

from __future__ import annotations

from flask_babel import gettext as _

from volunteer_app.core.errors import Conflict, Invalid, NotFound
from volunteer_app.core.policy import SYSTEM, Actor, can, require
from volunteer_app.core.text import clean_text
from volunteer_app.core.time import utcnow
from volunteer_app.extensions import db
from volunteer_app.needs import notices, scope
from volunteer_app.needs.models import Need, NeedUpdate
from volunteer_app.needs.services.common import change_status, find_need, normalise_tracking_number
from volunteer_app.needs.services.handling import ASSIGNEE_COLUMNS, TEXT_MAX
from volunteer_app.needs.vocabulary import Status, UpdateKind

# Needs that may still take in a duplicate: not merged away, not closed.
SURVIVING = (Status.NEW, Status.ASSIGNED, Status.ACCEPTED, Status.IN_PROGRESS, Status.DECLINED, Status.REOPENED)


def merge_target(actor: Actor, number: object) -> int:
    """The id of the need a tracking number names, as typed on the page; a field error when none is reached."""
    tracking = normalise_tracking_number(number if isinstance(number, str) else "")
    found = db.session.scalar(scope.needs(actor).where(Need.tracking_number == tracking)) if tracking else None
    if found is None:
        raise Invalid({"into": [_("No need you can reach has this tracking number.")]})
    return found.id


def merge(actor: Actor, need_id: object, into_id: object, reason: object = "") -> Need:
    """Merges a need waiting for dispatch or assigned into another open need. Both histories say so; the merged
    one leaves its assignee's list, and its raiser follows the other from then on."""
    need = find_need(actor, need_id, for_update=True)
    require(actor, "need.dispatch", need)
    reason = clean_text(reason if isinstance(reason, str) else "")
    if len(reason) > TEXT_MAX:
        raise Invalid({"reason": [_("Keep it under %(n)d characters.", n=TEXT_MAX)]})
    try:
        into = find_need(actor, into_id, for_update=True)
    except NotFound:
        into = None
    # Staff of one community merge within the needs they dispatch, not into one they only raised.
    if into is None or not can(actor, "need.dispatch", into):
        raise Invalid({"into_id": [_("No need you can reach has this number.")]})
    if into.id == need.id:
        raise Conflict(_("A need cannot be merged into itself."))
    # A merged need is never a target, so no chain of merges can lead back to where it started.
    if into.status not in SURVIVING:
        raise Conflict(_("A need can only be merged into one that is still open."))
    # Tracking numbers are the raisers' keys: the lines naming them are kept off the public status pages.
    merged_line = _join(_("Merged into %(number)s.", number=into.tracking_number), reason)
    with db.session.no_autoflush:  # the status and its target reach the database together (a CHECK pairs them)
        change_status(actor, need, Status.MERGED, reason=merged_line)
        need.merged_into = into
    for column in ASSIGNEE_COLUMNS:
        setattr(need, column, None)
    need.assignee_kind = None
    need.department = ""
    need.deadline = None
    into.updates.append(
        NeedUpdate(
            kind=UpdateKind.NOTE.value,
            text=_join(_("%(number)s was merged into this need.", number=need.tracking_number), reason),
            actor_id=None if actor is SYSTEM else actor.id,
        )
    )
    into.updated_at = utcnow()
    notices.withdraw_deadline_notices(need)
    db.session.commit()
    return need


def _join(sentence: str, reason: str) -> str:
    # Chinese runs on after its full stop; English takes a space.
    space = "" if sentence.endswith(("。", "！", "？")) else " "
    return f"{sentence}{space}{reason}" if reason else sentence


def reopen(actor: Actor, need_id: object, reason: object) -> Need:
    """Staff reopen a closed need, saying why; the reason is public."""
    need = find_need(actor, need_id, for_update=True)
    require(actor, "need.dispatch", need)
    text = clean_text(reason if isinstance(reason, str) else "")
    if not text:
        raise Invalid({"reason": [_("Say why the need is reopened.")]})
    if len(text) > TEXT_MAX:
        raise Invalid({"reason": [_("Keep it under %(n)d characters.", n=TEXT_MAX)]})
    change_status(actor, need, Status.REOPENED, reason=text, public=True)
    db.session.commit()
    return need
