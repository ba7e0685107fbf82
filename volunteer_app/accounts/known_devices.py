"""The devices an account logged in from before: a signed list of user ids kept in a long-lived cookie, so the
owner's own phone is not held up by throttling a stranger caused (throttle.py). It only skips the wait; the
password is checked as always."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

COOKIE = "shanzhi_known"
MAX_ACCOUNTS = 5  # a shared family phone may hold a few accounts; the oldest drop off
MAX_AGE_SECONDS = 365 * 24 * 3600


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="known-device")


def read(cookie: str | None) -> list[int]:
    """The user ids a cookie vouches for; nothing when it is missing, forged or malformed."""
    if not cookie:
        return []
    try:
        ids = _serializer().loads(cookie)
    except BadSignature:
        return []
    return [i for i in ids if isinstance(i, int)][:MAX_ACCOUNTS] if isinstance(ids, list) else []


def remember(cookie: str | None, user_id: int) -> str:
    """The cookie's new value with `user_id` as the most recent account."""
    ids = [user_id, *(i for i in read(cookie) if i != user_id)][:MAX_ACCOUNTS]
    return _serializer().dumps(ids)
