"""Event pages: the list, an event, and the organisers' forms for events, sessions and roles."""

from __future__ import annotations

from datetime import datetime

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import pgettext
from flask_login import current_user

from volunteer_app.accounts import access
from volunteer_app.core.args import id_arg, page_arg, search_arg
from volunteer_app.core.errors import Invalid
from volunteer_app.core.forms import form_page, submitted
from volunteer_app.core.policy import can
from volunteer_app.core.time import as_utc, to_local, utcnow
from volunteer_app.events import enrolments, forms, reservations, services, signups
from volunteer_app.events.models import EVENT_STATUS_LABELS, Audience, EventKind, EventStatus
from volunteer_app.events.views import ORGANISERS, bp
from volunteer_app.organisations import services as org


def _day_arg(name: str) -> datetime | None:
    value = request.args.get(name, "")
    try:
        return as_utc(datetime.fromisoformat(value)) if value else None
    except ValueError:
        return None


@bp.route("/events")
@access.public  # visitors see the public events (the policy's event.view decides which)
def index():
    kind = request.args.get("kind") if request.args.get("kind") in set(EventKind) else None
    status = request.args.get("status") if request.args.get("status") in set(EventStatus) else None
    community_id = id_arg("community_id")
    mine = request.args.get("near") == "1"
    has_profile, home = services.home_community(current_user)
    if mine and has_profile:
        community_id = home
    start = _day_arg("from")
    if start is None and request.args.get("past") != "1":
        start = as_utc(datetime.combine(to_local(utcnow()).date(), datetime.min.time()))
    filters = services.EventFilter(
        from_=start, to=_day_arg("to"), kind=kind, community_id=community_id, status=status, q=search_arg()
    )
    page = services.list_events(current_user, filters, page=page_arg())
    return render_template(
        "events/index.html",
        page=page,
        q=search_arg(),
        kind=kind,
        status=status,
        community_id=community_id,
        near=mine,
        has_profile=has_profile,
        communities=org.community_choices(current_user),
        from_value=request.args.get("from", ""),
        can_create=current_user.is_authenticated and current_user.has_role(*ORGANISERS),
    )


@bp.app_template_global()
def upcoming_events(limit: int = 5) -> list:
    """The next events the reader may see (a visitor: the public ones), for the welcome page."""
    return services.list_events(current_user, services.EventFilter(from_=utcnow()), per_page=limit).items


@bp.route("/events/<int:event_id>")
@access.public  # a visitor sees a public event (no roster); other events ask them to log in
def event(event_id: int):
    item = services.get_event(current_user, event_id)
    roles = [role for session in item.sessions for role in session.roles]
    mine = signups.my_signups_by_role(current_user, [r.id for r in roles])
    manage = can(current_user, "event.manage", item)
    return render_template(
        "events/event.html",
        event=item,
        mine=mine,
        manage=manage,
        enrolment_counts=enrolments.counts(item.id) if item.beneficiary_capacity else {},
        missing=services.completeness_errors(item) if manage and item.status == EventStatus.DRAFT else {},
        now=utcnow(),
        has_profile=org.own_profile_id(current_user) is not None,
        reserved=reservations.open_by_role(current_user, [r.id for r in roles]),
        may_reserve=reservations.may_reserve(current_user),
    )


def _fill_choices(form: forms.EventForm) -> None:
    teams = services.teams_to_organise_for(current_user)
    blank = [("", _("— none —"))] if can(current_user, "event.create", None) else []
    form.team_id.choices = [*blank, *teams]
    form.community_id.choices = [("", _("— none —")), *org.community_choices(current_user)]
    form.audience_team_ids.choices = org.team_choices(current_user)


def _event_data(form: forms.EventForm) -> dict:
    return {
        "title": form.title.data,
        "kind": form.kind.data,
        "team_id": form.team_id.data,
        "community_id": form.community_id.data,
        "place": form.place.data or "",
        "description": form.description.data or "",
        "signup_opens_at": forms.local(form.signup_opens_at.data),
        "signup_closes_at": forms.local(form.signup_closes_at.data),
        "audience": form.audience.data,
        "audience_team_ids": form.audience_team_ids.data or [] if form.audience.data == Audience.TEAMS else [],
        "beneficiary_capacity": form.beneficiary_capacity.data,
        "promotion_confirm_hours": form.promotion_confirm_hours.data,
        "attendance_confirm_hours": form.attendance_confirm_hours.data,
    }


@bp.route("/events/new", methods=["GET", "POST"])
@access.roles(*ORGANISERS)
def new_event():
    form = forms.EventForm()
    _fill_choices(form)
    if (item := submitted(form, lambda: services.create_event(current_user, **_event_data(form)))) is not None:
        flash(_("Event saved as a draft. Add its sessions and roles, then publish it."), "success")
        return redirect(url_for(".event", event_id=item.id))
    return form_page("form.html", form, title=_("New event"), back=url_for(".index"))


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@access.roles(*ORGANISERS)
def edit_event(event_id: int):
    item = services.get_event_for_update(current_user, event_id)
    form = forms.EventForm(obj=item)
    _fill_choices(form)
    if request.method == "GET":
        form.signup_opens_at.data = (
            to_local(item.signup_opens_at).replace(tzinfo=None) if item.signup_opens_at else None
        )
        form.signup_closes_at.data = (
            to_local(item.signup_closes_at).replace(tzinfo=None) if item.signup_closes_at else None
        )
        form.audience_team_ids.data = [t.id for t in item.audience_teams]
    if submitted(form, lambda: services.update_event(current_user, item.id, **_event_data(form))):
        flash(_("Saved."), "success")
        return redirect(url_for(".event", event_id=item.id))
    return form_page(
        "form.html", form, title=_("Edit %(name)s", name=item.title), back=url_for(".event", event_id=item.id)
    )


@bp.route("/events/<int:event_id>/status", methods=["POST"])
@access.roles(*ORGANISERS)
def set_status(event_id: int):
    """Publish or complete (cancelling has its own form, for the reason)."""
    # The event and its organiser first: whoever may not manage it learns nothing from the form's checks.
    item = services.get_event_for_update(current_user, event_id)
    status = request.form.get("status")
    if status not in (EventStatus.PUBLISHED, EventStatus.COMPLETED, EventStatus.DRAFT):
        raise Invalid({"status": [_("Choose published or completed.")]})
    try:
        services.update_event(current_user, item.id, status=status)
    except Invalid as error:
        for messages in error.errors.values():
            for message in messages:
                flash(message, "danger")
    else:
        flash(_("The event is now: %(status)s.", status=EVENT_STATUS_LABELS[EventStatus(status)]), "success")
    return redirect(url_for(".event", event_id=event_id))


@bp.route("/events/<int:event_id>/cancel", methods=["GET", "POST"])
@access.roles(*ORGANISERS)
def cancel_event(event_id: int):
    item = services.get_event_for_update(current_user, event_id)
    form = forms.CancelEventForm()
    if submitted(form, lambda: services.cancel_event(current_user, item.id, form.cancel_reason.data)):
        flash(_("The event is cancelled."), "warning")
        return redirect(url_for(".event", event_id=item.id))
    return form_page(
        "form.html", form, title=_("Cancel %(name)s", name=item.title), back=url_for(".event", event_id=item.id)
    )


# ---------------------------------------------------------------------------------------------- sessions and roles


def _session_data(form: forms.SessionForm) -> dict:
    return {
        "starts_at": forms.local(form.starts_at.data),
        "ends_at": forms.local(form.ends_at.data),
        "title": form.title.data or "",
    }


def _flash_warnings(session) -> None:
    for message in getattr(session, "warnings", ()):
        flash(message, "warning")


@bp.route("/events/<int:event_id>/sessions/new", methods=["GET", "POST"])
@access.roles(*ORGANISERS)
def new_session(event_id: int):
    item = services.get_event_for_update(current_user, event_id)
    form = forms.SessionForm()
    session = submitted(form, lambda: services.add_session(current_user, item.id, **_session_data(form)))
    if session is not None:
        flash(_("Session added. Now add its roles."), "success")
        _flash_warnings(session)
        return redirect(url_for(".new_role", session_id=session.id))
    return form_page(
        "form.html",
        form,
        title=_("New session of %(name)s", name=item.title),
        back=url_for(".event", event_id=item.id),
    )


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@access.roles(*ORGANISERS)
def edit_session(session_id: int):
    session = services.get_session(current_user, session_id)
    services.get_event_for_update(current_user, session.event_id)
    form = forms.SessionForm(obj=session)
    if request.method == "GET":
        form.starts_at.data = to_local(session.starts_at).replace(tzinfo=None)
        form.ends_at.data = to_local(session.ends_at).replace(tzinfo=None)
    if submitted(form, lambda: services.update_session(current_user, session.id, **_session_data(form))):
        flash(_("Saved."), "success")
        _flash_warnings(session)
        return redirect(url_for(".event", event_id=session.event_id))
    return form_page("form.html", form, title=_("Edit session"), back=url_for(".event", event_id=session.event_id))


@bp.route("/sessions/<int:session_id>/delete", methods=["POST"])
@access.roles(*ORGANISERS)
def delete_session(session_id: int):
    session = services.get_session(current_user, session_id)
    services.delete_session(current_user, session.id)
    flash(_("Session deleted."), "success")
    return redirect(url_for(".event", event_id=session.event_id))


def _role_data(form: forms.RoleForm) -> dict:
    return {
        "name": form.name.data,
        "capacity": form.capacity.data,
        "description": form.description.data or "",
        "min_age": form.min_age.data,
        "political_status": form.political_status.data or None,
        "skill": form.skill.data or None,
    }


@bp.route("/sessions/<int:session_id>/roles/new", methods=["GET", "POST"])
@access.roles(*ORGANISERS)
def new_role(session_id: int):
    session = services.get_session(current_user, session_id)
    services.get_event_for_update(current_user, session.event_id)
    form = forms.RoleForm()
    if submitted(form, lambda: services.add_role(current_user, session.id, **_role_data(form))):
        flash(pgettext("event", "Role added."), "success")
        return redirect(url_for(".event", event_id=session.event_id))
    return form_page("form.html", form, title=_("New role"), back=url_for(".event", event_id=session.event_id))


@bp.route("/roles/<int:role_id>/edit", methods=["GET", "POST"])
@access.roles(*ORGANISERS)
def edit_role(role_id: int):
    role = services.get_role(current_user, role_id)
    services.get_event_for_update(current_user, role.session.event_id)
    form = forms.RoleForm(obj=role)
    if request.method == "GET":
        form.political_status.data = role.political_status or ""
    if submitted(form, lambda: services.update_role(current_user, role.id, **_role_data(form))):
        flash(_("Saved."), "success")
        return redirect(url_for(".event", event_id=role.session.event_id))
    return form_page("form.html", form, title=_("Edit role"), back=url_for(".event", event_id=role.session.event_id))


@bp.route("/roles/<int:role_id>/delete", methods=["POST"])
@access.roles(*ORGANISERS)
def delete_role(role_id: int):
    role = services.get_role(current_user, role_id)
    event_id = role.session.event_id
    services.delete_role(current_user, role.id)
    flash(_("Role deleted."), "success")
    return redirect(url_for(".event", event_id=event_id))
