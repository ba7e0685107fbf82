"""Short public numbers people read aloud and type back: a need's tracking number (XQ-7K3M-9P2D), a service-hours
certificate's number (ZS-4F8R-2N6W). A two-letter prefix says what the number is; eight characters of Crockford's
base 32 without I, L, O and U (40 random bits) make it unguessable and leave nothing a person can confuse."""

from __future__ import annotations

import secrets
from collections.abc import Callable

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
BODY_LENGTH = 8


def new_number(prefix: str, taken: Callable[[str], bool]) -> str:
    """A fresh number that `taken` says is free (a clash is astronomically rare but costs one query)."""
    while True:
        body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
        number = f"{prefix}-{body[:4]}-{body[4:]}"
        if not taken(number):
            return number


def normalise_number(text: str | None, prefix: str) -> str:
    """What a person typed (lower case, spaces, O for 0, I or L for 1) as the stored form, or "" when it cannot be a
    number with this prefix."""
    cleaned = "".join(ch for ch in (text or "").upper() if ch.isalnum()).replace("O", "0").replace("I", "1")
    cleaned = cleaned.replace("L", "1")
    if len(cleaned) != len(prefix) + BODY_LENGTH or not cleaned.startswith(prefix):
        return ""
    body = cleaned[len(prefix) :]
    if any(ch not in ALPHABET for ch in body):
        return ""
    return f"{prefix}-{body[:4]}-{body[4:]}"
