"""Login throttling that a stranger cannot turn against the owner.

After `LOGIN_THROTTLE_AFTER` failed passwords in a row an account waits before its password is checked again,
each further failure doubling the wait up to `LOGIN_THROTTLE_MAX_SECONDS`. The wait is skipped on a device the
account logged in from before (known_devices.py): someone guessing from elsewhere slows only their own guesses.
A wrong password, an unknown login and a waiting account get the same answer after the same work.
(`User.locked_until` holds the end of the wait, `User.failed_logins` the failures since the last success.)
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app

from volunteer_app.accounts.models import User


def wait_after(failures: int) -> timedelta | None:
    """How long an account waits after this many failures in a row; None while it need not wait."""
    after = current_app.config["LOGIN_THROTTLE_AFTER"]
    if failures < after:
        return None
    seconds = current_app.config["LOGIN_THROTTLE_BASE_SECONDS"] * 2 ** min(failures - after, 20)
    return timedelta(seconds=min(seconds, current_app.config["LOGIN_THROTTLE_MAX_SECONDS"]))


def is_waiting(user: User, now: datetime) -> bool:
    return user.locked_until is not None and user.locked_until > now


def count_failure(user: User, now: datetime) -> timedelta | None:
    """Counts a failed password; returns the wait it starts, if any."""
    user.failed_logins = (user.failed_logins or 0) + 1
    wait = wait_after(user.failed_logins)
    user.locked_until = now + wait if wait else None
    return wait


def clear(user: User) -> None:
    user.failed_logins = 0
    user.locked_until = None
