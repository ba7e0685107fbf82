"""No-shows 缺席: when a session's check-out window closes, its confirmed volunteers without a check-in are recorded
as no-shows, once per session (`no_shows_recorded_at`), so an organiser's correction (with a reason) stays. A
no-show holds no place and earns no hours (approval and corrections take confirmed sign-ups only). A volunteer's
attendance record counts, over sessions whose no-shows were recorded, the places kept and the no-shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from volunteer_app.core import audit
from volunteer_app.core.errors import Conflict, Invalid
from volunteer_app.core.lookup import get_or_404
from volunteer_app.core.policy import Actor, require
from volunteer_app.core.text import clean_text
from volunteer_app.core.time import utcnow
from volunteer_app.events.hours.attendance import CHECK_OUT_LATE
from volunteer_app.events.models import Event, EventRole, EventSession, EventStatus, Signup, SignupStatus
from volunteer_app.extensions import db
from volunteer_app.organisations.services import get_volunteer, own_profile

# Sessions that ended longer ago than this are left alone: their organisers recorded attendance before no-shows
# existed (or not at all), and a first run must not turn that history into no-shows.
LOOK_BACK = timedelta(days=7)


def record_no_shows(now: datetime | None = None) -> int:
    """The scheduler's job: for each session whose check-out window has closed and whose no-shows are not yet
    recorded, confirmed sign-ups with no check-in become no-shows. Returns how many. Commits."""
    now = now or utcnow()
    closed = now - CHECK_OUT_LATE
    sessions = list(
        db.session.scalars(
            sa.select(EventSession)
            .join(Event, Event.id == EventSession.event_id)
            .where(
                EventSession.no_shows_recorded_at.is_(None),
                EventSession.ends_at <= closed,
                EventSession.ends_at > closed - LOOK_BACK,
                Event.status != EventStatus.CANCELLED,
                Event.status != EventStatus.DRAFT,
            )
            .order_by(EventSession.id)
        )
    )
    count = 0
    for session in sessions:
        result = db.session.execute(
            sa.update(Signup)
            .where(
                Signup.role_id.in_(sa.select(EventRole.id).where(EventRole.session_id == session.id)),
                Signup.status == SignupStatus.CONFIRMED,
                Signup.checked_in_at.is_(None),
            )
            .values(status=SignupStatus.NO_SHOW.value),
            execution_options={"synchronize_session": False},
        )
        session.no_shows_recorded_at = now
        count += result.rowcount
    db.session.commit()
    return count


def correct_no_show(actor: Actor, signup_id: int, *, reason: str) -> Signup:
    """An organiser says the volunteer was there after all (with a reason): the place is confirmed again, so the
    attendance sheet can record their check-in and check-out and their hours."""
    signup = get_or_404(Signup, signup_id, _("No such sign-up."))
    event = db.session.get(Event, signup.role.session.event_id)
    require(actor, "attendance.manage", event)
    reason = clean_text(reason, 300)
    if not reason:
        raise Invalid({"reason": [_("Say why this is not a no-show.")]})
    if signup.status != SignupStatus.NO_SHOW:
        raise Conflict(_("This sign-up is not recorded as a no-show."))
    signup.status = SignupStatus.CONFIRMED
    audit.record(actor, "update", "signup", signup.id, reason=reason, detail={"status": "no_show -> confirmed"})
    db.session.commit()
    return signup


@dataclass
class AttendanceRecord:
    kept: int  # places kept: confirmed at sessions whose no-shows were recorded
    no_shows: int

    @property
    def sessions(self) -> int:
        return self.kept + self.no_shows

    @property
    def rate(self) -> int | None:
        """Percent of places kept, None before any session counts."""
        return round(100 * self.kept / self.sessions) if self.sessions else None


def attendance_records(volunteer_ids: Iterable[int]) -> dict[int, AttendanceRecord]:
    """The attendance record of each of these volunteers (for a roster page), in one grouped query."""
    ids = sorted(set(volunteer_ids))
    records = {i: AttendanceRecord(0, 0) for i in ids}
    if not ids:
        return records
    rows = db.session.execute(
        sa.select(Signup.volunteer_id, Signup.status, sa.func.count(Signup.id))
        .join(EventRole, EventRole.id == Signup.role_id)
        .join(EventSession, EventSession.id == EventRole.session_id)
        .where(
            Signup.volunteer_id.in_(ids),
            Signup.status.in_([SignupStatus.CONFIRMED.value, SignupStatus.NO_SHOW.value]),
            EventSession.no_shows_recorded_at.is_not(None),
        )
        .group_by(Signup.volunteer_id, Signup.status)
    )
    for volunteer_id, status, count in rows:
        if status == SignupStatus.NO_SHOW:
            records[volunteer_id].no_shows = count
        else:
            records[volunteer_id].kept = count
    return records


def attendance_record(actor: Actor, volunteer_id: int | None = None) -> AttendanceRecord:
    """A volunteer's own record (or, for staff and their team leaders, someone's)."""
    if volunteer_id is None:
        profile = own_profile(actor)
        if profile is None:
            return AttendanceRecord(0, 0)
    else:
        profile = get_volunteer(actor, volunteer_id)  # someone the actor may not see is no such volunteer (404)
    require(actor, "hours.view", profile)
    return attendance_records([profile.id])[profile.id]
