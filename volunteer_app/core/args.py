"""Reading a list page's query string the one way every domain does: a bad value means "no filter", never an error
page. Each reader takes the request's query string, or `args` given (an export reads a list page's filters from the
query string it was handed)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask import request

from volunteer_app.core.ids import valid_id


def _args(args: Mapping[str, str] | None) -> Mapping[str, str]:
    return request.args if args is None else args


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def page_arg(args: Mapping[str, str] | None = None) -> int | None:
    return _int(_args(args).get("page"))


def search_arg(args: Mapping[str, str] | None = None) -> str:
    """The words searched for (`q`), at most 100 characters."""
    return _args(args).get("q", "")[:100]


def id_arg(name: str, args: Mapping[str, str] | None = None) -> int | None:
    """An id filter; one outside 1..2**31-1 names nothing (see core.ids)."""
    value = _int(_args(args).get(name))
    return value if valid_id(value) else None


def choice_arg(name: str, allowed: Iterable[str], args: Mapping[str, str] | None = None) -> str | None:
    """One of `allowed` (an enum's values, say), or None."""
    value = _args(args).get(name)
    return value if value in set(allowed) else None
