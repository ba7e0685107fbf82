"""Visits (log, read, edit with versions, attachments), follow-ups, consent and referrals of one file."""

from __future__ import annotations

from datetime import datetime

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from volunteer_app.accounts import access
from volunteer_app.core.errors import Invalid
from volunteer_app.core.forms import form_page, submitted
from volunteer_app.core.time import as_utc, to_local, utcnow
from volunteer_app.organisations import services as org
from volunteer_app.socialwork import forms, services
from volunteer_app.socialwork.downloads import attachment_response
from volunteer_app.socialwork.policy import CASEWORK
from volunteer_app.socialwork.views import bp


def _uploads(field) -> list[services.Upload]:
    return services.received_uploads(field.data if isinstance(field.data, list) else [field.data])


def _visit_form(household, form_class=forms.VisitForm, obj=None):
    form = form_class(obj=obj)
    workers = services.worker_choices(current_user, household)
    form.worker_ids.choices = [(w.id, w.display_name) for w in workers if w.id != current_user.id]
    policies = [(p.id, p.name) for p in services.active_policies()]
    for stage in ("explained", "applied", "received"):
        form[f"policies_{stage}"].choices = policies
    return form


def _local_naive(value: datetime) -> datetime:
    return to_local(value).replace(tzinfo=None, second=0, microsecond=0)


def _visit_data(form: forms.VisitForm, keep_worker_ids: list[int] | None = None) -> dict:
    """The form's visit with its time in UTC; `keep_worker_ids` stay among the workers whatever the form says."""
    data = form.visit_data()
    data["visited_at"] = as_utc(data["visited_at"])
    if keep_worker_ids:
        data["worker_ids"] = sorted({*data["worker_ids"], *keep_worker_ids})
    return data


@bp.route("/households/<int:household_id>/visits/new", methods=["GET", "POST"])
@access.roles(*CASEWORK)
def new_visit(household_id: int):
    household = services.get_household(current_user, household_id)
    form = _visit_form(household)
    if request.method == "GET":
        form.visited_at.data = _local_naive(utcnow())
    if submitted(form, lambda: services.log_visit(
        current_user, household.id, follow_up_task=form.follow_up_task.data or "",
        follow_up_due_on=form.follow_up_due_on.data, attachments=_uploads(form.attachments), **_visit_data(form),
    )):  # fmt: skip
        flash(_("Visit saved."), "success")
        return redirect(url_for(".household", household_id=household.id, tab="visits"))
    return form_page("socialwork/visit_form.html", form, household=household, title=_("Log a visit"),
                     has_consent=services.active_consent(household.id, "attachments") is not None)  # fmt: skip


@bp.route("/households/<int:household_id>/visits/<int:visit_id>")
@access.roles(*CASEWORK)
def visit(household_id: int, visit_id: int):
    item = services.get_visit(current_user, household_id, visit_id)
    ids = sorted({i for values in (item.policies or {}).values() for i in values})
    return render_template(
        "socialwork/visit.html", visit=item, household=item.household,
        versions=services.visit_versions(current_user, item), policy_names=services.policy_names(ids),
        attachment_form=forms.AttachmentForm(formdata=None),
        has_consent=services.active_consent(household_id, "attachments") is not None,
    )  # fmt: skip


@bp.route("/households/<int:household_id>/visits/<int:visit_id>/edit", methods=["GET", "POST"])
@access.roles(*CASEWORK)
def edit_visit(household_id: int, visit_id: int):
    item = services.get_visit(current_user, household_id, visit_id)
    household = item.household
    form = _visit_form(household, forms.VisitEditForm, obj=item if request.method == "GET" else None)
    del form.attachments, form.follow_up_task, form.follow_up_due_on
    if request.method == "GET":
        form.visited_at.data = _local_naive(item.visited_at)
        form.worker_ids.data = [w.id for w in item.workers if w.id != current_user.id]
        for stage in ("explained", "applied", "received"):
            form[f"policies_{stage}"].data = (item.policies or {}).get(stage, [])
    mine = [w.id for w in item.workers if w.id == current_user.id]
    if submitted(form, lambda: services.edit_visit(current_user, household.id, item.id, note=form.note.data,
                                                   **_visit_data(form, keep_worker_ids=mine))):  # fmt: skip
        flash(_("Visit changed; the previous version is kept."), "success")
        return redirect(url_for(".visit", household_id=household.id, visit_id=item.id))
    return form_page("socialwork/visit_form.html", form, household=household, title=_("Change a visit record"),
                     has_consent=False)  # fmt: skip


@bp.route("/households/<int:household_id>/visits/<int:visit_id>/attachments", methods=["POST"])
@access.roles(*CASEWORK)
def add_attachments(household_id: int, visit_id: int):
    form = forms.AttachmentForm()
    try:
        services.add_attachments(current_user, household_id, visit_id, _uploads(form.attachments))
    except Invalid as error:
        flash(error.message, "danger")
    else:
        flash(_("Uploaded."), "success")
    return redirect(url_for(".visit", household_id=household_id, visit_id=visit_id))


@bp.route("/households/<int:household_id>/attachments/<int:attachment_id>")
@access.roles(*CASEWORK)
def attachment(household_id: int, attachment_id: int):
    return attachment_response(*services.open_attachment(current_user, household_id, attachment_id))


# ---------------------------------------------------------------------------------------------- follow-ups


@bp.route("/households/<int:household_id>/follow-ups", methods=["POST"])
@access.roles(*CASEWORK)
def add_follow_up(household_id: int):
    form = forms.FollowUpForm(prefix="fu")  # the service checks every field
    try:
        services.add_follow_up(current_user, household_id, task=form.task.data or "", due_on=form.due_on.data,
                               owner_id=form.owner_id.data)  # fmt: skip
    except Invalid as error:
        flash(error.message, "danger")
    else:
        flash(_("Follow-up added."), "success")
    return redirect(url_for(".household", household_id=household_id, tab="follow-ups"))


@bp.route("/households/<int:household_id>/follow-ups/<int:follow_up_id>/close", methods=["POST"])
@access.roles(*CASEWORK)
def close_follow_up(household_id: int, follow_up_id: int):
    form = forms.FollowUpCloseForm()
    services.close_follow_up(current_user, household_id, follow_up_id, status=form.status.data or "done",
                             outcome=form.outcome.data or "")  # fmt: skip
    flash(_("Follow-up closed."), "success")
    back = request.form.get("next", "")
    if not back.startswith("/social-work/") or back.startswith("//"):
        back = url_for(".household", household_id=household_id, tab="follow-ups")
    return redirect(back)


# ---------------------------------------------------------------------------------------------- consent


@bp.route("/households/<int:household_id>/consents/new", methods=["GET", "POST"])
@access.roles(*CASEWORK)
def new_consent(household_id: int):
    household = services.get_household(current_user, household_id)
    form = forms.ConsentForm()
    form.member_id.choices = [("", _("— not a member —")), *[(m.id, m.name) for m in household.current_members]]
    if submitted(form, lambda: services.record_consent(
        current_user, household.id, purpose=form.purpose.data, method=form.method.data,
        given_at=as_utc(form.given_at.data) if form.given_at.data else None, member_id=form.member_id.data,
        given_by=form.given_by.data or "", witness=form.witness.data or "", scan=next(iter(_uploads(form.scan)), None),
    )):  # fmt: skip
        flash(_("Consent recorded."), "success")
        return redirect(url_for(".household", household_id=household.id, tab="consent"))
    return form_page("socialwork/form.html", form, title=_("Record consent"), multipart=True,
                     back=url_for(".household", household_id=household.id, tab="consent"))  # fmt: skip


@bp.route("/households/<int:household_id>/consents/<int:consent_id>/withdraw", methods=["POST"])
@access.roles(*CASEWORK)
def withdraw_consent(household_id: int, consent_id: int):
    form = forms.ReasonForm()
    services.withdraw_consent(current_user, household_id, consent_id, reason=form.reason.data or "")
    flash(_("Consent withdrawn."), "success")
    return redirect(url_for(".household", household_id=household_id, tab="consent"))


# ---------------------------------------------------------------------------------------------- referrals


@bp.route("/households/<int:household_id>/referrals/new", methods=["GET", "POST"])
@access.roles(*CASEWORK)
def new_referral(household_id: int):
    household = services.get_household(current_user, household_id)
    form = forms.ReferralForm()
    form.resource_id.choices = [("", "—"), *[(r.id, r.name) for r in services.active_resources()]]
    form.team_id.choices = [("", "—"), *org.team_choices(current_user)]
    if submitted(form, lambda: services.create_referral(
        current_user, household.id, target_kind=form.target_kind.data, reason=form.reason.data,
        department=form.department.data or "", resource_id=form.resource_id.data, team_id=form.team_id.data,
        need=form.need.data or None,
    )) is not None:  # fmt: skip
        flash(_("Referral made."), "success")
        return redirect(url_for(".household", household_id=household.id, tab="referrals"))
    return form_page("socialwork/form.html", form, title=_("Refer the household"),
                     back=url_for(".household", household_id=household.id, tab="referrals"),
                     needs_consent=services.active_consent(household.id, "referral") is None)  # fmt: skip


@bp.route("/households/<int:household_id>/referrals/<int:referral_id>/status", methods=["POST"])
@access.roles(*CASEWORK)
def referral_status(household_id: int, referral_id: int):
    form = forms.ReferralStatusForm()
    try:
        services.update_referral(current_user, household_id, referral_id, status=form.status.data or "",
                                 outcome=form.outcome.data or "")  # fmt: skip
    except Invalid as error:
        flash(error.message, "danger")
    else:
        flash(_("Referral updated."), "success")
    return redirect(url_for(".household", household_id=household_id, tab="referrals"))


@bp.route("/households/<int:household_id>/referrals/<int:referral_id>/event", methods=["POST"])
@access.roles(*CASEWORK)
def referral_event(household_id: int, referral_id: int):
    form = forms.ReferralEventForm()
    try:
        services.event_from_referral(current_user, household_id, referral_id,
                                     description=form.description.data or None)  # fmt: skip
    except Invalid as error:
        flash(error.message, "danger")
    else:
        flash(_("Draft event opened for the team; its leaders have been told."), "success")
    return redirect(url_for(".household", household_id=household_id, tab="referrals"))
