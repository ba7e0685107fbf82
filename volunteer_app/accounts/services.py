"""Account rules: creating users, logging in with lockout, ending sessions, passwords, API tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from volunteer_app.accounts import throttle
from volunteer_app.accounts.addresses import clean_email
from volunteer_app.accounts.models import SCOPE_KIND_LABELS, SCOPE_KINDS, ApiToken, Role, RoleGrant, User
from volunteer_app.core import audit
from volunteer_app.core.errors import Conflict, Invalid, NotFound, Unauthenticated
from volunteer_app.core.ids import valid_id
from volunteer_app.core.pagination import Page, paginate
from volunteer_app.core.policy import Actor, require
from volunteer_app.core.time import utcnow
from volunteer_app.extensions import db

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{3,40}$")
MAINLAND_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# Closed accounts are renamed closed-<id> (privacy/closing.py), so no one may take such a name.
CLOSED_PREFIX = "closed-"
SCOPE_ID_RE = re.compile(r"[0-9]+")  # not str.isdigit, which also passes "²" (that int() refuses)
# Checked against when the login names nobody, so a wrong username costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


@dataclass(frozen=True)
class RoleSpec:
    role: str
    scope_kind: str | None = None
    scope_id: int | None = None

    @classmethod
    def parse(cls, role: str, scope: str | None = None) -> RoleSpec:
        """`role` with an optional `KIND:ID` scope, as the CLI and the API write them."""
        if not scope:
            return cls(role)
        kind, _sep, raw_id = scope.partition(":")
        if not SCOPE_ID_RE.fullmatch(raw_id):
            raise Invalid({"roles": [_("A scope is written KIND:ID, for example service_point:3.")]})
        return cls(role, kind, int(raw_id))


# Domains that own the objects a scope can name tell accounts how to find one's name (None: there is none).
_scope_names: dict[str, Callable[[int], str | None]] = {}


def register_scope_kind(kind: str, name_of: Callable[[int], str | None]) -> None:
    _scope_names[kind] = name_of


def scope_name(kind: str | None, object_id: int | None) -> str:
    """What a scope names, for people: "新兴社会工作服务点", not service_point:3 (which is kept when the object is
    gone or its kind has no name lookup)."""
    if not kind:
        return ""
    name_of = _scope_names.get(kind)
    name = name_of(object_id) if name_of is not None and object_id is not None else None
    return name or f"{kind}:{object_id}"


def validate_role_specs(specs: list[RoleSpec]) -> list[str]:
    errors = []
    for spec in specs:
        if spec.role not in Role.__members__.values():
            errors.append(_("Unknown role: %(role)s", role=spec.role))
        if spec.scope_kind is None:
            continue
        name_of = _scope_names.get(spec.scope_kind)
        if spec.scope_kind not in SCOPE_KINDS:
            errors.append(_("Unknown scope kind: %(kind)s", kind=spec.scope_kind))
        elif not valid_id(spec.scope_id) or (name_of is not None and name_of(spec.scope_id) is None):
            errors.append(_("No %(kind)s with id %(id)d.", kind=SCOPE_KIND_LABELS[spec.scope_kind], id=spec.scope_id))
    if not specs:
        errors.append(_("Give the user at least one role."))
    return errors


def create_user(
    actor: Actor,
    *,
    username: str,
    password: str,
    display_name: str,
    roles: list[RoleSpec],
    phone: str | None = None,
    email: str | None = None,
    commit: bool = True,
) -> User:
    require(actor, "user.create")
    username = (username or "").strip()
    display_name = (display_name or "").strip()
    phone = (phone or "").strip() or None
    errors: dict[str, list[str]] = {}
    if not USERNAME_RE.match(username):
        errors["username"] = [_("Use 3 to 40 letters, digits, dots, dashes or underscores.")]
    elif username.lower().startswith(CLOSED_PREFIX) or db.session.scalar(
        sa.select(User.id).where(sa.func.lower(User.username) == username.lower())
    ):
        errors["username"] = [_("This username is taken.")]
    if len(password or "") < current_app.config["PASSWORD_MIN_LENGTH"]:
        errors["password"] = [
            _("The password needs at least %(n)d characters.", n=current_app.config["PASSWORD_MIN_LENGTH"])
        ]
    if not display_name or len(display_name) > 80:
        errors["display_name"] = [_("Give a name of 1 to 80 characters.")]
    if phone is not None:
        if not MAINLAND_MOBILE_RE.match(phone):
            errors["phone"] = [_("Give an 11-digit mainland mobile number.")]
        elif db.session.scalar(sa.select(User.id).where(User.phone == phone)):
            errors["phone"] = [_("This phone number is already registered.")]
    if role_errors := validate_role_specs(roles):
        errors["roles"] = role_errors
    email = clean_email(errors, email)  # in use at once: an admin (or the seeds) vouches for it
    if errors:
        raise Invalid(errors)

    user = User(
        username=username,
        display_name=display_name,
        phone=phone,
        email=email,
        password_hash=generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"]),
    )
    user.grants = [RoleGrant(role=s.role, scope_kind=s.scope_kind, scope_id=s.scope_id) for s in set(roles)]
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "create", "user", user.id, detail={"username": username, "roles": user.roles})
    if commit:
        db.session.commit()
    return user


def find_by_login(login: str) -> User | None:
    login = (login or "").strip()
    if not login:
        return None
    return db.session.scalar(
        sa.select(User).where(sa.or_(sa.func.lower(User.username) == login.lower(), User.phone == login))
    )


def authenticate(login: str, password: str, now: datetime | None = None, known_user_ids: Collection[int] = ()) -> User:
    """Checks a username (or phone) and password. Failures in a row make the account wait before its password is
    checked again (throttle.py), except on a device it logged in from before (`known_user_ids`). A wrong password,
    an unknown login and a waiting account get the same answer after the same work (one password hash, one
    audit entry), so a stranger learns nothing from the answer or its timing."""
    now = now or utcnow()
    user = find_by_login(login)
    waiting = user is not None and user.id not in known_user_ids and throttle.is_waiting(user, now)
    if user is None or waiting:
        check_password_hash(_DUMMY_HASH, password or "")
        audit.record(None, "login_throttled" if waiting else "login_failed", "user", user.id if user else None)
        db.session.commit()
        raise Unauthenticated(_("Wrong username or password."))
    if not check_password_hash(user.password_hash, password or ""):
        wait = throttle.count_failure(user, now)
        detail = {"attempt": user.failed_logins, **({"wait_seconds": int(wait.total_seconds())} if wait else {})}
        audit.record(None, "throttle" if wait else "login_failed", "user", user.id, detail=detail)
        db.session.commit()
        raise Unauthenticated(_("Wrong username or password."))
    if not user.is_active:
        raise Unauthenticated(_("This account is disabled."))
    throttle.clear(user)
    user.last_login_at = now
    audit.record(user, "login", "user", user.id)
    db.session.commit()
    return user


def end_every_session(user: User, now: datetime | None = None) -> None:
    """Every login session of `user` ends (their cookies name the old session version, which no longer loads them)
    and every API token of theirs is revoked. Part of the caller's transaction."""
    user.session_version += 1
    db.session.execute(
        sa.update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now or utcnow())
    )


def log_out(user: User) -> None:
    """Logging out ends every session of the user, so a copied cookie dies with the one the user threw away."""
    end_every_session(user)
    db.session.commit()


def end_sessions(actor: Actor, user_id: int) -> User:
    """An admin's "log out everywhere": the user's sessions and tokens end; the account stays usable."""
    user = get_user(actor, user_id)
    require(actor, "user.update", user)
    _self_lockout_guard(actor, user, _("To end your own sessions, log out."))
    end_every_session(user)
    audit.record(actor, "update", "user", user.id, detail={"sessions": "ended"})
    db.session.commit()
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    """The user's own change: it ends every session and token of theirs (the caller starts a new session for the
    browser that asked)."""
    errors: dict[str, list[str]] = {}
    if not check_password_hash(user.password_hash, current_password or ""):
        errors["current_password"] = [_("This is not your current password.")]
    if len(new_password or "") < current_app.config["PASSWORD_MIN_LENGTH"]:
        errors["new_password"] = [
            _("The password needs at least %(n)d characters.", n=current_app.config["PASSWORD_MIN_LENGTH"])
        ]
    if errors:
        raise Invalid(errors)
    user.password_hash = generate_password_hash(new_password, method=current_app.config["PASSWORD_HASH_METHOD"])
    end_every_session(user)
    audit.record(user, "update", "user", user.id, detail={"password": "changed"})
    db.session.commit()


def _token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(user: User, now: datetime | None = None) -> tuple[str, int]:
    ttl = current_app.config["API_TOKEN_TTL_SECONDS"]
    raw = secrets.token_urlsafe(32)
    db.session.add(
        ApiToken(user=user, token_hash=_token_digest(raw), expires_at=(now or utcnow()) + timedelta(seconds=ttl))
    )
    db.session.commit()
    return raw, ttl


def user_for_token(raw: str, now: datetime | None = None) -> User:
    # The token, its user and their grants in one query: every API request starts here (issue #16).
    token = db.session.scalar(
        sa.select(ApiToken)
        .where(ApiToken.token_hash == _token_digest(raw or ""))
        .options(joinedload(ApiToken.user).joinedload(User.grants))
    )
    if token is None or token.revoked_at is not None:
        raise Unauthenticated(_("The access token is not valid."))
    if token.expires_at <= (now or utcnow()):
        raise Unauthenticated(_("The access token has expired. Ask for a new one."))
    if not token.user.is_active:
        raise Unauthenticated(_("This account is disabled."))
    return token.user


def purge_expired_tokens(now: datetime) -> int:
    result = db.session.execute(sa.delete(ApiToken).where(ApiToken.expires_at < now - timedelta(days=1)))
    db.session.commit()
    return result.rowcount


def list_users(actor: Actor, *, q: str | None = None, page: int | None = None, per_page: int | None = None) -> Page:
    require(actor, "user.list")
    query = sa.select(User).order_by(User.id)
    if q:
        pattern = f"%{q.strip()}%"
        query = query.where(
            sa.or_(User.username.ilike(pattern), User.display_name.ilike(pattern), User.phone.like(pattern))
        )
    return paginate(query, page, per_page)


def get_user(actor: Actor, user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("No such user."))
    require(actor, "user.view", user)
    return user


def set_locale(user: User, locale: str) -> None:
    if locale not in current_app.config["LANGUAGES"]:
        raise Invalid({"lang": [_("Unknown language.")]})
    user.locale = locale
    db.session.commit()


def _self_lockout_guard(actor: Actor, user: User, message: str) -> None:
    if actor.id == user.id:
        raise Conflict(message)


def grant_role(actor: Actor, user: User, spec: RoleSpec) -> RoleGrant:
    """Gives `user` the role (as limited by `spec`) in the caller's transaction, audited. Every change of a grant
    comes through here or `revoke_grant`, also when another domain hands a role out (a team's leader, a service
    point's social worker) after checking its own rule. A grant the user already holds is returned unchanged."""
    held = next(
        (g for g in user.grants if (g.role, g.scope_kind, g.scope_id) == (spec.role, spec.scope_kind, spec.scope_id)),
        None,
    )
    if held is not None:
        return held
    grant = RoleGrant(role=spec.role, scope_kind=spec.scope_kind, scope_id=spec.scope_id)
    user.grants.append(grant)
    db.session.flush()
    audit.record(actor, "update", "user", user.id, detail={"added_role": spec.role, "scope": grant.scope_label})
    return grant


def revoke_grant(actor: Actor, user: User, grant: RoleGrant) -> None:
    """Takes one grant from `user` in the caller's transaction, audited (see `grant_role`)."""
    user.grants.remove(grant)
    db.session.flush()
    audit.record(actor, "update", "user", user.id, detail={"removed_role": grant.role, "scope": grant.scope_label})


def add_grant(actor: Actor, user_id: int, spec: RoleSpec) -> RoleGrant:
    user = get_user(actor, user_id)
    require(actor, "user.update", user)
    if errors := validate_role_specs([spec]):
        raise Invalid({"role": errors})
    if any((g.role, g.scope_kind, g.scope_id) == (spec.role, spec.scope_kind, spec.scope_id) for g in user.grants):
        raise Invalid({"role": [_("The user already has this role.")]})
    grant = grant_role(actor, user, spec)
    db.session.commit()
    return grant


def remove_grant(actor: Actor, user_id: int, grant_id: int) -> None:
    user = get_user(actor, user_id)
    require(actor, "user.update", user)
    grant = next((g for g in user.grants if g.id == grant_id), None)
    if grant is None:
        raise NotFound(_("No such role on this user."))
    if grant.role == Role.ADMIN:
        _self_lockout_guard(actor, user, _("You cannot remove your own administrator role."))
    if len(user.grants) == 1:
        raise Conflict(_("A user keeps at least one role; disable the account instead."))
    revoke_grant(actor, user, grant)
    db.session.commit()


def set_active(actor: Actor, user_id: int, active: bool) -> User:
    user = get_user(actor, user_id)
    require(actor, "user.update", user)
    if not active:
        _self_lockout_guard(actor, user, _("You cannot disable your own account."))
    user.active = active
    user.failed_logins = 0
    user.locked_until = None
    if not active:
        end_every_session(user)
    audit.record(actor, "update", "user", user.id, detail={"active": active})
    db.session.commit()
    return user


def grant_holders(role: str, scope_kind: str, scope_id: int | None) -> set[int]:
    """Users whose `role` is limited to this one object: a point's social workers, a station's supervisors, a
    team's leaders."""
    if scope_id is None:
        return set()
    return set(
        db.session.scalars(
            sa.select(RoleGrant.user_id).where(
                RoleGrant.role == role, RoleGrant.scope_kind == scope_kind, RoleGrant.scope_id == scope_id
            )
        )
    )
