"""/api/v1: team reservations of a role's places, and finding cover for a role short of people."""

from __future__ import annotations

from flask.views import MethodView

from volunteer_app.accounts import access
from volunteer_app.accounts.access import current_actor
from volunteer_app.api import page_of
from volunteer_app.events import cover, reservations
from volunteer_app.events import schemas as s
from volunteer_app.events.api import blp


@blp.route("/roles/<int:role_id>/find-cover")
class FindCover(MethodView):
    @access.signed_in
    @blp.arguments(s.FindCoverInSchema)
    @blp.response(200, s.CoverRequestSchema(many=True))
    def post(self, body, role_id):
        """Ask up to `count` volunteers to cover a role short of people (organisers): those meeting its requirements,
        with no clashing place, of its community or town, least recently asked first; never anyone signed up or
        asked before for this role, never more than the free places (409 when the role is full). Answers who."""
        return cover.find_cover(current_actor(), role_id, count=body["count"])


@blp.route("/roles/<int:role_id>/cover-requests")
class CoverRequests(MethodView):
    @access.signed_in
    @blp.arguments(s.CoverArgs, location="query")
    @blp.response(200, page_of(s.CoverRequestSchema))
    def get(self, args, role_id):
        """Who was asked to cover the role, newest first, with their sign-up since (`q`: a name)."""
        return cover.cover_requests(current_actor(), role_id, **args)


@blp.route("/roles/<int:role_id>/reservations")
class Reservations(MethodView):
    @access.signed_in
    @blp.arguments(s.ReservationArgs, location="query")
    @blp.response(200, page_of(s.ReservationSchema))
    def get(self, args, role_id):
        """A role's team reservations, open first: all for the event's organisers, their own teams' for leaders."""
        return reservations.list_reservations(current_actor(), role_id, **args)

    @access.signed_in
    @blp.arguments(s.ReservationInSchema)
    @blp.response(201, s.ReservationSchema)
    def post(self, body, role_id):
        """Reserve `places` of the role for a team until `fill_by` (the team's leaders, or staff). The places count
        as taken at once; 422 beyond the places free, with a fill-by time past or after the session's start, or for
        a team the event is not for; 409 while the team already holds places of this role."""
        return reservations.reserve(current_actor(), role_id, **body)


@blp.route("/roles/<int:role_id>/reservations/<int:reservation_id>")
class ReservationById(MethodView):
    @access.signed_in
    @blp.response(200, s.ReservationSchema)
    def get(self, role_id, reservation_id):
        return reservations.get_reservation(current_actor(), role_id, reservation_id)

    @access.signed_in
    @blp.arguments(s.ReservationPatchSchema)
    @blp.response(200, s.ReservationSchema)
    def patch(self, body, role_id, reservation_id):
        """Set the names filling the reservation: `volunteer_ids` is the full list (new names are signed up,
        confirmed; names left out are cancelled and their places return to the reservation). Each new name is
        checked as a sign-up (a member of the team, the role's requirements, no clashing place, not signed up
        already); any refusal refuses the whole list (422, one message per name)."""
        return reservations.fill(current_actor(), role_id, reservation_id, body["volunteer_ids"])

    @access.signed_in
    @blp.response(204)
    def delete(self, role_id, reservation_id):
        """Release the unfilled places now: they go to the waitlist in order. The names filled keep their places."""
        reservations.release(current_actor(), role_id, reservation_id)
