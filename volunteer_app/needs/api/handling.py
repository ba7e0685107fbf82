"""/api/v1/needs for staff and assignees: the scoped list and one need, and each step of dispatching (assign,
merge, reopen, a rating given by phone) and handling (accept, decline, replies, an event, close). A need outside
the caller's scope answers 404; a change the workflow does not allow, 409.

`POST /api/v1/needs` (raising) lives in api/public.py on the same blueprint: these are function routes with
their own methods and endpoint names, so both share the path."""

from __future__ import annotations

from volunteer_app.accounts import access
from volunteer_app.api import page_of
from volunteer_app.needs import services
from volunteer_app.needs.api.common import blp
from volunteer_app.needs.schemas import handling as s


def _detail(need_id: int) -> services.NeedDetail:
    return services.need_detail(access.current_actor(), need_id)


@blp.route("/needs", methods=["GET"], endpoint="list_needs")
@access.signed_in
@blp.arguments(s.NeedListArgs, location="query")
@blp.response(200, page_of(s.NeedSchema))
def list_needs(args):
    """Needs the caller reaches (staff: the town's; an assignee: theirs), by `status` (or a tab: dispatch, open,
    closed), `category`, `source`, `community_id`, `assignee` (kind:id), `overdue`, `q` (tracking number,
    description, place). The dispatch queue reads oldest first; other lists put overdue needs first."""
    return services.list_needs(access.current_actor(), **args)


@blp.route("/needs/<int:need_id>", methods=["GET"], endpoint="need_by_id")
@access.signed_in
@blp.response(200, s.NeedDetailSchema)
def need_by_id(need_id):
    """One need with its history. The raiser's contact only for staff (and the assignee when they may be
    contacted), written to the audit log; a household's data never reaches a team it was not shared with."""
    return _detail(need_id)


@blp.route("/needs/<int:need_id>/assign", methods=["POST"], endpoint="assign_need")
@access.signed_in
@blp.arguments(s.NeedAssignInSchema)
@blp.response(200, s.NeedDetailSchema)
def assign_need(body, need_id):
    """Town staff assign (or reassign) a need waiting for dispatch; the deadline defaults to the category's
    working days. The assignee's people are told."""
    assignment = services.Assignment(body["assignee_kind"], body["assignee_id"], body["department"], body["deadline"])
    services.assign(access.current_actor(), need_id, assignment, reason=body["reason"])
    return _detail(need_id)


@blp.route("/needs/<int:need_id>/accept", methods=["POST"], endpoint="accept_need")
@access.signed_in
@blp.response(200, s.NeedDetailSchema)
def accept_need(need_id):
    services.accept(access.current_actor(), need_id)
    return _detail(need_id)


@blp.route("/needs/<int:need_id>/decline", methods=["POST"], endpoint="decline_need")
@access.signed_in
@blp.arguments(s.NeedReasonInSchema)
@blp.response(200, s.NeedSchema)
def decline_need(body, need_id):
    """The assignee hands it back with a reason: it returns to the dispatch queue and leaves their list, so the
    answer is the need as it was left (they can no longer open it)."""
    return services.decline(access.current_actor(), need_id, body["reason"])


@blp.route("/needs/<int:need_id>/start", methods=["POST"], endpoint="start_need")
@access.signed_in
@blp.response(200, s.NeedDetailSchema)
def start_need(need_id):
    services.start(access.current_actor(), need_id)
    return _detail(need_id)


@blp.route("/needs/<int:need_id>/replies", methods=["POST"], endpoint="reply_to_need")
@access.signed_in
@blp.arguments(s.NeedReplyInSchema)
@blp.response(201, s.NeedUpdateSchema)
def reply_to_need(body, need_id):
    """A progress reply the raiser sees on the status page, or with `public` false an internal note."""
    return services.reply(access.current_actor(), need_id, body["text"], public=body["public"])


@blp.route("/needs/<int:need_id>/close", methods=["POST"], endpoint="close_need")
@access.signed_in
@blp.arguments(s.NeedCloseInSchema)
@blp.response(200, s.NeedDetailSchema)
def close_need(body, need_id):
    """Close an accepted or in-progress need with what was done (public); the raiser may then rate it."""
    services.close(access.current_actor(), need_id, body["outcome"])
    return _detail(need_id)


@blp.route("/needs/<int:need_id>/merge", methods=["POST"], endpoint="merge_need")
@access.signed_in
@blp.arguments(s.NeedMergeInSchema)
@blp.response(200, s.NeedSchema)
def merge_need(body, need_id):
    """Town staff merge a waiting or assigned need into another open one (`into_id`); both raisers follow it."""
    return services.merge(access.current_actor(), need_id, body["into_id"], body["reason"])


@blp.route("/needs/<int:need_id>/event", methods=["POST"], endpoint="need_to_event")
@access.signed_in
@blp.arguments(s.NeedEventInSchema)
@blp.response(201, s.NeedEventSchema)
def need_to_event(body, need_id):
    """The assigned team's leader (or staff) opens a draft event of the team for the need, linked both ways; the
    event's approved hours count toward the need. One event per need."""
    return services.to_event(access.current_actor(), need_id, **body)


@blp.route("/needs/<int:need_id>/rate", methods=["POST"], endpoint="rate_need_by_phone")
@access.signed_in
@blp.arguments(s.NeedPhoneRatingInSchema)
@blp.response(201, s.NeedRatingSchema)
def rate_need_by_phone(body, need_id):
    """Town staff record a rating the raiser gave by phone (1-2 stars reopen the need for review)."""
    return services.record_rating(access.current_actor(), need_id, **body)


@blp.route("/needs/<int:need_id>/reopen", methods=["POST"], endpoint="reopen_need")
@access.signed_in
@blp.arguments(s.NeedReasonInSchema)
@blp.response(200, s.NeedDetailSchema)
def reopen_need(body, need_id):
    """Town staff reopen a closed need with a reason, shown to the raiser."""
    services.reopen(access.current_actor(), need_id, body["reason"])
    return _detail(need_id)
