"""Team reservation pages: a role's reservations with the form reserving places for a team, and one reservation's
page where its leader ticks the members filling it (the full list, see events/reservations.py) or releases it."""

from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from volunteer_app.accounts import access
from volunteer_app.core.args import page_arg, search_arg
from volunteer_app.core.forms import submitted
from volunteer_app.core.policy import can
from volunteer_app.core.time import to_local, utcnow
from volunteer_app.events import forms, reservations, services
from volunteer_app.events.forms import local
from volunteer_app.events.views import ORGANISERS, bp, form_ids
from volunteer_app.organisations import services as org


@bp.route("/roles/<int:role_id>/reservations", methods=["GET", "POST"], endpoint="reservations")
@access.roles(*ORGANISERS)
def role_reservations(role_id: int):
    """A role's reservations (the organisers see every team's, a leader their own) and the form reserving more."""
    role = services.get_role(current_user, role_id)
    session, event = role.session, role.session.event
    form = forms.ReservationForm()
    form.team_id.choices = reservations.teams_to_reserve_for(current_user, role)
    if not form.is_submitted():
        form.places.data = role.places_left or 1
        # A day before the latest allowed time (the session's start, or sign-up closing if earlier).
        last = min(session.starts_at, event.signup_closes_at or session.starts_at)
        fill_by = max(utcnow(), last - timedelta(days=1))
        form.fill_by.data = to_local(fill_by).replace(second=0, microsecond=0, tzinfo=None)
    made = submitted(
        form,
        lambda: reservations.reserve(
            current_user,
            role.id,
            team_id=form.team_id.data,
            places=form.places.data,
            fill_by=local(form.fill_by.data),
        ),
    )
    if made is not None:
        flash(ngettext("%(num)d place reserved.", "%(num)d places reserved.", made.places), "success")
        return redirect(url_for(".reservation", role_id=role.id, reservation_id=made.id))
    page = reservations.list_reservations(current_user, role.id, page=page_arg())
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "events/reservations.html",
        role=role,
        event=event,
        page=page,
        form=form if form.team_id.choices and event.status == "published" else None,
    ), status


@bp.route("/roles/<int:role_id>/reservations/<int:reservation_id>", methods=["GET", "POST"])
@access.roles(*ORGANISERS)
def reservation(role_id: int, reservation_id: int):
    """The names filling a reservation: those filled are ticked (untick to cancel); the team's other members below,
    page by page, to tick and add."""
    item = reservations.get_reservation(current_user, role_id, reservation_id)
    if request.method == "POST":
        item = reservations.fill(current_user, role_id, reservation_id, form_ids("volunteer_ids"))
        message = _("Names saved: %(filled)d of %(places)d places filled.", filled=item.filled, places=item.places)
        flash(message, "success")
        return redirect(url_for(".reservation", role_id=role_id, reservation_id=reservation_id))
    manageable = can(current_user, "reservation.manage", item.team_id)
    members = others = None
    if manageable and item.status == "open":
        filled = {s.volunteer_id for s in item.members}
        members = org.list_members(current_user, item.team_id, q=search_arg(), page=page_arg(), per_page=100)
        others = [m for m in members.items if m.volunteer_id not in filled]
    return render_template(
        "events/reservation.html",
        item=item,
        role=services.get_role(current_user, role_id),
        manageable=manageable,
        members=members,
        others=others,
        q=search_arg(),
    )


@bp.route("/roles/<int:role_id>/reservations/<int:reservation_id>/release", methods=["POST"])
@access.roles(*ORGANISERS)
def release_reservation(role_id: int, reservation_id: int):
    promoted = reservations.release(current_user, role_id, reservation_id)
    flash(
        _("The unfilled places were released.")
        + " "
        + ngettext("%(num)d volunteer moved up.", "%(num)d volunteers moved up.", len(promoted)),
        "success",
    )
    return redirect(url_for(".reservation", role_id=role_id, reservation_id=reservation_id))
