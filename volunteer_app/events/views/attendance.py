"""Check-in by QR code, the organiser's attendance sheet, hours corrections, my hours and the certificate."""

from __future__ import annotations

import segno
from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup

from volunteer_app.accounts import access
from volunteer_app.accounts.models import TOWN_STAFF
from volunteer_app.core.args import page_arg, search_arg
from volunteer_app.core.errors import Invalid
from volunteer_app.core.forms import form_page, submitted
from volunteer_app.core.policy import can, require
from volunteer_app.core.time import utcnow
from volunteer_app.core.urls import public_url
from volunteer_app.events import certificate_limits, forms, hours, services, signups
from volunteer_app.events.models import CorrectionStatus
from volunteer_app.events.views import ORGANISERS, bp, form_ids
from volunteer_app.organisations.services import own_profile


@bp.route("/sessions/<int:session_id>/qr")
@access.roles(*ORGANISERS)
def session_qr(session_id: int):
    """The code to show on site (on the organiser's phone or printed): it opens the check-in page."""
    session = services.get_session(current_user, session_id)
    require(current_user, "attendance.manage", session.event)
    url = public_url(".check_in", token=hours.check_in_token(session.id))
    return render_template("events/qr.html", session=session, url=url, svg=_qr(url))


def _qr(url: str) -> Markup:
    # segno's own markup of our own link, no user text; a viewBox instead of a fixed size, so it scales into its box
    return Markup(segno.make(url, error="m").svg_inline(scale=6, border=2, omitsize=True))


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
    signup = next(iter(mine.values()), None)
    state = hours.scan_state(signup, session, utcnow()) if signup is not None else None
    return render_template("events/check_in.html", session=session, token=token, signup=signup, state=state)


@bp.route("/sessions/<int:session_id>/attendance", methods=["GET", "POST"])
@access.roles(*ORGANISERS)
def attendance(session_id: int):
    session = services.get_session(current_user, session_id)
    if request.method == "POST":
        action = request.form.get("action", "")
        if action == "approve":
            approval = hours.approve_hours(current_user, session.id, form_ids("signup_ids") or None)
            flash(
                ngettext(
                    "Hours approved for %(num)d volunteer.", "Hours approved for %(num)d volunteers.", approval.count
                ),
                "success",
            )
            if approval.zero_hours:
                names = Markup('<span class="zero-hours-skipped">%s</span>') % "、".join(
                    s.volunteer.name for s in approval.zero_hours
                )
                flash(
                    Markup(
                        _(
                            "Not approved, 0 hours inside the session: %(names)s. Correct their check-in and "
                            "check-out, their hours, or mark them absent.",
                            names=names,
                        )
                    ),
                    "warning",
                )
        else:
            try:
                count = hours.mark_attendance(current_user, session.id, form_ids("signup_ids"), action)
            except Invalid as error:
                flash("; ".join(m for ms in error.errors.values() for m in ms), "danger")
            else:
                flash(ngettext("%(num)d volunteer marked.", "%(num)d volunteers marked.", count), "success")
        return redirect(url_for(".attendance", session_id=session.id, q=search_arg() or None, page=page_arg()))
    page = signups.list_for_session(current_user, session.id, q=search_arg(), page=page_arg(), per_page=100)
    ids = [s.id for s in page.items]
    recorded, pending = hours.recorded_minutes(ids), hours.pending_by_signup(ids)
    for signup in page.items:
        signup.computed_minutes = hours.clipped_minutes(signup, session)
        signup.recorded_minutes = recorded.get(signup.id)
        signup.pending_correction = pending.get(signup.id)
    return render_template(
        "events/attendance.html",
        session=session,
        page=page,
        q=search_arg(),
        now=utcnow(),
        may_decide=can(current_user, "hours.correction.decide", session.event),
    )


@bp.route("/signups/<int:signup_id>/hours", methods=["GET", "POST"])
@access.roles(*ORGANISERS)
def correct_hours(signup_id: int):
    signup = signups.get_signup(current_user, signup_id)
    require(current_user, "attendance.manage", signup.role.session.event)
    form = forms.CorrectionForm()
    correction = submitted(
        form,
        lambda: hours.correct_hours(current_user, signup.id, hours=float(form.hours.data), reason=form.reason.data),
    )
    if correction is not None:
        if correction.status == CorrectionStatus.PENDING:
            flash(_("The correction waits for a second staff member to approve it before it counts."), "warning")
        else:
            flash(_("Hours corrected."), "success")
        return redirect(url_for(".attendance", session_id=signup.role.session_id))
    back = url_for(".attendance", session_id=signup.role.session_id)
    title = _("Correct the hours of %(name)s", name=signup.volunteer.name)
    note = _(
        "The ledger is never edited: the difference is added as a new entry with your reason. At most %(most)s "
        "hours (the session and a margin); adding more than %(review)s hours waits for a second staff member.",
        most=hours.hours_text(hours.most_minutes(signup.role.session)),
        review=hours.hours_text(hours.review_minutes()),
    )
    return form_page("form.html", form, title=title, back=back, note=note)


@bp.route("/signups/<int:signup_id>/no-show", methods=["GET", "POST"])
@access.roles(*ORGANISERS)
def correct_no_show(signup_id: int):
    """The volunteer was there after all: their place is confirmed again, to record their attendance."""
    signup = signups.get_signup(current_user, signup_id)
    require(current_user, "attendance.manage", signup.role.session.event)
    back = url_for(".attendance", session_id=signup.role.session_id)
    form = forms.NoShowCorrectionForm()
    if submitted(form, lambda: hours.correct_no_show(current_user, signup.id, reason=form.reason.data)):
        flash(_("Not a no-show any more: record their attendance below."), "success")
        return redirect(back)
    title = _("%(name)s is recorded as a no-show", name=signup.volunteer.name)
    note = _("Nobody recorded a check-in for them. If they came, say why the record is wrong; then mark them present.")
    return form_page("form.html", form, title=title, back=back, note=note)


@bp.route("/hours-corrections")
@access.roles(*TOWN_STAFF)
def hours_corrections():
    """Large corrections waiting for a second staff member."""
    page = hours.pending_corrections(current_user, page=page_arg())
    return render_template("events/hours_corrections.html", page=page)


@bp.route("/hours-corrections/<int:correction_id>/approval", methods=["POST"])
@access.roles(*TOWN_STAFF)
def approve_correction(correction_id: int):
    correction = hours.approve_correction(current_user, correction_id)
    flash(_("Correction approved: the hours now count."), "success")
    return _back_from(correction)


@bp.route("/hours-corrections/<int:correction_id>/rejection", methods=["POST"])
@access.roles(*TOWN_STAFF)
def reject_correction(correction_id: int):
    correction = hours.reject_correction(current_user, correction_id)
    flash(_("Correction rejected: the hours stay as they were."), "success")
    return _back_from(correction)


def _back_from(correction):
    target = request.form.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(url_for(".attendance", session_id=correction.signup.role.session_id))


@bp.route("/me/hours")
@access.signed_in
def my_hours():
    if own_profile(current_user) is None:
        return render_template("events/no_profile.html")
    summary = hours.summary(current_user)
    page = hours.ledger(current_user, q=search_arg(), page=page_arg())
    record = hours.attendance_record(current_user)
    return render_template("events/my_hours.html", summary=summary, page=page, q=search_arg(), record=record)


@bp.route("/me/hours/certificate")
@access.signed_in
def certificate():
    """The printable record, issued as a numbered certificate (the same one again while no hours change) whose QR
    code opens its public verify page."""
    if own_profile(current_user) is None:
        return render_template("events/no_profile.html")
    cert = hours.issue_certificate(current_user)
    verify_url = public_url(".verify", number=cert.issued.number) if cert.issued else None
    return render_template(
        "events/certificate.html", cert=cert, verify_url=verify_url, qr=_qr(verify_url) if verify_url else None
    )


@bp.route("/verify")
@access.public
def verify_lookup():
    """Typing a certificate's number: to its verify page."""
    typed = request.args.get("number")
    if typed is not None and (number := hours.normalise_certificate_number(typed)):
        return redirect(url_for(".verify", number=number))
    return render_template("events/verify_lookup.html", typed=typed)


@bp.route("/verify/<number>")
@access.public
@certificate_limits.verify_limit
def verify(number: str):
    """Anyone holding a certificate checks it: what it certified and whose (masked), nothing else."""
    normalised = hours.normalise_certificate_number(number)
    if normalised and normalised != number:
        return redirect(url_for(".verify", number=normalised))
    response = make_response(render_template("events/verify.html", found=hours.verify_certificate(number)))
    # Public, yet never kept by a cache: once the holder closes their account, no copy may name them any more.
    response.headers["Cache-Control"] = "no-store"
    return response
