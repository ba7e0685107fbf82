"""Email addresses as accounts keep them, checked in one place for the profile, an admin and account creation."""

from __future__ import annotations

import re

from flask_babel import gettext as _

# The shape of an address, no more: the link sent to it (accounts/profile.py) is the real check.
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
EMAIL_MAX = 120  # users.email and users.pending_email


def clean_email(errors: dict[str, list[str]], value: str | None) -> str | None:
    """The address as stored (the domain in lower case), None for none; an error under "email" if malformed."""
    address = (value or "").strip()
    if not address:
        return None
    local, _sep, domain = address.rpartition("@")
    address = f"{local}@{domain.lower()}"
    if len(address) > EMAIL_MAX or not EMAIL_RE.match(address):
        errors["email"] = [_("Give an email address such as name@example.org (at most %(n)d characters).", n=EMAIL_MAX)]
        return None
    return address
