"""/api/v1: check-ins, attendance sheets, service hours and their corrections, attendance records, certificates."""

from __future__ import annotations

from flask.views import MethodView

from volunteer_app.accounts import access
from volunteer_app.accounts.access import current_actor
from volunteer_app.accounts.models import TOWN_STAFF
from volunteer_app.api import PageArgs, page_of
from volunteer_app.events import certificate_limits, hours, services, signups
from volunteer_app.events import schemas as s
from volunteer_app.events.api import blp


@blp.route("/checkins")
class Checkins(MethodView):
    @access.signed_in
    @blp.arguments(s.CheckinInSchema)
    @blp.response(200, s.CheckinSchema)
    def post(self, body):
        """Scan a session's code: the first scan checks in, the second checks out."""
        return hours.scan(current_actor(), body["token"])


@blp.route("/sessions/<int:session_id>/attendance")
class Attendance(MethodView):
    @access.signed_in
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(s.AttendanceRowSchema))
    def get(self, args, session_id):
        """The attendance sheet: confirmed volunteers with check-in/out, computed and recorded hours."""
        page = signups.list_for_session(current_actor(), session_id, **args)
        session = services.get_session(current_actor(), session_id)
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
        return {"count": hours.mark_attendance(current_actor(), session_id, body["signup_ids"], body["action"])}


@blp.route("/sessions/<int:session_id>/hours")
class ApproveHours(MethodView):
    @access.signed_in
    @blp.arguments(s.ApproveInSchema)
    @blp.response(200, s.ApprovalSchema)
    def post(self, body, session_id):
        """Approve the computed hours (all checked-out sign-ups, or `signup_ids`) into the ledger, once the session
        has ended; zero-hour rows are left out and listed in `zero_hours`."""
        return hours.approve_hours(current_actor(), session_id, body.get("signup_ids"))


@blp.route("/signups/<int:signup_id>/hours-corrections")
class HoursCorrections(MethodView):
    @access.signed_in
    @blp.arguments(s.CorrectionInSchema)
    @blp.response(201, s.HoursCorrectionSchema)
    def post(self, body, signup_id):
        """Set a sign-up's hours, with a reason, once the session has ended and within its length plus a margin: a
        new ledger entry for the difference. A large increase is `pending` until a second staff member approves."""
        return hours.correct_hours(current_actor(), signup_id, **body)


@blp.route("/signups/<int:signup_id>/no-show-correction")
class NoShowCorrection(MethodView):
    @access.signed_in
    @blp.arguments(s.NoShowCorrectionInSchema)
    @blp.response(200, s.SignupDetailSchema)
    def post(self, body, signup_id):
        """The volunteer recorded as a no-show came after all (organisers, with a `reason`): the place is confirmed
        again, so attendance and hours can be recorded."""
        hours.correct_no_show(current_actor(), signup_id, reason=body["reason"])
        return signups.get_signup(current_actor(), signup_id)


@blp.route("/me/attendance-record")
class MyAttendanceRecord(MethodView):
    @access.signed_in
    @blp.response(200, s.AttendanceRecordSchema)
    def get(self):
        """My places kept and no-shows over sessions whose no-shows were recorded; `rate` in percent."""
        return hours.attendance_record(current_actor())


@blp.route("/volunteers/<int:volunteer_id>/attendance-record")
class VolunteerAttendanceRecord(MethodView):
    @access.signed_in
    @blp.response(200, s.AttendanceRecordSchema)
    def get(self, volunteer_id):
        """A volunteer's attendance record (staff, their team leaders, themself)."""
        return hours.attendance_record(current_actor(), volunteer_id)


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
        return hours.pending_corrections(current_actor(), **args)


@blp.route("/hours-corrections/<int:correction_id>/approval")
class CorrectionApproval(MethodView):
    @access.roles(*TOWN_STAFF)  # deciding corrections is town staff's (policy hours.correction.decide)
    @blp.response(200, s.HoursCorrectionSchema)
    def post(self, correction_id):
        """Approve a pending correction (staff other than who asked): its hours then count."""
        return hours.approve_correction(current_actor(), correction_id)


@blp.route("/hours-corrections/<int:correction_id>/rejection")
class CorrectionRejection(MethodView):
    @access.roles(*TOWN_STAFF)  # deciding corrections is town staff's (policy hours.correction.decide)
    @blp.response(200, s.HoursCorrectionSchema)
    def post(self, correction_id):
        """Reject a pending correction (staff other than who asked): its hours never count."""
        return hours.reject_correction(current_actor(), correction_id)


@blp.route("/me/hours")
class MyHours(MethodView):
    @access.signed_in
    @blp.response(200, s.HoursSummarySchema)
    def get(self):
        """My total service hours and star level."""
        return hours.summary(current_actor())


@blp.route("/me/hours/entries")
class MyHoursEntries(MethodView):
    @access.signed_in
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(s.HoursEntrySchema))
    def get(self, args):
        return hours.ledger(current_actor(), **args)


@blp.route("/volunteers/<int:volunteer_id>/hours")
class VolunteerHours(MethodView):
    @access.signed_in
    @blp.response(200, s.HoursSummarySchema)
    def get(self, volunteer_id):
        """A volunteer's hours (staff, their team leaders, themself)."""
        return hours.summary(current_actor(), volunteer_id)
