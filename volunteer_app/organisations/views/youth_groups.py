"""Pages for youth governance groups (青治团) and their members."""

from __future__ import annotations

from babel.lists import format_list
from flask import flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from volunteer_app.accounts import access
from volunteer_app.core.args import choice_arg, id_arg, page_arg, search_arg
from volunteer_app.core.errors import Invalid
from volunteer_app.core.forms import form_page, submitted
from volunteer_app.core.policy import can
from volunteer_app.organisations import forms, services
from volunteer_app.organisations.models import (
    GroupStatus,
)
from volunteer_app.organisations.views.common import bp, community_choices


@bp.route("/youth-groups")
@access.signed_in
def youth_groups():
    status = choice_arg("status", GroupStatus)
    page = services.list_youth_groups(
        current_user, status=status, community_id=id_arg("community_id"), q=search_arg(), page=page_arg()
    )
    return render_template(
        "organisations/youth_groups.html",
        page=page,
        q=search_arg(),
        status=status,
        missing=services.missing_messages,
        can_manage=can(current_user, "organisation.manage"),
    )


def _group_member_form() -> forms.GroupMemberForm:
    form = forms.GroupMemberForm()
    form.volunteer_id.choices = [("", _("— not registered —")), *services.volunteer_choices(current_user)]
    return form


def _group_page(group, form=None, status: int = 200):
    can_manage = can(current_user, "organisation.manage")
    if form is None and can_manage:
        form = _group_member_form()
    return render_template(
        "organisations/youth_group.html",
        group=group,
        missing=services.missing_messages(group),
        form=form,
        can_manage=can_manage,
    ), status


@bp.route("/youth-groups/<int:group_id>")
@access.signed_in
def youth_group(group_id: int):
    return _group_page(services.get_youth_group(current_user, group_id))


@bp.route("/youth-groups/<int:group_id>/members", methods=["POST"])
@access.town_staff
def add_group_member(group_id: int):
    group = services.get_youth_group(current_user, group_id)
    form = _group_member_form()
    member = submitted(
        form,
        lambda: services.add_group_member(
            current_user,
            group.id,
            part=form.part.data,
            name=form.name.data,
            volunteer_id=form.volunteer_id.data,
            joined_on=form.joined_on.data,
        ),
    )
    if member is not None:
        flash(_("%(name)s added.", name=member.name), "success")
        return redirect(url_for(".youth_group", group_id=group.id))
    return _group_page(group, form, 422)


@bp.route("/youth-groups/<int:group_id>/members/<int:member_id>/remove", methods=["POST"])
@access.town_staff
def remove_group_member(group_id: int, member_id: int):
    group = services.remove_group_member(current_user, group_id, member_id)
    flash(_("Member removed."), "success")
    if group.status == GroupStatus.INCOMPLETE:
        still_needed = format_list(services.missing_messages(group), locale=get_locale())
        flash(_("%(name)s is incomplete and no longer active. It still needs: %(m)s.", name=group.name,
                m=still_needed), "warning")  # fmt: skip
    return redirect(url_for(".youth_group", group_id=group_id))


@bp.route("/youth-groups/<int:group_id>/activate", methods=["POST"])
@access.town_staff
def activate_youth_group(group_id: int):
    try:
        group = services.activate_youth_group(current_user, group_id)
    except Invalid as error:
        group = services.get_youth_group(current_user, group_id)
        for messages in error.errors.values():
            for message in messages:
                flash(message, "danger")
        return _group_page(group, status=422)
    flash(_("%(name)s is active.", name=group.name), "success")
    return redirect(url_for(".youth_group", group_id=group.id))


@bp.route("/youth-groups/new", methods=["GET", "POST"])
@access.town_staff
def new_youth_group():
    form = forms.YouthGroupForm(community_id=id_arg("community_id"))
    form.community_id.choices = community_choices()
    group = submitted(
        form,
        lambda: services.create_youth_group(
            current_user,
            community_id=form.community_id.data,
            name=form.name.data,
            youth_home=form.youth_home.data or "",
        ),
    )
    if group is not None:
        flash(_("%(name)s formed. Add its members next.", name=group.name), "success")
        return redirect(url_for(".youth_group", group_id=group.id))
    return form_page("form.html", form, title=_("New youth governance group"), back=url_for(".youth_groups"))


@bp.route("/youth-groups/<int:group_id>/edit", methods=["GET", "POST"])
@access.town_staff
def edit_youth_group(group_id: int):
    group = services.get_youth_group(current_user, group_id)
    form = forms.YouthGroupEditForm(obj=group)
    if (
        submitted(
            form,
            lambda: services.update_youth_group(
                current_user, group.id, name=form.name.data, youth_home=form.youth_home.data or ""
            ),
        )
        is not None
    ):
        flash(_("Saved."), "success")
        return redirect(url_for(".youth_group", group_id=group.id))
    return form_page(
        "form.html",
        form,
        title=_("Edit %(name)s", name=group.name),
        back=url_for(".youth_group", group_id=group.id),
    )
