"""Cleaning text that people type, the one way every domain does it."""

from __future__ import annotations

import re

# C0 controls and DEL, but not tab, newline or carriage return: typed text may hold those; PostgreSQL cannot hold NUL.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: object, limit: int | None = None) -> str:
    """The text without control characters or surrounding blanks, cut to `limit` characters; None becomes ""."""
    cleaned = CONTROL_CHARACTERS.sub("", str(value or "")).strip()
    return cleaned[:limit] if limit else cleaned
