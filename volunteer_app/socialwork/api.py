"""/api/v1 of social work. Thin: parse with a schema, call one service, dump. A household outside the caller's
scope answers 404, exactly like one that does not exist."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from volunteer_app.accounts import access
from volunteer_app.accounts.models import Role
from volunteer_app.api import page_of
from volunteer_app.core.time import today
from volunteer_app.socialwork import schemas as s
from volunteer_app.socialwork import services
from volunteer_app.socialwork.downloads import attachment_response
from volunteer_app.socialwork.models import Household
from volunteer_app.socialwork.policy import CASEWORK, NUMBERS

blp = Blueprint(
    "socialwork_api",
    __name__,
    url_prefix="/api/v1",
    description="Social work: household files, members, visits, follow-ups, consent, referrals, policies, coverage",
)

def _with_numbers(household: Household, full: bool) -> Household:
    """Marks the loaded members for the schema: full numbers only when the masking decision said so."""
    household.full_numbers = full
    for member in household.members:
        member.show_full = full
    return household


def _file(household_id: int) -> Household:
    opened = services.read_household(access.current_actor(), household_id, purpose="api")
    household = _with_numbers(opened.household, opened.full)
    household.prompts = services.prompts(household, on=today())
    return household


# ---------------------------------------------------------------------------------------------- households


@blp.route("/households")
class Households(MethodView):
    @access.roles(*CASEWORK)
    @blp.arguments(s.HouseholdArgs, location="query")
    @blp.response(200, page_of(s.HouseholdListSchema))
    def get(self, args):
        """Household files in the caller's scope: by community, status, flag, worker, or q (address, a member's
        name, an exact ID number)."""
        return services.list_households(access.current_actor(), **args)

    @access.roles(*CASEWORK)
    @blp.arguments(s.HouseholdInSchema)
    @blp.response(201, s.HouseholdSchema)
    def post(self, body):
        """Open a file. The service point follows from the community; exactly one member is the `head`."""
        household = services.create_household(access.current_actor(), **body)
        return _file(household.id)


@blp.route("/households/<int:household_id>")
class HouseholdById(MethodView):
    @access.roles(*CASEWORK)
    @blp.response(200, s.HouseholdSchema)
    def get(self, household_id):
        """One file, with its members and prompts. The read is written to the audit log."""
        return _file(household_id)

    @access.roles(*CASEWORK)
    @blp.arguments(s.HouseholdPatchSchema)
    @blp.response(200, s.HouseholdSchema)
    def patch(self, body, household_id):
        services.update_household(access.current_actor(), household_id, **body)
        return _file(household_id)


@blp.route("/households/<int:household_id>/close")
class HouseholdClose(MethodView):
    @access.roles(*CASEWORK)
    @blp.arguments(s.HouseholdCloseSchema)
    @blp.response(200, s.HouseholdSchema)
    def post(self, body, household_id):
        """Close the file with a reason; it is archived after HOUSEHOLD_ARCHIVE_AFTER_DAYS."""
        services.close_household(access.current_actor(), household_id, **body)
        return _file(household_id)


@blp.route("/households/<int:household_id>/reopen")
class HouseholdReopen(MethodView):
    @access.roles(*CASEWORK)
    @blp.response(200, s.HouseholdSchema)
    def post(self, household_id):
        services.reopen_household(access.current_actor(), household_id)
        return _file(household_id)


@blp.route("/households/<int:household_id>/head")
class HouseholdHead(MethodView):
    @access.roles(*CASEWORK)
    @blp.arguments(s.HouseholdHeadSchema)
    @blp.response(200, s.HouseholdSchema)
    def post(self, body, household_id):
        """Make another member the head; the change is kept in the file's history."""
        services.change_head(access.current_actor(), household_id, **body)
        return _file(household_id)


@blp.route("/households/<int:household_id>/who-looked")
class HouseholdWhoLooked(MethodView):
    @access.roles(Role.STATION_SUPERVISOR)
    @blp.arguments(s.PageArgs, location="query")
    @blp.response(200, page_of(s.HouseholdAuditEntrySchema))
    def get(self, args, household_id):
        """Who read, revealed or exported this file (the station supervisor)."""
        return services.who_looked(access.current_actor(), household_id, page=args["page"], per_page=args["per_page"])


# ---------------------------------------------------------------------------------------------- members


@blp.route("/households/<int:household_id>/members")
class Members(MethodView):
    @access.roles(*CASEWORK)
    @blp.response(200, s.HouseholdMemberSchema(many=True))
    def get(self, household_id):
        """Members, current and past (a past one has `left_on`)."""
        return _file(household_id).members

    @access.roles(*CASEWORK)
    @blp.arguments(s.HouseholdMemberInSchema)
    @blp.response(201, s.HouseholdMemberSchema)
    def post(self, body, household_id):
        member = services.add_member(access.current_actor(), household_id, body)
        household = _file(household_id)
        return next(m for m in household.members if m.id == member.id)


@blp.route("/households/<int:household_id>/members/<int:member_id>")
class MemberById(MethodView):
    @access.roles(*CASEWORK)
    @blp.arguments(s.HouseholdMemberPatchSchema(partial=True))
    @blp.response(200, s.HouseholdMemberSchema)
    def patch(self, body, household_id, member_id):
        services.update_member(access.current_actor(), household_id, member_id, body)
        household = _file(household_id)
        return next(m for m in household.members if m.id == member_id)


@blp.route("/households/<int:household_id>/members/<int:member_id>/move")
class MemberMove(MethodView):
    @access.roles(*CASEWORK)
    @blp.arguments(s.MemberMoveSchema)
    @blp.response(201, s.HouseholdMemberSchema)
    def post(self, body, household_id, member_id):
        """Move a member to another household in scope; both files keep the history."""
        moved = services.move_member(access.current_actor(), household_id, member_id, **body)
        household = _file(moved.household_id)
        return next(m for m in household.members if m.id == moved.id)


@blp.route("/households/<int:household_id>/members/<int:member_id>/leave")
class MemberLeave(MethodView):
    @access.roles(*CASEWORK)
    @blp.arguments(s.MemberLeaveSchema)
    @blp.response(200, s.HouseholdMemberSchema)
    def post(self, body, household_id, member_id):
        services.member_leaves(access.current_actor(), household_id, member_id, **body)
        household = _file(household_id)
        return next(m for m in household.members if m.id == member_id)


@blp.route("/households/<int:household_id>/members/<int:member_id>/reveal")
class MemberReveal(MethodView):
    @access.roles(*CASEWORK)
    @blp.arguments(s.MemberRevealSchema)
    @blp.response(200, s.MemberRevealedSchema)
    def post(self, body, household_id, member_id):
        """The full ID, phone and disability certificate number (the household's worker and supervisor only);
        audited with the reason."""
        return services.reveal(access.current_actor(), household_id, member_id, **body)


# ---------------------------------------------------------------------------------------------- visits


@blp.route("/households/<int:household_id>/visits")
class Visits(MethodView):
    @access.roles(*CASEWORK)
    @blp.arguments(s.PageArgs, location="query")
    @blp.response(200, page_of(s.VisitSchema))
    def get(self, args, household_id):
        return services.list_visits(access.current_actor(), household_id, page=args["page"], per_page=args["per_page"])

    @access.roles(*CASEWORK)
    @blp.arguments(s.VisitInSchema)
    @blp.response(201, s.VisitSchema)
    def post(self, body, household_id):
        """Log a visit; `follow_up_task` with `follow_up_due_on` plans the next follow-up."""
        return services.log_visit(access.current_actor(), household_id, **body)


@blp.route("/households/<int:household_id>/visits/<int:visit_id>")
class VisitById(MethodView):
    @access.roles(*CASEWORK)
    @blp.response(200, s.VisitDetailSchema)
    def get(self, household_id, visit_id):
        """One visit with its earlier versions."""
        visit = services.get_visit(access.current_actor(), household_id, visit_id)
        visit.versions = services.visit_versions(access.current_actor(), visit)
        return visit

    @access.roles(*CASEWORK)
    @blp.arguments(s.VisitPatchSchema)
    @blp.response(200, s.VisitDetailSchema)
    def patch(self, body, household_id, visit_id):
        """Change a visit: `note` says why; the previous version is kept."""
        visit = services.edit_visit(access.current_actor(), household_id, visit_id, **body)
        visit.versions = services.visit_versions(access.current_actor(), visit)
        return visit


@blp.route("/households/<int:household_id>/visits/<int:visit_id>/attachments")
class VisitAttachments(MethodView):
    @access.roles(*CASEWORK)
    @blp.arguments(s.AttachmentUploadSchema, location="files")
    @blp.response(201, s.VisitAttachmentSchema(many=True))
    def post(self, form, household_id, visit_id):
        """Add photos or scans to a visit: multipart/form-data with the files in `files` (at most 5 at a time).
        Needs the household's consent to attachments. Answers with all the visit's attachments."""
        files = services.received_uploads(form["files"])
        visit = services.add_attachments(access.current_actor(), household_id, visit_id, files)
        return visit.attachments


@blp.route("/households/<int:household_id>/attachments/<int:attachment_id>")
class AttachmentById(MethodView):
    @access.roles(*CASEWORK)
    @blp.response(
        200,
        {"type": "string", "format": "binary"},
        content_type="application/octet-stream",
        description="The file, sent with its own type: image/jpeg, image/png or application/pdf.",
    )
    def get(self, household_id, attachment_id):
        """Download a photo or scan of the file. The read is written to the audit log."""
        return attachment_response(*services.open_attachment(access.current_actor(), household_id, attachment_id))


# ---------------------------------------------------------------------------------------------- follow-ups


@blp.route("/follow-ups")
class MyFollowUps(MethodView):
    @access.roles(*CASEWORK)
    @blp.response(200, s.MyFollowUpsSchema)
    def get(self):
        """The caller's open follow-ups: overdue, due within a week, and how many more."""
        return services.my_follow_ups(access.current_actor())


@blp.route("/households/<int:household_id>/follow-ups")
class FollowUps(MethodView):
    @access.roles(*CASEWORK)
    @blp.response(200, s.FollowUpSchema(many=True))
    def get(self, household_id):
        return services.list_follow_ups(access.current_actor(), household_id)

    @access.roles(*CASEWORK)
    @blp.arguments(s.FollowUpInSchema)
    @blp.response(201, s.FollowUpSchema)
    def post(self, body, household_id):
        return services.add_follow_up(access.current_actor(), household_id, **body)


@blp.route("/households/<int:household_id>/follow-ups/<int:follow_up_id>")
class FollowUpById(MethodView):
    @access.roles(*CASEWORK)
    @blp.arguments(s.FollowUpPatchSchema)
    @blp.response(200, s.FollowUpSchema)
    def patch(self, body, household_id, follow_up_id):
        """Mark done (with the outcome) or cancelled."""
        return services.close_follow_up(access.current_actor(), household_id, follow_up_id, **body)


# ---------------------------------------------------------------------------------------------- consent, referrals


@blp.route("/households/<int:household_id>/consents")
class Consents(MethodView):
    @access.roles(*CASEWORK)
    @blp.response(200, s.ConsentSchema(many=True))
    def get(self, household_id):
        return services.list_consents(access.current_actor(), household_id)

    @access.roles(*CASEWORK)
    @blp.arguments(s.ConsentInSchema)
    @blp.response(201, s.ConsentSchema)
    def post(self, body, household_id):
        """Record consent: verbal consent needs a witness."""
        return services.record_consent(access.current_actor(), household_id, **body)


@blp.route("/households/<int:household_id>/consents/<int:consent_id>/withdraw")
class ConsentWithdraw(MethodView):
    @access.roles(*CASEWORK)
    @blp.arguments(s.ConsentWithdrawSchema)
    @blp.response(200, s.ConsentSchema)
    def post(self, body, household_id, consent_id):
        return services.withdraw_consent(access.current_actor(), household_id, consent_id, **body)


@blp.route("/households/<int:household_id>/referrals")
class Referrals(MethodView):
    @access.roles(*CASEWORK)
    @blp.response(200, s.ReferralSchema(many=True))
    def get(self, household_id):
        return services.list_referrals(access.current_actor(), household_id)

    @access.roles(*CASEWORK)
    @blp.arguments(s.ReferralInSchema)
    @blp.response(201, s.ReferralSchema)
    def post(self, body, household_id):
        """Refer to a department, a charity resource or a volunteer team; needs consent to share."""
        return services.create_referral(access.current_actor(), household_id, **body)


@blp.route("/households/<int:household_id>/referrals/<int:referral_id>")
class ReferralById(MethodView):
    @access.roles(*CASEWORK)
    @blp.arguments(s.ReferralPatchSchema)
    @blp.response(200, s.ReferralSchema)
    def patch(self, body, household_id, referral_id):
        return services.update_referral(access.current_actor(), household_id, referral_id, **body)


@blp.route("/households/<int:household_id>/referrals/<int:referral_id>/event")
class ReferralEvent(MethodView):
    @access.roles(*CASEWORK)
    @blp.arguments(s.ReferralEventInSchema, required=False)
    @blp.response(201, s.ReferralSchema)
    def post(self, body, household_id, referral_id):
        """Turn an open referral to a volunteer team into a draft event of that team, in the household's community;
        the team's leaders are told to plan and publish it. The event names the need, never the household. 409 for
        a referral to anyone else, a closed one, or one that already became an event."""
        return services.event_from_referral(access.current_actor(), household_id, referral_id, **body)


# ---------------------------------------------------------------------------------------------- catalogue, coverage


@blp.route("/policies")
class Policies(MethodView):
    @access.roles(*NUMBERS)
    @blp.arguments(s.WelfarePolicyArgs, location="query")
    @blp.response(200, page_of(s.WelfarePolicySchema))
    def get(self, args):
        """The policy catalogue: benefits and assistance, with the target groups they concern."""
        return services.list_policies(access.current_actor(), **args)

    @access.roles(Role.ADMIN, Role.STATION_SUPERVISOR)
    @blp.arguments(s.WelfarePolicyInSchema)
    @blp.response(201, s.WelfarePolicySchema)
    def post(self, body):
        return services.create_policy(access.current_actor(), **body)


@blp.route("/resources")
class Resources(MethodView):
    @access.roles(*NUMBERS)
    @blp.arguments(s.PageArgs, location="query")
    @blp.response(200, page_of(s.SocialResourceSchema))
    def get(self, args):
        """Charity resources and volunteer teams that can help."""
        return services.list_resources(access.current_actor(), **args)

    @access.roles(Role.ADMIN, Role.STATION_SUPERVISOR)
    @blp.arguments(s.SocialResourceInSchema)
    @blp.response(201, s.SocialResourceSchema)
    def post(self, body):
        return services.create_resource(access.current_actor(), **body)


@blp.route("/coverage/social-work")
class Coverage(MethodView):
    @access.roles(*NUMBERS)
    @blp.response(200, s.SocialWorkCoverageSchema)
    def get(self):
        """Numbers only: households on file, target households visited this quarter, overdue follow-ups, per
        service point and community, and visits per worker."""
        report = services.coverage(access.current_actor())
        overdue = services.overdue_counts(access.current_actor())
        return {
            "quarter_start": report.quarter_start,
            "on": report.on,
            "total": report.total,
            "points": report.points,
            "workers": report.workers,
            "overdue_per_worker": overdue["per_worker"],
            "overdue_per_community": overdue["per_community"],
        }
