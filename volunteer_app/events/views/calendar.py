"""The calendar (month and agenda), iCal feeds, the holiday overrides, recurrence rules and enrolments."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from volunteer_app.accounts import access
from volunteer_app.accounts.models import TOWN_STAFF, Role
from volunteer_app.core.args import page_arg, search_arg
from volunteer_app.core.errors import Invalid
from volunteer_app.core.forms import form_page, show_errors, submitted
from volunteer_app.core.policy import can
from volunteer_app.core.time import as_utc, to_local, utcnow
from volunteer_app.core.urls import public_url
from volunteer_app.events import calendar, enrolments, feeds, forms, services
from volunteer_app.events.models import SignupStatus
from volunteer_app.events.views import ORGANISERS, bp
from volunteer_app.organisations.reception import weekday_name
from volunteer_app.organisations.services import own_profile


def _month_arg() -> date:
    try:
        return datetime.strptime(request.args.get("month", ""), "%Y-%m").date()
    except ValueError:
        return to_local(utcnow()).date().replace(day=1)


@bp.route("/calendar")
@access.public  # the sessions of the events the actor may see: a visitor's are the public ones
def month():
    first = _month_arg()
    following = (first + timedelta(days=32)).replace(day=1)
    start, end = (
        as_utc(datetime.combine(first, datetime.min.time())),
        as_utc(datetime.combine(following, datetime.min.time())),
    )
    page = services.sessions_between(current_user, start, end, q=search_arg(), page=page_arg(), per_page=100)
    by_day: dict[date, list] = {}
    for session in page.items:
        day = max(to_local(session.starts_at).date(), first)
        last = min(to_local(session.ends_at).date(), following - timedelta(days=1))
        while day <= last:
            by_day.setdefault(day, []).append(session)
            day += timedelta(days=1)
    days = calendar.month_days(first.year, first.month)
    lead = [None] * first.weekday()
    return render_template(
        "events/month.html",
        first=first,
        previous=(first - timedelta(days=1)).replace(day=1),
        following=following,
        cells=lead + days,
        by_day=by_day,
        page=page,
        q=search_arg(),
        weekdays=[weekday_name(d) for d in range(7)],
        today=to_local(utcnow()).date(),
    )


@bp.route("/calendar/agenda")
@access.public  # the sessions of the events the actor may see: a visitor's are the public ones
def agenda():
    start = as_utc(datetime.combine(to_local(utcnow()).date(), datetime.min.time()))
    page = services.sessions_between(current_user, start, q=search_arg(), page=page_arg())
    return render_template("events/agenda.html", page=page, q=search_arg())


# ---------------------------------------------------------------------------------------------- feeds


@bp.route("/calendar/feeds/<token>.ics")
@access.public  # authorised by the secret token in the URL, which phone calendars fetch without a login
def feed(token: str):
    return Response(
        feeds.ics(token),
        mimetype="text/calendar",
        headers={"Content-Disposition": "inline; filename=shanzhi.ics", "Cache-Control": "private, max-age=300"},
    )


def _feed_url(token: str) -> str:
    return public_url(".feed", token=token)


@bp.route("/calendar/subscribe", methods=["GET", "POST"])
@access.signed_in
def subscriptions():
    """My own feed, and the feeds of the teams I lead (staff: any team or community by id)."""
    if request.method == "POST":
        kind = request.form.get("kind", "")
        target = request.form.get("target_id", type=int)
        feeds.revoke(current_user, kind, target)
        flash(_("The old address no longer works. Subscribe again with the new one."), "warning")
        return redirect(url_for(".subscriptions"))
    mine = _feed_url(feeds.feed_token(current_user, "volunteer")) if own_profile(current_user) else None
    teams = [
        (name, team_id, _feed_url(feeds.feed_token(current_user, "team", team_id)))
        for team_id, name in services.teams_to_organise_for(current_user)
        if current_user.has_role(Role.TEAM_LEADER) and not current_user.has_role(*TOWN_STAFF)
    ]
    return render_template("events/subscriptions.html", mine=mine, teams=teams)


# ---------------------------------------------------------------------------------------------- holidays


@bp.route("/admin/holidays", methods=["GET", "POST"])
@access.roles(*TOWN_STAFF)
def holidays():
    form = forms.OverrideForm()
    if submitted(
        form,
        lambda: calendar.set_override(current_user, day=form.day.data, kind=form.kind.data, note=form.note.data or ""),
    ):
        flash(_("Saved."), "success")
        return redirect(url_for(".holidays"))
    page = calendar.list_overrides(current_user, q=search_arg(), page=page_arg())
    return form_page("events/holidays.html", form, page=page, q=search_arg())


@bp.route("/admin/holidays/<int:override_id>/delete", methods=["POST"])
@access.roles(*TOWN_STAFF)
def delete_holiday(override_id: int):
    calendar.delete_override(current_user, override_id)
    flash(_("Deleted."), "success")
    return redirect(url_for(".holidays"))


# ---------------------------------------------------------------------------------------------- recurrence


@bp.route("/events/<int:event_id>/recurrence", methods=["GET", "POST"])
@access.roles(*ORGANISERS)
def recurrence(event_id: int):
    event = services.get_event_for_update(current_user, event_id)
    rule = event.recurrence
    form = forms.RecurrenceForm(obj=rule)
    if request.method == "GET" and rule is not None and rule.roles:
        form.role_name.data, form.role_capacity.data = rule.roles[0]["name"], rule.roles[0]["capacity"]
    if form.validate_on_submit():
        roles = [{"name": form.role_name.data, "capacity": form.role_capacity.data}]
        if rule is not None and len(rule.roles) > 1:
            roles += rule.roles[1:]
        try:
            calendar.set_recurrence(
                current_user,
                event.id,
                frequency=form.frequency.data,
                weekdays=form.weekdays.data,
                nth=form.nth.data if form.frequency.data == "monthly" else None,
                start_time=form.start_time.data,
                end_time=form.end_time.data,
                starts_on=form.starts_on.data,
                until=form.until.data,
                skip_holidays=form.skip_holidays.data,
                add_makeup_workdays=form.add_makeup_workdays.data,
                weeks_ahead=form.weeks_ahead.data,
                roles=roles,
            )
            added = calendar.generate_sessions(current_user, event.id)
        except Invalid as error:
            show_errors(form, Invalid({k.replace("roles.0.", "role_"): v for k, v in error.errors.items()}))
        else:
            flash(
                ngettext("Rule saved; %(num)d session added.", "Rule saved; %(num)d sessions added.", len(added)),
                "success",
            )
            return redirect(url_for(".event", event_id=event.id))
    note = _(
        "Sessions are planned this many weeks ahead and topped up every day. Holidays come from the Chinese "
        "public-holiday calendar and the staff's holiday overrides."
    )
    return form_page(
        "form.html",
        form,
        title=_("Repeat %(name)s", name=event.title),
        back=url_for(".event", event_id=event.id),
        note=note,
    )


# ---------------------------------------------------------------------------------------------- enrolments


def _enrol(form: forms.EnrolmentForm, event_id: int):
    return enrolments.enrol(
        current_user,
        event_id,
        child_name=form.child_name.data,
        child_age=form.child_age.data,
        school=form.school.data or "",
        guardian_name=form.guardian_name.data,
        guardian_phone=form.guardian_phone.data,
        guardian_consent=form.guardian_consent.data,
    )


@bp.route("/events/<int:event_id>/enrolments", methods=["GET", "POST"])
@access.signed_in
def enrolments_page(event_id: int):
    event = services.get_event(current_user, event_id)
    manage = can(current_user, "enrolment.manage", event)
    form = forms.EnrolmentForm() if manage else None
    item = submitted(form, lambda: _enrol(form, event.id)) if form is not None else None
    if item is not None:
        if item.status == SignupStatus.CONFIRMED:
            flash(_("%(name)s is enrolled.", name=item.child_name), "success")
        else:
            flash(
                _(
                    "%(name)s is on the waitlist at position %(n)d.",
                    name=item.child_name,
                    n=item.waitlist_position or 0,
                ),
                "warning",
            )
        return redirect(url_for(".enrolments_page", event_id=event.id))
    status = request.args.get("status") if request.args.get("status") in set(SignupStatus) else None
    page = enrolments.list_enrolments(current_user, event.id, status=status, q=search_arg(), page=page_arg())
    return render_template(
        "events/enrolments.html",
        event=event,
        page=page,
        q=search_arg(),
        form=form,
        manage=manage,
        counts=enrolments.counts(event.id),
        status=status,
    ), 422 if form is not None and form.errors else 200


@bp.route("/enrolments/<int:enrolment_id>/cancel", methods=["POST"])
@access.roles(*ORGANISERS)
def cancel_enrolment(enrolment_id: int):
    event_id = request.form.get("event_id", type=int)
    promoted = enrolments.cancel(current_user, enrolment_id)
    flash(
        _("Enrolment withdrawn.") + (" " + _("The next child on the waitlist has the place.") if promoted else ""),
        "success",
    )
    return redirect(url_for(".enrolments_page", event_id=event_id) if event_id else url_for(".index"))
