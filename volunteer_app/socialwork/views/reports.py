"""The worker's and supervisor's overview, coverage and caseload (numbers only), the printable ledger, exports,
the policy catalogue, and the admin's archive of closed files."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from volunteer_app.accounts import access
from volunteer_app.accounts.models import Role
from volunteer_app.core.args import page_arg, search_arg
from volunteer_app.core.errors import Invalid
from volunteer_app.core.forms import form_page, submitted
from volunteer_app.core.policy import can
from volunteer_app.core.time import today
from volunteer_app.socialwork import forms, scope, services
from volunteer_app.socialwork.policy import CASEWORK, NUMBERS
from volunteer_app.socialwork.views import bp
from volunteer_app.socialwork.vocabulary import Flag, HouseholdStatus


@bp.route("/")
@access.roles(*CASEWORK)
def home():
    """What is due and overdue for me; for a supervisor also overdue work per worker and per community."""
    supervisor = bool(scope.station_ids(current_user))
    return render_template(
        "socialwork/home.html",
        work=services.my_follow_ups(current_user),
        overdue=services.overdue_counts(current_user) if supervisor else None,
        supervisor=supervisor,
        today=today(),
        close_form=forms.FollowUpCloseForm(formdata=None),
    )


@bp.route("/coverage")
@access.roles(*NUMBERS)
def coverage():
    report = services.coverage(current_user)
    overdue = services.overdue_counts(current_user)
    return render_template(
        "socialwork/coverage.html",
        report=report,
        overdue=overdue,
        worker_rows=[(w["name"], w["visits"]) for w in report.workers],
        overdue_rows=[(w["name"], w["overdue"]) for w in overdue["per_worker"]],
        files=bool(scope.point_ids(current_user) or scope.station_ids(current_user)),
        is_admin=current_user.has_role(Role.ADMIN),
    )


@bp.route("/ledger")
@access.roles(*CASEWORK)
def ledgers():
    return render_template("socialwork/ledgers.html", communities=services.ledger_communities(current_user))


@bp.route("/ledger/<int:community_id>")
@access.roles(*CASEWORK)
def ledger(community_id: int):
    community, lines = services.ledger(current_user, community_id)
    return render_template("socialwork/ledger.html", community=community, lines=lines, today=today())


@bp.route("/export", methods=["POST"])
@access.roles(*CASEWORK)
def export():
    """The households list as CSV or XLSX: masked, unless full numbers are asked for with a reason (audited)."""
    form = forms.ExportForm()
    filters = {
        "q": request.form.get("q", "")[:100],
        "community_id": request.form.get("community_id", type=int),
        "status": request.form.get("status") if request.form.get("status") in set(HouseholdStatus) else None,
        "flag": request.form.get("flag") if request.form.get("flag") in set(Flag) else None,
    }
    fmt = form.format.data if form.format.data in ("csv", "xlsx") else "csv"
    try:
        body, _count = services.export_households(
            current_user, fmt=fmt, unmasked=form.unmasked.data == "1", reason=form.reason.data or "", **filters
        )
    except Invalid as error:
        flash(error.message, "danger")
        return redirect(url_for(".households"))
    mimetype = "text/csv" if fmt == "csv" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename=households.{fmt}", "Cache-Control": "no-store, private",
    })  # fmt: skip


@bp.route("/policies", methods=["GET", "POST"])
@access.roles(*NUMBERS)
def policies():
    form = forms.PolicyForm()
    can_manage = can(current_user, "welfare_policy.manage")
    if request.method == "POST":
        if not can_manage:
            from volunteer_app.core.errors import Forbidden

            raise Forbidden(_("You are not allowed to do this."))
        if submitted(form, lambda: services.create_policy(
            current_user, code=form.code.data, name=form.name.data, kind=form.kind.data,
            department=form.department.data or "", description=form.description.data or "",
            target_flags=form.target_flags.data,
        )):  # fmt: skip
            flash(_("Added to the catalogue."), "success")
            return redirect(url_for(".policies"))
    return form_page(
        "socialwork/policies.html", form, page=services.list_policies(current_user, q=search_arg(), page=page_arg()),
        resources=services.list_resources(current_user, per_page=100).items, q=search_arg(), can_manage=can_manage,
    )  # fmt: skip


@bp.route("/archive")
@access.roles(Role.ADMIN)
def archive():
    """Archived files, by number and date only, for anonymising."""
    return render_template("socialwork/archive.html", page=services.list_archived(current_user, page=page_arg()),
                           form=forms.RequiredReasonForm(formdata=None))  # fmt: skip


@bp.route("/archive/<int:household_id>/anonymise", methods=["POST"])
@access.roles(Role.ADMIN)
def anonymise(household_id: int):
    form = forms.RequiredReasonForm()
    try:
        services.anonymise(current_user, household_id, reason=form.reason.data or "")
    except Invalid as error:
        flash(error.message, "danger")
    else:
        flash(_("File no. %(id)d anonymised.", id=household_id), "success")
    return redirect(url_for(".archive"))

