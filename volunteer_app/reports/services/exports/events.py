"""Exports of the events' lists: events, a role's sign-ups (roster), service hours, holiday overrides, one's own
sign-ups, a session's attendance, hours corrections to approve, a summer camp's enrolled children."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from volunteer_app.core.args import choice_arg, id_arg
from volunteer_app.core.pagination import Page
from volunteer_app.core.policy import Actor
from volunteer_app.core.time import as_utc, to_local, utcnow
from volunteer_app.events import calendar, enrolments, hours, signups
from volunteer_app.events import services as events
from volunteer_app.events.models import (
    DAY_KIND_LABELS,
    EVENT_KIND_LABELS,
    EVENT_STATUS_LABELS,
    SIGNUP_STATUS_LABELS,
    EventKind,
    EventStatus,
    SignupStatus,
)
from volunteer_app.organisations import services as org
from volunteer_app.reports.services.exports.registry import (
    Args,
    Column,
    ExportList,
    Filters,
    label,
    name_of,
    register,
    search_only,
)


def _day(args: Args, name: str) -> datetime | None:
    try:
        return as_utc(datetime.fromisoformat(args.get(name, ""))) if args.get(name) else None
    except ValueError:
        return None


def _event_filters(args: Args) -> Filters:
    """The events page's query string, read as the page reads it: from today on unless `past=1` or a `from`."""
    start = _day(args, "from")
    if start is None and args.get("past") != "1":
        start = as_utc(datetime.combine(to_local(utcnow()).date(), datetime.min.time()))
    return {
        "from_": start, "to": _day(args, "to"), "kind": choice_arg("kind", EventKind, args),
        "status": choice_arg("status", EventStatus, args), "community_id": id_arg("community_id", args),
        "near": args.get("near") == "1", **search_only(args),
    }  # fmt: skip


def _list_events(actor: Actor, f: Filters, page: int, per_page: int) -> Page:
    community_id = f["community_id"]
    if f["near"]:  # "near me": the volunteer's own community, as on the page
        profile = org.own_profile(actor)
        community_id = profile.community_id if profile is not None else community_id
    chosen = events.EventFilter(
        from_=f["from_"], to=f["to"], kind=f["kind"], community_id=community_id, status=f["status"], q=f["q"]
    )
    return events.list_events(actor, chosen, page=page, per_page=per_page)


register(ExportList(
    "events", _l("Events"), None, _event_filters, _list_events,
    (
        Column(_l("Title"), lambda e: e.title, 30),
        Column(_l("Kind"), lambda e: label(EVENT_KIND_LABELS)(e.kind), 10),
        Column(_l("Status"), lambda e: label(EVENT_STATUS_LABELS)(e.status), 10),
        Column(_l("Starts"), lambda e: e.starts_at, 17),
        Column(_l("Ends"), lambda e: e.ends_at, 17),
        Column(_l("Place"), lambda e: e.place, 24),
        Column(_l("Community"), lambda e: name_of(e.community), 16),
        Column(_l("Team"), lambda e: name_of(e.team), 24),
    ),
))  # fmt: skip

register(ExportList(
    "roster", _l("Sign-ups"), None,
    lambda a: {"role_id": id_arg("role_id", a), "status": choice_arg("status", SignupStatus, a), **search_only(a)},
    lambda actor, f, page, per_page: signups.list_for_role(
        actor, f["role_id"], status=f["status"], q=f["q"], page=page, per_page=per_page
    ),
    (
        Column(_l("Event"), lambda s: s.role.session.event.title, 30),
        Column(_l("Role"), lambda s: s.role.name, 16),
        Column(_l("Starts"), lambda s: s.role.session.starts_at, 17),
        Column(_l("Name"), lambda s: s.volunteer.name, 12),
        Column(_l("Community"), lambda s: s.volunteer.community.name, 16),
        Column(_l("Mobile phone"), lambda s: s.volunteer.phone_masked, 15),
        Column(_l("Status"), lambda s: label(SIGNUP_STATUS_LABELS)(s.status), 10),
        Column(_l("Waitlist position"), lambda s: s.waitlist_position, 8),
    ),
    needs=("role_id",),
))  # fmt: skip

register(ExportList(
    "hours", _l("Service hours"), None,
    lambda a: {"volunteer_id": id_arg("volunteer_id", a), **search_only(a)},
    lambda actor, f, page, per_page: hours.ledger(actor, f["volunteer_id"], q=f["q"], page=page, per_page=per_page),
    (
        Column(_l("Date"), lambda e: e.service_date, 12),
        Column(_l("Content"), lambda e: e.content, 30),
        Column(_l("Organiser"), lambda e: e.organiser, 20),
        Column(_l("Hours"), lambda e: round(e.minutes / 60, 2), 8),
        Column(_l("Correction"), lambda e: e.reason or "", 24),
    ),
))  # fmt: skip

register(ExportList(
    "holidays", _l("Holidays and make-up working days"), None, search_only,
    lambda actor, f, page, per_page: calendar.list_overrides(actor, page=page, per_page=per_page, **f),
    (
        Column(_l("Date"), lambda o: o.day, 12),
        Column(_l("Kind"), lambda o: label(DAY_KIND_LABELS)(o.kind), 14),
        Column(_l("Note"), lambda o: o.note, 30),
    ),
))  # fmt: skip


def _my_signups(actor: Actor, f: Filters, page: int, per_page: int) -> Page:
    """As the page: upcoming ones, or with `past=1` every one with the withdrawn too."""
    return signups.my_signups(
        actor, upcoming_from=None if f["past"] else utcnow(), include_cancelled=f["past"], q=f["q"], page=page,
        per_page=per_page,
    )  # fmt: skip


register(ExportList(
    "my_signups", _l("My sign-ups"), None,
    lambda a: {"past": a.get("past") == "1", **search_only(a)},
    _my_signups,
    (
        Column(_l("Event"), lambda s: s.role.session.event.title, 30),
        Column(_l("Role"), lambda s: s.role.name, 16),
        Column(_l("Starts"), lambda s: s.role.session.starts_at, 17),
        Column(_l("Ends"), lambda s: s.role.session.ends_at, 17),
        Column(_l("Place"), lambda s: s.role.session.event.place, 24),
        Column(_l("Status"), lambda s: label(SIGNUP_STATUS_LABELS)(s.status), 10),
        Column(_l("Waitlist position"), lambda s: s.waitlist_position, 8),
    ),
))  # fmt: skip


def _attendance(actor: Actor, f: Filters, page: int, per_page: int) -> Page:
    """The session's attendance sheet (its list service checks the rule), each line with its hours as the page
    shows them: computed from the check-in and check-out, and approved."""
    sheet = signups.list_for_session(actor, f["session_id"], q=f["q"], page=page, per_page=per_page)
    recorded = hours.recorded_minutes([s.id for s in sheet.items])
    sheet.items[:] = [
        (s, hours.clipped_minutes(s, s.role.session), recorded.get(s.id)) for s in sheet.items
    ]  # fmt: skip
    return sheet


def _hours_of(minutes: int | None) -> float | None:
    return None if minutes is None else round(minutes / 60, 2)


register(ExportList(
    "attendance", _l("Attendance"), None,
    lambda a: {"session_id": id_arg("session_id", a), **search_only(a)},
    _attendance,
    (
        Column(_l("Name"), lambda line: line[0].volunteer.name, 12),
        Column(_l("Role"), lambda line: line[0].role.name, 16),
        Column(_l("Status"), lambda line: label(SIGNUP_STATUS_LABELS)(line[0].status), 10),
        Column(_l("Checked in"), lambda line: line[0].checked_in_at, 17),
        Column(_l("Checked out"), lambda line: line[0].checked_out_at, 17),
        Column(_l("Computed hours"), lambda line: _hours_of(line[1]), 8),
        Column(_l("Approved hours"), lambda line: _hours_of(line[2]), 8),
    ),
    needs=("session_id",),
))  # fmt: skip

register(ExportList(
    "hours_corrections", _l("Corrections to approve"), "hours.correction.decide", search_only,
    lambda actor, f, page, per_page: hours.pending_corrections(actor, page=page, per_page=per_page, **f),
    (
        Column(_l("Name"), lambda c: c.signup.volunteer.name, 12),
        Column(_l("Event"), lambda c: c.signup.role.session.event.title, 30),
        Column(_l("Role"), lambda c: c.signup.role.name, 16),
        Column(_l("Starts"), lambda c: c.signup.role.session.starts_at, 17),
        Column(_l("Hours"), lambda c: c.hours, 8),
        Column(_l("Change (h)"), lambda c: round(c.delta / 60, 2), 8),
        Column(_l("Requested by"), lambda c: c.requested_by.display_name if c.requested_by else "", 12),
        Column(_l("Reason"), lambda c: c.reason, 30),
    ),
))  # fmt: skip

register(ExportList(
    # Children of a summer camp: the page's rule (its list service: whoever may see the event), and the guardian's
    # phone masked for everyone, organisers included (a file travels further than a screen).
    "enrolments", _l("Enrolled children"), None,
    lambda a: {"event_id": id_arg("event_id", a), "status": choice_arg("status", SignupStatus, a), **search_only(a)},
    lambda actor, f, page, per_page: enrolments.list_enrolments(
        actor, f["event_id"], status=f["status"], q=f["q"], page=page, per_page=per_page
    ),
    (
        Column(_l("Child's name"), lambda e: e.child_name, 10),
        Column(_l("Age"), lambda e: e.child_age, 6),
        Column(_l("School"), lambda e: e.school, 20),
        Column(_l("Guardian"), lambda e: e.guardian_name, 10),
        Column(_l("Guardian's phone"), lambda e: e.guardian_phone_masked, 15),
        Column(_l("Status"), lambda e: label(SIGNUP_STATUS_LABELS)(e.status), 10),
        Column(_l("Waitlist position"), lambda e: e.waitlist_position, 8),
    ),
    needs=("event_id",),
))  # fmt: skip
