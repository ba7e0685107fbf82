"""Property-based: no /api/v1 operation answers a server error, whatever its OpenAPI document allows a client to send
(and whatever malformed input a client sends instead), and every answer has the documented status and shape.

Schemathesis generates the requests from the document the app serves and calls the app in-process (WSGI), as an
admin (who reaches most operations) and as the station's supervisor (the casework operations refuse admins), in a
small world: a station whose service point covers a community with a household file, so that the household
operations get past the scope checks some of the time. No operation is left out: the API has no logout and no way to
revoke the token in use, and token requests with generated names lock nobody out (none names a user of the world).
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from datetime import date, datetime

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from volunteer_app.core.policy import SYSTEM
from volunteer_app.organisations import services as org
from volunteer_app.socialwork import services as socialwork

OPENAPI_URL = "/api/v1/openapi.json"

schema = schemathesis.pytest.from_fixture("api_schema")

# Values of the documented types that servers trip over: text PostgreSQL cannot hold, a digit int() refuses, a role
# scope naming a huge id; times that overflow when moved to UTC or fall in the time zone's local mean time; the ends
# of the calendar; numbers beyond the database's integers. Two valid cases in three get one, in place of one of
# their values of that kind.
HOSTILE_TEXT = ("a\x00b", "\x00", "²", "service_point:99999999999")
HOSTILE_TIMES = ("0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-12:00", "1900-06-01T12:00:00")
HOSTILE_DATES = ("0001-01-01", "9999-12-31")
HOSTILE_NUMBERS = (2**31, -(2**31) - 1, 2**63)
CONTAINERS = ("path_parameters", "query", "body")


def _hostile_like(value: object) -> tuple | None:
    if type(value) is int:  # not bool
        return HOSTILE_NUMBERS
    if type(value) is not str:  # nor the Binary of a file sent in a form
        return None
    for parse, hostile in ((date.fromisoformat, HOSTILE_DATES), (datetime.fromisoformat, HOSTILE_TIMES)):
        try:
            parse(value)
        except ValueError:
            continue
        return hostile
    return HOSTILE_TEXT


def _leaves(value: object, path: tuple) -> Iterator[tuple[tuple, tuple]]:
    """Where `value` holds a string or an integer, with the hostile values like it."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))
    elif (hostile := _hostile_like(value)) is not None:
        yield path, hostile


def _replaced(value: object, path: tuple, new: object) -> object:
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = _replaced(value[path[0]], path[1:], new)
    return copy


def flatmap_case(context, case) -> st.SearchStrategy:
    """Invalid cases are refused before their values matter; a valid one may get a hostile value in one place."""
    if case.meta is None or case.meta.generation.mode.is_negative:
        return st.just(case)
    leaves = [leaf for name in CONTAINERS for leaf in _leaves(getattr(case, name), (name,))]
    if not leaves:
        return st.just(case)

    def spoil(leaf: tuple[tuple, tuple]) -> st.SearchStrategy:
        (name, *path), hostile = leaf

        def put(new: object) -> object:
            setattr(case, name, _replaced(getattr(case, name), tuple(path), new))
            return case

        return st.sampled_from(hostile).map(put)

    spoiled = st.sampled_from(leaves).flatmap(spoil)
    return st.one_of(st.just(case), spoiled, spoiled)


# Random valid cases, spoiled or not; the coverage phase sends the invalid ones (each constraint broken in turn).
CONFIG = SchemathesisConfig.from_dict({"phases": {"fuzzing": {"generation": {"mode": "positive"}}}})
SOCIAL_WORK_TAG = "socialwork_api"
CASEWORK_PATHS = r"^/api/v1/(households|follow-ups)\b"  # only social workers and their supervisors reach these


@pytest.fixture
def world(make_user):
    """A town whose station has a service point covering 新兴, with one household file there."""
    town = org.create_town(SYSTEM, name="里水镇", district="南海区")
    xinxing = org.create_community(SYSTEM, town_id=town.id, name="新兴")
    org.create_community(SYSTEM, town_id=town.id, name="金溪")
    station = org.create_station(SYSTEM, town_id=town.id, name="里水镇社会工作服务站")
    point = org.create_point(SYSTEM, station_id=station.id, name="新兴社会工作服务点", community_ids=[xinxing.id])
    supervisor = make_user("station_supervisor", f"service_station:{station.id}")
    socialwork.create_household(
        make_user("social_worker", f"service_point:{point.id}"),
        community_id=xinxing.id,
        address="新兴村1巷1号",
        opened_on=date(2025, 1, 6),
        members=[{"name": "户主", "relation": "head", "phone": "13800000001"}, {"name": "配偶", "relation": "spouse"}],
    )
    return {"admin": make_user("admin"), "supervisor": supervisor}


@pytest.fixture
def api_schema(app):
    loaded = schemathesis.openapi.from_wsgi(OPENAPI_URL, app, config=CONFIG)
    loaded.hook(flatmap_case)
    return loaded


@pytest.fixture
def as_admin(world, token_for) -> dict[str, str]:
    return token_for(world["admin"])


@pytest.fixture
def as_supervisor(world, token_for) -> dict[str, str]:
    return token_for(world["supervisor"])


FUZZ = settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def call_and_check(case, headers: dict[str, str]) -> None:
    # Each call in a fresh context, as a real server would serve it: otherwise the request would share the test's
    # app context, its `g` and its database session.
    response = contextvars.Context().run(case.call, headers=headers)
    case.validate_response(
        response,
        checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
        headers=headers,
    )


# The casework operations refuse an admin before reading any input: the supervisor's run covers them.
@schema.exclude(path_regex=CASEWORK_PATHS).parametrize()
@FUZZ
def test_no_operation_answers_a_server_error_to_an_admin(case, as_admin):
    call_and_check(case, as_admin)


@schema.include(tag=SOCIAL_WORK_TAG).parametrize()
@FUZZ
def test_no_social_work_operation_answers_a_server_error_to_a_station_supervisor(case, as_supervisor):
    call_and_check(case, as_supervisor)
