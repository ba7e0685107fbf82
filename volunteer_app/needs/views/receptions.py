"""Pages of the deputies' receptions 接待日: each station's next reception dates and its recorded receptions, and one
reception with its deputies on duty and its visitors, where staff record a visitor and what they raised (a need).
Town staff manage them; a deputy reads the receptions they are on duty at."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from volunteer_app.accounts import access
from volunteer_app.accounts.models import TOWN_STAFF, Role
from volunteer_app.core import navigation
from volunteer_app.core.args import id_arg, page_arg, search_arg
from volunteer_app.core.errors import Forbidden, NotFound
from volunteer_app.core.forms import form_page, submitted
from volunteer_app.core.policy import can
from volunteer_app.needs import services
from volunteer_app.needs.forms.receptions import OnDutyForm, VisitorForm
from volunteer_app.needs.views.common import bp
from volunteer_app.needs.vocabulary import STATUS_LABELS
from volunteer_app.organisations import services as org

READERS = (*TOWN_STAFF, Role.DEPUTY)

navigation.add_menu_link(_l("Receptions"), "needs.receptions", *READERS, shown=lambda user: can(user, "reception.list"))


def _day_arg(day: str) -> date:
    try:
        return date.fromisoformat(day)
    except ValueError:
        raise NotFound(_("The station holds no reception on this date.")) from None


@bp.route("/receptions")
@access.roles(*READERS)
def receptions():
    page = services.list_schedules(current_user, q=search_arg(), page=page_arg())
    return render_template("needs/receptions.html", page=page, q=search_arg())


@bp.route("/receptions/recorded")
@access.roles(*READERS)
def recorded_receptions():
    station_id = id_arg("station_id")
    page = services.list_receptions(current_user, station_id=station_id, q=search_arg(), page=page_arg())
    return render_template("needs/receptions_recorded.html", page=page, q=search_arg(), station_id=station_id)


def _visitor_form(day: services.ReceptionDay) -> VisitorForm:
    form = VisitorForm()
    form.community_id.choices = org.community_choices()
    # One deputy on duty receives everyone; with several, staff say who received the visitor.
    several = [("", _("— choose —"))] if len(day.on_duty) > 1 else []
    form.deputy_id.choices = [*several, *((d.id, d.name) for d in day.on_duty)]
    if not form.is_submitted():
        form.community_id.data = day.station.community_id
    return form


@bp.route("/receptions/<int:station_id>/<day>", methods=["GET", "POST"])
@access.roles(*READERS)
def reception(station_id: int, day: str):
    found = services.reception_day(current_user, station_id, _day_arg(day))
    manage = can(current_user, "reception.manage")
    if request.method == "POST" and not manage:
        raise Forbidden(_("You are not allowed to do this."))
    form = _visitor_form(found) if manage else None

    def record():
        reception = services.open_reception(current_user, station_id, found.day)
        return services.record_visitor(current_user, reception.id, _visitor_input(form))

    recorded = submitted(form, record) if manage else None
    if recorded is not None:
        _visitor, need = recorded
        flash(_("Recorded. The need's tracking number is %(number)s.", number=need.tracking_number), "success")
        return redirect(url_for(".reception", station_id=station_id, day=found.day.isoformat()))
    duty_form = OnDutyForm(deputy_ids=[d.id for d in found.on_duty]) if manage else None
    if duty_form is not None:
        duty_form.deputy_ids.choices = [(d.id, d.name) for d in found.station.deputies]
    context = {
        "found": found,
        "duty_form": duty_form,
        "visitors": services.visitor_lines(current_user, found.reception),
        "status_labels": STATUS_LABELS,
    }
    if form is None:
        return render_template("needs/reception.html", form=None, **context)
    return form_page("needs/reception.html", form, **context)


def _visitor_input(form: VisitorForm) -> services.VisitorInput:
    return services.VisitorInput(
        name=form.name.data,
        phone=form.phone.data,
        raised=form.raised.data,
        category=form.category.data,
        owner=form.owner.data,
        deputy_id=form.deputy_id.data,
        community_id=form.community_id.data,
        place=form.place.data or "",
    )


@bp.route("/receptions/<int:station_id>/<day>/on-duty", methods=["POST"])
@access.town_staff
def reception_on_duty(station_id: int, day: str):
    found = services.reception_day(current_user, station_id, _day_arg(day))
    form = OnDutyForm()
    form.deputy_ids.choices = [(d.id, d.name) for d in found.station.deputies]
    form.validate_on_submit()  # the service names what is wrong with the choice
    reception = services.open_reception(current_user, station_id, found.day)
    services.set_on_duty(current_user, reception.id, form.deputy_ids.data or [])
    flash(_("Saved."), "success")
    return redirect(url_for(".reception", station_id=station_id, day=found.day.isoformat()))
