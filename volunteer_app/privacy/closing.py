"""Closing one's account (PIPL Article 47): in one transaction the account is disabled and its sessions and tokens
end, and the person's data is erased or anonymised in place, since the rows others rely on stay:

- the user: username `closed-<id>`, a name that says so, no phone or email, a password nothing matches, no roles;
- the volunteer profile: a name that says so, and `closed-<id>` as phone and ID number (both unique, as the
  schema wants, and neither a real number; the ID number's blind index is then that placeholder's, so the real
  number may register again), the birth date cut to its year, no guardian, skills or availability;
- team memberships end today, youth-group rows keep the anonymised name, upcoming sign-ups are withdrawn through
  the events services (their waitlists move up), the personal calendar feed stops;
- notices to them not yet sent are cancelled and the text of all of them dropped; notification choices go; the
  contact they left on needs they raised goes;
- kept: the service-hours ledger (a printed service record can still be checked against it, now naming the
  closed volunteer), the certificates issued, which still answer at /verify/<number> with what they certified but
  no longer link to anyone, and the audit log, append-only, whose entries name the user id of the closed account.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload
from werkzeug.security import check_password_hash

from volunteer_app.accounts import services as accounts
from volunteer_app.accounts.models import Role, RoleGrant, User
from volunteer_app.core import audit
from volunteer_app.core.errors import Conflict, Invalid
from volunteer_app.core.policy import require
from volunteer_app.core.time import today, utcnow
from volunteer_app.events import hours, signups
from volunteer_app.events.models import EventRole, EventSession, FeedKey, Signup, SignupStatus
from volunteer_app.extensions import db
from volunteer_app.needs.models import Need
from volunteer_app.needs.vocabulary import Source
from volunteer_app.organisations.models import TeamMembership, VolunteerProfile, YouthGroupMember
from volunteer_app.organisations.services import own_profile
from volunteer_app.reminders.models import Notification, NotificationPreference, Status

# Stored as they are, in both languages: whoever reads a roster or a service record later sees what happened.
CLOSED_USER_NAME = "已注销用户 / closed account"
CLOSED_VOLUNTEER_NAME = "已注销志愿者"
# A password hash without a method: Werkzeug's check answers False for every password.
NO_PASSWORD = "!closed"


def placeholder(record_id: int) -> str:
    """What stands in for a closed person's username, phone and ID number: unique per record, and not a number
    anyone has (no phone or ID number holds a letter or a dash)."""
    return f"{accounts.CLOSED_PREFIX}{record_id}"


def close_account(actor: User, password: str, *, now: datetime | None = None) -> User:
    """The actor closes their own account, confirming with their password. The last administrator cannot: the
    town would be left without anyone to manage accounts."""
    require(actor, "account.close", actor)
    if not check_password_hash(actor.password_hash, password or ""):
        raise Invalid({"password": [_("This is not your password.")]})
    if actor.has_role(Role.ADMIN) and not _other_admins(actor):
        raise Conflict(
            _("You are the last administrator. Give someone else the administrator role before closing your account.")
        )
    now = now or utcnow()
    profile = own_profile(actor)
    _forget_user(actor, now)  # first, so every entry below names the closed account, not the old username
    done: dict[str, int] = {"roles_revoked": len(actor.grants)}
    for grant in list(actor.grants):
        accounts.revoke_grant(actor, actor, grant)
    if profile is not None:
        done["signups_withdrawn"] = _withdraw_upcoming(profile, now)
        done["teams_left"] = _leave_teams(profile, today(now))
        done["certificates_unnamed"] = hours.forget_holder(profile.id)
        _forget_volunteer(profile)
    done["notices_cancelled"] = _forget_notices(actor)
    _forget_contact_on_needs(actor)
    audit.record(actor, "close", "user", actor.id, detail=done)
    db.session.commit()
    return actor


def _other_admins(actor: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(sa.distinct(User.id)))
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.role == Role.ADMIN, User.active.is_(True), User.id != actor.id)
    )


def _forget_user(user: User, now: datetime) -> None:
    user.username = placeholder(user.id)
    user.display_name = CLOSED_USER_NAME
    user.phone = user.email = user.pending_email = user.locale = None
    user.password_hash = NO_PASSWORD
    user.active = False
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, None
    accounts.end_every_session(user, now)


def _withdraw_upcoming(profile: VolunteerProfile, now: datetime) -> int:
    """Live sign-ups for sessions not yet started, withdrawn as a cancellation would: each role locked first (in
    id order, before any volunteer row, as sign-ups lock), then read again under the locks."""
    upcoming = (
        sa.select(Signup.id, Signup.role_id)
        .join(Signup.role)
        .join(EventRole.session)
        .where(
            Signup.volunteer_id == profile.id,
            Signup.status != SignupStatus.CANCELLED,
            EventSession.starts_at > now,
        )
    )
    found = db.session.execute(upcoming).all()
    for role_id in sorted({row.role_id for row in found}):
        signups.lock_role(role_id)
    live = db.session.scalars(
        sa.select(Signup)
        .where(Signup.id.in_([row.id for row in found]), Signup.status != SignupStatus.CANCELLED)
        .options(
            selectinload(Signup.role).selectinload(EventRole.session).selectinload(EventSession.event),
            selectinload(Signup.volunteer),
        )
        .order_by(Signup.id)
        .execution_options(populate_existing=True)
    ).all()
    for signup in live:
        signups.withdraw(signup, now)
    return len(live)


def _leave_teams(profile: VolunteerProfile, day: date) -> int:
    """Current memberships end today (a membership is history: it is never deleted)."""
    result = db.session.execute(
        sa.update(TeamMembership)
        .where(TeamMembership.volunteer_id == profile.id, TeamMembership.left_on.is_(None))
        .values(left_on=sa.case((TeamMembership.joined_on > day, TeamMembership.joined_on), else_=day)),
        execution_options={"synchronize_session": "fetch"},
    )
    return result.rowcount


def _forget_volunteer(profile: VolunteerProfile) -> None:
    profile.name = CLOSED_VOLUNTEER_NAME
    profile.phone = placeholder(profile.id)
    profile.id_number = placeholder(profile.id)  # PersonNumbers moves the blind index with it
    profile.birth_date = date(profile.birth_date.year, 1, 1)
    profile.skills, profile.availability = [], []
    profile.guardian_name = profile.guardian_phone = profile.guardian_consent_at = None
    db.session.execute(
        sa.update(YouthGroupMember)
        .where(YouthGroupMember.volunteer_id == profile.id)
        .values(name=CLOSED_VOLUNTEER_NAME),
        execution_options={"synchronize_session": False},
    )
    db.session.execute(sa.delete(FeedKey).where(FeedKey.kind == "volunteer", FeedKey.target_id == profile.id))


def _forget_notices(user: User) -> int:
    """Notices not yet sent are cancelled; the text and variables of every notice to them go (kind, channel and
    times stay for the outbox's record). Their notification choices go too."""
    cancelled = db.session.execute(
        sa.update(Notification)
        .where(Notification.recipient_id == user.id, Notification.status == Status.PENDING)
        .values(status=Status.CANCELLED.value, last_error="the account was closed"),
        execution_options={"synchronize_session": False},
    ).rowcount
    db.session.execute(
        sa.update(Notification).where(Notification.recipient_id == user.id).values(context={}, title=None, body=None),
        execution_options={"synchronize_session": False},
    )
    db.session.execute(sa.delete(NotificationPreference).where(NotificationPreference.user_id == user.id))
    return cancelled


def _forget_contact_on_needs(user: User) -> None:
    """The name and phone they left on needs they raised themself; the needs stay for the residents served."""
    db.session.execute(
        sa.update(Need)
        .where(Need.raised_by_id == user.id, Need.source == Source.PUBLIC)
        .values(contact_name=None, contact_phone=None, may_contact=False),
        execution_options={"synchronize_session": False},
    )
