"""Members of a file: add, edit, make head, leave, move to another household."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from volunteer_app.accounts import access
from volunteer_app.core.errors import NotFound
from volunteer_app.core.forms import form_page, submitted
from volunteer_app.socialwork import forms, services
from volunteer_app.socialwork.policy import CASEWORK
from volunteer_app.socialwork.views import bp


def _member(household, member_id: int):
    member = next((m for m in household.members if m.id == member_id), None)
    if member is None:
        raise NotFound(_("No such member in this household."))
    return member


@bp.route("/households/<int:household_id>/members/new", methods=["GET", "POST"])
@access.roles(*CASEWORK)
def new_member(household_id: int):
    household = services.get_household(current_user, household_id)
    form = forms.MemberForm()
    form.relation.choices = form.relation.choices[1:]  # the head is changed with "make head"
    if submitted(form, lambda: services.add_member(current_user, household.id, form.member_data())) is not None:
        flash(_("Member added."), "success")
        return redirect(url_for(".household", household_id=household.id))
    return form_page("socialwork/form.html", form, title=_("Add a member to file no. %(id)d", id=household.id),
                     back=url_for(".household", household_id=household.id))  # fmt: skip


@bp.route("/households/<int:household_id>/members/<int:member_id>/edit", methods=["GET", "POST"])
@access.roles(*CASEWORK)
def edit_member(household_id: int, member_id: int):
    household = services.get_household(current_user, household_id)
    member = _member(household, member_id)
    form = forms.MemberForm(obj=member if request.method == "GET" else None)
    if request.method == "GET":
        form.id_number.data = ""  # a full number is never put into a page; leave empty to keep it
        form.phone.data = ""
        form.disability_certificate.data = ""
        form.flags.data = member.flags
        form.disability_type.data = member.disability_type or ""
    if member.relation != "head":
        form.relation.choices = form.relation.choices[1:]
    if submitted(form, lambda: services.update_member(
        current_user, household.id, member.id, _member_changes(form, member)
    )):  # fmt: skip
        flash(_("Saved."), "success")
        return redirect(url_for(".household", household_id=household.id))
    return form_page("socialwork/form.html", form, title=_("Edit %(name)s", name=member.name),
                     back=url_for(".household", household_id=household.id),
                     hint=_("ID number, phone and disability certificate: leave empty to keep the ones on file "
                            "(%(id)s, %(phone)s, %(certificate)s).", id=member.id_number_masked or "—",
                            phone=member.phone_masked or "—",
                            certificate=member.disability_certificate_masked or "—"))  # fmt: skip


def _member_changes(form: forms.MemberForm, member) -> dict:
    data = form.member_data()
    for key in ("id_number", "phone", "disability_certificate"):
        if not data.get(key):
            data.pop(key, None)  # empty means "unchanged"
    if data.get("relation") == member.relation or member.relation == "head":
        data.pop("relation", None)
    return data


@bp.route("/households/<int:household_id>/head", methods=["POST"])
@access.roles(*CASEWORK)
def change_head(household_id: int):
    form = forms.HeadForm(prefix="head")
    services.change_head(
        current_user, household_id, form.member_id.data, previous_head_relation=form.previous_head_relation.data
    )
    flash(_("The head of the household is changed; the change is kept in the history."), "success")
    return redirect(url_for(".household", household_id=household_id))


@bp.route("/households/<int:household_id>/members/<int:member_id>/leave", methods=["GET", "POST"])
@access.roles(*CASEWORK)
def member_leaves(household_id: int, member_id: int):
    household = services.get_household(current_user, household_id)
    member = _member(household, member_id)
    form = forms.RequiredReasonForm()
    if submitted(form, lambda: services.member_leaves(current_user, household.id, member.id, reason=form.reason.data)):
        flash(_("Saved."), "success")
        return redirect(url_for(".household", household_id=household.id))
    return form_page("socialwork/form.html", form, title=_("%(name)s leaves the household", name=member.name),
                     back=url_for(".household", household_id=household.id))  # fmt: skip


@bp.route("/households/<int:household_id>/members/<int:member_id>/move", methods=["GET", "POST"])
@access.roles(*CASEWORK)
def move_member(household_id: int, member_id: int):
    household = services.get_household(current_user, household_id)
    member = _member(household, member_id)
    form = forms.MoveForm()
    moved = submitted(form, lambda: services.move_member(
        current_user, household.id, member.id, to_household_id=form.to_household_id.data,
        relation=form.relation.data,
    ))  # fmt: skip
    if moved is not None:
        flash(_("Moved; both files keep the history."), "success")
        return redirect(url_for(".household", household_id=moved.household_id))
    return form_page("socialwork/form.html", form, title=_("Move %(name)s to another household", name=member.name),
                     back=url_for(".household", household_id=household.id))  # fmt: skip
