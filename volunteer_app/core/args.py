"""Reading a list page's query string the one way every domain does: a bad value means "no filter", never an error
page."""

from __future__ import annotations

from collections.abc import Iterable

from flask import request

from volunteer_app.core.ids import valid_id


def page_arg() -> int | None:
    return request.args.get("page", type=int)


def search_arg() -> str:
    """The words searched for (`q`), at most 100 characters."""
    return request.args.get("q", "")[:100]


def id_arg(name: str) -> int | None:
    """An id filter; one outside 1..2**31-1 names nothing (see core.ids)."""
    value = request.args.get(name, type=int)
    return value if valid_id(value) else None


def choice_arg(name: str, allowed: Iterable[str]) -> str | None:
    """One of `allowed` (an enum's values, say), or None."""
    value = request.args.get(name)
    return value if value in set(allowed) else None
