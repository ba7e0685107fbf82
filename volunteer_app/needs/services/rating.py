"""评单: the raiser rates one round of handling, 1 to 5 with a comment, on the status page, or staff record a rating
given by phone. A rating of 1 or 2 reopens the need for staff to review, recorded like every change of status."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from volunteer_app.core.errors import Conflict, Errors, raise_if
from volunteer_app.core.policy import SYSTEM, Actor, require
from volunteer_app.core.text import clean_text
from volunteer_app.extensions import db
from volunteer_app.needs import notices
from volunteer_app.needs.models import Need, NeedRating
from volunteer_app.needs.services.common import by_tracking_number, change_status, find_need, followed
from volunteer_app.needs.vocabulary import Status

COMMENT_MAX = 1000
REVIEW_BELOW = 3  # ratings under this reopen the need for review


def rate_by_tracking_number(tracking_number: str, *, stars: object, comment: str = "") -> NeedRating:
    """The raiser's own rating, from the status page or the public API: the tracking number is their key."""
    return _rate(SYSTEM, by_tracking_number(tracking_number), stars=stars, comment=comment, recorded_by=None)


def record_rating(actor: Actor, need_id: object, *, stars: object, comment: str = "") -> NeedRating:
    """A rating the raiser gave staff by phone."""
    need = find_need(actor, need_id)
    require(actor, "need.dispatch", need)
    return _rate(actor, need, stars=stars, comment=comment, recorded_by=actor)


def rating_of(raised: Need) -> NeedRating | None:
    """The rating already given for the current round of the need this raiser follows, if any."""
    target = followed(raised)
    return db.session.scalar(
        sa.select(NeedRating).where(NeedRating.raised_need_id == raised.id, NeedRating.round == target.times_closed)
    )


def _rate(actor: Actor, raised: Need, *, stars: object, comment: str, recorded_by: Actor | None) -> NeedRating:
    target = followed(raised)
    errors: Errors = {}
    try:
        value = int(stars)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        errors["stars"] = [_("Give 1 to 5 stars.")]
    text = clean_text(comment)
    if len(text) > COMMENT_MAX:
        errors["comment"] = [_("Keep it under %(n)d characters.", n=COMMENT_MAX)]
    raise_if(errors)
    if target.status != Status.CLOSED:
        raise Conflict(_("A need can be rated once it is closed."))
    if rating_of(raised) is not None:
        raise Conflict(_("This handling has been rated already."))
    rating = NeedRating(
        need_id=target.id,
        raised_need_id=raised.id,
        round=target.times_closed,
        stars=value,
        comment=text,
        recorded_by_id=getattr(recorded_by, "id", None),
    )
    db.session.add(rating)
    if value < REVIEW_BELOW:
        change_status(
            actor,
            target,
            Status.REOPENED,
            reason=_("Rated %(n)d of 5: reopened for staff to review.", n=value),
            public=True,
        )
        notices.reopened(target)
    db.session.commit()
    return rating
