"""/api/v1/receptions: the deputies' receptions (town staff; a deputy reads those they are on duty at), and the
visitors recorded there, each becoming a need."""

from __future__ import annotations

from flask.views import MethodView

from volunteer_app.accounts import access
from volunteer_app.accounts.models import TOWN_STAFF, Role
from volunteer_app.api import page_of
from volunteer_app.needs import services
from volunteer_app.needs.api.common import blp
from volunteer_app.needs.schemas import receptions as s


@blp.route("/receptions")
class Receptions(MethodView):
    @access.roles(*TOWN_STAFF, Role.DEPUTY)
    @blp.arguments(s.ReceptionArgs, location="query")
    @blp.response(200, page_of(s.ReceptionSchema))
    def get(self, args):
        """Recorded receptions, latest first: by `station_id`, `from` and `to` (dates), `q` (station name)."""
        return services.list_receptions(access.current_actor(), **args)

    @access.town_staff
    @blp.arguments(s.ReceptionInSchema)
    @blp.response(200, s.ReceptionSchema)
    def post(self, body):
        """The station's reception on `day`, recorded now if it was not yet (only on a date its rule gives); the
        deputies on duty start as the station's deputies."""
        return services.open_reception(access.current_actor(), body["station_id"], body["day"])


@blp.route("/receptions/<int:reception_id>/visitors")
class ReceptionVisitors(MethodView):
    @access.town_staff
    @blp.arguments(s.VisitorInSchema)
    @blp.response(201, s.VisitorSchema)
    def post(self, body, reception_id):
        """Record a visitor and what they raised: the visitor and a need (source reception) in one transaction."""
        visitor, need = services.record_visitor(access.current_actor(), reception_id, services.VisitorInput(**body))
        return {
            "id": visitor.id,
            "reception_id": visitor.reception_id,
            "name": visitor.name,
            "phone": visitor.phone,
            "raised": visitor.raised,
            "deputy_id": visitor.deputy_id,
            "need_id": need.id,
            "tracking_number": need.tracking_number,
            "need_status": need.status,
        }
