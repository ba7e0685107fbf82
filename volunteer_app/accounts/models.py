from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer_app.core.time import UTCDateTime, utcnow
from volunteer_app.extensions import db


class Role(enum.StrEnum):
    ADMIN = "admin"
    LEAGUE_STAFF = "league_staff"
    TEAM_LEADER = "team_leader"
    VOLUNTEER = "volunteer"
    SOCIAL_WORKER = "social_worker"
    STATION_SUPERVISOR = "station_supervisor"
    DEPUTY = "deputy"  # a People's Congress deputy's own account, scoped to their deputy record (deputy:ID)

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


# The town's staff: they plan, approve and see every team's work. Each domain's policy and menu means these two.
TOWN_STAFF = (Role.ADMIN, Role.LEAGUE_STAFF)

ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.LEAGUE_STAFF: _l("Town Youth League staff"),
    Role.TEAM_LEADER: _l("Team leader"),
    Role.VOLUNTEER: _l("Volunteer"),
    Role.SOCIAL_WORKER: _l("Social worker"),
    Role.STATION_SUPERVISOR: _l("Service-point supervisor"),
    Role.DEPUTY: _l("People's Congress deputy"),
}

# League staff limited to a village or community (村/社区) act for it alone: they are its staff, not the town's.
SCOPED_ROLE_LABELS = {(Role.LEAGUE_STAFF, "community"): _l("Community staff")}


def grant_label(role: str, scope_kind: str | None) -> str:
    """What a grant of `role` (limited to an object of `scope_kind`, or to none) is called."""
    label = SCOPED_ROLE_LABELS.get((Role(role), scope_kind)) or ROLE_LABELS.get(Role(role), role)
    return str(label)


# A role may be limited to one object; these are the kinds of object a scope can name.
SCOPE_KIND_LABELS = {
    "community": _l("community"),
    "team": _l("volunteer team"),
    "service_point": _l("social-work service point"),
    "service_station": _l("social-work service station"),
    "deputy": _l("deputy"),
}
SCOPE_KINDS = tuple(SCOPE_KIND_LABELS)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(40), unique=True)
    phone: Mapped[str | None] = mapped_column(sa.String(20), unique=True)
    email: Mapped[str | None] = mapped_column(sa.String(120))  # confirmed (or set by an admin): notices go here
    # An address the user asked to use, not yet confirmed through the link sent to it (accounts/profile.py).
    pending_email: Mapped[str | None] = mapped_column(sa.String(120))
    display_name: Mapped[str] = mapped_column(sa.String(80))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    locale: Mapped[str | None] = mapped_column(sa.String(10))
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Part of the id a login session keeps (get_id): raising it ends every session of the user at once
    # (accounts.services.end_sessions), since a cookie naming the old version no longer loads the user.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")

    grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin", order_by="RoleGrant.id"
    )

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def roles(self) -> list[str]:
        return sorted({grant.role for grant in self.grants})

    def has_role(self, *roles: str) -> bool:
        return any(grant.role in roles for grant in self.grants)

    def scopes(self, role: str, kind: str) -> set[int]:
        """The ids of objects of `kind` this user's `role` is limited to."""
        return {g.scope_id for g in self.grants if g.role == role and g.scope_kind == kind and g.scope_id}

    def holds_unscoped(self, role: str) -> bool:
        """Whether one of this user's grants of `role` is limited to no object (for League staff: the whole town)."""
        return any(g.role == role and g.scope_kind is None for g in self.grants)

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class RoleGrant(db.Model):
    __tablename__ = "role_grants"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "role", "scope_kind", "scope_id", name="uq_role_grants_user_role_scope"),
        sa.CheckConstraint("(scope_kind IS NULL) = (scope_id IS NULL)", name="scope_complete"),
        # Who holds a role in a place (a point's social workers, a station's deputies): asked by forms and notices.
        sa.Index("ix_role_grants_role_scope", "role", "scope_kind", "scope_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(sa.String(30))
    scope_kind: Mapped[str | None] = mapped_column(sa.String(30))
    scope_id: Mapped[int | None]

    user: Mapped[User] = relationship(back_populates="grants")

    @property
    def scope_label(self) -> str:
        return f"{self.scope_kind}:{self.scope_id}" if self.scope_kind else ""


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Only a SHA-256 of the token is kept, so a copy of the database cannot be used to call the API.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
