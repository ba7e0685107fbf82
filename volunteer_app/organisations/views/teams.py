"""Pages for volunteer teams and their members."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from volunteer_app.accounts import access
from volunteer_app.accounts.models import TOWN_STAFF, Role
from volunteer_app.core.args import choice_arg, id_arg, page_arg, search_arg
from volunteer_app.core.forms import form_page, submitted
from volunteer_app.core.policy import can, require
from volunteer_app.core.time import today
from volunteer_app.organisations import forms, services, team_scope
from volunteer_app.organisations.models import (
    MemberRole,
    TeamKind,
)
from volunteer_app.organisations.views.common import bp, town_choices


@bp.route("/teams")
@access.signed_in
def teams():
    kind, community_id = choice_arg("kind", TeamKind), id_arg("community_id")
    page = services.list_teams(current_user, kind=kind, community_id=community_id, q=search_arg(), page=page_arg())
    return render_template(
        "organisations/teams.html",
        page=page,
        q=search_arg(),
        kind=kind,
        community_id=community_id,
        can_create=can(current_user, "team.create"),
    )


@bp.route("/teams/mine")
@access.roles(Role.TEAM_LEADER)
def my_team():
    led = sorted(team_scope.led_team_ids(current_user))
    if not led:
        flash(_("Your team leader role is not tied to a team yet. Ask the Youth League staff."), "warning")
        return redirect(url_for(".teams"))
    return redirect(url_for(".team", team_id=led[0]))


@bp.route("/teams/<int:team_id>")
@access.signed_in
def team(team_id: int):
    item = services.get_team(current_user, team_id)
    return render_template(
        "organisations/team.html",
        team=item,
        can_edit=can(current_user, "team.update", item),
        can_see_members=can(current_user, "team.members.view", item),
        can_pair=can(current_user, "pairing.manage", item),
    )


@bp.route("/teams/new", methods=["GET", "POST"])
@access.roles(*TOWN_STAFF)
def new_team():
    """Town-wide staff register any team; community staff one paired with their community (services.create_team)."""
    form = forms.TeamForm(community_id=id_arg("community_id"))
    form.town_id.choices = town_choices(optional=True)
    communities = services.pairable_communities(current_user)
    blank = _("— none —") if can(current_user, "organisation.manage") else _("— choose —")
    form.community_id.choices = [("", blank), *communities]
    item = submitted(
        form,
        lambda: services.create_team(
            current_user,
            name=form.name.data,
            kind=form.kind.data,
            town_id=form.town_id.data,
            description=form.description.data or "",
            founded_on=form.founded_on.data,
            community_id=form.community_id.data,
        ),
    )
    if item is not None:
        flash(_("%(name)s registered.", name=item.name), "success")
        return redirect(url_for(".team", team_id=item.id))
    return form_page("form.html", form, title=_("New team"), back=url_for(".teams"))


@bp.route("/teams/<int:team_id>/edit", methods=["GET", "POST"])
@access.roles(*TOWN_STAFF, Role.TEAM_LEADER)
def edit_team(team_id: int):
    item = services.get_team(current_user, team_id)
    require(current_user, "team.update", item)  # before showing the form; the service checks again on saving
    form = forms.TeamForm(obj=item)
    del form.community_id  # a team's pairings change on the pairing pages
    form.town_id.choices = town_choices(optional=True)
    if (
        submitted(
            form,
            lambda: services.update_team(
                current_user,
                item.id,
                name=form.name.data,
                kind=form.kind.data,
                town_id=form.town_id.data,
                description=form.description.data or "",
                founded_on=form.founded_on.data,
            ),
        )
        is not None
    ):
        flash(_("Saved."), "success")
        return redirect(url_for(".team", team_id=item.id))
    return form_page(
        "form.html",
        form,
        title=_("Edit %(name)s", name=item.name),
        back=url_for(".team", team_id=item.id),
    )


def _member_form(team) -> forms.MemberForm:
    form = forms.MemberForm()
    if not can(current_user, "team.leaders.manage", team):
        del form.role
    return form


@bp.route("/teams/<int:team_id>/members", methods=["GET", "POST"])
@access.roles(*TOWN_STAFF, Role.TEAM_LEADER)
def members(team_id: int):
    item = services.get_team(current_user, team_id)
    include_former = request.args.get("former") == "1"
    form = _member_form(item) if can(current_user, "team.members.manage", item) else None
    if form is not None and submitted(
        form,
        lambda: services.add_member(
            current_user,
            item.id,
            phone=form.phone.data,
            role=form.role.data if "role" in form else MemberRole.MEMBER,
            joined_on=form.joined_on.data,
        ),
    ):
        flash(_("Member added."), "success")
        return redirect(url_for(".members", team_id=item.id))
    page = services.list_members(current_user, item.id, include_former=include_former, q=search_arg(), page=page_arg())
    status = 422 if form is not None and form.errors else 200
    return render_template(
        "organisations/members.html",
        team=item,
        page=page,
        q=search_arg(),
        form=form,
        include_former=include_former,
        can_lead=can(current_user, "team.leaders.manage", item),
        today=today(),
    ), status


@bp.route("/teams/<int:team_id>/members/<int:membership_id>/leave", methods=["POST"])
@access.roles(*TOWN_STAFF, Role.TEAM_LEADER)
def member_leaves(team_id: int, membership_id: int):
    services.update_member(current_user, team_id, membership_id, left_on=today())
    flash(_("The member's leave date is recorded."), "success")
    return redirect(url_for(".members", team_id=team_id))


@bp.route("/teams/<int:team_id>/members/<int:membership_id>/role", methods=["POST"])
@access.town_staff
def member_role(team_id: int, membership_id: int):
    role = request.form.get("role", "")
    services.update_member(current_user, team_id, membership_id, role=role)
    flash(_("Saved."), "success")
    return redirect(url_for(".members", team_id=team_id))
