"""Needs 群众需求 from raising to rating (点单 → 派单 → 接单 → 评单), the deputies' receptions 接待 at liaison
stations and the deliberation meetings 议事会 whose commitments become needs.

A raiser's name and phone are personal data: encrypted in the table, never on a public page or in a notice.
A need raised on a household visit keeps the household for the social worker's side; the assignee sees it only
when the social worker shared it on the household's consent (`household_shared`).
"""

from __future__ import annotations

from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer_app.accounts.models import User
from volunteer_app.core.crypto import EncryptedString
from volunteer_app.core.models import one_of
from volunteer_app.core.time import UTCDateTime, utcnow
from volunteer_app.events.models import Event
from volunteer_app.extensions import db
from volunteer_app.needs.vocabulary import Assignee, Category, QuestionStatus, Source, Status, UpdateKind
from volunteer_app.organisations.models import (
    Community,
    Deputy,
    LiaisonStation,
    ServicePoint,
    Team,
    YouthGroup,
)


class Need(db.Model):
    __tablename__ = "needs"
    __table_args__ = (
        sa.CheckConstraint(one_of("category", Category), name="category"),
        sa.CheckConstraint(one_of("status", Status), name="status"),
        sa.CheckConstraint(one_of("source", Source), name="source"),
        sa.CheckConstraint(f"assignee_kind IS NULL OR {one_of('assignee_kind', Assignee)}", name="assignee_kind"),
        # An assignment names exactly the kind of assignee it says.
        sa.CheckConstraint(
            "assignee_kind IS NULL"
            " OR (assignee_kind = 'team' AND team_id IS NOT NULL)"
            " OR (assignee_kind = 'youth_group' AND youth_group_id IS NOT NULL)"
            " OR (assignee_kind = 'service_point' AND service_point_id IS NOT NULL)"
            " OR (assignee_kind = 'deputy' AND deputy_id IS NOT NULL)"
            " OR (assignee_kind = 'department' AND department <> '')",
            name="assignee_named",
        ),
        sa.CheckConstraint("(status = 'merged') = (merged_into_id IS NOT NULL)", name="merged_has_target"),
        sa.CheckConstraint("merged_into_id IS NULL OR merged_into_id <> id", name="not_merged_into_itself"),
        # The list's order within one status (services/listing.py reads it part by part from this index).
        sa.Index("ix_needs_status_order", "status", "deadline", sa.text("created_at DESC"), sa.text("id DESC")),
        sa.Index("ix_needs_community_status", "community_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Short and unguessable (XQ-7K3M-9P2D): the raiser's key to the status page, and nothing else's.
    tracking_number: Mapped[str] = mapped_column(sa.String(14), unique=True)
    category: Mapped[str] = mapped_column(sa.String(20))
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id", ondelete="RESTRICT"), index=True)
    description: Mapped[str] = mapped_column(sa.Text)
    place: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    source: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(20), default=Status.NEW.value, server_default="new")

    # Who raised it: personal data, encrypted; shown to staff and the assignee, never publicly.
    contact_name: Mapped[str | None] = mapped_column(EncryptedString())
    contact_phone: Mapped[str | None] = mapped_column(EncryptedString())
    may_contact: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Stored under the instance folder with a random name (photo_name), served only through the need's routes.
    photo_name: Mapped[str | None] = mapped_column(sa.String(64))
    photo_type: Mapped[str | None] = mapped_column(sa.String(40))

    # Where it came in, when not through the public form.
    raised_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    source_group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("youth_groups.id", ondelete="SET NULL"))
    household_id: Mapped[int | None] = mapped_column(sa.ForeignKey("households.id", ondelete="SET NULL"))
    visit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("household_visits.id", ondelete="SET NULL"))
    household_shared: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    reception_visitor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("reception_visitors.id", ondelete="SET NULL")
    )
    meeting_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meetings.id", ondelete="SET NULL"), index=True)
    question_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meeting_questions.id", ondelete="SET NULL"))

    # Who must act, and by when.
    assignee_kind: Mapped[str | None] = mapped_column(sa.String(20))
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id", ondelete="RESTRICT"), index=True)
    youth_group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("youth_groups.id", ondelete="RESTRICT"))
    service_point_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service_points.id", ondelete="RESTRICT"))
    deputy_id: Mapped[int | None] = mapped_column(sa.ForeignKey("deputies.id", ondelete="RESTRICT"), index=True)
    department: Mapped[str] = mapped_column(sa.String(120), default="", server_default="")
    deadline: Mapped[date | None]
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # The event volunteers serve it through; the event's approved hours count toward the need.
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("events.id", ondelete="SET NULL"), unique=True)
    outcome: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Raised again by each closing, so a rating belongs to one round of handling (see NeedRating).
    times_closed: Mapped[int] = mapped_column(default=0, server_default="0")
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("needs.id", ondelete="RESTRICT"), index=True)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    community: Mapped[Community] = relationship()
    raised_by: Mapped[User | None] = relationship(foreign_keys=[raised_by_id])
    source_group: Mapped[YouthGroup | None] = relationship(foreign_keys=[source_group_id])
    team: Mapped[Team | None] = relationship()
    youth_group: Mapped[YouthGroup | None] = relationship(foreign_keys=[youth_group_id])
    service_point: Mapped[ServicePoint | None] = relationship()
    deputy: Mapped[Deputy | None] = relationship()
    event: Mapped[Event | None] = relationship()
    merged_into: Mapped[Need | None] = relationship(remote_side=[id])
    meeting: Mapped[Meeting | None] = relationship(back_populates="commitments", foreign_keys=[meeting_id])
    updates: Mapped[list[NeedUpdate]] = relationship(
        back_populates="need", cascade="all, delete-orphan", order_by="NeedUpdate.id"
    )

    @property
    def assignee_name(self) -> str:
        named = {
            Assignee.TEAM: self.team,
            Assignee.YOUTH_GROUP: self.youth_group,
            Assignee.SERVICE_POINT: self.service_point,
            Assignee.DEPUTY: self.deputy,
        }.get(self.assignee_kind)
        return named.name if named is not None else self.department

    def __repr__(self) -> str:  # never the raiser's name or phone, not even in logs
        return f"<Need {self.id} {self.status}>"


class NeedUpdate(db.Model):
    """The history of a need: every change of status (who, when, why), progress replies the raiser sees, notes."""

    __tablename__ = "need_updates"
    __table_args__ = (
        sa.CheckConstraint(one_of("kind", UpdateKind), name="kind"),
        sa.CheckConstraint(f"from_status IS NULL OR {one_of('from_status', Status)}", name="from_status"),
        sa.CheckConstraint(f"to_status IS NULL OR {one_of('to_status', Status)}", name="to_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(sa.ForeignKey("needs.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(10))
    from_status: Mapped[str | None] = mapped_column(sa.String(20))
    to_status: Mapped[str | None] = mapped_column(sa.String(20))
    text: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # Shown on the public status page: replies, and the reason of a status change when it is written for them.
    public: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    need: Mapped[Need] = relationship(back_populates="updates")
    actor: Mapped[User | None] = relationship()


class NeedRating(db.Model):
    """评单: the raiser's 1-5 rating of one round of handling, given on the status page or recorded by staff from a
    phone call. `raised_need_id` is the need whose tracking number was used (a merged need's raiser rates the need
    it was merged into); one rating per raised need and round."""

    __tablename__ = "need_ratings"
    __table_args__ = (
        sa.UniqueConstraint("raised_need_id", "round", name="uq_need_ratings_raised_round"),
        sa.CheckConstraint("stars BETWEEN 1 AND 5", name="stars"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(sa.ForeignKey("needs.id", ondelete="CASCADE"), index=True)
    raised_need_id: Mapped[int] = mapped_column(sa.ForeignKey("needs.id", ondelete="CASCADE"))
    round: Mapped[int]
    stars: Mapped[int]
    comment: Mapped[str] = mapped_column(sa.String(1000), default="", server_default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    need: Mapped[Need] = relationship(foreign_keys=[need_id])


reception_deputies = sa.Table(
    "reception_deputies",
    db.metadata,
    sa.Column("reception_id", sa.ForeignKey("receptions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("deputy_id", sa.ForeignKey("deputies.id", ondelete="CASCADE"), primary_key=True),
)


class Reception(db.Model):
    """One reception 接待日 of a liaison station on a date its rule gives; made when staff first record it."""

    __tablename__ = "receptions"
    __table_args__ = (
        sa.UniqueConstraint("station_id", "day", name="uq_receptions_station_day"),
        sa.CheckConstraint("ends_at > starts_at", name="end_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(sa.ForeignKey("liaison_stations.id", ondelete="CASCADE"), index=True)
    day: Mapped[date]
    starts_at: Mapped[time]
    ends_at: Mapped[time]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    station: Mapped[LiaisonStation] = relationship()
    deputies: Mapped[list[Deputy]] = relationship(secondary=reception_deputies, order_by=Deputy.name)
    visitors: Mapped[list[ReceptionVisitor]] = relationship(
        back_populates="reception", cascade="all, delete-orphan", order_by="ReceptionVisitor.id"
    )


class ReceptionVisitor(db.Model):
    """A resident received by the deputies on duty, and what they raised (which becomes a need)."""

    __tablename__ = "reception_visitors"

    id: Mapped[int] = mapped_column(primary_key=True)
    reception_id: Mapped[int] = mapped_column(sa.ForeignKey("receptions.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(EncryptedString())
    phone: Mapped[str | None] = mapped_column(EncryptedString())
    raised: Mapped[str] = mapped_column(sa.Text)
    deputy_id: Mapped[int | None] = mapped_column(sa.ForeignKey("deputies.id", ondelete="SET NULL"))
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    reception: Mapped[Reception] = relationship(back_populates="visitors")
    deputy: Mapped[Deputy | None] = relationship()
    need: Mapped[Need | None] = relationship(
        primaryjoin="Need.reception_visitor_id == ReceptionVisitor.id", uselist=False, viewonly=True
    )


meeting_deputies = sa.Table(
    "meeting_deputies",
    db.metadata,
    sa.Column("meeting_id", sa.ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("deputy_id", sa.ForeignKey("deputies.id", ondelete="CASCADE"), primary_key=True),
)


class Meeting(db.Model):
    """A deliberation meeting 议事会: deputies and officials answer the public's questions, often livestreamed;
    each commitment made there becomes a need followed on the meeting's public page until it is closed."""

    __tablename__ = "meetings"
    __table_args__ = (sa.CheckConstraint("viewer_count >= 0", name="viewer_count"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    community_id: Mapped[int | None] = mapped_column(sa.ForeignKey("communities.id", ondelete="SET NULL"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    place: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    officials: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    livestream_url: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    viewer_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # Questions are taken from the public until this time (default: the meeting's start).
    questions_close_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    minutes: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    community: Mapped[Community | None] = relationship()
    deputies: Mapped[list[Deputy]] = relationship(secondary=meeting_deputies, order_by=Deputy.name)
    questions: Mapped[list[MeetingQuestion]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingQuestion.id"
    )
    commitments: Mapped[list[Need]] = relationship(
        back_populates="meeting", foreign_keys=[Need.meeting_id], order_by=Need.id
    )


class MeetingQuestion(db.Model):
    """A question sent before a meeting: moderated before anyone sees it, answered at the meeting."""

    __tablename__ = "meeting_questions"
    __table_args__ = (sa.CheckConstraint(one_of("status", QuestionStatus), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    # The asker's name and phone, for staff to call back; never shown on the public page.
    asker_name: Mapped[str | None] = mapped_column(EncryptedString())
    asker_phone: Mapped[str | None] = mapped_column(EncryptedString())
    status: Mapped[str] = mapped_column(sa.String(20), default=QuestionStatus.PENDING.value, server_default="pending")
    answer: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    moderated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="questions")
