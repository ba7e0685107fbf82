"""Raising a need through the API (anyone without a token; staff with one, also on someone's behalf) and following
it by its tracking number (public, nothing personal). Function routes with their methods, so that the handling
API's operations on the same paths live beside them."""

from __future__ import annotations

from flask_babel import gettext as _

from volunteer_app.accounts import access
from volunteer_app.core.errors import Invalid
from volunteer_app.needs import limits, services
from volunteer_app.needs.api.common import blp
from volunteer_app.needs.schemas import public as s

PUBLIC_OR_TOKEN = [{}, {"bearerAuth": []}]


def _has_token() -> bool:
    return access.current_actor() is not None


@blp.route("/needs", methods=["POST"], endpoint="raise_need")
@access.public
@limits.public_form("need-raise", "contact_phone", exempt_when=_has_token)
@blp.arguments(s.NeedInSchema)
@blp.response(201, s.RaisedSchema)
@blp.doc(security=PUBLIC_OR_TOKEN)
def raise_need(body):
    """Raise a need (点单). Without a token: as a resident or enterprise, on the public form's rules (limited per
    address and per phone). With a token, `source` (phone, youth_group) enters it on someone's behalf."""
    actor = access.current_actor()
    source, group_id = body.pop("source", None), body.pop("source_group_id", None)
    data = services.NeedInput(**body)
    if source is None:
        if group_id is not None:
            raise Invalid({"source_group_id": [_("Only a need collected by a youth governance group names one.")]})
        return services.raise_public(data, actor=actor)
    if actor is None:
        raise Invalid({"source": [_("Only staff raise a need on someone's behalf; leave it out.")]})
    return services.raise_for(actor, data, source, group_id)


@blp.route("/needs/track/<tracking_number>", methods=["GET"], endpoint="track_need")
@access.public
@blp.response(200, s.PublicStatusSchema)
@blp.doc(security=[])
def track_need(tracking_number):
    """A need's progress by its tracking number: steps, public history, outcome, rating. Nothing personal."""
    return services.public_status(tracking_number)


@blp.route("/needs/track/<tracking_number>/rate", methods=["POST"], endpoint="rate_need")
@access.public
@blp.arguments(s.RateSchema)
@blp.response(201, s.PublicStatusSchema)
@blp.doc(security=[])
def rate_need(body, tracking_number):
    """评单: the raiser rates a closed need's handling 1-5 (1 or 2 reopens it for staff to review), once a round."""
    services.rate_by_tracking_number(tracking_number, **body)
    return services.public_status(tracking_number)
