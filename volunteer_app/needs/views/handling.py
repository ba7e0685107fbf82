"""Dispatch 派单 and handling 接单 pages: the needs list (tabs, filters, search) and a need's page with its history
and the actions its reader may take, each a small form. Thin: every rule and every scope is the services'."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import LazyString, lazy_pgettext, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from volunteer_app.accounts import access
from volunteer_app.accounts.models import TOWN_STAFF, Role
from volunteer_app.core import navigation
from volunteer_app.core.args import choice_arg, id_arg, page_arg, search_arg
from volunteer_app.core.forms import optional_int, submitted
from volunteer_app.core.policy import can
from volunteer_app.core.time import today
from volunteer_app.needs import records as _records  # noqa: F401 — names needs in the audit log and the outbox
from volunteer_app.needs import scope, services
from volunteer_app.needs.forms.handling import (
    AssignForm,
    CloseForm,
    EventForm,
    MergeForm,
    PhoneRatingForm,
    ReasonForm,
    ReplyForm,
)
from volunteer_app.needs.views.common import bp
from volunteer_app.needs.vocabulary import (
    ASSIGNEE_LABELS,
    CATEGORY_LABELS,
    SOURCE_LABELS,
    STATUS_LABELS,
    Assignee,
    Category,
    Source,
    Status,
)
from volunteer_app.organisations import services as organisations

# Who works on needs: they get the menu link and the home card.
HANDLERS = (*TOWN_STAFF, Role.TEAM_LEADER, Role.SOCIAL_WORKER, Role.STATION_SUPERVISOR, Role.DEPUTY)
FORMS: dict[str, type[FlaskForm]] = {
    "assign": AssignForm,
    "merge": MergeForm,
    "decline": ReasonForm,
    "reopen": ReasonForm,
    "reply": ReplyForm,
    "note": ReplyForm,
    "close": CloseForm,
    "event": EventForm,
    "rate": PhoneRatingForm,
}


def _label(labels: dict) -> Callable[[object], str]:
    return lambda value: str(labels.get(value, value or ""))


def _needs_for_event(event) -> list:
    """The needs an event serves that the reader reaches: the event's page links back to them."""
    if not current_user.is_authenticated or event is None:
        return []
    return services.needs_served_by(current_user, event.id)


@bp.record_once
def _template_globals(state) -> None:
    env = state.app.jinja_env
    env.globals["needs_for_event"] = _needs_for_event
    env.filters.update(
        need_category=_label(CATEGORY_LABELS),
        need_status=_label(STATUS_LABELS),
        need_source=_label(SOURCE_LABELS),
        need_assignee_kind=_label(ASSIGNEE_LABELS),
    )


def _open_text() -> str:
    if not current_user.is_authenticated:
        return ""
    count = services.open_count(current_user)
    if scope.any_staff(current_user):
        return ngettext("%(num)d need waiting or being worked on", "%(num)d needs waiting or being worked on", count)
    return ngettext("%(num)d open need assigned to you", "%(num)d open needs assigned to you", count)


NEEDS = lazy_pgettext("needs menu", "Needs")  # 群众需求
navigation.add_menu_link(NEEDS, "needs.needs", *HANDLERS)
navigation.add_home_card(NEEDS, LazyString(_open_text), HANDLERS, [(NEEDS, "needs.needs")])


# ---------------------------------------------------------------------------------------------- the list


def _list_filters() -> dict:
    return {
        "category": choice_arg("category", [c.value for c in Category]),
        "source": choice_arg("source", [s.value for s in Source]),
        "community_id": id_arg("community_id"),
        "assignee": request.args.get("assignee", "")[:200] or None,  # "kind:id", or a name (staff's search box)
        "overdue": request.args.get("overdue") == "1",
        "q": search_arg(),
    }


@bp.route("/needs")
@access.signed_in
def needs():
    staff = scope.any_staff(current_user)  # the dispatch queue of the needs in their reach
    tabs = [*(["dispatch"] if staff else []), "open", "closed", "all"]
    status = choice_arg("status", [*tabs, *(s.value for s in Status)]) or tabs[0]
    filters = _list_filters()
    assignee = services.assignee_filter(current_user, filters["assignee"]) if staff else None
    if assignee is not None:
        filters["assignee"] = assignee.value
    listed = services.list_with_counts(
        current_user, status=None if status == "all" else status, page=page_arg(), **filters
    )
    return render_template(
        "needs/list.html",
        page=listed.page,
        status=status,
        tabs=tabs,
        listed=listed,
        filters=filters,
        # The filters as a query string keeps them (tabs and the pager carry them on).
        keep={name: 1 if value is True else value for name, value in filters.items() if value},
        q=filters["q"],
        communities=organisations.community_choices(current_user),
        assignee=assignee,
        need_categories=[c.value for c in Category],
        need_sources=[s.value for s in Source],
        today=today(),
    )


@bp.route("/needs/assignees")
@access.roles(*TOWN_STAFF)
def assignee_search():
    """What the list's assignee filter suggests as staff type (static/js/assignee-search.js): names, as JSON;
    to community staff only their communities' assignees and those on needs they reach."""
    found = services.search_assignees(current_user, request.args.get("q"))
    return jsonify(
        assignees=[
            {"value": f"{o.kind}:{o.id}", "name": o.name, "kind": o.kind, "label": str(ASSIGNEE_LABELS[o.kind])}
            for o in found
        ]
    )


# ---------------------------------------------------------------------------------------------- a need


def _assignee_choices(need_id: int) -> dict:
    """Choices grouped by kind, those closest to the need's community first and marked."""
    options = services.assignee_options(current_user, need_id)
    near_words = {
        Assignee.TEAM: _("paired"),
        Assignee.YOUTH_GROUP: _("this community's"),
        Assignee.SERVICE_POINT: _("covers this community"),
        Assignee.DEPUTY: _("this community's station"),
    }
    groups: dict = {}
    for kind, items in (
        (Assignee.TEAM, options.teams),
        (Assignee.YOUTH_GROUP, options.youth_groups),
        (Assignee.SERVICE_POINT, options.service_points),
        (Assignee.DEPUTY, options.deputies),
    ):
        if items:
            groups[str(ASSIGNEE_LABELS[kind])] = [
                (f"{o.kind}:{o.id}", f"★ {o.name} · {near_words[kind]}" if o.near else o.name) for o in items
            ]
    groups[str(ASSIGNEE_LABELS[Assignee.DEPARTMENT])] = [(Assignee.DEPARTMENT.value, _("A department (name it below)"))]
    return groups


def _need_page(need_id: int, posted: dict[str, FlaskForm] | None = None, status: int = 200):
    detail = services.need_detail(current_user, need_id)
    need = detail.need
    forms = {name: form(formdata=None, prefix=name) for name, form in FORMS.items()}
    forms.update(posted or {})
    dispatch = can(current_user, "need.dispatch", need)
    if dispatch and need.status in (*services.STATUS_GROUPS["dispatch"], Status.ASSIGNED):
        forms["assign"].assignee.choices = _assignee_choices(need.id)
    if not forms["event"].title.data:
        forms["event"].title.data = services.default_event_title(need)
    return render_template(
        "needs/need.html",
        detail=detail,
        need=need,
        forms=forms,
        dispatch=dispatch,
        handle=can(current_user, "need.handle", need),
        rated=services.rating_of(need) is not None,
        event_visible=need.event is not None and can(current_user, "event.view", need.event),
        today=today(),
    ), status


@bp.route("/needs/<int:need_id>")
@access.signed_in
def need(need_id: int):
    return _need_page(need_id)


def _back_to(need_id: int) -> str:
    """Where an action on a need leads: the need again, or the list when the actor no longer reaches it (a team
    leader who declined it, even one who is staff of other communities), so that the message is read on a page
    and not above a 404."""
    return url_for(".need", need_id=need_id) if services.reaches(current_user, need_id) else url_for(".needs")


def _act(need_id: int, name: str, action: Callable[[FlaskForm], object], done: str):
    """Runs the action of one of the page's forms: on success says so and goes back (`_back_to`); a refusal of a
    field shows the page with the message beside it (422). A refused change of status is the error handler's (a
    flash message and back)."""
    form = FORMS[name](prefix=name)
    if name == "assign":
        form.assignee.choices = _assignee_choices(need_id)
    if submitted(form, lambda: action(form)) is not None:
        flash(done, "success")
        return redirect(_back_to(need_id))
    return _need_page(need_id, {name: form}, status=422)


def _assignment(form: AssignForm) -> services.Assignment:
    kind, _sep, target = (form.assignee.data or "").partition(":")
    return services.Assignment(kind, optional_int(target), form.department.data or "", form.deadline.data)


@bp.route("/needs/<int:need_id>/assign", methods=["POST"])
@access.signed_in
def assign(need_id: int):
    return _act(need_id, "assign", lambda f: services.assign(
        current_user, need_id, _assignment(f), reason=f.reason.data or ""
    ), _("Assigned. Whoever must act has been told."))  # fmt: skip


@bp.route("/needs/<int:need_id>/merge", methods=["POST"])
@access.signed_in
def merge(need_id: int):
    return _act(need_id, "merge", lambda f: services.merge(
        current_user, need_id, services.merge_target(current_user, f.into.data), f.reason.data or ""
    ), _("Merged. Its raiser now follows the need it was merged into."))  # fmt: skip


@bp.route("/needs/<int:need_id>/decline", methods=["POST"])
@access.signed_in
def decline(need_id: int):
    # Declined, the need leaves the assignee's reach unless they are its staff: _back_to takes them to their list.
    return _act(need_id, "decline", lambda f: services.decline(current_user, need_id, f.reason.data),
                _("Declined. The need is back with town staff for dispatch."))  # fmt: skip


@bp.route("/needs/<int:need_id>/reopen", methods=["POST"])
@access.signed_in
def reopen(need_id: int):
    return _act(need_id, "reopen", lambda f: services.reopen(current_user, need_id, f.reason.data),
                _("Reopened for review."))  # fmt: skip


@bp.route("/needs/<int:need_id>/reply", methods=["POST"])
@access.signed_in
def reply(need_id: int):
    return _act(need_id, "reply", lambda f: services.reply(current_user, need_id, f.text.data, public=True),
                _("Reply posted. The raiser sees it on the status page."))  # fmt: skip


@bp.route("/needs/<int:need_id>/note", methods=["POST"])
@access.signed_in
def note(need_id: int):
    return _act(need_id, "note", lambda f: services.reply(current_user, need_id, f.text.data, public=False),
                _("Note added."))  # fmt: skip


@bp.route("/needs/<int:need_id>/close", methods=["POST"])
@access.signed_in
def close(need_id: int):
    return _act(need_id, "close", lambda f: services.close(current_user, need_id, f.outcome.data),
                _("Closed. The raiser can now rate the handling."))  # fmt: skip


@bp.route("/needs/<int:need_id>/event", methods=["POST"])
@access.signed_in
def to_event(need_id: int):
    form = EventForm(prefix="event")
    event = submitted(form, lambda: services.to_event(
        current_user, need_id, title=form.title.data, description=form.description.data
    ))  # fmt: skip
    if event is not None:
        flash(_("A draft event was opened for the need: add sessions and roles, then publish it."), "success")
        return redirect(url_for("events.event", event_id=event.id))
    return _need_page(need_id, {"event": form}, status=422)


@bp.route("/needs/<int:need_id>/rate", methods=["POST"])
@access.signed_in
def rate(need_id: int):
    return _act(need_id, "rate", lambda f: services.record_rating(
        current_user, need_id, stars=f.stars.data, comment=f.comment.data or ""
    ), _("Rating recorded."))  # fmt: skip


@bp.route("/needs/<int:need_id>/accept", methods=["POST"])
@access.signed_in
def accept(need_id: int):
    services.accept(current_user, need_id)
    flash(_("Accepted. The deadline keeps running."), "success")
    return redirect(_back_to(need_id))


@bp.route("/needs/<int:need_id>/start", methods=["POST"])
@access.signed_in
def start(need_id: int):
    services.start(current_user, need_id)
    flash(_("Marked as in progress."), "success")
    return redirect(_back_to(need_id))
