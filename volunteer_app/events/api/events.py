"""/api/v1: events, their sessions and roles."""

from __future__ import annotations

from flask.views import MethodView

from volunteer_app.accounts import access
from volunteer_app.accounts.access import current_actor
from volunteer_app.api import page_of
from volunteer_app.events import schemas as s
from volunteer_app.events import services
from volunteer_app.events.api import blp


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
        return services.list_events(current_actor(), services.EventFilter(**args), **paging)

    @access.signed_in
    @blp.arguments(s.EventInSchema)
    @blp.response(201, s.EventSchema)
    def post(self, body):
        """Create an event with its sessions and roles (staff; team leaders for their own team)."""
        event = services.create_event(current_actor(), **body)
        return services.get_event(current_actor(), event.id)


@blp.route("/events/<int:event_id>")
class EventById(MethodView):
    @access.signed_in
    @blp.response(200, s.EventSchema)
    def get(self, event_id):
        return services.get_event(current_actor(), event_id)

    @access.signed_in
    @blp.arguments(s.EventPatchSchema(partial=True))
    @blp.response(200, s.EventSchema)
    def patch(self, body, event_id):
        """Change fields; `status` publishes, completes or cancels (with `cancel_reason`)."""
        services.update_event(current_actor(), event_id, **body)
        return services.get_event(current_actor(), event_id)


@blp.route("/events/<int:event_id>/sessions")
class EventSessions(MethodView):
    @access.signed_in
    @blp.arguments(s.NewSessionSchema)
    @blp.response(201, s.SessionSchema)
    def post(self, body, event_id):
        session = services.add_session(current_actor(), event_id, **body)
        return services.get_session(current_actor(), session.id)


@blp.route("/sessions/<int:session_id>")
class SessionById(MethodView):
    @access.signed_in
    @blp.response(200, s.SessionSchema)
    def get(self, session_id):
        session = services.get_session(current_actor(), session_id)
        services.attach_role_counts([session])
        return session

    @access.signed_in
    @blp.arguments(s.SessionPatchSchema)
    @blp.response(200, s.SessionSchema)
    def patch(self, body, session_id):
        session = services.update_session(current_actor(), session_id, **body)
        services.attach_role_counts([session])
        return session

    @access.signed_in
    @blp.response(204)
    def delete(self, session_id):
        services.delete_session(current_actor(), session_id)


@blp.route("/sessions/<int:session_id>/roles")
class SessionRoles(MethodView):
    @access.signed_in
    @blp.arguments(s.NewRoleSchema)
    @blp.response(201, s.RoleSchema)
    def post(self, body, session_id):
        role = services.add_role(current_actor(), session_id, **body)
        return services.get_role(current_actor(), role.id)


@blp.route("/roles/<int:role_id>")
class RoleById(MethodView):
    @access.signed_in
    @blp.response(200, s.RoleSchema)
    def get(self, role_id):
        return services.get_role(current_actor(), role_id)

    @access.signed_in
    @blp.arguments(s.RolePatchSchema(partial=True))
    @blp.response(200, s.RoleSchema)
    def patch(self, body, role_id):
        """Change a role; more places promote volunteers from the waitlist."""
        services.update_role(current_actor(), role_id, **body)
        return services.get_role(current_actor(), role_id)

    @access.signed_in
    @blp.response(204)
    def delete(self, role_id):
        services.delete_role(current_actor(), role_id)
