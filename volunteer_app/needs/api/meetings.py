"""/api/v1/meetings: deliberation meetings. Reading them, their published questions and their commitments is public,
and so is sending a question (rate-limited like the page); announcing, moderating, answering and committing are
town staff's."""

from __future__ import annotations

from dataclasses import replace

from flask.views import MethodView
from flask_login import AnonymousUserMixin

from volunteer_app.accounts import access
from volunteer_app.api import page_of
from volunteer_app.core.policy import can
from volunteer_app.needs import limits, services
from volunteer_app.needs.api.common import blp
from volunteer_app.needs.schemas import meetings as s


def _actor():
    """The token's user, or an anonymous visitor (whom the public rules answer)."""
    return access.current_actor() or AnonymousUserMixin()


@blp.route("/meetings")
class Meetings(MethodView):
    @access.public
    @blp.arguments(s.MeetingArgs, location="query")
    @blp.response(200, page_of(s.MeetingSummarySchema))
    @blp.doc(security=[])
    def get(self, args):
        """Meetings: `when=upcoming` (soonest first) or `past` (latest first); all without it; `q` title or place."""
        when = args.pop("when")
        return services.list_meetings(upcoming=None if when is None else when == "upcoming", **args)

    @access.town_staff
    @blp.arguments(s.MeetingInSchema)
    @blp.response(201, s.MeetingSchema)
    def post(self, body):
        return services.create_meeting(_actor(), **body)


@blp.route("/meetings/<int:meeting_id>")
class MeetingById(MethodView):
    @access.public
    @blp.response(200, s.PublicMeetingSchema)
    @blp.doc(security=[])
    def get(self, meeting_id):
        """The public view: the meeting, its published and answered questions, every commitment's progress."""
        return services.public_meeting(_actor(), meeting_id)

    @access.town_staff
    @blp.arguments(s.MeetingFields)
    @blp.response(200, s.MeetingSchema)
    def patch(self, body, meeting_id):
        """Change the fields given (viewer count and minutes after the meeting, say)."""
        return services.update_meeting(_actor(), meeting_id, **body)


@blp.route("/meetings/<int:meeting_id>/questions")
class MeetingQuestions(MethodView):
    decorators = [limits.public_form("meeting-question", "asker_phone")]

    @access.public
    @blp.arguments(s.QuestionArgs, location="query")
    @blp.response(200, page_of(s.QuestionSchema))
    def get(self, args, meeting_id):
        """Published and answered questions; with a town staff token every question, with the asker's contact."""
        page = services.list_questions(_actor(), meeting_id, **args)
        if can(_actor(), "meeting.manage"):
            return page
        # The asker's contact is staff's alone: others get the public fields only.
        public = [{name: getattr(q, name) for name in s.PublicQuestionSchema().fields} for q in page.items]
        return replace(page, items=public)

    @access.public
    @blp.arguments(s.QuestionInSchema)
    @blp.response(201, s.SubmittedSchema)
    @blp.doc(security=[])
    def post(self, body, meeting_id):
        """Send a question before the meeting, until questions close (409 after). Shown once staff checked it."""
        return services.submit_question(_actor(), meeting_id, **body)


@blp.route("/meetings/<int:meeting_id>/questions/<int:question_id>/moderate")
class ModerateQuestion(MethodView):
    @access.town_staff
    @blp.arguments(s.ModerateInSchema)
    @blp.response(200, s.QuestionSchema)
    def post(self, body, meeting_id, question_id):
        return services.moderate(_actor(), question_id, body["publish"], meeting_id=meeting_id)


@blp.route("/meetings/<int:meeting_id>/questions/<int:question_id>/answer")
class AnswerQuestion(MethodView):
    @access.town_staff
    @blp.arguments(s.AnswerInSchema)
    @blp.response(200, s.QuestionSchema)
    def post(self, body, meeting_id, question_id):
        return services.answer(_actor(), question_id, body["answer"], meeting_id=meeting_id)


@blp.route("/meetings/<int:meeting_id>/commitments")
class MeetingCommitments(MethodView):
    @access.public
    @blp.response(200, s.CommitmentSchema(many=True))
    @blp.doc(security=[])
    def get(self, meeting_id):
        """Every commitment with its status, owner, deadline and public progress replies."""
        return services.public_meeting(_actor(), meeting_id).commitments

    @access.town_staff
    @blp.arguments(s.CommitmentInSchema)
    @blp.response(201, s.CommitmentSchema)
    def post(self, body, meeting_id):
        """A commitment becomes a need from the meeting, assigned at once with a deadline."""
        assignment = services.Assignment(
            body.pop("assignee_kind"), body.pop("assignee_id"), body.pop("department"), body.pop("deadline")
        )
        need = services.commit(_actor(), meeting_id, assignment=assignment, **body)
        return next(c for c in services.public_meeting(_actor(), meeting_id).commitments if c.id == need.id)
