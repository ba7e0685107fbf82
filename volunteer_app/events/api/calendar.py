"""/api/v1: enrolments, recurrence and holidays, calendar feeds."""

from __future__ import annotations

from flask.views import MethodView

from volunteer_app.accounts import access
from volunteer_app.accounts.access import current_actor
from volunteer_app.accounts.models import TOWN_STAFF
from volunteer_app.api import PageArgs, page_of
from volunteer_app.core.urls import public_url
from volunteer_app.events import calendar, enrolments, feeds, services
from volunteer_app.events import schemas as s
from volunteer_app.events.api import blp

# ---------------------------------------------------------------------------------------------- enrolments


@blp.route("/events/<int:event_id>/enrolments")
class Enrolments(MethodView):
    @access.signed_in
    @blp.arguments(s.EnrolmentArgs, location="query")
    @blp.response(200, page_of(s.EnrolmentSchema))
    def get(self, args, event_id):
        """Enrolled beneficiaries; guardian phones in full for organisers, masked for the event's volunteers."""
        return enrolments.list_enrolments(current_actor(), event_id, **args)

    @access.signed_in
    @blp.arguments(s.EnrolmentInSchema)
    @blp.response(201, s.EnrolmentSchema)
    def post(self, body, event_id):
        """Enrol a child (organisers): confirmed while places last, then waitlisted."""
        return enrolments.enrol(current_actor(), event_id, **body)


@blp.route("/enrolments/<int:enrolment_id>")
class EnrolmentById(MethodView):
    @access.signed_in
    @blp.response(204)
    def delete(self, enrolment_id):
        enrolments.cancel(current_actor(), enrolment_id)


# ---------------------------------------------------------------------------------------------- recurrence, holidays


@blp.route("/events/<int:event_id>/recurrence")
class EventRecurrence(MethodView):
    @access.signed_in
    @blp.arguments(s.RecurrenceInSchema)
    @blp.response(200, s.RecurrenceSchema)
    def put(self, body, event_id):
        """Make the event recurring: weekly on `weekdays`, or monthly on the `nth` of them (-1 = last)."""
        return calendar.set_recurrence(current_actor(), event_id, **body)


@blp.route("/events/<int:event_id>/recurrence/generate")
class GenerateSessions(MethodView):
    @access.signed_in
    @blp.response(200, s.GeneratedSchema)
    def post(self, event_id):
        """Add the sessions the rule gives for the weeks ahead (holidays skipped, make-up days added if asked)."""
        added = calendar.generate_sessions(current_actor(), event_id)
        services.attach_role_counts(added)
        return {"count": len(added), "sessions": added}


@blp.route("/holiday-overrides")
class HolidayOverrides(MethodView):
    @access.roles(*TOWN_STAFF)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(s.OverrideSchema))
    def get(self, args):
        return calendar.list_overrides(current_actor(), **args)

    @access.roles(*TOWN_STAFF)
    @blp.arguments(s.OverrideInSchema)
    @blp.response(201, s.OverrideSchema)
    def post(self, body):
        """Make a date a holiday, a make-up working day, or ordinary (what the holiday package does not know)."""
        return calendar.set_override(current_actor(), **body)


@blp.route("/holiday-overrides/<int:override_id>")
class HolidayOverrideById(MethodView):
    @access.roles(*TOWN_STAFF)
    @blp.response(204)
    def delete(self, override_id):
        calendar.delete_override(current_actor(), override_id)


# ---------------------------------------------------------------------------------------------- feeds


def _feed_url(token: str) -> dict:
    return {"url": public_url("events.feed", token=token)}


@blp.route("/me/calendar-feed")
class MyFeed(MethodView):
    @access.signed_in
    @blp.response(200, s.FeedSchema)
    def get(self):
        """The secret URL of my iCal feed, for a phone calendar to subscribe to."""
        return _feed_url(feeds.feed_token(current_actor(), "volunteer"))

    @access.signed_in
    @blp.response(200, s.FeedSchema)
    def delete(self):
        """Revoke my feed URL; the answer is the new one."""
        return _feed_url(feeds.revoke(current_actor(), "volunteer"))


@blp.route("/teams/<int:team_id>/calendar-feed")
class TeamFeed(MethodView):
    @access.signed_in
    @blp.response(200, s.FeedSchema)
    def get(self, team_id):
        return _feed_url(feeds.feed_token(current_actor(), "team", team_id))

    @access.signed_in
    @blp.response(200, s.FeedSchema)
    def delete(self, team_id):
        return _feed_url(feeds.revoke(current_actor(), "team", team_id))


@blp.route("/communities/<int:community_id>/calendar-feed")
class CommunityFeed(MethodView):
    @access.roles(*TOWN_STAFF)
    @blp.response(200, s.FeedSchema)
    def get(self, community_id):
        return _feed_url(feeds.feed_token(current_actor(), "community", community_id))

    @access.roles(*TOWN_STAFF)
    @blp.response(200, s.FeedSchema)
    def delete(self, community_id):
        return _feed_url(feeds.revoke(current_actor(), "community", community_id))
