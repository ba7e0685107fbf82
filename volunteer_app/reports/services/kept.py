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
on every request before anything is read from here.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol, TypeVar

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
    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=2)

    def get(self, key: str) -> bytes | None:
        return self.client.get(PREFIX + key)

    def put(self, key: str, value: bytes, seconds: int) -> None:
        self.client.set(PREFIX + key, value, ex=seconds)


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


def kept(actor: Actor, found: Figures, compute: Callable[[], Figures], *, refresh: bool = False) -> Figures:
    """The figures of `found`'s scope (already checked for `actor`): as kept, or computed by `compute()` and
    kept. The scope's own records (team, community) are `found`'s, read in this request."""
    seconds = current_app.config["FIGURES_KEEP_SECONDS"]
    if seconds <= 0:
        return compute()
    store, key = _store(), _key(actor, found)
    held = None if refresh else store.get(key)
    if held is not None:
        numbers = pickle.loads(held)  # written by this app only, into its own store
    else:
        numbers = replace(compute(), team=None, community=None, volunteer=None)
        store.put(key, pickle.dumps(numbers), seconds)
    return replace(numbers, team=found.team, community=found.community, volunteer=found.volunteer)
