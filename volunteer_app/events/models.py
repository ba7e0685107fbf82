"""Events and what hangs off them: sessions 场次, roles 岗位, sign-ups 报名 and the waitlist 候补, beneficiaries'
enrolments, attendance (签到/签退), the service-hours ledger 服务时长, recurrence rules, holiday overrides and
calendar-feed keys."""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import event as orm_event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer_app.core.crypto import EncryptedString, blind_index
from volunteer_app.core.identity import mask_phone
from volunteer_app.core.models import one_of
from volunteer_app.core.time import UTCDateTime, to_local, utcnow
from volunteer_app.extensions import db
from volunteer_app.organisations.models import Community, Team, VolunteerProfile

if TYPE_CHECKING:
    from volunteer_app.accounts.models import User


class EventKind(enum.StrEnum):
    CLEANUP = "cleanup"
    MURAL = "mural"
    SUMMER_CAMP = "summer_camp"
    FORUM = "forum"
    PARTY_TUESDAY = "party_tuesday"
    PATROL = "patrol"
    OTHER = "other"


class EventStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class Audience(enum.StrEnum):
    PUBLIC = "public"
    TEAMS = "teams"


class SignupStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"
    OFFERED = "offered"  # a place held for a promoted volunteer until `offer_expires_at` (promotion offers)
    NO_SHOW = "no_show"  # confirmed, but no check-in by the time check-out closed


# Sign-ups holding a place of the role's capacity: an offered place is held until it is accepted or lapses.
HOLDING_STATUSES = (SignupStatus.CONFIRMED, SignupStatus.OFFERED)
# Enrolments have neither offers nor no-shows.
ENROLMENT_STATUSES = (SignupStatus.CONFIRMED, SignupStatus.WAITLISTED, SignupStatus.CANCELLED)


class EntryKind(enum.StrEnum):
    ATTENDANCE = "attendance"
    CORRECTION = "correction"


class CorrectionStatus(enum.StrEnum):
    PENDING = "pending"  # waits for a second staff member; not in the ledger yet
    APPROVED = "approved"
    REJECTED = "rejected"


class DayKind(enum.StrEnum):
    HOLIDAY = "holiday"  # a public holiday the package does not know
    WORKDAY = "workday"  # an official make-up working day 调休上班
    ORDINARY = "ordinary"  # neither, whatever the package says


class Frequency(enum.StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"


EVENT_KIND_LABELS = {
    EventKind.CLEANUP: _l("Clean-up (living environment)"),
    EventKind.MURAL: _l("Mural"),
    EventKind.SUMMER_CAMP: _l("Summer camp"),
    EventKind.FORUM: _l("Forum"),
    EventKind.PARTY_TUESDAY: _l("Party-building Tuesday visits"),
    EventKind.PATROL: _l("Patrol"),
    EventKind.OTHER: _l("Other"),
}
EVENT_STATUS_LABELS = {
    EventStatus.DRAFT: _l("Draft"),
    EventStatus.PUBLISHED: _l("Published"),
    EventStatus.COMPLETED: _l("Completed"),
    EventStatus.CANCELLED: _l("Cancelled"),
}
AUDIENCE_LABELS = {Audience.PUBLIC: _l("Everyone"), Audience.TEAMS: _l("Only the named teams")}
SIGNUP_STATUS_LABELS = {
    SignupStatus.CONFIRMED: _l("Confirmed"),
    SignupStatus.WAITLISTED: _l("Waitlisted"),
    SignupStatus.CANCELLED: _l("Cancelled"),
    SignupStatus.OFFERED: _l("Place offered"),
    SignupStatus.NO_SHOW: _l("No-show"),
}
DAY_KIND_LABELS = {
    DayKind.HOLIDAY: _l("Public holiday"),
    DayKind.WORKDAY: _l("Make-up working day"),
    DayKind.ORDINARY: _l("Ordinary day"),
}
FREQUENCY_LABELS = {Frequency.WEEKLY: _l("Every week"), Frequency.MONTHLY: _l("Every month")}

event_audience_teams = sa.Table(
    "event_audience_teams",
    db.metadata,
    sa.Column("event_id", sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("team_id", sa.ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Event(db.Model):
    """An activity 活动. `starts_at`/`ends_at` mirror its sessions, so lists filter and sort on indexed columns."""

    __tablename__ = "events"
    __table_args__ = (
        sa.CheckConstraint(one_of("kind", EventKind), name="kind"),
        sa.CheckConstraint(one_of("status", EventStatus), name="status"),
        sa.CheckConstraint(one_of("audience", Audience), name="audience"),
        sa.CheckConstraint(
            "signup_closes_at IS NULL OR signup_opens_at IS NULL OR signup_closes_at > signup_opens_at",
            name="window",
        ),
        sa.CheckConstraint("ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at", name="ends_after_starts"),
        sa.CheckConstraint("beneficiary_capacity IS NULL OR beneficiary_capacity >= 0", name="beneficiary_capacity"),
        sa.CheckConstraint(
            "promotion_confirm_hours IS NULL OR promotion_confirm_hours > 0", name="promotion_confirm_hours"
        ),
        sa.CheckConstraint(
            "attendance_confirm_hours IS NULL OR attendance_confirm_hours > 0", name="attendance_confirm_hours"
        ),
        # Lists ask for events still to come (ends_at >= from), often with one more filter: each index starts with
        # the filter's column and then ends_at, so a filtered "upcoming" list reads only the rows it shows.
        sa.Index("ix_events_status_ends_at", "status", "ends_at", "audience", "starts_at"),  # covers the default list
        sa.Index("ix_events_community_ends_at", "community_id", "ends_at"),
        sa.Index("ix_events_kind_ends_at", "kind", "ends_at"),
        sa.Index("ix_events_team_ends_at", "team_id", "ends_at"),
        sa.Index("ix_events_starts_at_status_kind", "starts_at", "status", "kind"),  # events of a period by kind
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(20))
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id", ondelete="SET NULL"))
    community_id: Mapped[int | None] = mapped_column(sa.ForeignKey("communities.id", ondelete="SET NULL"))
    place: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    description: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    signup_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signup_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    audience: Mapped[str] = mapped_column(sa.String(10), default=Audience.PUBLIC.value, server_default="public")
    status: Mapped[str] = mapped_column(sa.String(12), default=EventStatus.DRAFT.value, server_default="draft")
    cancel_reason: Mapped[str | None] = mapped_column(sa.String(500))
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    beneficiary_capacity: Mapped[int | None]
    # Promoted volunteers must accept within this many hours (None: promotion is automatic, as before).
    promotion_confirm_hours: Mapped[int | None]
    # Confirmed volunteers are asked "still coming?" this many hours before each session (None: not asked).
    attendance_confirm_hours: Mapped[int | None]
    enrolment_seq: Mapped[int] = mapped_column(default=0, server_default="0")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    team: Mapped[Team | None] = relationship()
    community: Mapped[Community | None] = relationship()
    audience_teams: Mapped[list[Team]] = relationship(secondary=event_audience_teams, order_by=Team.name)
    sessions: Mapped[list[EventSession]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="EventSession.starts_at"
    )
    recurrence: Mapped[Recurrence | None] = relationship(
        back_populates="event", cascade="all, delete-orphan", uselist=False
    )

    @property
    def is_open_status(self) -> bool:
        return self.status == EventStatus.PUBLISHED

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.title}>"


class EventSession(db.Model):
    """A session 场次: one sitting of an event, possibly several days long."""

    __tablename__ = "event_sessions"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_starts"),
        sa.UniqueConstraint("event_id", "starts_at", name="uq_event_sessions_event_starts_at"),
        sa.Index("ix_event_sessions_starts_at_ends_at", "starts_at", "ends_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(sa.String(120), default="", server_default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # When the no-shows job went over this session (once: an organiser's later correction stays).
    no_shows_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship(back_populates="sessions")
    roles: Mapped[list[EventRole]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="EventRole.id"
    )


class EventRole(db.Model):
    """A role 岗位 in a session, with its own capacity and requirements. `next_seq` numbers the sign-ups; the
    UPDATE that bumps it is what serialises sign-ups for the role (SQLite write lock, PostgreSQL row lock)."""

    __tablename__ = "event_roles"
    __table_args__ = (
        sa.CheckConstraint("capacity >= 0", name="capacity"),
        sa.CheckConstraint("min_age IS NULL OR min_age >= 0", name="min_age"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("event_sessions.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    description: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    capacity: Mapped[int]
    min_age: Mapped[int | None]
    political_status: Mapped[str | None] = mapped_column(sa.String(30))
    skill: Mapped[str | None] = mapped_column(sa.String(40))
    next_seq: Mapped[int] = mapped_column(default=0, server_default="0")

    session: Mapped[EventSession] = relationship(back_populates="roles")


class Signup(db.Model):
    """A volunteer's sign-up 报名 for a role: confirmed, waitlisted 候补 (ordered by `seq`) or cancelled."""

    __tablename__ = "signups"
    __table_args__ = (
        sa.UniqueConstraint("role_id", "volunteer_id", name="uq_signups_role_volunteer"),
        sa.CheckConstraint(one_of("status", SignupStatus), name="status"),
        sa.Index("ix_signups_role_status_seq", "role_id", "status", "seq"),
        sa.Index("ix_signups_volunteer_status", "volunteer_id", "status"),
        # Fill rate and no-shows of a period: confirmed sign-ups of a role and whether they checked in.
        sa.Index("ix_signups_role_status_checked_in", "role_id", "status", "checked_in_at", "volunteer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    role_id: Mapped[int] = mapped_column(sa.ForeignKey("event_roles.id", ondelete="CASCADE"))
    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteer_profiles.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(sa.String(12))
    seq: Mapped[int]
    signed_up_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    offer_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    attendance_asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # "still coming?" sent
    attendance_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # answered "I'm coming"
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hours_approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The team reservation this place was filled from: while the reservation is open, a place it gave up goes back
    # to the team (the leader names someone else), not to the waitlist.
    reservation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("role_reservations.id", ondelete="SET NULL"), index=True
    )

    role: Mapped[EventRole] = relationship()
    volunteer: Mapped[VolunteerProfile] = relationship()

    waitlist_position = None  # filled in by the services (int or None), one query per page of sign-ups


class RoleReservation(db.Model):
    """Places of a role a team holds 团队预留 until `fill_by` (events/reservations.py): the places the leader has not
    yet filled with members' names count as taken, so no sign-up or promotion can have them; at `fill_by` (or
    when the leader lets them go, `released_at`) the unfilled ones go to the waitlist."""

    __tablename__ = "role_reservations"
    __table_args__ = (
        sa.CheckConstraint("places > 0", name="places"),
        sa.Index("ix_role_reservations_role_released_at", "role_id", "released_at"),
        sa.Index("ix_role_reservations_released_at_fill_by", "released_at", "fill_by"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    role_id: Mapped[int] = mapped_column(sa.ForeignKey("event_roles.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    places: Mapped[int]
    fill_by: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the leaders' reminder before fill_by, once
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # None while open
    released_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))  # None: the job

    role: Mapped[EventRole] = relationship()
    team: Mapped[Team] = relationship()

    # Filled in by the services (events/reservations.py): the live sign-ups filled from it, their count, and
    # whether the reader may fill and release it.
    filled = 0
    members = ()
    manageable = False

    @property
    def status(self) -> str:
        return "open" if self.released_at is None else "released"

    @property
    def unfilled(self) -> int:
        return 0 if self.released_at is not None else max(0, self.places - self.filled)


class CoverRequest(db.Model):
    """A volunteer asked to cover a role short of people ("find cover"): once per role and volunteer, and the
    time of the latest ask is what puts the least recently asked first."""

    __tablename__ = "cover_requests"
    __table_args__ = (
        sa.UniqueConstraint("role_id", "volunteer_id", name="uq_cover_requests_role_volunteer"),
        sa.Index("ix_cover_requests_volunteer_asked_at", "volunteer_id", "asked_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    role_id: Mapped[int] = mapped_column(sa.ForeignKey("event_roles.id", ondelete="CASCADE"))
    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteer_profiles.id", ondelete="CASCADE"))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    asked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    volunteer: Mapped[VolunteerProfile] = relationship()

    signup_status = None  # the volunteer's sign-up for the role since, filled in by cover.cover_requests


class Enrolment(db.Model):
    """A beneficiary (a child, with a guardian) enrolled in an event such as a summer camp."""

    __tablename__ = "enrolments"
    __table_args__ = (
        sa.CheckConstraint(one_of("status", ENROLMENT_STATUSES), name="status"),
        sa.CheckConstraint("child_age BETWEEN 0 AND 17", name="child_age"),
        sa.Index("ix_enrolments_event_status_seq", "event_id", "status", "seq"),
        # One current enrolment per child and event (a withdrawn child may be enrolled again).
        sa.Index(
            "uq_enrolments_event_child",
            "event_id",
            "identity_digest",
            unique=True,
            sqlite_where=sa.text("status != 'cancelled'"),
            postgresql_where=sa.text("status != 'cancelled'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    child_name: Mapped[str] = mapped_column(sa.String(80))
    child_age: Mapped[int]
    school: Mapped[str] = mapped_column(sa.String(120), default="", server_default="")
    guardian_name: Mapped[str] = mapped_column(sa.String(80))
    guardian_phone: Mapped[str] = mapped_column(EncryptedString())  # a minor's guardian: sensitive
    # Who the child is, as a blind index of the name and the guardian's phone (the phone is encrypted, so it
    # cannot be compared in SQL). Empty only for duplicates enrolled before the rule existed.
    identity_digest: Mapped[str | None] = mapped_column(sa.String(64))
    guardian_consent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(sa.String(12))
    seq: Mapped[int]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()

    waitlist_position = None

    @property
    def guardian_phone_masked(self) -> str:
        return mask_phone(self.guardian_phone)

    @staticmethod
    def identity(child_name: str, guardian_phone: str) -> str | None:
        """The same child: the same name (spacing and case aside) with the same guardian's phone."""
        return blind_index(f"{''.join(child_name.split()).casefold()}\x1f{guardian_phone}")


class HoursEntry(db.Model):
    """The service-hours ledger 服务时长: append-only. A correction is a new entry with the difference."""

    __tablename__ = "hours_entries"
    __table_args__ = (
        sa.CheckConstraint(one_of("kind", EntryKind), name="kind"),
        sa.Index("ix_hours_entries_volunteer_service_date", "volunteer_id", "service_date"),
        # The figures of a period (reports/services/counts.py) read the ledger by date, covering what they sum.
        sa.Index("ix_hours_entries_service_date", "service_date", "event_id", "volunteer_id", "minutes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteer_profiles.id", ondelete="CASCADE"))
    signup_id: Mapped[int | None] = mapped_column(sa.ForeignKey("signups.id", ondelete="SET NULL"), index=True)
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("events.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(12))
    minutes: Mapped[int]
    service_date: Mapped[date]
    organiser: Mapped[str] = mapped_column(sa.String(120), default="", server_default="")
    content: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    reason: Mapped[str | None] = mapped_column(sa.String(300))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 2)


class HoursCorrection(db.Model):
    """A request to set a sign-up's hours to `minutes`, with a reason. Approved at once unless it adds more than
    HOURS_CORRECTION_REVIEW_HOURS; then it waits for a second staff member, and only approval writes the ledger
    entry for the difference (`entry_id`), so pending or rejected hours never reach stars or certificates."""

    __tablename__ = "hours_corrections"
    __table_args__ = (
        sa.CheckConstraint(one_of("status", CorrectionStatus), name="status"),
        sa.CheckConstraint("minutes >= 0", name="minutes"),
        sa.Index(
            "uq_hours_corrections_pending_signup",
            "signup_id",
            unique=True,
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        ),
        sa.Index("ix_hours_corrections_status_requested_at", "status", "requested_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    signup_id: Mapped[int] = mapped_column(sa.ForeignKey("signups.id", ondelete="CASCADE"), index=True)
    minutes: Mapped[int]  # the hours asked for, in minutes
    delta: Mapped[int]  # the difference to the ledger when asked
    reason: Mapped[str] = mapped_column(sa.String(300))
    status: Mapped[str] = mapped_column(sa.String(10))
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    entry_id: Mapped[int | None] = mapped_column(sa.ForeignKey("hours_entries.id", ondelete="SET NULL"))

    signup: Mapped[Signup] = relationship()
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 2)


@orm_event.listens_for(HoursEntry, "before_update")
@orm_event.listens_for(HoursEntry, "before_delete")
def _ledger_is_append_only(mapper, connection, target) -> None:
    raise RuntimeError("service-hours entries are never edited; add a correction instead")


class Recurrence(db.Model):
    """How a recurring event makes its sessions: weekly on some weekdays, or monthly on the nth weekday."""

    __tablename__ = "event_recurrences"
    __table_args__ = (
        sa.CheckConstraint(one_of("frequency", Frequency), name="frequency"),
        sa.CheckConstraint("nth IS NULL OR nth BETWEEN -1 AND 5", name="nth"),
        sa.CheckConstraint("end_time > start_time", name="end_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    frequency: Mapped[str] = mapped_column(sa.String(10))
    weekdays: Mapped[list[int]] = mapped_column(sa.JSON, default=list)  # Monday 0 ... Sunday 6
    nth: Mapped[int | None]  # monthly: 1..5, or -1 for the last
    start_time: Mapped[time]
    end_time: Mapped[time]
    starts_on: Mapped[date]
    until: Mapped[date | None]
    skip_holidays: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    add_makeup_workdays: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    weeks_ahead: Mapped[int] = mapped_column(default=8, server_default="8")
    roles: Mapped[list[dict]] = mapped_column(sa.JSON, default=list)  # role templates copied into each session
    generated_until: Mapped[date | None]

    event: Mapped[Event] = relationship(back_populates="recurrence")


class HolidayOverride(db.Model):
    """What the holiday package does not know yet: a date made a holiday, a make-up working day, or ordinary."""

    __tablename__ = "holiday_overrides"
    __table_args__ = (sa.CheckConstraint(one_of("kind", DayKind), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    kind: Mapped[str] = mapped_column(sa.String(10))
    note: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FeedKey(db.Model):
    """The secret behind a calendar-feed URL (a volunteer's own, a team's or a community's). The URL carries a
    signed token naming this key; revoking replaces the nonce, so every old URL stops working."""

    __tablename__ = "feed_keys"
    __table_args__ = (
        sa.UniqueConstraint("kind", "target_id", name="uq_feed_keys_kind_target"),
        sa.CheckConstraint("kind IN ('volunteer', 'team', 'community')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(10))
    target_id: Mapped[int]
    nonce: Mapped[str] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ServiceCertificate(db.Model):
    """A service-hours certificate 服务证明 as issued: its public number and what it certified, so anyone holding
    the paper can check it at /verify/<number>. Kept when the holder closes their account, only the link to them
    dropped (`volunteer_id` NULL): the hours stay verifiable, the person is no longer named."""

    __tablename__ = "service_certificates"
    __table_args__ = (
        sa.CheckConstraint("minutes > 0", name="minutes_positive"),
        sa.CheckConstraint("stars >= 0", name="stars_not_negative"),
        sa.CheckConstraint("period_from <= period_to", name="period_ordered"),
        # One certificate per state of someone's record: two prints at once cannot mint two (certificates.py).
        sa.Index(
            "uq_service_certificates_record_state",
            "volunteer_id",
            "through_entry_id",
            "minutes",
            "stars",
            "issuer",
            unique=True,
            sqlite_where=sa.text("NOT duplicate"),
            postgresql_where=sa.text("NOT duplicate"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(12), unique=True)  # ZS-4F8R-2N6W (core/numbers.py)
    volunteer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("volunteer_profiles.id", ondelete="SET NULL"), index=True
    )
    minutes: Mapped[int]
    stars: Mapped[int]
    period_from: Mapped[date]  # the first and last day of service it counts
    period_to: Mapped[date]
    # The newest ledger entry it counts: printing again with no entry since gives this certificate again.
    through_entry_id: Mapped[int]
    issuer: Mapped[str] = mapped_column(sa.String(200))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A twin minted by two prints at once before the unique index above existed: kept, as its paper may be out
    # there and must still verify, but left out of the index (the migration marked all but the first of each state).
    duplicate: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    volunteer: Mapped[VolunteerProfile | None] = relationship()

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 2)

    @property
    def issued_on(self) -> date:
        return to_local(self.issued_at).date()
