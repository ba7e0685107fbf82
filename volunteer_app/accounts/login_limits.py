"""The rate limits of logging in, one set for the login page and the API's token endpoint together: attempts per
address, and per address and login name (a stranger's guesses at one account from one place). Counted in the
limiter's storage, which is shared by every worker when RATELIMIT_STORAGE_URI names a Redis."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, request
from flask_limiter.util import get_remote_address

from volunteer_app.extensions import limiter


def _login_name() -> str:
    data = request.get_json(silent=True) if request.is_json else None
    name = (data or {}).get("username") if isinstance(data, dict) else request.form.get("login")
    return str(name or "").strip().lower()[:60]


def _address_and_login_name() -> str:
    return f"{get_remote_address()}|{_login_name()}"


def limited(view: Callable) -> Callable:
    """Applies both limits to a login route (its POST, for a page that also answers GET)."""
    methods = ["POST"]
    by_address = limiter.shared_limit(
        lambda: current_app.config["LOGIN_RATE_LIMIT"], scope="login-address", methods=methods
    )
    by_person = limiter.shared_limit(
        lambda: current_app.config["LOGIN_PERSON_RATE_LIMIT"],
        scope="login-person",
        key_func=_address_and_login_name,
        methods=methods,
    )
    return by_address(by_person(view))
