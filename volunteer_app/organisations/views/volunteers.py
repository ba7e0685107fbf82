"""Pages for volunteer registration, profiles, reveals and the volunteer list."""

from __future__ import annotations

from flask import Response, current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from volunteer_app.accounts import access
from volunteer_app.accounts.models import TOWN_STAFF, Role
from volunteer_app.core.args import choice_arg, id_arg, page_arg, search_arg
from volunteer_app.core.forms import form_page, submitted
from volunteer_app.core.identity import age_on
from volunteer_app.core.policy import can, require
from volunteer_app.core.time import today, utcnow
from volunteer_app.extensions import limiter
from volunteer_app.organisations import forms, services
from volunteer_app.organisations.models import (
    PoliticalStatus,
)
from volunteer_app.organisations.views.common import bp


def _volunteer_filters() -> dict:
    return {
        "community_id": id_arg("community_id"),
        "team_id": id_arg("team_id"),
        "political_status": choice_arg("political_status", PoliticalStatus),
        "q": search_arg(),
    }


@bp.route("/volunteers")
@access.roles(*TOWN_STAFF, Role.TEAM_LEADER)
def volunteers():
    filters = _volunteer_filters()
    page = services.list_volunteers(current_user, page=page_arg(), **filters)
    return render_template(
        "organisations/volunteers.html",
        page=page,
        filters=filters,
        q=filters["q"],
        can_export=can(current_user, "volunteer.export"),
        sees_all=can(current_user, "volunteer.list_all"),
    )


@bp.route("/volunteers/export.csv")
@access.roles(*TOWN_STAFF)
def export_volunteers():
    filters = _volunteer_filters()
    filters.pop("team_id")
    body = services.export_volunteers_csv(current_user, **filters)
    return Response(
        body,  # with a byte-order mark, so spreadsheet programs read the Chinese as UTF-8
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=volunteers.csv"},
    )


def _volunteer_page(profile, revealed: dict | None = None, status: int = 200):
    return render_template(
        "organisations/volunteer.html",
        profile=profile,
        revealed=revealed or {},
        reveal_form=forms.RevealForm(formdata=None),
        can_reveal=can(current_user, "volunteer.reveal", profile),
        can_edit=can(current_user, "volunteer.update", profile),
        is_self=profile.user_id == current_user.id,
        age=age_on(profile.birth_date, today()),
    ), status


@bp.route("/volunteers/<int:profile_id>")
@access.signed_in
def volunteer(profile_id: int):
    return _volunteer_page(services.get_volunteer(current_user, profile_id))


@bp.route("/volunteers/<int:profile_id>/reveal", methods=["POST"])
@access.signed_in
def reveal_volunteer(profile_id: int):
    """Shows one number in full on this response only (never stored in the session); the reveal is audited."""
    form = forms.RevealForm()
    profile = services.get_volunteer(current_user, profile_id)
    if not form.validate_on_submit():
        return _volunteer_page(profile, status=422)
    revealed = services.reveal_volunteer(current_user, profile.id, fields=[form.field.data], reason=form.reason.data)
    return _volunteer_page(profile, revealed)


@bp.route("/volunteers/me")
@access.signed_in
def my_profile():
    profile = services.own_profile(current_user)
    if profile is None:
        return render_template("organisations/no_profile.html")
    return _volunteer_page(profile)


def _fill_choices(form: forms.VolunteerFieldsForm) -> None:
    form.community_id.choices = [("", _("— choose —")), *services.community_choices()]


def _guardian_from(form: forms.VolunteerFieldsForm) -> services.Guardian:
    return services.Guardian(
        form.guardian_name.data or "", form.guardian_phone.data or "", bool(form.guardian_consent.data)
    )


@bp.route("/volunteers/register", methods=["GET", "POST"])
@access.public
@limiter.limit(lambda: current_app.config["REGISTER_RATE_LIMIT"], methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for(".my_profile"))
    form = forms.RegistrationForm()
    _fill_choices(form)
    profile = submitted(
        form,
        lambda: services.register_volunteer(
            None,
            username=form.username.data,
            password=form.password.data,
            name=form.name.data,
            phone=form.phone.data,
            id_number=form.id_number.data,
            political_status=form.political_status.data,
            community_id=form.community_id.data,
            skills=forms.split_skills(form.skills.data),
            availability=form.availability.data,
            guardian=_guardian_from(form),
        ),
    )
    if profile is not None:
        lang = session.get("lang")
        session.clear()
        if lang:
            session["lang"] = lang
        login_user(profile.user)
        session.permanent = True
        session["last_seen"] = utcnow().timestamp()
        flash(_("Welcome, %(name)s! You are registered as a volunteer.", name=profile.name), "success")
        return redirect(url_for(".my_profile"))
    return form_page("organisations/register.html", form)


@bp.route("/volunteers/<int:profile_id>/edit", methods=["GET", "POST"])
@access.signed_in
def edit_volunteer(profile_id: int):
    profile = services.get_volunteer(current_user, profile_id)
    require(current_user, "volunteer.update", profile)
    form = forms.VolunteerEditForm(  # no obj=: the form must never hold the full phone numbers
        name=profile.name,
        political_status=profile.political_status,
        community_id=profile.community_id,
        availability=profile.availability,
        skills=", ".join(profile.skills or []),
        phone=profile.phone_masked,
        guardian_name=profile.guardian_name,
        guardian_phone=profile.guardian_phone_masked,
        guardian_consent=profile.guardian_consent_at is not None,
    )
    _fill_choices(form)
    if submitted(form, lambda: services.update_volunteer(current_user, profile.id, **_changes(form, profile))):
        flash(_("Saved."), "success")
        return redirect(url_for(".volunteer", profile_id=profile.id))
    return form_page("organisations/volunteer_form.html", form, profile=profile)


def _changes(form: forms.VolunteerEditForm, profile) -> dict:
    changes = {
        "name": form.name.data,
        "political_status": form.political_status.data,
        "community_id": form.community_id.data,
        "skills": forms.split_skills(form.skills.data),
        "availability": form.availability.data,
    }
    if form.phone.data != profile.phone_masked:  # the masked number shown means "unchanged"
        changes["phone"] = form.phone.data
    if profile.guardian_name or form.guardian_name.data:
        guardian = _guardian_from(form)
        if guardian.phone == profile.guardian_phone_masked:
            guardian = services.Guardian(guardian.name, profile.guardian_phone or "", guardian.consent)
        changes["guardian"] = guardian.__dict__
    return changes
