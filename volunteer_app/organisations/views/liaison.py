"""Pages for deputy liaison stations and their reception dates."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from volunteer_app.accounts import access
from volunteer_app.core.args import id_arg, page_arg, search_arg
from volunteer_app.core.forms import form_page, submitted
from volunteer_app.core.policy import can
from volunteer_app.organisations import forms, services
from volunteer_app.organisations.views.common import bp, community_choices


@bp.route("/liaison-stations")
@access.signed_in
def liaison_stations():
    page = services.list_liaison_stations(
        current_user, community_id=id_arg("community_id"), q=search_arg(), page=page_arg()
    )
    return render_template(
        "organisations/liaison_stations.html",
        page=page,
        q=search_arg(),
        rule=services.reception_rule,
        next_receptions=services.next_receptions,
        can_manage=can(current_user, "organisation.manage"),
    )


@bp.route("/liaison-stations/<int:station_id>")
@access.signed_in
def liaison_station(station_id: int):
    station = services.get_liaison_station(current_user, station_id)
    rule = services.reception_rule(station)
    return render_template(
        "organisations/liaison_station.html",
        station=station,
        rule=rule,
        receptions=services.next_receptions(station, count=8),
        can_manage=can(current_user, "organisation.manage"),
    )


def _deputy_specs(form: forms.LiaisonForm) -> list[services.DeputySpec]:
    return [
        services.DeputySpec(entry.form.name.data.strip(), entry.form.level.data, entry.form.title.data or "")
        for entry in form.deputies
        if (entry.form.name.data or "").strip()
    ]


def _liaison_form(station=None) -> forms.LiaisonForm:
    form = forms.LiaisonForm(obj=station)
    form.community_id.choices = community_choices(optional=True)
    if request.method == "GET":
        while len(form.deputies) < (len(station.deputies) if station else 0) + 2:
            form.deputies.append_entry()
    return form


def _liaison_values(form: forms.LiaisonForm) -> dict:
    return {
        "name": form.name.data,
        "community_id": form.community_id.data,
        "address": form.address.data or "",
        "reception_weekday": form.reception_weekday.data,
        "reception_start": form.reception_start.data,
        "reception_end": form.reception_end.data,
        "except_public_holidays": form.except_public_holidays.data,
        "deputies": _deputy_specs(form),
    }


@bp.route("/liaison-stations/new", methods=["GET", "POST"])
@access.town_staff
def new_liaison_station():
    form = _liaison_form()
    station = submitted(form, lambda: services.create_liaison_station(current_user, **_liaison_values(form)))
    if station is not None:
        flash(_("%(name)s registered.", name=station.name), "success")
        return redirect(url_for(".liaison_station", station_id=station.id))
    return form_page(
        "organisations/liaison_form.html", form, title=_("New liaison station"), back=url_for(".liaison_stations")
    )


@bp.route("/liaison-stations/<int:station_id>/edit", methods=["GET", "POST"])
@access.town_staff
def edit_liaison_station(station_id: int):
    station = services.get_liaison_station(current_user, station_id)
    form = _liaison_form(station)
    if (
        submitted(form, lambda: services.update_liaison_station(current_user, station.id, **_liaison_values(form)))
        is not None
    ):
        flash(_("Saved."), "success")
        return redirect(url_for(".liaison_station", station_id=station.id))
    return form_page(
        "organisations/liaison_form.html",
        form,
        title=_("Edit %(name)s", name=station.name),
        back=url_for(".liaison_station", station_id=station.id),
    )
