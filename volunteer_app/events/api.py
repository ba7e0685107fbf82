"""/api/v1 endpoints for events, sign-ups, attendance, hours, enrolments, recurrence and calendar feeds.
Thin: parse with a schema (schemas.py), call one service, dump."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from volunteer_app.accounts import access
from volunteer_app.accounts.models import TOWN_STAFF
from volunteer_app.api import PageArgs, page_of
from volunteer_app.core.urls import public_url
from volunteer_app.events import (
    calendar,
    certificate_limits,
    confirmations,
    cover,
    enrolments,
    feeds,
    hours,
    offers,
    reservations,
    services,
    signups,
    team_signups,
)
from volunteer_app.events import schemas as s
from volunteer_app.events.models import SignupStatus

blp = Blueprint(
    "events_api",
    __name__,
    url_prefix="/api/v1",
    description="Events, sessions, roles, sign-ups and waitlists, attendance, service hours, enrolments, calendars",
)


def _actor():
    return access.current_actor()


# ---------------------------------------------------------------------------------------------- events


@blp.route("/events")
class Events(MethodView):
    @access.signed_in
    @blp.arguments(s.EventArgs, location="query")
    @blp.response(200, page_of(s.EventSummarySchema))
    def get(self, args):
        """Events: `from`/`to` (an event overlapping the range), `kind`, `community_id`, `team_id`, `status`, `q` (title
        or place; from three characters an index finds them). In start order; by `page`, or after the cursor `after`
        (the answer's `next`). `total` is counted up to a cap: past it `total_exact` is false."""
        paging = {name: args.pop(name) for name in ("page", "per_page", "after")}
        return services.list_events(_actor(), services.EventFilter(**args), **paging)

    @access.signed_in
    @blp.arguments(s.EventInSchema)
    @blp.response(201, s.EventSchema)
    def post(self, body):
        """Create an event with its sessions and roles (staff; team leaders for their own team)."""
        event = services.create_event(_actor(), **body)
        return services.get_event(_actor(), event.id)


@blp.route("/events/<int:event_id>")
class EventById(MethodView):
    @access.signed_in
    @blp.response(200, s.EventSchema)
    def get(self, event_id):
        return services.get_event(_actor(), event_id)

    @access.signed_in
    @blp.arguments(s.EventPatchSchema(partial=True))
    @blp.response(200, s.EventSchema)
    def patch(self, body, event_id):
        """Change fields; `status` publishes, completes or cancels (with `cancel_reason`)."""
        services.update_event(_actor(), event_id, **body)
        return services.get_event(_actor(), event_id)


@blp.route("/events/<int:event_id>/sessions")
class EventSessions(MethodView):
    @access.signed_in
    @blp.arguments(s.NewSessionSchema)
    @blp.response(201, s.SessionSchema)
    def post(self, body, event_id):
        session = services.add_session(_actor(), event_id, **body)
        return services.get_session(_actor(), session.id)


@blp.route("/sessions/<int:session_id>")
class SessionById(MethodView):
    @access.signed_in
    @blp.response(200, s.SessionSchema)
    def get(self, session_id):
        session = services.get_session(_actor(), session_id)
        services.attach_role_counts([session])
        return session

    @access.signed_in
    @blp.arguments(s.SessionPatchSchema)
    @blp.response(200, s.SessionSchema)
    def patch(self, body, session_id):
        session = services.update_session(_actor(), session_id, **body)
        services.attach_role_counts([session])
        return session

    @access.signed_in
    @blp.response(204)
    def delete(self, session_id):
        services.delete_session(_actor(), session_id)


@blp.route("/sessions/<int:session_id>/roles")
class SessionRoles(MethodView):
    @access.signed_in
    @blp.arguments(s.NewRoleSchema)
    @blp.response(201, s.RoleSchema)
    def post(self, body, session_id):
        role = services.add_role(_actor(), session_id, **body)
        return services.get_role(_actor(), role.id)


@blp.route("/roles/<int:role_id>")
class RoleById(MethodView):
    @access.signed_in
    @blp.response(200, s.RoleSchema)
    def get(self, role_id):
        return services.get_role(_actor(), role_id)

    @access.signed_in
    @blp.arguments(s.RolePatchSchema(partial=True))
    @blp.response(200, s.RoleSchema)
    def patch(self, body, role_id):
        """Change a role; more places promote volunteers from the waitlist."""
        services.update_role(_actor(), role_id, **body)
        return services.get_role(_actor(), role_id)

    @access.signed_in
    @blp.response(204)
    def delete(self, role_id):
        services.delete_role(_actor(), role_id)


# ---------------------------------------------------------------------------------------------- sign-ups


@blp.route("/signups")
class Signups(MethodView):
    @access.signed_in
    @blp.arguments(s.SignupArgs, location="query")
    @blp.response(200, page_of(s.SignupDetailSchema))
    def get(self, args):
        """A role's roster, confirmed first then the waitlist in order (organisers)."""
        return signups.list_for_role(_actor(), args.pop("role_id"), **args)

    @access.signed_in
    @blp.arguments(s.SignupInSchema)
    @blp.response(201, s.SignupSchema)
    def post(self, body):
        """Sign up for a role (or, as a team leader, sign a member up with `volunteer_id`). The answer says at once
        whether the place is confirmed or waitlisted, and at which position. Refusals are 409 with a reason code:
        event_cancelled, event_not_open, signup_not_open, signup_closed, requirement_not_met, already_signed_up,
        overlapping_place."""
        return signups.sign_up(_actor(), body["role_id"], volunteer_id=body.get("volunteer_id"))


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
        results = team_signups.bulk_sign_up(_actor(), body["role_id"], ids)
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
        return signups.get_signup(_actor(), signup_id)

    @access.signed_in
    @blp.response(204)
    def delete(self, signup_id):
        """Cancel a sign-up; a freed place goes to the first on the waitlist at once."""
        signups.cancel(_actor(), signup_id)


@blp.route("/signups/<int:signup_id>/accept")
class AcceptOffer(MethodView):
    @access.signed_in
    @blp.response(200, s.SignupDetailSchema)
    def post(self, signup_id):
        """Accept an offered place (status `offered`, before `offer_expires_at`): it becomes confirmed. 409 once
        the offer has lapsed or been answered."""
        offers.accept(_actor(), signup_id)
        return signups.get_signup(_actor(), signup_id)


@blp.route("/signups/<int:signup_id>/decline")
class DeclineOffer(MethodView):
    @access.signed_in
    @blp.response(200, s.SignupDetailSchema)
    def post(self, signup_id):
        """Decline an offered place: it is cancelled and the place is offered to the next on the waitlist."""
        offers.decline(_actor(), signup_id)
        return signups.get_signup(_actor(), signup_id)


@blp.route("/signups/<int:signup_id>/confirm-attendance")
class ConfirmAttendance(MethodView):
    @access.signed_in
    @blp.response(200, s.SignupDetailSchema)
    def post(self, signup_id):
        """Answer "still coming?" with yes: the confirmed place stays, `attendance_confirmed_at` is set."""
        confirmations.confirm_attendance(_actor(), signup_id)
        return signups.get_signup(_actor(), signup_id)


@blp.route("/signups/<int:signup_id>/withdraw-attendance")
class WithdrawAttendance(MethodView):
    @access.signed_in
    @blp.response(200, s.SignupDetailSchema)
    def post(self, signup_id):
        """Answer "still coming?" with no: the place is cancelled and goes on to the waitlist."""
        confirmations.withdraw_attendance(_actor(), signup_id)
        return signups.get_signup(_actor(), signup_id)


@blp.route("/roles/<int:role_id>/release-unanswered")
class ReleaseUnanswered(MethodView):
    @access.signed_in
    @blp.response(200, s.CountSchema)
    def post(self, role_id):
        """Organisers release the places of volunteers who have not answered "still coming?" (from half the window
        after the question on); each goes on to the waitlist."""
        return {"count": confirmations.release_unanswered(_actor(), role_id)}


@blp.route("/roles/<int:role_id>/find-cover")
class FindCover(MethodView):
    @access.signed_in
    @blp.arguments(s.FindCoverInSchema)
    @blp.response(200, s.CoverRequestSchema(many=True))
    def post(self, body, role_id):
        """Ask up to `count` volunteers to cover a role short of people (organisers): those meeting its requirements,
        with no clashing place, of its community or town, least recently asked first; never anyone signed up or
        asked before for this role, never more than the free places (409 when the role is full). Answers who."""
        return cover.find_cover(_actor(), role_id, count=body["count"])


@blp.route("/roles/<int:role_id>/cover-requests")
class CoverRequests(MethodView):
    @access.signed_in
    @blp.arguments(s.CoverArgs, location="query")
    @blp.response(200, page_of(s.CoverRequestSchema))
    def get(self, args, role_id):
        """Who was asked to cover the role, newest first, with their sign-up since (`q`: a name)."""
        return cover.cover_requests(_actor(), role_id, **args)


@blp.route("/roles/<int:role_id>/reservations")
class Reservations(MethodView):
    @access.signed_in
    @blp.arguments(s.ReservationArgs, location="query")
    @blp.response(200, page_of(s.ReservationSchema))
    def get(self, args, role_id):
        """A role's team reservations, open first: all for the event's organisers, their own teams' for leaders."""
        return reservations.list_reservations(_actor(), role_id, **args)

    @access.signed_in
    @blp.arguments(s.ReservationInSchema)
    @blp.response(201, s.ReservationSchema)
    def post(self, body, role_id):
        """Reserve `places` of the role for a team until `fill_by` (the team's leaders, or staff). The places count
        as taken at once; 422 beyond the places free, with a fill-by time past or after the session's start, or for
        a team the event is not for; 409 while the team already holds places of this role."""
        return reservations.reserve(_actor(), role_id, **body)


@blp.route("/roles/<int:role_id>/reservations/<int:reservation_id>")
class ReservationById(MethodView):
    @access.signed_in
    @blp.response(200, s.ReservationSchema)
    def get(self, role_id, reservation_id):
        return reservations.get_reservation(_actor(), role_id, reservation_id)

    @access.signed_in
    @blp.arguments(s.ReservationPatchSchema)
    @blp.response(200, s.ReservationSchema)
    def patch(self, body, role_id, reservation_id):
        """Set the names filling the reservation: `volunteer_ids` is the full list (new names are signed up,
        confirmed; names left out are cancelled and their places return to the reservation). Each new name is
        checked as a sign-up (a member of the team, the role's requirements, no clashing place, not signed up
        already); any refusal refuses the whole list (422, one message per name)."""
        return reservations.fill(_actor(), role_id, reservation_id, body["volunteer_ids"])

    @access.signed_in
    @blp.response(204)
    def delete(self, role_id, reservation_id):
        """Release the unfilled places now: they go to the waitlist in order. The names filled keep their places."""
        reservations.release(_actor(), role_id, reservation_id)


@blp.route("/me/signups")
class MySignups(MethodView):
    @access.signed_in
    @blp.arguments(s.MySignupArgs, location="query")
    @blp.response(200, page_of(s.SignupDetailSchema))
    def get(self, args):
        """My sign-ups in session order; `upcoming=true` leaves out sessions that are over."""
        from volunteer_app.core.time import utcnow

        upcoming = args.pop("upcoming")
        return signups.my_signups(_actor(), upcoming_from=utcnow() if upcoming else None, **args)


# ---------------------------------------------------------------------------------------------- attendance and hours


@blp.route("/checkins")
class Checkins(MethodView):
    @access.signed_in
    @blp.arguments(s.CheckinInSchema)
    @blp.response(200, s.CheckinSchema)
    def post(self, body):
        """Scan a session's code: the first scan checks in, the second checks out."""
        return hours.scan(_actor(), body["token"])


@blp.route("/sessions/<int:session_id>/attendance")
class Attendance(MethodView):
    @access.signed_in
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(s.AttendanceRowSchema))
    def get(self, args, session_id):
        """The attendance sheet: confirmed volunteers with check-in/out, computed and recorded hours."""
        page = signups.list_for_session(_actor(), session_id, **args)
        session = services.get_session(_actor(), session_id)
        recorded = hours.recorded_minutes([x.id for x in page.items])
        for signup in page.items:
            signup.computed_hours = round(hours.clipped_minutes(signup, session) / 60, 2)
            minutes = recorded.get(signup.id)
            signup.recorded_hours = None if minutes is None else round(minutes / 60, 2)
        return page

    @access.signed_in
    @blp.arguments(s.AttendanceInSchema)
    @blp.response(200, s.CountSchema)
    def post(self, body, session_id):
        """Mark many at once: present (the whole session), check_in, check_out (now) or clear."""
        return {"count": hours.mark_attendance(_actor(), session_id, body["signup_ids"], body["action"])}


@blp.route("/sessions/<int:session_id>/hours")
class ApproveHours(MethodView):
    @access.signed_in
    @blp.arguments(s.ApproveInSchema)
    @blp.response(200, s.ApprovalSchema)
    def post(self, body, session_id):
        """Approve the computed hours (all checked-out sign-ups, or `signup_ids`) into the ledger, once the session
        has ended; zero-hour rows are left out and listed in `zero_hours`."""
        return hours.approve_hours(_actor(), session_id, body.get("signup_ids"))


@blp.route("/signups/<int:signup_id>/hours-corrections")
class HoursCorrections(MethodView):
    @access.signed_in
    @blp.arguments(s.CorrectionInSchema)
    @blp.response(201, s.HoursCorrectionSchema)
    def post(self, body, signup_id):
        """Set a sign-up's hours, with a reason, once the session has ended and within its length plus a margin: a
        new ledger entry for the difference. A large increase is `pending` until a second staff member approves."""
        return hours.correct_hours(_actor(), signup_id, **body)


@blp.route("/signups/<int:signup_id>/no-show-correction")
class NoShowCorrection(MethodView):
    @access.signed_in
    @blp.arguments(s.NoShowCorrectionInSchema)
    @blp.response(200, s.SignupDetailSchema)
    def post(self, body, signup_id):
        """The volunteer recorded as a no-show came after all (organisers, with a `reason`): the place is confirmed
        again, so attendance and hours can be recorded."""
        hours.correct_no_show(_actor(), signup_id, reason=body["reason"])
        return signups.get_signup(_actor(), signup_id)


@blp.route("/me/attendance-record")
class MyAttendanceRecord(MethodView):
    @access.signed_in
    @blp.response(200, s.AttendanceRecordSchema)
    def get(self):
        """My places kept and no-shows over sessions whose no-shows were recorded; `rate` in percent."""
        return hours.attendance_record(_actor())


@blp.route("/volunteers/<int:volunteer_id>/attendance-record")
class VolunteerAttendanceRecord(MethodView):
    @access.signed_in
    @blp.response(200, s.AttendanceRecordSchema)
    def get(self, volunteer_id):
        """A volunteer's attendance record (staff, their team leaders, themself)."""
        return hours.attendance_record(_actor(), volunteer_id)


@blp.route("/certificates/<number>")
class CertificateVerification(MethodView):
    @access.public
    @certificate_limits.verify_limit
    @blp.response(200, s.CertificateVerificationSchema)
    @blp.doc(security=[])
    def get(self, number):
        """Verify a service-hours certificate by its number (ZS-XXXX-XXXX), without a login: what it certified and
        the holder's name masked, or `account_closed` with no name. Limited per address with the verify page."""
        return hours.verify_certificate(number), 200, {"Cache-Control": "no-store"}  # as the page: not kept


@blp.route("/hours-corrections")
class PendingCorrections(MethodView):
    @access.roles(*TOWN_STAFF)  # deciding corrections is town staff's (policy hours.correction.decide)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(s.HoursCorrectionSchema))
    def get(self, args):
        """Corrections waiting for a second staff member, oldest first (staff)."""
        return hours.pending_corrections(_actor(), **args)


@blp.route("/hours-corrections/<int:correction_id>/approval")
class CorrectionApproval(MethodView):
    @access.roles(*TOWN_STAFF)  # deciding corrections is town staff's (policy hours.correction.decide)
    @blp.response(200, s.HoursCorrectionSchema)
    def post(self, correction_id):
        """Approve a pending correction (staff other than who asked): its hours then count."""
        return hours.approve_correction(_actor(), correction_id)


@blp.route("/hours-corrections/<int:correction_id>/rejection")
class CorrectionRejection(MethodView):
    @access.roles(*TOWN_STAFF)  # deciding corrections is town staff's (policy hours.correction.decide)
    @blp.response(200, s.HoursCorrectionSchema)
    def post(self, correction_id):
        """Reject a pending correction (staff other than who asked): its hours never count."""
        return hours.reject_correction(_actor(), correction_id)


@blp.route("/me/hours")
class MyHours(MethodView):
    @access.signed_in
    @blp.response(200, s.HoursSummarySchema)
    def get(self):
        """My total service hours and star level."""
        return hours.summary(_actor())


@blp.route("/me/hours/entries")
class MyHoursEntries(MethodView):
    @access.signed_in
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(s.HoursEntrySchema))
    def get(self, args):
        return hours.ledger(_actor(), **args)


@blp.route("/volunteers/<int:volunteer_id>/hours")
class VolunteerHours(MethodView):
    @access.signed_in
    @blp.response(200, s.HoursSummarySchema)
    def get(self, volunteer_id):
        """A volunteer's hours (staff, their team leaders, themself)."""
        return hours.summary(_actor(), volunteer_id)


# ---------------------------------------------------------------------------------------------- enrolments


@blp.route("/events/<int:event_id>/enrolments")
class Enrolments(MethodView):
    @access.signed_in
    @blp.arguments(s.EnrolmentArgs, location="query")
    @blp.response(200, page_of(s.EnrolmentSchema))
    def get(self, args, event_id):
        """Enrolled beneficiaries; guardian phones in full for organisers, masked for the event's volunteers."""
        return enrolments.list_enrolments(_actor(), event_id, **args)

    @access.signed_in
    @blp.arguments(s.EnrolmentInSchema)
    @blp.response(201, s.EnrolmentSchema)
    def post(self, body, event_id):
        """Enrol a child (organisers): confirmed while places last, then waitlisted."""
        return enrolments.enrol(_actor(), event_id, **body)


@blp.route("/enrolments/<int:enrolment_id>")
class EnrolmentById(MethodView):
    @access.signed_in
    @blp.response(204)
    def delete(self, enrolment_id):
        enrolments.cancel(_actor(), enrolment_id)


# ---------------------------------------------------------------------------------------------- recurrence, holidays


@blp.route("/events/<int:event_id>/recurrence")
class EventRecurrence(MethodView):
    @access.signed_in
    @blp.arguments(s.RecurrenceInSchema)
    @blp.response(200, s.RecurrenceSchema)
    def put(self, body, event_id):
        """Make the event recurring: weekly on `weekdays`, or monthly on the `nth` of them (-1 = last)."""
        return calendar.set_recurrence(_actor(), event_id, **body)


@blp.route("/events/<int:event_id>/recurrence/generate")
class GenerateSessions(MethodView):
    @access.signed_in
    @blp.response(200, s.GeneratedSchema)
    def post(self, event_id):
        """Add the sessions the rule gives for the weeks ahead (holidays skipped, make-up days added if asked)."""
        added = calendar.generate_sessions(_actor(), event_id)
        services.attach_role_counts(added)
        return {"count": len(added), "sessions": added}


@blp.route("/holiday-overrides")
class HolidayOverrides(MethodView):
    @access.roles(*TOWN_STAFF)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(s.OverrideSchema))
    def get(self, args):
        return calendar.list_overrides(_actor(), **args)

    @access.roles(*TOWN_STAFF)
    @blp.arguments(s.OverrideInSchema)
    @blp.response(201, s.OverrideSchema)
    def post(self, body):
        """Make a date a holiday, a make-up working day, or ordinary (what the holiday package does not know)."""
        return calendar.set_override(_actor(), **body)


@blp.route("/holiday-overrides/<int:override_id>")
class HolidayOverrideById(MethodView):
    @access.roles(*TOWN_STAFF)
    @blp.response(204)
    def delete(self, override_id):
        calendar.delete_override(_actor(), override_id)


# ---------------------------------------------------------------------------------------------- feeds


def _feed_url(token: str) -> dict:
    return {"url": public_url("events.feed", token=token)}


@blp.route("/me/calendar-feed")
class MyFeed(MethodView):
    @access.signed_in
    @blp.response(200, s.FeedSchema)
    def get(self):
        """The secret URL of my iCal feed, for a phone calendar to subscribe to."""
        return _feed_url(feeds.feed_token(_actor(), "volunteer"))

    @access.signed_in
    @blp.response(200, s.FeedSchema)
    def delete(self):
        """Revoke my feed URL; the answer is the new one."""
        return _feed_url(feeds.revoke(_actor(), "volunteer"))


@blp.route("/teams/<int:team_id>/calendar-feed")
class TeamFeed(MethodView):
    @access.signed_in
    @blp.response(200, s.FeedSchema)
    def get(self, team_id):
        return _feed_url(feeds.feed_token(_actor(), "team", team_id))

    @access.signed_in
    @blp.response(200, s.FeedSchema)
    def delete(self, team_id):
        return _feed_url(feeds.revoke(_actor(), "team", team_id))


@blp.route("/communities/<int:community_id>/calendar-feed")
class CommunityFeed(MethodView):
    @access.roles(*TOWN_STAFF)
    @blp.response(200, s.FeedSchema)
    def get(self, community_id):
        return _feed_url(feeds.feed_token(_actor(), "community", community_id))

    @access.roles(*TOWN_STAFF)
    @blp.response(200, s.FeedSchema)
    def delete(self, community_id):
        return _feed_url(feeds.revoke(_actor(), "community", community_id))
