"""Pages for the registry overview, towns and communities."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from volunteer_app.accounts import access
from volunteer_app.core.args import choice_arg, id_arg, page_arg, search_arg
from volunteer_app.core.forms import form_page, submitted
from volunteer_app.core.policy import can
from volunteer_app.organisations import forms, services
from volunteer_app.organisations.models import (
    CommunityKind,
)
from volunteer_app.organisations.views.common import bp, town_choices


@bp.route("/organisations")
@access.signed_in
def index():
    counts = services.registry_counts(current_user)
    return render_template(
        "organisations/index.html", counts=counts, can_manage=can(current_user, "organisation.manage")
    )


@bp.route("/towns")
@access.signed_in
def towns():
    page = services.list_towns(current_user, q=search_arg(), page=page_arg())
    return render_template("organisations/towns.html", page=page, q=search_arg())


@bp.route("/towns/new", methods=["GET", "POST"])
@access.town_staff
def new_town():
    form = forms.TownForm()
    town = submitted(
        form, lambda: services.create_town(current_user, name=form.name.data, district=form.district.data or "")
    )
    if town is not None:
        flash(_("%(name)s registered.", name=town.name), "success")
        return redirect(url_for(".towns"))
    return form_page("form.html", form, title=_("New town"), back=url_for(".towns"))


@bp.route("/towns/<int:town_id>/edit", methods=["GET", "POST"])
@access.town_staff
def edit_town(town_id: int):
    town = services.get_town(current_user, town_id)
    form = forms.TownForm(obj=town)
    if (
        submitted(
            form,
            lambda: services.update_town(current_user, town.id, name=form.name.data, district=form.district.data or ""),
        )
        is not None
    ):
        flash(_("Saved."), "success")
        return redirect(url_for(".towns"))
    return form_page("form.html", form, title=_("Edit %(name)s", name=town.name), back=url_for(".towns"))


@bp.route("/communities")
@access.signed_in
def communities():
    town_id, kind = id_arg("town_id"), choice_arg("kind", CommunityKind)
    page = services.list_communities(current_user, town_id=town_id, kind=kind, q=search_arg(), page=page_arg())
    return render_template(
        "organisations/communities.html",
        page=page,
        q=search_arg(),
        town_id=town_id,
        kind=kind,
        towns=services.all_towns(current_user),
        can_manage=can(current_user, "organisation.manage"),
    )


@bp.route("/communities/<int:community_id>")
@access.signed_in
def community(community_id: int):
    item = services.get_community(current_user, community_id)
    return render_template(
        "organisations/community.html",
        community=item,
        pairings=services.community_pairings(current_user, item),
        can_manage=can(current_user, "organisation.manage"),
    )


@bp.route("/communities/new", methods=["GET", "POST"])
@access.town_staff
def new_community():
    form = forms.CommunityForm(town_id=id_arg("town_id"))
    form.town_id.choices = town_choices()
    item = submitted(
        form,
        lambda: services.create_community(
            current_user, town_id=form.town_id.data, name=form.name.data, kind=form.kind.data
        ),
    )
    if item is not None:
        flash(_("%(name)s registered.", name=item.name), "success")
        return redirect(url_for(".community", community_id=item.id))
    return form_page("form.html", form, title=_("New community"), back=url_for(".communities"))


@bp.route("/communities/<int:community_id>/edit", methods=["GET", "POST"])
@access.town_staff
def edit_community(community_id: int):
    item = services.get_community(current_user, community_id)
    form = forms.CommunityForm(obj=item)
    form.town_id.choices = town_choices()
    if (
        submitted(
            form,
            lambda: services.update_community(
                current_user, item.id, town_id=form.town_id.data, name=form.name.data, kind=form.kind.data
            ),
        )
        is not None
    ):
        flash(_("Saved."), "success")
        return redirect(url_for(".community", community_id=item.id))
    return form_page(
        "form.html",
        form,
        title=_("Edit %(name)s", name=item.name),
        back=url_for(".community", community_id=item.id),
    )
