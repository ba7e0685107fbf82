"""How event records read in the audit log and the outbox (see `core.audit.register_record_type`): by the event's
title (and the session's time or the role's name), linked when the reader may see the event."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from volunteer_app.core import audit
from volunteer_app.core.policy import can
from volunteer_app.core.time import to_local
from volunteer_app.events.models import Event, EventRole, EventSession, RoleReservation, Signup
from volunteer_app.extensions import db
from volunteer_app.organisations.models import Team


def _named(reader: Any, event: Event, detail: str = "") -> audit.Named:
    label = f"{event.title} · {detail}" if detail else event.title
    return audit.Named(label, url_for("events.event", event_id=event.id) if can(reader, "event.view", event) else None)


def _describer(query: Callable[[list[int]], sa.Select], detail: Callable[[Any], str]) -> audit.Describer:
    """`query(ids)` selects (id, Event, detail columns...) rows; `detail(row)` says which part of the event."""

    def describe(reader: Any, ids: Sequence[str]) -> Mapping[str, audit.Named]:
        rows = db.session.execute(query(audit.int_ids(ids)))
        return {str(row[0]): _named(reader, row[1], detail(row)) for row in rows}

    return describe


def _starts(moment) -> str:
    return to_local(moment).strftime("%Y-%m-%d %H:%M")


describe_events = _describer(lambda ids: sa.select(Event.id, Event).where(Event.id.in_(ids)), lambda row: "")
describe_sessions = _describer(
    lambda ids: sa.select(EventSession.id, Event, EventSession.starts_at).join(Event).where(EventSession.id.in_(ids)),
    lambda row: _starts(row[2]),
)
describe_roles = _describer(
    lambda ids: sa.select(EventRole.id, Event, EventRole.name)
    .join(EventSession, EventSession.id == EventRole.session_id)
    .join(Event)
    .where(EventRole.id.in_(ids)),
    lambda row: row[2],
)
describe_signups = _describer(
    lambda ids: sa.select(Signup.id, Event, EventRole.name)
    .join(EventRole, EventRole.id == Signup.role_id)
    .join(EventSession, EventSession.id == EventRole.session_id)
    .join(Event)
    .where(Signup.id.in_(ids)),
    lambda row: row[2],
)

describe_reservations = _describer(
    lambda ids: sa.select(RoleReservation.id, Event, EventRole.name, Team.name)
    .join(EventRole, EventRole.id == RoleReservation.role_id)
    .join(EventSession, EventSession.id == EventRole.session_id)
    .join(Event)
    .join(Team, Team.id == RoleReservation.team_id)
    .where(RoleReservation.id.in_(ids)),
    lambda row: f"{row[2]} · {row[3]}",
)

audit.register_record_type("event", "events", label=_l("Event"), describe=describe_events)
audit.register_record_type("event_session", "event_sessions", label=_l("Session"), describe=describe_sessions)
audit.register_record_type("event_role", "event_roles", label=lazy_pgettext("event", "Role"), describe=describe_roles)
audit.register_record_type("signup", "signups", label=_l("Sign-up"), describe=describe_signups)
audit.register_record_type(
    "role_reservation", "role_reservations", label=_l("Team reservation"), describe=describe_reservations
)
audit.register_record_type("event_recurrence", label=_l("Recurring event"))
audit.register_record_type("enrolment", label=_l("Enrolment"))
audit.register_record_type("attendance", label=_l("Attendance"), describe=describe_sessions)  # by its session
audit.register_record_type("hours_entry", label=_l("Service hours"))
audit.register_record_type("hours_correction", label=_l("Hours correction"))
audit.register_record_type("service_certificate", label=_l("Service certificate"))
audit.register_record_type("holiday_override", label=_l("Holiday calendar"))
audit.register_record_type("feed_key", label=_l("Calendar feed"))
