"""Pages for the social-work station, its service points, workers and coverage."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from volunteer_app.accounts import access
from volunteer_app.accounts.models import TOWN_STAFF, Role
from volunteer_app.core.args import id_arg, page_arg, search_arg
from volunteer_app.core.forms import form_page, submitted
from volunteer_app.core.policy import can
from volunteer_app.organisations import forms, services
from volunteer_app.organisations.views.common import bp, town_choices


@bp.route("/service-stations")
@access.signed_in
def stations():
    page = services.list_stations(current_user, q=search_arg(), page=page_arg())
    return render_template(
        "organisations/stations.html", page=page, q=search_arg(), can_manage=can(current_user, "organisation.manage")
    )


def _coverage_choices(town_id: int | None) -> list[tuple[int, str]]:
    """A town's communities as checkboxes; one covered elsewhere says by what."""
    return [
        (c.id, c.name + (f" ({c.coverer_name})" if c.is_covered else ""))
        for c in services.town_communities(current_user, town_id)
    ]


@bp.route("/service-stations/new", methods=["GET", "POST"])
@access.town_staff
def new_station():
    form = forms.StationForm()
    form.town_id.choices = town_choices()
    form.community_ids.choices = _coverage_choices(form.town_id.data)
    station = submitted(
        form,
        lambda: services.create_station(
            current_user,
            town_id=form.town_id.data,
            name=form.name.data,
            address=form.address.data or "",
            opened_on=form.opened_on.data,
            community_ids=form.community_ids.data,
        ),
    )
    if station is not None:
        flash(_("%(name)s registered. Register its service points next.", name=station.name), "success")
        return redirect(url_for(".stations"))
    return form_page(
        "form.html",
        form,
        title=_("New social-work station"),
        back=url_for(".stations"),
        note=_("Choose the town and save; then edit the station to choose communities it covers itself."),
    )


@bp.route("/service-stations/<int:station_id>/edit", methods=["GET", "POST"])
@access.town_staff
def edit_station(station_id: int):
    station = services.get_station(current_user, station_id)
    form = forms.StationForm(obj=station, community_ids=[c.id for c in station.covered_communities])
    form.town_id.choices = [(station.town_id, station.town.name)]
    form.community_ids.choices = _coverage_choices(station.town_id)
    if (
        submitted(
            form,
            lambda: services.update_station(
                current_user,
                station.id,
                name=form.name.data,
                address=form.address.data or "",
                opened_on=form.opened_on.data,
                community_ids=form.community_ids.data,
            ),
        )
        is not None
    ):
        flash(_("Saved."), "success")
        return redirect(url_for(".stations"))
    return form_page("form.html", form, title=_("Edit %(name)s", name=station.name), back=url_for(".stations"))


@bp.route("/service-points")
@access.signed_in
def points():
    station_id = id_arg("station_id")
    page = services.list_points(current_user, station_id=station_id, q=search_arg(), page=page_arg())
    return render_template(
        "organisations/points.html",
        page=page,
        q=search_arg(),
        station_id=station_id,
        can_manage=can(current_user, "organisation.manage"),
    )


def _point_page(point, form=None, status: int = 200):
    can_assign = can(current_user, "service_point.assign_worker", point)
    if form is None and can_assign:
        form = forms.AssignWorkerForm()
    if form is not None:
        form.user_id.choices = [("", _("— choose —")), *services.social_worker_choices(current_user)]
    return render_template(
        "organisations/point.html",
        point=point,
        workers=services.point_workers(current_user, point),
        form=form,
        can_assign=can_assign,
        can_manage=can(current_user, "organisation.manage"),
    ), status


@bp.route("/service-points/<int:point_id>")
@access.signed_in
def point(point_id: int):
    return _point_page(services.get_point(current_user, point_id))


@bp.route("/service-points/<int:point_id>/workers", methods=["POST"])
@access.roles(*TOWN_STAFF, Role.STATION_SUPERVISOR)
def assign_worker(point_id: int):
    item = services.get_point(current_user, point_id)
    form = forms.AssignWorkerForm()
    form.user_id.choices = [("", _("— choose —")), *services.social_worker_choices(current_user)]
    user = submitted(form, lambda: services.assign_social_worker(current_user, item.id, user_id=form.user_id.data))
    if user is not None:
        flash(_("%(name)s is assigned to %(point)s.", name=user.display_name, point=item.name), "success")
        return redirect(url_for(".point", point_id=item.id))
    return _point_page(item, form, 422)


@bp.route("/service-points/<int:point_id>/workers/<int:user_id>/remove", methods=["POST"])
@access.roles(*TOWN_STAFF, Role.STATION_SUPERVISOR)
def unassign_worker(point_id: int, user_id: int):
    services.unassign_social_worker(current_user, point_id, user_id=user_id)
    flash(_("The social worker is no longer assigned here."), "success")
    return redirect(url_for(".point", point_id=point_id))


def _station_town(form: forms.PointForm) -> int | None:
    station = services.find_station(form.station_id.data)
    return station.town_id if station else None


@bp.route("/service-points/new", methods=["GET", "POST"])
@access.town_staff
def new_point():
    form = forms.PointForm(station_id=id_arg("station_id"))
    form.station_id.choices = [("", _("— choose —")), *services.station_choices(current_user)]
    if request.method == "GET" and form.station_id.data is None and len(form.station_id.choices) == 2:
        form.station_id.data = form.station_id.choices[1][0]  # the usual case: one town, one station
    form.community_ids.choices = _coverage_choices(_station_town(form))
    item = submitted(
        form,
        lambda: services.create_point(
            current_user,
            station_id=form.station_id.data,
            name=form.name.data,
            address=form.address.data or "",
            opened_on=form.opened_on.data,
            community_ids=form.community_ids.data,
        ),
    )
    if item is not None:
        flash(_("%(name)s registered.", name=item.name), "success")
        return redirect(url_for(".point", point_id=item.id))
    return form_page("form.html", form, title=_("New service point"), back=url_for(".points"))


@bp.route("/service-points/<int:point_id>/edit", methods=["GET", "POST"])
@access.town_staff
def edit_point(point_id: int):
    item = services.get_point(current_user, point_id)
    form = forms.PointForm(obj=item, community_ids=[c.id for c in item.communities])
    form.station_id.choices = [(item.station_id, item.station.name)]
    form.community_ids.choices = _coverage_choices(item.station.town_id)
    if (
        submitted(
            form,
            lambda: services.update_point(
                current_user,
                item.id,
                name=form.name.data,
                address=form.address.data or "",
                opened_on=form.opened_on.data,
                community_ids=form.community_ids.data,
            ),
        )
        is not None
    ):
        flash(_("Saved."), "success")
        return redirect(url_for(".point", point_id=item.id))
    return form_page(
        "form.html",
        form,
        title=_("Edit %(name)s", name=item.name),
        back=url_for(".point", point_id=item.id),
    )


@bp.route("/coverage")
@access.signed_in
def coverage():
    page = services.coverage(current_user, page=page_arg())
    return render_template("organisations/coverage.html", page=page)
