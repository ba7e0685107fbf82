"""Fixtures for the organisations registry: a town with communities, teams, and a way to make volunteers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from itertools import count

import pytest
from flask_babel import force_locale
from sqlalchemy import event

from tests.conftest import PASSWORD
from volunteer_app.core.identity import check_character
from volunteer_app.core.policy import SYSTEM
from volunteer_app.extensions import db
from volunteer_app.organisations import services as org

LISHUI_COMMUNITIES = ("草场", "北沙", "布新", "白岗", "同声", "金旗峰")


def make_id_number(birth: date, sequence: int = 123, region: str = "440605") -> str:
    """A valid 18-character ID number (correct check character); odd sequence = male, even = female."""
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


@pytest.fixture
def town():
    return org.create_town(SYSTEM, name="里水镇", district="南海区")


@pytest.fixture
def communities(town) -> dict[str, object]:
    return {name: org.create_community(SYSTEM, town_id=town.id, name=name) for name in LISHUI_COMMUNITIES}


@pytest.fixture
def team(town):
    return org.create_team(SYSTEM, name="里水义工联", kind="town_federation", town_id=town.id)


@pytest.fixture
def other_team(town):
    return org.create_team(
        SYSTEM, name="佛山市源田床具机械有限公司志愿者团支部", kind="enterprise_league_branch", town_id=town.id
    )


@pytest.fixture
def station(town):
    return org.create_station(SYSTEM, town_id=town.id, name="里水镇社会工作服务站", opened_on=date(2025, 10, 16))


@pytest.fixture
def register(communities):
    """register(**overrides) -> a volunteer profile; each call a new person (username, phone, ID number)."""
    numbers = count(1)

    def make(**overrides):
        n = next(numbers)
        fields = {
            "username": f"vol-{n}",
            "password": PASSWORD,
            "name": f"志愿者{n}",
            "phone": f"139{n:08d}",
            "id_number": make_id_number(date(1995, 1, 1 + n % 28), sequence=100 + n),
            "political_status": "league_member",
            "community_id": communities["草场"].id,
        }
        fields.update(overrides)
        return org.register_volunteer(None, **fields)

    return make


@contextmanager
def counted_queries() -> Iterator[list[str]]:
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


@pytest.fixture
def query_counter():
    return counted_queries


@pytest.fixture
def english():
    """Messages are checked in the source language; the pages' Chinese is checked in test_views."""
    with force_locale("en"):
        yield
