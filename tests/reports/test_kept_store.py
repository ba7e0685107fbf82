"""The kept figures' stores (reports/services/kept.py): figures are written as JSON and read back into the same
dataclasses, in the file store and in Redis alike (the same test body for both); what does not read back as figures
(a pickle an intruder put into a shared Redis, an older format) is never executed but counted again."""

from __future__ import annotations

import os
import pickle
import uuid
from dataclasses import replace

import pytest

from tests.reports.figures_town import (
    PERIOD,
    figures_town_fixture,  # noqa: F401 — the fixture
)
from volunteer_app.reports.services import figures, kept

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _redis_store() -> kept.RedisStore:
    import redis

    store = kept.RedisStore(REDIS_URL)
    try:
        store.client.ping()
    except redis.RedisError as error:
        pytest.skip(f"No Redis answers at {REDIS_URL} ({error}): the Redis store is not tested here")
    return store


@pytest.fixture(name="store", params=["files", "redis"])
def store_fixture(request, app, tmp_path, monkeypatch):
    """Each store, keeping for a minute; the keys written to Redis are this test's own and deleted after it."""
    monkeypatch.setitem(app.config, "FIGURES_KEEP_SECONDS", 60)
    if request.param == "files":
        yield kept.FileStore(tmp_path / "figures")
        return
    store = _redis_store()
    written: list[str] = []
    put = store.put
    monkeypatch.setattr(store, "put", lambda key, value, seconds: (written.append(key), put(key, value, seconds)))
    yield store
    if written:
        store.client.delete(*(kept.PREFIX + key for key in written))


@pytest.fixture(name="counted")
def counted_fixture(figures_town):
    """The town's figures with every part counted (volunteers, hours, events, youth groups, coverage, needs), as
    kept: without the request's own records."""
    found = figures.figures(figures_town["staff"], figures.filters(*PERIOD))
    assert found.as_of and found.coverage and found.needs and found.hours_by_month and found.attendance
    return replace(found, team=None, community=None, volunteer=None)


def test_figures_read_back_from_the_store_as_they_were_written(store, counted):
    key = f"test-{uuid.uuid4().hex}"
    assert store.get(key) is None

    store.put(key, kept.dumps(counted), 60)
    held = store.get(key)

    assert held is not None and held.startswith(b"{")  # JSON, not a pickle
    again = kept.loads(figures.Figures, held)
    assert again == counted
    assert again.as_of.tzinfo is not None and again.coverage.quarter_start == counted.coverage.quarter_start


class Intrusion:
    """What a pickle can do when it is loaded: call anything."""

    def __reduce__(self):
        return (os.system, ("echo intruded > /dev/null",))


@pytest.mark.parametrize(
    "held",
    [pickle.dumps(Intrusion()), b"not json", b'{"scope": "town"}', b'{"scope": 1, "filters": null}', b"[]"],
    ids=["a pickle", "not JSON", "fields missing", "wrong kinds", "not an object"],
)
def test_what_does_not_read_back_as_figures_is_counted_again(store, counted, monkeypatch, held):
    key = f"test-{uuid.uuid4().hex}"
    store.put(key, held, 60)
    assert kept.loads(figures.Figures, store.get(key)) is None

    monkeypatch.setattr(kept, "_store", lambda: store)
    monkeypatch.setattr(kept, "_key", lambda actor, found: key)
    calls = []
    found = kept.kept(None, counted, lambda: calls.append(1) or counted)
    assert calls == [1] and found == counted
    assert kept.loads(figures.Figures, store.get(key)) == counted  # and kept again, readable now


def test_the_same_kept_figures_are_read_into_dataclasses_once_per_process(counted):
    """Issue #16: reading a district's kept figures back took ~20 ms of every dashboard view. Bytes read from the store
    again (a new object, the same content) give the figures read the first time; other bytes are read afresh."""
    held = kept.dumps(counted)
    first = kept.loads(figures.Figures, held)
    assert kept.loads(figures.Figures, bytes(bytearray(held))) is first
    other = kept.dumps(replace(counted, scope="community"))
    assert kept.loads(figures.Figures, other) is not first and kept.loads(figures.Figures, other).scope == "community"


def test_with_the_figures_redis_away_the_figures_are_counted_afresh(app, counted, monkeypatch, caplog):
    """A dashboard must not fail because the Redis keeping its figures does: each view counts them again (slower,
    said in the log) until it is back."""
    monkeypatch.setitem(app.config, "FIGURES_KEEP_SECONDS", 60)
    store = kept.RedisStore("redis://127.0.0.1:1/0")  # nothing answers there
    monkeypatch.setattr(kept, "_store", lambda: store)
    monkeypatch.setattr(kept, "_key", lambda actor, found: "the-town")
    calls = []
    for _ in range(2):
        assert kept.kept(None, counted, lambda: calls.append(1) or counted) == counted
    assert calls == [1, 1]
    assert store.get("any") is None
    assert "figures store unreachable" in caplog.text
