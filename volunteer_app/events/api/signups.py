"""/api/v1: sign-ups and team sign-ups, offered places, answers to "still coming?", my sign-ups."""

from __future__ import annotations

from collections.abc import Callable

from flask.views import MethodView

from volunteer_app.accounts import access
from volunteer_app.accounts.access import current_actor
from volunteer_app.api import page_of
from volunteer_app.core.policy import Actor
from volunteer_app.core.time import utcnow
from volunteer_app.events import confirmations, offers, signups, team_signups
from volunteer_app.events import schemas as s
from volunteer_app.events.api import blp
from volunteer_app.events.models import SignupStatus


@blp.route("/signups")
class Signups(MethodView):
    @access.signed_in
    @blp.arguments(s.SignupArgs, location="query")
    @blp.response(200, page_of(s.SignupDetailSchema))
    def get(self, args):
        """A role's roster, confirmed first then the waitlist in order (organisers)."""
        return signups.list_for_role(current_actor(), args.pop("role_id"), **args)

    @access.signed_in
    @blp.arguments(s.SignupInSchema)
    @blp.response(201, s.SignupSchema)
    def post(self, body):
        """Sign up for a role (or, as a team leader, sign a member up with `volunteer_id`). The answer says at once
        whether the place is confirmed or waitlisted, and at which position. Refusals are 409 with a reason code:
        event_cancelled, event_not_open, signup_not_open, signup_closed, requirement_not_met, already_signed_up,
        overlapping_place."""
        return signups.sign_up(current_actor(), body["role_id"], volunteer_id=body.get("volunteer_id"))


@blp.route("/signups/bulk")
class BulkSignups(MethodView):
    @access.signed_in
    @blp.arguments(s.BulkSignupInSchema)
    @blp.response(200, s.BulkSchema)
    def post(self, body):
        """Sign many volunteers up in one step: `volunteer_ids`, or `team_id` for all current members of a team."""
        ids = list(body["volunteer_ids"])
        if body.get("team_id"):
            ids += team_signups.team_member_ids(body["team_id"])
        results = team_signups.bulk_sign_up(current_actor(), body["role_id"], ids)
        return {
            "results": results,
            "confirmed": sum(r.status == SignupStatus.CONFIRMED for r in results),
            "waitlisted": sum(r.status == SignupStatus.WAITLISTED for r in results),
            "refused": sum(r.problem is not None for r in results),
        }


@blp.route("/signups/<int:signup_id>")
class SignupById(MethodView):
    @access.signed_in
    @blp.response(200, s.SignupDetailSchema)
    def get(self, signup_id):
        return signups.get_signup(current_actor(), signup_id)

    @access.signed_in
    @blp.response(204)
    def delete(self, signup_id):
        """Cancel a sign-up; a freed place goes to the first on the waitlist at once."""
        signups.cancel(current_actor(), signup_id)


def _signup_step(path: str, name: str, step: Callable[[Actor, int], object], doc: str) -> None:
    """Routes POST `path` to a view named `name` (endpoint events_api.<name>, documented by `doc`): `step` on the
    sign-up by whoever is signed in, answered with the sign-up as it then stands. Answering an offer and answering
    "still coming?" are all this."""

    def post(self, signup_id):
        step(current_actor(), signup_id)
        return signups.get_signup(current_actor(), signup_id)

    post.__doc__ = doc  # before the decorators, which copy it and give it to the OpenAPI document
    view = access.signed_in(blp.response(200, s.SignupDetailSchema)(post))
    blp.route(path)(type(name, (MethodView,), {"post": view, "__module__": __name__}))


_signup_step(
    "/signups/<int:signup_id>/accept",
    "AcceptOffer",
    offers.accept,
    """Accept an offered place (status `offered`, before `offer_expires_at`): it becomes confirmed. 409 once
    the offer has lapsed or been answered.""",
)
_signup_step(
    "/signups/<int:signup_id>/decline",
    "DeclineOffer",
    offers.decline,
    """Decline an offered place: it is cancelled and the place is offered to the next on the waitlist.""",
)
_signup_step(
    "/signups/<int:signup_id>/confirm-attendance",
    "ConfirmAttendance",
    confirmations.confirm_attendance,
    """Answer "still coming?" with yes: the confirmed place stays, `attendance_confirmed_at` is set.""",
)
_signup_step(
    "/signups/<int:signup_id>/withdraw-attendance",
    "WithdrawAttendance",
    confirmations.withdraw_attendance,
    """Answer "still coming?" with no: the place is cancelled and goes on to the waitlist.""",
)


@blp.route("/roles/<int:role_id>/release-unanswered")
class ReleaseUnanswered(MethodView):
    @access.signed_in
    @blp.response(200, s.CountSchema)
    def post(self, role_id):
        """Organisers release the places of volunteers who have not answered "still coming?" (from half the window
        after the question on); each goes on to the waitlist."""
        return {"count": confirmations.release_unanswered(current_actor(), role_id)}


@blp.route("/me/signups")
class MySignups(MethodView):
    @access.signed_in
    @blp.arguments(s.MySignupArgs, location="query")
    @blp.response(200, page_of(s.SignupDetailSchema))
    def get(self, args):
        """My sign-ups in session order; `upcoming=true` leaves out sessions that are over."""

        upcoming = args.pop("upcoming")
        return signups.my_signups(current_actor(), upcoming_from=utcnow() if upcoming else None, **args)
