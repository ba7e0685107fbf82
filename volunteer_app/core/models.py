"""What every domain's models share."""

from __future__ import annotations

import enum


def one_of(column: str, values: type[enum.Enum]) -> str:
    """A CHECK that `column` holds one of an enum's values, written out so a migration stays self-contained."""
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"
