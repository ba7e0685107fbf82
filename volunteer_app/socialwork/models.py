"""Social work: household files 建档, members, consent, visits 入户走访 and their versions, follow-ups 跟进,
the policy and resource catalogue, benefits recorded for a household, referrals 转介 and attachments.

The data is sensitive personal information (PIPL). Integrity lives in the database: check constraints for
every coded value, one current head per household, complete consents, closed files with a reason.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer_app.accounts.models import User
from volunteer_app.core.crypto import EncryptedJSON, EncryptedString
from volunteer_app.core.identity import mask_id_number
from volunteer_app.core.models import PersonNumbers, one_of
from volunteer_app.core.time import UTCDateTime, utcnow
from volunteer_app.events.models import Event
from volunteer_app.extensions import db
from volunteer_app.organisations.models import Community, ServicePoint, ServiceStation, Team
from volunteer_app.socialwork.vocabulary import (
    OPEN_REFERRAL_STATUSES,
    TARGET_HOUSEHOLD_TYPES,
    BenefitStage,
    ConsentMethod,
    ConsentPurpose,
    ContactType,
    DisabilityType,
    Flag,
    FollowUpStatus,
    HouseholdStatus,
    HouseholdType,
    Housing,
    IncomeBand,
    PolicyKind,
    ReferralStatus,
    ReferralTarget,
    Relation,
    ResourceKind,
    RiskLevel,
)


class Household(db.Model):
    """A household file 服务对象户. Its service point follows from its community's coverage; the station is
    kept too, so a supervisor's scope is one comparison and a station-covered community has a home."""

    __tablename__ = "households"
    __table_args__ = (
        sa.CheckConstraint(one_of("household_type", HouseholdType), name="household_type"),
        sa.CheckConstraint(one_of("status", HouseholdStatus), name="status"),
        sa.CheckConstraint(
            "status = 'active' OR (closed_reason IS NOT NULL AND closed_on IS NOT NULL)", name="closed_with_reason"
        ),
        sa.CheckConstraint("status <> 'archived' OR archived_at IS NOT NULL", name="archived_at"),
        sa.CheckConstraint("income_band IS NULL OR " + one_of("income_band", IncomeBand), name="income_band"),
        sa.CheckConstraint("housing IS NULL OR " + one_of("housing", Housing), name="housing"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id", ondelete="RESTRICT"), index=True)
    service_point_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("service_points.id", ondelete="RESTRICT"), index=True
    )
    station_id: Mapped[int] = mapped_column(sa.ForeignKey("service_stations.id", ondelete="RESTRICT"), index=True)
    worker_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    address: Mapped[str] = mapped_column(sa.String(200))
    household_type: Mapped[str] = mapped_column(sa.String(20), default=HouseholdType.GENERAL.value)
    status: Mapped[str] = mapped_column(sa.String(20), default=HouseholdStatus.ACTIVE.value, index=True)
    opened_on: Mapped[date]
    closed_on: Mapped[date | None]
    closed_reason: Mapped[str | None] = mapped_column(sa.String(255))
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    income_band: Mapped[str | None] = mapped_column(sa.String(20))
    housing: Mapped[str | None] = mapped_column(sa.String(20))
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    community: Mapped[Community] = relationship()
    service_point: Mapped[ServicePoint | None] = relationship()
    station: Mapped[ServiceStation] = relationship()
    worker: Mapped[User | None] = relationship(foreign_keys=[worker_id])
    members: Mapped[list[HouseholdMember]] = relationship(
        back_populates="household", order_by="HouseholdMember.id", foreign_keys="HouseholdMember.household_id"
    )

    @property
    def current_members(self) -> list[HouseholdMember]:
        return [m for m in self.members if m.left_on is None]

    @property
    def head(self) -> HouseholdMember | None:
        return next((m for m in self.current_members if m.relation == Relation.HEAD), None)

    @property
    def head_name(self) -> str:
        return self.head.name if self.head else ""

    @property
    def flags(self) -> list[str]:
        found = {flag for m in self.current_members for flag in m.flags}
        return [f.value for f in Flag if f.value in found]

    @property
    def is_target(self) -> bool:
        return bool(self.flags) or self.household_type in TARGET_HOUSEHOLD_TYPES

    def __repr__(self) -> str:
        return f"<Household {self.id}>"


class HouseholdMember(PersonNumbers, db.Model):
    """A person in a household. Leaving (or moving to another household) ends the row instead of deleting
    it, so the file keeps who lived there and when."""

    __tablename__ = "household_members"
    __table_args__ = (
        sa.Index(
            "uq_household_members_current_head",
            "household_id",
            unique=True,
            sqlite_where=sa.text("relation = 'head' AND left_on IS NULL"),
            postgresql_where=sa.text("relation = 'head' AND left_on IS NULL"),
        ),
        sa.CheckConstraint(one_of("relation", Relation), name="relation"),
        sa.CheckConstraint("sex IS NULL OR sex IN ('M', 'F')", name="sex"),
        sa.CheckConstraint(
            "disability_type IS NULL OR " + one_of("disability_type", DisabilityType), name="disability"
        ),
        sa.CheckConstraint("disability_grade IS NULL OR disability_grade BETWEEN 1 AND 4", name="disability_grade"),
        sa.CheckConstraint("left_on IS NULL OR left_on >= joined_on", name="left_after_joined"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    relation: Mapped[str] = mapped_column(sa.String(20))
    sex: Mapped[str | None] = mapped_column(sa.String(1))
    birth_date: Mapped[date | None]
    id_number: Mapped[str | None] = mapped_column(EncryptedString())
    id_number_digest: Mapped[str | None] = mapped_column(sa.String(64), index=True)  # find a person's files
    phone: Mapped[str | None] = mapped_column(EncryptedString())  # never looked up, so no blind index
    disability_type: Mapped[str | None] = mapped_column(sa.String(20))
    disability_grade: Mapped[int | None]
    disability_certificate: Mapped[str | None] = mapped_column(EncryptedString())  # the ID number + 2 digits
    other_flag_note: Mapped[str] = mapped_column(sa.String(200), default="")
    health_notes: Mapped[str] = mapped_column(sa.Text, default="")
    insurance_notes: Mapped[str] = mapped_column(sa.Text, default="")
    joined_on: Mapped[date]
    left_on: Mapped[date | None]
    left_reason: Mapped[str | None] = mapped_column(sa.String(200))
    moved_to_member_id: Mapped[int | None] = mapped_column(sa.ForeignKey("household_members.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    household: Mapped[Household] = relationship(back_populates="members", foreign_keys=[household_id])
    flag_rows: Mapped[list[MemberFlag]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="MemberFlag.flag"
    )

    @property
    def flags(self) -> list[str]:
        return [row.flag for row in self.flag_rows]

    @property
    def disability_certificate_masked(self) -> str:
        return mask_id_number(self.disability_certificate)  # the certificate number is the ID number + 2 digits

    @property
    def is_current(self) -> bool:
        return self.left_on is None

    def __repr__(self) -> str:  # never a full ID number in logs
        return f"<HouseholdMember {self.id} {self.id_number_masked}>"


class MemberFlag(db.Model):
    """A target-group flag on a member (低保, 特困, 残疾, ...): a row each, so lists and counts are plain SQL."""

    __tablename__ = "household_member_flags"
    __table_args__ = (sa.CheckConstraint(one_of("flag", Flag), name="flag"),)

    member_id: Mapped[int] = mapped_column(sa.ForeignKey("household_members.id", ondelete="CASCADE"), primary_key=True)
    flag: Mapped[str] = mapped_column(sa.String(20), primary_key=True, index=True)


class HouseholdEvent(db.Model):
    """The history of a file: opened, edited (with the old values), head changed, member added, edited or left,
    moved in or out, closed, archived."""

    __tablename__ = "household_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(sa.String(30))
    detail: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    # An edit's values before it (field -> old value), encrypted like the record they come from, so the file's
    # history can be read back; `detail` names the fields only.
    previous: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON())

    actor: Mapped[User | None] = relationship()


class Consent(db.Model):
    """Consent to keep or share sensitive information, given by a member, for one purpose, and withdrawable."""

    __tablename__ = "household_consents"
    __table_args__ = (
        sa.CheckConstraint(one_of("purpose", ConsentPurpose), name="purpose"),
        sa.CheckConstraint(one_of("method", ConsentMethod), name="method"),
        sa.CheckConstraint("method <> 'verbal' OR witness IS NOT NULL", name="verbal_has_witness"),
        sa.CheckConstraint("withdrawn_at IS NULL OR withdrawn_at >= given_at", name="withdrawn_after_given"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int | None] = mapped_column(sa.ForeignKey("household_members.id", ondelete="SET NULL"))
    given_by: Mapped[str] = mapped_column(sa.String(80))
    given_at: Mapped[datetime] = mapped_column(UTCDateTime)
    purpose: Mapped[str] = mapped_column(sa.String(20))
    method: Mapped[str] = mapped_column(sa.String(20))
    witness: Mapped[str | None] = mapped_column(sa.String(80))
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_reason: Mapped[str | None] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    member: Mapped[HouseholdMember | None] = relationship()
    recorded_by: Mapped[User | None] = relationship()
    scans: Mapped[list[Attachment]] = relationship(
        foreign_keys="Attachment.consent_id",
        primaryjoin="and_(Attachment.consent_id == Consent.id, Attachment.visit_id.is_(None))",
        viewonly=True,
        order_by="Attachment.id",
    )

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


visit_workers = sa.Table(
    "visit_workers",
    db.metadata,
    sa.Column("visit_id", sa.ForeignKey("household_visits.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Visit(db.Model):
    """A visit record 入户走访. Never edited silently: each edit keeps the previous version (VisitVersion)."""

    __tablename__ = "household_visits"
    __table_args__ = (
        sa.CheckConstraint(one_of("contact_type", ContactType), name="contact_type"),
        sa.CheckConstraint(one_of("risk_level", RiskLevel), name="risk_level"),
        sa.CheckConstraint("version >= 1", name="version"),
        sa.Index("ix_household_visits_household_visited_at", "household_id", "visited_at"),  # coverage: last visit
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id", ondelete="CASCADE"), index=True)
    visited_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    contact_type: Mapped[str] = mapped_column(sa.String(20))
    met: Mapped[str] = mapped_column(sa.String(200), default="")
    purpose: Mapped[str] = mapped_column(sa.String(500), default="")
    living_changes: Mapped[str] = mapped_column(sa.Text, default="")
    health_changes: Mapped[str] = mapped_column(sa.Text, default="")
    income_changes: Mapped[str] = mapped_column(sa.Text, default="")
    needs: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    needs_text: Mapped[str] = mapped_column(sa.Text, default="")
    policies: Mapped[dict[str, list[int]]] = mapped_column(sa.JSON, default=dict)
    measures: Mapped[str] = mapped_column(sa.Text, default="")
    risk_level: Mapped[str] = mapped_column(sa.String(10), default=RiskLevel.LOW.value)
    version: Mapped[int] = mapped_column(default=1)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    household: Mapped[Household] = relationship()
    workers: Mapped[list[User]] = relationship(secondary=visit_workers, order_by=User.display_name)
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    versions: Mapped[list[VisitVersion]] = relationship(
        back_populates="visit", order_by="VisitVersion.version", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="visit", order_by="Attachment.id", foreign_keys="Attachment.visit_id"
    )


class VisitVersion(db.Model):
    """The state of a visit before an edit, who changed it, when and why."""

    __tablename__ = "household_visit_versions"
    __table_args__ = (sa.UniqueConstraint("visit_id", "version", name="uq_household_visit_versions_visit_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(sa.ForeignKey("household_visits.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(sa.String(255), default="")

    visit: Mapped[Visit] = relationship(back_populates="versions")
    changed_by: Mapped[User | None] = relationship()


class Attachment(db.Model):
    """A photo or scan, stored under the instance folder (never in static), only with consent."""

    __tablename__ = "socialwork_attachments"
    __table_args__ = (sa.CheckConstraint("size > 0", name="size"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id", ondelete="CASCADE"), index=True)
    visit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("household_visits.id", ondelete="CASCADE"), index=True)
    consent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("household_consents.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(sa.String(200))
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(40))
    size: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    visit: Mapped[Visit | None] = relationship(back_populates="attachments", foreign_keys=[visit_id])


class FollowUp(db.Model):
    """An open task on a household: an owner and a due date, until done or cancelled."""

    __tablename__ = "follow_ups"
    __table_args__ = (
        sa.CheckConstraint(one_of("status", FollowUpStatus), name="status"),
        sa.CheckConstraint("status = 'open' OR closed_at IS NOT NULL", name="closed_at"),
        sa.Index("ix_follow_ups_open_due", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id", ondelete="CASCADE"), index=True)
    visit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("household_visits.id", ondelete="SET NULL"))
    task: Mapped[str] = mapped_column(sa.String(500))
    due_on: Mapped[date]
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    status: Mapped[str] = mapped_column(sa.String(20), default=FollowUpStatus.OPEN.value)
    outcome: Mapped[str] = mapped_column(sa.String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    household: Mapped[Household] = relationship()
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])


class WelfarePolicy(db.Model):
    """A benefit or assistance in the catalogue (低保, 特困供养, 残疾人两项补贴, 临时救助, 医疗救助, ...)."""

    __tablename__ = "welfare_policies"
    __table_args__ = (sa.CheckConstraint(one_of("kind", PolicyKind), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(20), default=PolicyKind.BENEFIT.value)
    department: Mapped[str] = mapped_column(sa.String(120), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    target_flags: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Benefit(db.Model):
    """What a household (or one member) has of a policy: explained, applied for, received."""

    __tablename__ = "household_benefits"
    __table_args__ = (
        sa.CheckConstraint(one_of("stage", BenefitStage), name="stage"),
        sa.UniqueConstraint("household_id", "policy_id", name="uq_household_benefits_household_policy"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id", ondelete="CASCADE"), index=True)
    policy_id: Mapped[int] = mapped_column(sa.ForeignKey("welfare_policies.id", ondelete="RESTRICT"), index=True)
    stage: Mapped[str] = mapped_column(sa.String(20))
    since: Mapped[date]
    visit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("household_visits.id", ondelete="SET NULL"))

    policy: Mapped[WelfarePolicy] = relationship()


class Resource(db.Model):
    """A charity resource or a volunteer team that can help a household."""

    __tablename__ = "social_resources"
    __table_args__ = (
        sa.CheckConstraint(one_of("kind", ResourceKind), name="kind"),
        sa.CheckConstraint("kind <> 'volunteer_team' OR team_id IS NOT NULL", name="team_named"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    contact: Mapped[str] = mapped_column(sa.String(120), default="")
    helps_with: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    team: Mapped[Team | None] = relationship()


class Referral(db.Model):
    """A referral 转介 to a department, a charity resource or a volunteer team, resting on a consent."""

    __tablename__ = "referrals"
    __table_args__ = (
        sa.CheckConstraint(one_of("target_kind", ReferralTarget), name="target_kind"),
        sa.CheckConstraint(one_of("status", ReferralStatus), name="status"),
        sa.CheckConstraint(
            "(target_kind = 'department' AND department IS NOT NULL)"
            " OR (target_kind = 'resource' AND resource_id IS NOT NULL)"
            " OR (target_kind = 'team' AND team_id IS NOT NULL)",
            name="target_named",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("households.id", ondelete="CASCADE"), index=True)
    visit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("household_visits.id", ondelete="SET NULL"))
    consent_id: Mapped[int] = mapped_column(sa.ForeignKey("household_consents.id", ondelete="RESTRICT"))
    target_kind: Mapped[str] = mapped_column(sa.String(20))
    department: Mapped[str | None] = mapped_column(sa.String(120))
    resource_id: Mapped[int | None] = mapped_column(sa.ForeignKey("social_resources.id", ondelete="RESTRICT"))
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id", ondelete="RESTRICT"))
    # The team's event a referral to a team became; deleting the event keeps the referral, which may become another.
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("events.id", ondelete="SET NULL"))
    need: Mapped[str | None] = mapped_column(sa.String(20))
    reason: Mapped[str] = mapped_column(sa.String(500))
    status: Mapped[str] = mapped_column(sa.String(20), default=ReferralStatus.REQUESTED.value)
    outcome: Mapped[str] = mapped_column(sa.String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    resource: Mapped[Resource | None] = relationship()
    team: Mapped[Team | None] = relationship()
    event: Mapped[Event | None] = relationship()
    consent: Mapped[Consent] = relationship()

    @property
    def target_name(self) -> str:
        if self.target_kind == ReferralTarget.RESOURCE and self.resource is not None:
            return self.resource.name
        if self.target_kind == ReferralTarget.TEAM and self.team is not None:
            return self.team.name
        return self.department or ""

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REFERRAL_STATUSES
