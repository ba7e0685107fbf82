"""The organisations registry: towns, communities, teams, pairings, youth groups, the social-work station
and its service points, deputy liaison stations, and volunteer profiles."""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer_app.accounts.models import User
from volunteer_app.core.crypto import EncryptedString
from volunteer_app.core.identity import mask_phone
from volunteer_app.core.models import PersonNumbers, one_of
from volunteer_app.core.time import UTCDateTime, utcnow
from volunteer_app.extensions import db


class CommunityKind(enum.StrEnum):
    VILLAGE = "village"
    COMMUNITY = "community"


class TeamKind(enum.StrEnum):
    TOWN_FEDERATION = "town_federation"
    ENTERPRISE_LEAGUE_BRANCH = "enterprise_league_branch"
    SCHOOL = "school"
    VETERANS = "veterans"
    PARTY_MEMBERS = "party_members"
    OTHER = "other"


class MemberRole(enum.StrEnum):
    LEADER = "leader"
    MEMBER = "member"


class GroupStatus(enum.StrEnum):
    FORMING = "forming"
    ACTIVE = "active"
    INCOMPLETE = "incomplete"  # was active, then lost a member the composition rule needs; activated again later


class GroupPart(enum.StrEnum):
    PARTY_MEMBER = "party_member"
    LEAGUE_CADRE = "league_cadre"
    LEAGUE_MEMBER = "league_member"


class PoliticalStatus(enum.StrEnum):
    MASSES = "masses"
    LEAGUE_MEMBER = "league_member"
    PARTY_PROBATIONARY = "party_probationary"
    PARTY_MEMBER = "party_member"


class Availability(enum.StrEnum):
    WEEKDAY_DAYTIME = "weekday_daytime"
    WEEKDAY_EVENING = "weekday_evening"
    WEEKEND = "weekend"


class DeputyLevel(enum.StrEnum):
    NATIONAL = "national"
    PROVINCE = "province"
    CITY = "city"
    DISTRICT = "district"
    TOWN = "town"


COMMUNITY_KIND_LABELS = {
    CommunityKind.VILLAGE: _l("Village"),
    CommunityKind.COMMUNITY: _l("Community"),
}
TEAM_KIND_LABELS = {
    TeamKind.TOWN_FEDERATION: _l("Town volunteer federation"),
    TeamKind.ENTERPRISE_LEAGUE_BRANCH: _l("Enterprise League branch"),
    TeamKind.SCHOOL: _l("School"),
    TeamKind.VETERANS: _l("Veterans"),
    TeamKind.PARTY_MEMBERS: _l("Party-member volunteers"),
    TeamKind.OTHER: _l("Other"),
}
MEMBER_ROLE_LABELS = {MemberRole.LEADER: _l("Leader"), MemberRole.MEMBER: _l("Member")}
GROUP_STATUS_LABELS = {
    GroupStatus.FORMING: _l("Forming"),
    GroupStatus.ACTIVE: _l("Active"),
    GroupStatus.INCOMPLETE: _l("Incomplete"),
}
GROUP_PART_LABELS = {
    GroupPart.PARTY_MEMBER: _l("Party member"),
    GroupPart.LEAGUE_CADRE: _l("Community League cadre"),
    GroupPart.LEAGUE_MEMBER: _l("League member"),
}
POLITICAL_STATUS_LABELS = {
    PoliticalStatus.MASSES: _l("Masses (no party)"),
    PoliticalStatus.LEAGUE_MEMBER: _l("Communist Youth League member"),
    PoliticalStatus.PARTY_PROBATIONARY: _l("Probationary CPC member"),
    PoliticalStatus.PARTY_MEMBER: _l("CPC member"),
}
AVAILABILITY_LABELS = {
    Availability.WEEKDAY_DAYTIME: _l("Weekday daytime"),
    Availability.WEEKDAY_EVENING: _l("Weekday evenings"),
    Availability.WEEKEND: _l("Weekends"),
}
DEPUTY_LEVEL_LABELS = {
    DeputyLevel.NATIONAL: _l("National People's Congress deputy"),
    DeputyLevel.PROVINCE: _l("Provincial People's Congress deputy"),
    DeputyLevel.CITY: _l("City People's Congress deputy"),
    DeputyLevel.DISTRICT: _l("District People's Congress deputy"),
    DeputyLevel.TOWN: _l("Town People's Congress deputy"),
}
SEX_LABELS = {"M": _l("Male"), "F": _l("Female")}


class Town(db.Model):
    """A town or subdistrict 镇/街道."""

    __tablename__ = "towns"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(60), unique=True)
    district: Mapped[str] = mapped_column(sa.String(60), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    communities: Mapped[list[Community]] = relationship(back_populates="town", order_by="Community.name")
    station: Mapped[ServiceStation | None] = relationship(back_populates="town", uselist=False)

    def __repr__(self) -> str:
        return f"<Town {self.name}>"


class Community(db.Model):
    """A village or community 村/社区. It is covered by exactly one service point, or by the station itself."""

    __tablename__ = "communities"
    __table_args__ = (
        sa.UniqueConstraint("town_id", "name", name="uq_communities_town_name"),
        sa.CheckConstraint(one_of("kind", CommunityKind), name="kind"),
        sa.CheckConstraint("service_point_id IS NULL OR station_id IS NULL", name="one_coverer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    town_id: Mapped[int] = mapped_column(sa.ForeignKey("towns.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(sa.String(60))
    kind: Mapped[str] = mapped_column(sa.String(20), default=CommunityKind.COMMUNITY.value, server_default="community")
    service_point_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("service_points.id", ondelete="SET NULL"), index=True
    )
    station_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service_stations.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    town: Mapped[Town] = relationship(back_populates="communities")
    service_point: Mapped[ServicePoint | None] = relationship(back_populates="communities")
    covering_station: Mapped[ServiceStation | None] = relationship(foreign_keys=[station_id])
    youth_group: Mapped[YouthGroup | None] = relationship(back_populates="community", uselist=False)

    @property
    def is_covered(self) -> bool:
        return self.service_point_id is not None or self.station_id is not None

    @property
    def coverer_name(self) -> str:
        if self.service_point is not None:
            return self.service_point.name
        if self.covering_station is not None:
            return self.covering_station.name
        return ""

    @property
    def full_name(self) -> str:
        return f"{self.town.name} {self.name}"

    def __repr__(self) -> str:
        return f"<Community {self.name}>"


class Team(db.Model):
    """A volunteer team 志愿服务队."""

    __tablename__ = "teams"
    __table_args__ = (sa.CheckConstraint(one_of("kind", TeamKind), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    town_id: Mapped[int | None] = mapped_column(sa.ForeignKey("towns.id", ondelete="SET NULL"), index=True)
    description: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    founded_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    town: Mapped[Town | None] = relationship()
    memberships: Mapped[list[TeamMembership]] = relationship(
        back_populates="team", cascade="all, delete-orphan", order_by="TeamMembership.id"
    )
    pairings: Mapped[list[Pairing]] = relationship(back_populates="team", order_by="Pairing.id")

    @property
    def current_members(self) -> list[TeamMembership]:
        return [m for m in self.memberships if m.left_on is None]

    @property
    def leaders(self) -> list[TeamMembership]:
        return [m for m in self.current_members if m.role == MemberRole.LEADER]

    def __repr__(self) -> str:
        return f"<Team {self.name}>"


class TeamMembership(db.Model):
    __tablename__ = "team_memberships"
    __table_args__ = (
        # One current membership per volunteer and team; past ones stay as history.
        sa.Index(
            "uq_team_memberships_current",
            "team_id",
            "volunteer_id",
            unique=True,
            sqlite_where=sa.text("left_on IS NULL"),
            postgresql_where=sa.text("left_on IS NULL"),
        ),
        sa.CheckConstraint(one_of("role", MemberRole), name="role"),
        sa.CheckConstraint("left_on IS NULL OR left_on >= joined_on", name="left_after_joined"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteer_profiles.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(sa.String(20), default=MemberRole.MEMBER.value, server_default="member")
    joined_on: Mapped[date]
    left_on: Mapped[date | None]

    team: Mapped[Team] = relationship(back_populates="memberships")
    volunteer: Mapped[VolunteerProfile] = relationship(back_populates="memberships")

    @property
    def is_current(self) -> bool:
        return self.left_on is None


class Pairing(db.Model):
    """结对共建: a team serves a community, since a date, for a purpose."""

    __tablename__ = "pairings"
    __table_args__ = (
        sa.UniqueConstraint("team_id", "community_id", name="uq_pairings_team_community"),
        sa.CheckConstraint("ended_on IS NULL OR ended_on >= since", name="ended_after_since"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id", ondelete="CASCADE"), index=True)
    since: Mapped[date]
    purpose: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    ended_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    team: Mapped[Team] = relationship(back_populates="pairings")
    community: Mapped[Community] = relationship()

    @property
    def is_current(self) -> bool:
        return self.ended_on is None


# The composition rule of a youth governance group: at least this many members of each part.
GROUP_MINIMUM = {GroupPart.PARTY_MEMBER: 1, GroupPart.LEAGUE_CADRE: 1, GroupPart.LEAGUE_MEMBER: 2}


class YouthGroup(db.Model):
    """A youth governance group 青治团, one per community, built on its Youth Home 青年之家."""

    __tablename__ = "youth_groups"
    __table_args__ = (sa.CheckConstraint(one_of("status", GroupStatus), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    youth_home: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    status: Mapped[str] = mapped_column(sa.String(20), default=GroupStatus.FORMING.value, server_default="forming")
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    community: Mapped[Community] = relationship(back_populates="youth_group")
    members: Mapped[list[YouthGroupMember]] = relationship(
        back_populates="group", cascade="all, delete-orphan", order_by="YouthGroupMember.id"
    )
    past_members: Mapped[list[YouthGroupPastMember]] = relationship(
        cascade="all, delete-orphan", order_by="YouthGroupPastMember.left_on.desc()"
    )

    def counts(self) -> dict[GroupPart, int]:
        counts = dict.fromkeys(GroupPart, 0)
        for member in self.members:
            counts[GroupPart(member.part)] += 1
        return counts

    @property
    def missing(self) -> dict[GroupPart, int]:
        """How many more members of each part the group needs before it is complete."""
        counts = self.counts()
        return {part: need - counts[part] for part, need in GROUP_MINIMUM.items() if counts[part] < need}

    @property
    def is_complete(self) -> bool:
        return not self.missing


class YouthGroupMember(db.Model):
    __tablename__ = "youth_group_members"
    __table_args__ = (
        sa.UniqueConstraint("group_id", "volunteer_id", name="uq_youth_group_members_group_volunteer"),
        sa.CheckConstraint(one_of("part", GroupPart), name="part"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("youth_groups.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    part: Mapped[str] = mapped_column(sa.String(20))
    volunteer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("volunteer_profiles.id", ondelete="SET NULL"), index=True
    )
    joined_on: Mapped[date | None]

    group: Mapped[YouthGroup] = relationship(back_populates="members")
    volunteer: Mapped[VolunteerProfile | None] = relationship()


class YouthGroupPastMember(db.Model):
    """Someone who was in a youth governance group: a member's row is removed when they leave (the composition rule
    counts the rows), and what it held is kept here, so the group's history can be read back."""

    __tablename__ = "youth_group_past_members"
    __table_args__ = (sa.CheckConstraint(one_of("part", GroupPart), name="part"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("youth_groups.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    part: Mapped[str] = mapped_column(sa.String(20))
    volunteer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("volunteer_profiles.id", ondelete="SET NULL"), index=True
    )
    joined_on: Mapped[date | None]
    left_on: Mapped[date]
    reason: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    removed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))


class ServiceStation(db.Model):
    """The social-work service station 社会工作服务站 of a town (one per town)."""

    __tablename__ = "service_stations"

    id: Mapped[int] = mapped_column(primary_key=True)
    town_id: Mapped[int] = mapped_column(sa.ForeignKey("towns.id", ondelete="RESTRICT"), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    address: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    opened_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    town: Mapped[Town] = relationship(back_populates="station")
    points: Mapped[list[ServicePoint]] = relationship(back_populates="station", order_by="ServicePoint.name")
    covered_communities: Mapped[list[Community]] = relationship(
        foreign_keys=[Community.station_id], viewonly=True, order_by=Community.name
    )


class ServicePoint(db.Model):
    """A social-work service point 社会工作服务点; social workers are assigned to one (scope service_point:ID)."""

    __tablename__ = "service_points"
    __table_args__ = (sa.UniqueConstraint("station_id", "name", name="uq_service_points_station_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(sa.ForeignKey("service_stations.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    address: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    opened_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    station: Mapped[ServiceStation] = relationship(back_populates="points")
    communities: Mapped[list[Community]] = relationship(
        back_populates="service_point", foreign_keys=[Community.service_point_id], order_by=Community.name
    )


class LiaisonStation(db.Model):
    """A People's Congress deputy liaison station 人大代表联络站 with its weekly reception rule."""

    __tablename__ = "liaison_stations"
    __table_args__ = (
        sa.CheckConstraint("reception_weekday BETWEEN 0 AND 6", name="weekday"),
        sa.CheckConstraint("reception_end > reception_start", name="end_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    community_id: Mapped[int | None] = mapped_column(sa.ForeignKey("communities.id", ondelete="SET NULL"), index=True)
    address: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    reception_weekday: Mapped[int]  # Monday 0 ... Sunday 6, as datetime.date.weekday()
    reception_start: Mapped[time]
    reception_end: Mapped[time]
    except_public_holidays: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    community: Mapped[Community | None] = relationship()
    deputies: Mapped[list[Deputy]] = relationship(
        back_populates="station", cascade="all, delete-orphan", order_by="Deputy.id"
    )


class Deputy(db.Model):
    __tablename__ = "deputies"
    __table_args__ = (
        sa.UniqueConstraint("station_id", "name", name="uq_deputies_station_name"),
        sa.CheckConstraint(one_of("level", DeputyLevel), name="level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(sa.ForeignKey("liaison_stations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    level: Mapped[str] = mapped_column(sa.String(20), default=DeputyLevel.DISTRICT.value, server_default="district")
    title: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")

    station: Mapped[LiaisonStation] = relationship(back_populates="deputies")


class VolunteerProfile(PersonNumbers, db.Model):
    """One person, one volunteer record: the ID number is unique. Sex and birth date are read from it."""

    __tablename__ = "volunteer_profiles"
    __table_args__ = (
        sa.CheckConstraint("sex IN ('M', 'F')", name="sex"),
        sa.CheckConstraint(one_of("political_status", PoliticalStatus), name="political_status"),
        sa.CheckConstraint(
            "guardian_consent_at IS NULL OR (guardian_name IS NOT NULL AND guardian_phone IS NOT NULL)",
            name="guardian_complete",
        ),
        sa.Index("ix_volunteer_profiles_community_created_at", "community_id", "created_at"),  # new, by community
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    phone: Mapped[str] = mapped_column(sa.String(20), unique=True)
    id_number: Mapped[str] = mapped_column(EncryptedString())
    id_number_digest: Mapped[str] = mapped_column(sa.String(64), unique=True)  # one profile per person
    sex: Mapped[str] = mapped_column(sa.String(1))
    birth_date: Mapped[date]
    political_status: Mapped[str] = mapped_column(sa.String(30))
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id", ondelete="RESTRICT"), index=True)
    skills: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    availability: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    guardian_name: Mapped[str | None] = mapped_column(sa.String(80))
    guardian_phone: Mapped[str | None] = mapped_column(EncryptedString())  # a minor's guardian: sensitive
    guardian_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship()
    community: Mapped[Community] = relationship()
    memberships: Mapped[list[TeamMembership]] = relationship(
        back_populates="volunteer", order_by="TeamMembership.id", viewonly=True
    )

    @property
    def guardian_phone_masked(self) -> str:
        return mask_phone(self.guardian_phone)

    @property
    def current_teams(self) -> list[Team]:
        return [m.team for m in self.memberships if m.left_on is None]

    def __repr__(self) -> str:  # never the full ID or phone, not even in logs and tracebacks
        return f"<VolunteerProfile {self.id} {self.id_number_masked}>"


def label_of(labels: dict[Any, Any], value: str | None) -> str:
    return str(labels.get(value, value or ""))
