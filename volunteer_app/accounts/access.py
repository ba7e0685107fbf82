"""Who may open a route. Every view declares it with one of the markers below; one before-request hook
enforces it, and a route without a marker is refused (deny by default).

Pages use the login session; `/api/` paths use bearer tokens only, so a browser cookie can never call
the API on a user's behalf.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, Response, current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from volunteer_app.accounts import services, staff_scope
from volunteer_app.accounts.models import TOWN_STAFF
from volunteer_app.core.errors import Forbidden, Unauthenticated
from volunteer_app.core.time import utcnow

PUBLIC = "public"
SIGNED_IN = "signed_in"


@dataclass(frozen=True)
class Access:
    kind: str
    roles: frozenset[str] = frozenset()
    town_wide: bool = False  # only staff acting for the whole town (accounts/staff_scope.py)


def public(view: Callable) -> Callable:
    view.access = Access(PUBLIC)
    return view


def signed_in(view: Callable) -> Callable:
    view.access = Access(SIGNED_IN)
    return view


def roles(*names: str) -> Callable[[Callable], Callable]:
    def mark(view: Callable) -> Callable:
        view.access = Access(SIGNED_IN, frozenset(names))
        return view

    return mark


def town_staff(view: Callable) -> Callable:
    """The town's own administration (its towns, communities, stations, teams' register): administrators and League
    staff for the whole town, not League staff of one community."""
    view.access = Access(SIGNED_IN, frozenset(TOWN_STAFF), town_wide=True)
    return view


# Endpoints that extensions register; they serve static files and the API documentation.
_EXTENSION_PUBLIC_PREFIXES = ("static", "bootstrap.", "api-docs.")


def access_of(endpoint: str) -> Access | None:
    if endpoint.startswith(_EXTENSION_PUBLIC_PREFIXES):
        return Access(PUBLIC)
    view = current_app.view_functions.get(endpoint)
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        verb = "get" if request.method == "HEAD" else request.method.lower()
        return getattr(getattr(view_class, verb, None), "access", None)
    return getattr(view, "access", None)


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def current_actor():
    """The user on whose behalf this request acts, or None."""
    if is_api_request():
        return g.get("api_user")
    return current_user if current_user.is_authenticated else None


def _bearer_user():
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return services.user_for_token(token.strip())


def enforce_access():
    if request.endpoint is None or request.method == "OPTIONS":  # Flask answers these without a view
        return None
    access = access_of(request.endpoint)
    if access is None:
        raise Forbidden(_("You are not allowed to do this."))
    if is_api_request():
        g.api_user = _bearer_user()
        user = g.api_user
    else:
        user = current_user if current_user.is_authenticated else None
    if access.kind == PUBLIC:
        return None
    if user is None:
        if is_api_request():
            raise Unauthenticated(_("Send a valid bearer token."))
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
    if access.roles and not user.has_role(*access.roles):
        raise Forbidden(_("You are not allowed to do this."))
    if access.town_wide and not staff_scope.town_wide(user):
        raise Forbidden(_("You are not allowed to do this."))
    return None


def expire_idle_session():
    """Sessions end after SESSION_IDLE_MINUTES without a request, even if a cookie outlives that."""
    if is_api_request() or not current_user.is_authenticated:
        return None
    now = utcnow().timestamp()
    last_seen = session.get("last_seen", now)
    if now - last_seen > current_app.config["SESSION_IDLE_MINUTES"] * 60:
        logout_user()
        session.clear()
        flash(_("Your session expired after a period of inactivity. Please log in again."), "warning")
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
    session["last_seen"] = now
    session.permanent = True
    return None


def _anyone_may_see() -> bool:
    """Static files, and what a public route shows a visitor who is not signed in when asked with GET."""
    if request.endpoint is None or request.method not in ("GET", "HEAD"):
        return False
    access = access_of(request.endpoint)
    if access is None or access.kind != PUBLIC:
        return False
    if request.endpoint.startswith(_EXTENSION_PUBLIC_PREFIXES):
        return True
    return not (current_user.is_authenticated or g.get("api_user"))


def forbid_storing(response: Response) -> Response:
    """What depends on who asks (a household, a person's numbers, a user list, an export: every signed-in page and
    token call, every form sent) is never kept by a browser's cache or a proxy. Decided here, by the route markers,
    so a new page is covered without anyone remembering to."""
    if not _anyone_may_see() and "no-store" not in response.headers.get("Cache-Control", ""):
        response.headers["Cache-Control"] = "no-store"  # in place of anything that would let it be kept
    return response


def init_app(app: Flask) -> None:
    app.before_request(expire_idle_session)
    app.before_request(enforce_access)
    app.after_request(forbid_storing)
