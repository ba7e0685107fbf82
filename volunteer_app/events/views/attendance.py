"""Check-in by QR code, the organiser's attendance sheet, hours corrections, my hours and the certificate."""

from __future__ import annotations

import segno
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup

from volunteer_app.accounts import access
from volunteer_app.core.errors import Invalid
from volunteer_app.core.forms import show_errors
from volunteer_app.core.policy import require
from volunteer_app.core.time import utcnow
from volunteer_app.events import forms, hours, services, signups
from volunteer_app.events.views import ORGANISERS, bp, form_ids, page_arg, q_arg


@bp.route("/sessions/<int:session_id>/qr")
@access.roles(*ORGANISERS)
def session_qr(session_id: int):
    """The code to show on site (on the organiser's phone or printed): it opens the check-in page."""
    session = services.get_session(current_user, session_id)
    require(current_user, "attendance.manage", session.event)
    url = url_for(".check_in", token=hours.check_in_token(session.id), _external=True)
    svg = Markup(segno.make(url, error="m").svg_inline(scale=6, border=2))  # segno's own markup, no user text
    return render_template("events/qr.html", session=session, url=url, svg=svg)


@bp.route("/check-in/<token>", methods=["GET", "POST"])
@access.signed_in
def check_in(token: str):
    session = hours.session_for_token(token)
    if request.method == "POST":
        result = hours.scan(current_user, token)
        if result.action == "check_in":
            flash(_("Checked in. Scan the code again when you leave to check out."), "success")
        else:
            flash(_("Checked out. Thank you for your service!"), "success")
        return redirect(url_for(".check_in", token=token))
    mine = signups.my_signups_by_role(current_user, [r.id for r in session.roles])
    return render_template("events/check_in.html", session=session, token=token, signup=next(iter(mine.values()), None))


@bp.route("/sessions/<int:session_id>/attendance", methods=["GET", "POST"])
@access.roles(*ORGANISERS)
def attendance(session_id: int):
    session = services.get_session(current_user, session_id)
    if request.method == "POST":
        action = request.form.get("action", "")
        if action == "approve":
            count = hours.approve_hours(current_user, session.id, form_ids("signup_ids") or None)
            flash(
                ngettext("Hours approved for %(num)d volunteer.", "Hours approved for %(num)d volunteers.", count),
                "success",
            )
        else:
            try:
                count = hours.mark_attendance(current_user, session.id, form_ids("signup_ids"), action)
            except Invalid as error:
                flash("; ".join(m for ms in error.errors.values() for m in ms), "danger")
            else:
                flash(ngettext("%(num)d volunteer marked.", "%(num)d volunteers marked.", count), "success")
        return redirect(url_for(".attendance", session_id=session.id, q=q_arg() or None, page=page_arg()))
    page = signups.list_for_session(current_user, session.id, q=q_arg(), page=page_arg(), per_page=100)
    recorded = hours.recorded_minutes([s.id for s in page.items])
    for signup in page.items:
        signup.computed_minutes = hours.clipped_minutes(signup, session)
        signup.recorded_minutes = recorded.get(signup.id)
    return render_template("events/attendance.html", session=session, page=page, q=q_arg(), now=utcnow())


@bp.route("/signups/<int:signup_id>/hours", methods=["GET", "POST"])
@access.roles(*ORGANISERS)
def correct_hours(signup_id: int):
    signup = signups.get_signup(current_user, signup_id)
    require(current_user, "attendance.manage", signup.role.session.event)
    form = forms.CorrectionForm()
    if form.validate_on_submit():
        try:
            hours.correct_hours(current_user, signup.id, hours=float(form.hours.data), reason=form.reason.data)
        except Invalid as error:
            show_errors(form, error)
        else:
            flash(_("Hours corrected."), "success")
            return redirect(url_for(".attendance", session_id=signup.role.session_id))
    back = url_for(".attendance", session_id=signup.role.session_id)
    title = _("Correct the hours of %(name)s", name=signup.volunteer.name)
    note = _("The ledger is never edited: the difference is added as a new entry with your reason.")
    return render_template("events/form.html", form=form, title=title, back=back, note=note), (
        422 if form.errors else 200
    )


@bp.route("/me/hours")
@access.signed_in
def my_hours():
    if services.own_profile(current_user) is None:
        return render_template("events/no_profile.html")
    summary = hours.summary(current_user)
    page = hours.ledger(current_user, q=q_arg(), page=page_arg())
    return render_template("events/my_hours.html", summary=summary, page=page, q=q_arg())


@bp.route("/me/hours/certificate")
@access.signed_in
def certificate():
    if services.own_profile(current_user) is None:
        return render_template("events/no_profile.html")
    return render_template("events/certificate.html", cert=hours.certificate(current_user))
