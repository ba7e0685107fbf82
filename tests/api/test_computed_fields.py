"""Computed values in API answers (api.Computed) read their function's signature once, when the schema is declared,
not for every value written as marshmallow's fields.Function does (issue #16: ~40-100 readings a list page)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from marshmallow import fields, utils

from volunteer_app.api import BaseSchema, Computed
from volunteer_app.events.schemas import EventSummarySchema

APP = Path(__file__).resolve().parents[2] / "volunteer_app"


def _event(n: int) -> SimpleNamespace:
    return SimpleNamespace(
        id=n, title=f"清漂 {n}", kind="cleanup", status="published", team_id=1, team=SimpleNamespace(name="义工联"),
        community_id=None, community=None, place="", starts_at=None, ends_at=None, signup_opens_at=None,
        signup_closes_at=None, audience="public", total_places=5, confirmed_count=1, reserved_count=0,
    )  # fmt: skip


def test_a_list_of_events_is_written_without_reading_a_signature(monkeypatch):
    readings = []
    real = utils.get_func_args
    monkeypatch.setattr(utils, "get_func_args", lambda func: readings.append(func) or real(func))
    written = EventSummarySchema(many=True).dump([_event(n) for n in range(20)])
    assert readings == []
    assert [e["team"] for e in written] == ["义工联"] * 20 and {e["community"] for e in written} == {None}


def test_computed_writes_what_the_function_gives_and_takes_functions_of_the_object_alone():
    class Schema(BaseSchema):
        shout = Computed(lambda thing: thing.name.upper())

    assert Schema().dump(SimpleNamespace(name="abc")) == {"shout": "ABC"}
    with pytest.raises(TypeError):
        Computed(lambda thing, context: thing)


def test_the_apps_schemas_use_computed_rather_than_fields_function():
    uses = [
        f"{path.relative_to(APP)}:{n}"
        for path in APP.rglob("*.py")
        for n, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if "fields.Function(" in line
    ]
    assert uses == []
    assert issubclass(Computed, fields.Function)  # the OpenAPI document describes it as before
