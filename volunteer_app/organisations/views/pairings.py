"""Pages for pairings between teams and communities."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from volunteer_app.accounts import access
from volunteer_app.accounts.models import TOWN_STAFF, Role
from volunteer_app.core.args import choice_arg, id_arg, page_arg, search_arg
from volunteer_app.core.forms import form_page, submitted
from volunteer_app.core.policy import can, require
from volunteer_app.organisations import forms, services, team_scope
from volunteer_app.organisations.models import (
    TeamKind,
)
from volunteer_app.organisations.views.common import bp


@bp.route("/pairings")
@access.signed_in
def pairings():
    community_id, kind = id_arg("community_id"), choice_arg("kind", TeamKind)
    team_id = id_arg("team_id")
    page = services.list_pairings(
        current_user, community_id=community_id, team_id=team_id, kind=kind, q=search_arg(), page=page_arg()
    )
    return render_template(
        "organisations/pairings.html",
        page=page,
        q=search_arg(),
        kind=kind,
        community_id=community_id,
        team_id=team_id,
        can_create=can(current_user, "pairing.create"),
    )


@bp.route("/pairings/new", methods=["GET", "POST"])
@access.roles(*TOWN_STAFF, Role.TEAM_LEADER)
def new_pairing():
    form = forms.PairingForm(team_id=id_arg("team_id"), community_id=id_arg("community_id"))
    teams = services.team_choices(current_user)
    if not can(current_user, "organisation.manage"):
        managed = team_scope.managed_team_ids(current_user)
        teams = [choice for choice in teams if choice[0] in managed]
    form.team_id.choices = [("", _("— choose —")), *teams]
    form.community_id.choices = [("", _("— choose —")), *services.pairable_communities(current_user)]
    pairing = submitted(
        form,
        lambda: services.create_pairing(
            current_user,
            team_id=form.team_id.data,
            community_id=form.community_id.data,
            since=form.since.data,
            purpose=form.purpose.data or "",
        ),
    )
    if pairing is not None:
        flash(
            _(
                "%(team)s is now paired with %(community)s.",
                team=pairing.team.name,
                community=pairing.community.name,
            ),
            "success",
        )
        return redirect(url_for(".pairings"))
    return form_page("form.html", form, title=_("New pairing"), back=url_for(".pairings"))


@bp.route("/pairings/<int:pairing_id>/edit", methods=["GET", "POST"])
@access.roles(*TOWN_STAFF, Role.TEAM_LEADER)
def edit_pairing(pairing_id: int):
    pairing = services.get_pairing(current_user, pairing_id)
    require(current_user, "pairing.manage", pairing.team)
    form = forms.PairingEditForm(obj=pairing)
    if (
        submitted(
            form,
            lambda: services.update_pairing(
                current_user,
                pairing.id,
                since=form.since.data,
                purpose=form.purpose.data or "",
                ended_on=form.ended_on.data,
            ),
        )
        is not None
    ):
        flash(_("Saved."), "success")
        return redirect(url_for(".pairings"))
    title = _("%(team)s · %(community)s", team=pairing.team.name, community=pairing.community.name)
    return form_page("form.html", form, title=title, back=url_for(".pairings"))
