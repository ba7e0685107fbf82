"""Figures kept for a while: the dashboard, the stats API and the monthly workbook read the town's figures from
here instead of running their aggregate queries over a million sign-ups on every request.

A set of figures is computed on the first request for its key — the filters (period, community, team), the
language of its labels and whose scope it counts (town-wide staff all count the same town, League staff of a
community their communities, anyone else their own) — and kept for FIGURES_KEEP_SECONDS. It carries the time
it was computed (`Figures.as_of`), which the page and the API show, so nobody reads a kept figure as live; whoever
may read the figures may ask for them afresh (`refresh=True`, the page's "refresh" link). FIGURES_KEEP_SECONDS = 0
keeps nothing (the tests' default).

Kept in files under instance/figures/ (every gunicorn worker of one host shares them), or in Redis when
FIGURES_STORE_URI names one (several hosts). Only numbers and their labels are kept: who may read them is checked
on every request before anything is read from here. They are kept as JSON and read back field by field into the
dataclasses they were (`_decode`), never unpickled: whoever can write to a shared Redis can at most change a number,
not run code in the app. A kept value that does not read back (an older format, a field added since) is counted
again.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import tempfile
import time
import types
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any, Protocol, TypeVar, Union, get_args, get_origin, get_type_hints

from flask import current_app
from flask_babel import get_locale

from volunteer_app.accounts import staff_scope
from volunteer_app.core.policy import Actor
from volunteer_app.needs import scope as need_scope


class Scoped(Protocol):
    """What this module reads of figures.Figures (a dataclass), named here so that figures imports kept and not
    the other way round."""

    scope: str
    filters: Any
    team: Any
    community: Any
    volunteer: Any


Figures = TypeVar("Figures", bound=Scoped)
PREFIX = "shanzhi:figures:"


class Store(Protocol):
    def get(self, key: str) -> bytes | None: ...

    def put(self, key: str, value: bytes, seconds: int) -> None: ...


class FileStore:
    """One file per key, replaced atomically; a file older than its lifetime is ignored (and overwritten)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def get(self, key: str) -> bytes | None:
        path = self.folder / key
        try:
            if time.time() - path.stat().st_mtime > current_app.config["FIGURES_KEEP_SECONDS"]:
                return None
            return path.read_bytes()
        except FileNotFoundError:
            return None

    def put(self, key: str, value: bytes, seconds: int) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".new-")
        with os.fdopen(handle, "wb") as file:
            file.write(value)
        os.replace(temporary, self.folder / key)


class RedisStore:
    """Figures kept in a Redis shared by every server. With that Redis away nothing is kept: each view counts its
    figures again (slower, said in the log) rather than failing."""

    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=1)
        self.unreachable = redis.RedisError

    def get(self, key: str) -> bytes | None:
        try:
            return self.client.get(PREFIX + key)
        except self.unreachable as error:
            current_app.logger.warning("figures store unreachable, counting afresh: %s", error)
            return None

    def put(self, key: str, value: bytes, seconds: int) -> None:
        try:
            self.client.set(PREFIX + key, value, ex=seconds)
        except self.unreachable as error:
            current_app.logger.warning("figures store unreachable, nothing kept: %s", error)


def _store() -> Store:
    stores = current_app.extensions.setdefault("shanzhi.figures_store", {})
    uri = current_app.config["FIGURES_STORE_URI"]
    if uri not in stores:
        if uri.startswith(("redis://", "rediss://", "unix://")):
            stores[uri] = RedisStore(uri)
        else:
            stores[uri] = FileStore(Path(uri or Path(current_app.instance_path) / "figures"))
    return stores[uri]


def _reader(actor: Actor) -> str:
    """Whose scope the figures count. Town-wide staff all count the whole town (their needs and social-work scopes
    are the town's); League staff of the same communities count the same needs; anyone else's figures may depend
    on who they are, so they are kept for them alone."""
    if need_scope.town_staff(actor):
        return "town"
    if communities := staff_scope.community_ids(actor):
        return "communities:" + ",".join(str(c) for c in sorted(communities))
    return f"user:{actor.id}"


def _key(actor: Actor, found: Figures) -> str:
    reader = _reader(actor)
    f = found.filters
    words = f"{found.scope}|{f.date_from}|{f.date_to}|{f.community_id}|{f.team_id}|{get_locale()}|{reader}"
    return hashlib.sha256(words.encode()).hexdigest()


_hints = cache(get_type_hints)  # the declared types of a dataclass's fields, resolved once


def _encode(value: object) -> object:
    """`json.dumps`'s `default`: dates and times as tagged ISO strings, dataclasses as their fields."""
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: getattr(value, field.name) for field in dataclasses.fields(value)}
    raise TypeError(f"Not a figure: {type(value).__name__}")


def _decode(kind: Any, value: Any) -> Any:
    """`value` read from JSON as the declared type `kind`: a dataclass (its fields' declared types, in turn), a list
    or dict of them, an optional one, a tagged date or time, or a plain number or string. Anything else raises
    ValueError."""
    if value is None:
        return None
    origin = get_origin(kind)
    if origin in (Union, types.UnionType):
        choices = [choice for choice in get_args(kind) if choice is not type(None)]
        if len(choices) > 1:  # `int | str | None`: plain values only, taken as they are
            return _plain(tuple(choices), value)
        return _decode(choices[0], value)
    if origin is list:
        return [_decode(get_args(kind)[0], item) for item in _plain(list, value)]
    if origin is dict:
        return {_plain(str, key): _decode(get_args(kind)[1], item) for key, item in _plain(dict, value).items()}
    if kind is datetime:
        return datetime.fromisoformat(_plain(str, _plain(dict, value)["datetime"]))
    if kind is date:
        return date.fromisoformat(_plain(str, _plain(dict, value)["date"]))
    if dataclasses.is_dataclass(kind):
        fields = _plain(dict, value)
        hints = _hints(kind)
        return kind(
            **{field.name: _decode(hints[field.name], fields[field.name]) for field in dataclasses.fields(kind)}
        )
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return _plain(kind, value)


def _plain(kind: type | tuple[type, ...], value: Any) -> Any:
    """`value` if JSON gave it as `kind` (never a boolean for a number, which Python counts as an int)."""
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        raise ValueError(f"Not a {kinds}: {value!r}")
    return value


def dumps(numbers: Scoped) -> bytes:
    return json.dumps(numbers, default=_encode, ensure_ascii=False, separators=(",", ":")).encode()


@functools.lru_cache(maxsize=32)
def loads(kind: type[Figures], held: bytes) -> Figures | None:
    """The figures `held` as `kind`, or None when they do not read back as one (then they are counted again).

    Read back once per process for the same bytes: a district's town figures (600 communities) take ~20 ms to read
    into their dataclasses, on every view of the dashboard otherwise. Callers share what it returns: they read it and
    `replace` it, never change it."""
    try:
        return _decode(kind, json.loads(held))
    except (ValueError, TypeError, KeyError, UnicodeDecodeError, RecursionError):
        return None


def kept(actor: Actor, found: Figures, compute: Callable[[], Figures], *, refresh: bool = False) -> Figures:
    """The figures of `found`'s scope (already checked for `actor`): as kept, or computed by `compute()` and
    kept. The scope's own records (team, community) are `found`'s, read in this request."""
    seconds = current_app.config["FIGURES_KEEP_SECONDS"]
    if seconds <= 0:
        return compute()
    store, key = _store(), _key(actor, found)
    held = None if refresh else store.get(key)
    numbers = None if held is None else loads(type(found), held)
    if numbers is None:
        numbers = replace(compute(), team=None, community=None, volunteer=None)
        store.put(key, dumps(numbers), seconds)
    return replace(numbers, team=found.team, community=found.community, volunteer=found.volunteer)
