"""Sign-up pages: signing up and cancelling, answering a promotion offer or "still coming?", my sign-ups, a role's
roster (with releasing unanswered places), and a leader's team sign-up."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import escape

from volunteer_app.accounts import access
from volunteer_app.core.args import id_arg, page_arg, search_arg
from volunteer_app.core.errors import Invalid
from volunteer_app.core.policy import can
from volunteer_app.core.time import utcnow
from volunteer_app.events import confirmations, cover, hours, offers, services, signups, team_signups
from volunteer_app.events.models import SignupStatus
from volunteer_app.events.views import ORGANISERS, bp, form_ids
from volunteer_app.organisations import services as org


class HomeSummary:
    """The volunteer's home card text, worked out when the home page is drawn: upcoming sign-ups, hours, stars."""

    def __str__(self) -> str:
        if not current_user.is_authenticated or org.own_profile(current_user) is None:
            return _("Register as a volunteer to sign up for events.")
        upcoming = signups.my_signups(current_user, upcoming_from=utcnow(), per_page=1).total
        summary = hours.summary(current_user)
        return _(
            "%(signups)s · %(hours)s service hours · %(stars)s",
            signups=ngettext("%(num)d upcoming sign-up", "%(num)d upcoming sign-ups", upcoming),
            hours=summary.hours,
            stars="★" * summary.stars if summary.stars else _("no star yet"),
        )

    def __html__(self) -> str:
        return str(escape(str(self)))


def _outcome_message(signup) -> str:
    if signup.status == SignupStatus.CONFIRMED:
        return _("You are confirmed for %(role)s.", role=signup.role.name)
    return _(
        "The role is full: you are on the waitlist at position %(n)d. If a place frees up you move up automatically.",
        n=signup.waitlist_position or 0,
    )


@bp.route("/roles/<int:role_id>/signup", methods=["POST"])
@access.signed_in
def sign_up(role_id: int):
    role = services.get_role(current_user, role_id)
    signup = signups.sign_up(current_user, role.id)
    flash(_outcome_message(signup), "success" if signup.status == SignupStatus.CONFIRMED else "warning")
    return redirect(url_for(".event", event_id=role.session.event_id, _anchor=f"role-{role.id}"))


@bp.route("/signups/<int:signup_id>/cancel", methods=["POST"])
@access.signed_in
def cancel_signup(signup_id: int):
    signup = signups.get_signup(current_user, signup_id)
    event_id = signup.role.session.event_id
    promoted = signups.cancel(current_user, signup.id)
    message = _("The sign-up is cancelled.")
    if promoted:
        message += " " + ngettext(
            "%(num)d volunteer moved up from the waitlist.",
            "%(num)d volunteers moved up from the waitlist.",
            len(promoted),
        )
    flash(message, "success")
    target = request.form.get("next", "")
    return redirect(
        target if target.startswith("/") and not target.startswith("//") else url_for(".event", event_id=event_id)
    )


@bp.route("/signups/<int:signup_id>/offer")
@access.signed_in
def offer(signup_id: int):
    """Where the offer notice's link leads: the offer, with accept and decline (a GET decides nothing)."""
    return render_template("events/offer.html", signup=signups.get_signup(current_user, signup_id))


@bp.route("/signups/<int:signup_id>/accept", methods=["POST"])
@access.signed_in
def accept_offer(signup_id: int):
    signup = offers.accept(current_user, signup_id)
    flash(_("You are confirmed for %(role)s.", role=signup.role.name), "success")
    return redirect(url_for(".my_signups"))


@bp.route("/signups/<int:signup_id>/decline", methods=["POST"])
@access.signed_in
def decline_offer(signup_id: int):
    offers.decline(current_user, signup_id)
    flash(_("You declined the place; it goes to the next person on the waitlist."), "success")
    return redirect(url_for(".my_signups"))


@bp.route("/signups/<int:signup_id>/attendance")
@access.signed_in
def attendance_question(signup_id: int):
    """Where the "still coming?" notice's link leads: the place, with "I'm coming" and "I can't come"."""
    signup = signups.get_signup(current_user, signup_id)
    return render_template("events/attendance_question.html", signup=signup, now=utcnow())


@bp.route("/signups/<int:signup_id>/confirm-attendance", methods=["POST"])
@access.signed_in
def confirm_attendance(signup_id: int):
    confirmations.confirm_attendance(current_user, signup_id)
    flash(_("Thank you: the organisers know you are coming."), "success")
    return redirect(url_for(".my_signups"))


@bp.route("/signups/<int:signup_id>/withdraw-attendance", methods=["POST"])
@access.signed_in
def withdraw_attendance(signup_id: int):
    confirmations.withdraw_attendance(current_user, signup_id)
    flash(_("Your place is given up; it goes to the next person on the waitlist."), "success")
    return redirect(url_for(".my_signups"))


@bp.route("/roles/<int:role_id>/release-unanswered", methods=["POST"])
@access.roles(*ORGANISERS)
def release_unanswered(role_id: int):
    count = confirmations.release_unanswered(current_user, role_id)
    flash(
        ngettext(
            "%(num)d unanswered place released to the waitlist.",
            "%(num)d unanswered places released to the waitlist.",
            count,
        ),
        "success",
    )
    return redirect(url_for(".roster", role_id=role_id))


@bp.route("/roles/<int:role_id>/find-cover", methods=["POST"])
@access.roles(*ORGANISERS)
def find_cover(role_id: int):
    try:
        count = int(request.form.get("count", ""))
    except ValueError:
        count = 0
    asked = cover.find_cover(current_user, role_id, count=count)
    if asked:
        flash(
            ngettext("%(num)d volunteer asked to cover.", "%(num)d volunteers asked to cover.", len(asked)), "success"
        )
    else:
        flash(_("Nobody else meets the role's requirements and is free: nobody was asked."), "warning")
    return redirect(url_for(".cover_requests", role_id=role_id))


@bp.route("/roles/<int:role_id>/cover-requests")
@access.roles(*ORGANISERS)
def cover_requests(role_id: int):
    role = services.get_role(current_user, role_id)
    page = cover.cover_requests(current_user, role.id, q=search_arg(), page=page_arg())
    return render_template("events/cover_requests.html", role=role, page=page, q=search_arg())


@bp.route("/me/signups")
@access.signed_in
def my_signups():
    past = request.args.get("past") == "1"
    page = signups.my_signups(
        current_user, upcoming_from=None if past else utcnow(), include_cancelled=past, q=search_arg(), page=page_arg()
    )
    return render_template("events/my_signups.html", page=page, q=search_arg(), past=past, now=utcnow())


@bp.route("/roles/<int:role_id>/signups")
@access.roles(*ORGANISERS)
def roster(role_id: int):
    role = services.get_role(current_user, role_id)
    status = request.args.get("status") if request.args.get("status") in set(SignupStatus) else None
    page = signups.list_for_role(current_user, role.id, status=status, q=search_arg(), page=page_arg())
    return render_template(
        "events/roster.html",
        role=role,
        page=page,
        records=hours.attendance_records(s.volunteer_id for s in page.items),
        q=search_arg(),
        status=status,
        can_manage=can(current_user, "event.manage", role.session.event),
    )


@bp.route("/roles/<int:role_id>/team-signup", methods=["GET", "POST"])
@access.roles(*ORGANISERS)
def team_signup(role_id: int):
    """A leader picks one of their teams and signs its members up in one step."""
    role = services.get_role(current_user, role_id)
    teams = services.teams_to_organise_for(current_user)
    team_id = id_arg("team_id") or (teams[0][0] if len(teams) == 1 else None)
    if team_id is not None and team_id not in {t[0] for t in teams}:
        team_id = None
    results = None
    if request.method == "POST":
        ids = form_ids("volunteer_ids")
        if request.form.get("all_members") == "1" and team_id is not None:
            ids = team_signups.team_member_ids(team_id)
        try:
            results = team_signups.bulk_sign_up(current_user, role.id, ids)
        except Invalid as error:
            flash("; ".join(m for ms in error.errors.values() for m in ms), "danger")
        else:
            services.attach_role_counts([role.session])
    members = (
        org.list_members(current_user, team_id, q=search_arg(), page=page_arg(), per_page=100) if team_id else None
    )
    return render_template(
        "events/team_signup.html",
        role=role,
        teams=teams,
        team_id=team_id,
        members=members,
        q=search_arg(),
        results=results,
        status_labels=SignupStatus,
    )
