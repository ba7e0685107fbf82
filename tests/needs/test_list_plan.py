"""The needs list at district scale (issue #16): each part of its order (overdue, still open, closed; one status and
one range of deadlines each) is read from the status index in order up to the end of the page, instead of sorting
every need the reader reaches (100,000 needs on PostgreSQL: the page's ids in 0.5 ms instead of 210 ms); the page,
the API and the counts take a fixed number of queries however many needs there are."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.queries import query_plan, statements
from volunteer_app.core.time import today
from volunteer_app.extensions import db
from volunteer_app.needs import services
from volunteer_app.needs.models import Need
from volunteer_app.needs.vocabulary import OPEN_WORK, TO_DISPATCH, Status

# (status, deadline in days from today or None), in the order the list must show them.
SHAPES = [
    ("in_progress", -5),
    ("assigned", -2),
    ("accepted", -2),  # overdue, earliest deadline first
    ("declined", -9),
    ("accepted", 0),
    ("assigned", 3),
    ("new", None),
    ("assigned", None),
    ("reopened", None),
    ("closed", -1),
    ("closed", None),
]


def _needs_of_every_shape(raise_need, town_place) -> list[Need]:
    made = []
    for status, days in SHAPES:
        need = raise_need()
        need.status = status
        need.deadline = None if days is None else today() + timedelta(days=days)
        if status in (s.value for s in OPEN_WORK):
            need.assignee_kind, need.team_id = "team", town_place["paired_team"].id
        made.append(need)
    db.session.commit()
    return made


def _expected(needs: list[Need]) -> list[int]:
    """The list's order as defined: overdue first, then the rest still open, each by deadline (none last), newest
    first (the later raised of two ties comes first)."""
    on = today()
    open_work = {s.value for s in OPEN_WORK}
    still_open = open_work | {s.value for s in TO_DISPATCH}

    def key(n: Need):
        overdue = n.status in open_work and n.deadline is not None and n.deadline < on
        return (not overdue, n.status not in still_open, n.deadline is None, n.deadline or on, -n.id)

    return [n.id for n in sorted(needs, key=key)]


def test_the_list_keeps_its_order_page_after_page(raise_need, town_place, cast):
    needs = _needs_of_every_shape(raise_need, town_place)
    expected = _expected(needs)
    assert expected[:3] == [needs[0].id, needs[2].id, needs[1].id]  # same deadline: the newer first
    pages = [services.list_needs(cast["league"], page=p, per_page=3) for p in range(1, 5)]
    assert [n.id for page in pages for n in page.items] == expected
    assert pages[0].total == len(SHAPES) and pages[3].items and not pages[3].has_next
    # A tab, and the dispatch queue (oldest first).
    closed = services.list_needs(cast["league"], status="closed")
    assert [n.id for n in closed.items] == [needs[9].id, needs[10].id]
    waiting = services.list_needs(cast["league"], status="dispatch", per_page=2, page=2)
    assert [n.id for n in waiting.items] == [needs[8].id] and waiting.total == 3


def _queries(client, url: str, headers=None) -> int:
    with statements() as seen:
        assert client.get(url, headers=headers or {}).status_code == 200
    return len(seen)


def test_the_page_and_the_api_take_the_same_queries_however_many_needs(
    client, login, token_for, raise_need, town_place, cast
):
    headers = token_for(cast["league"])
    _needs_of_every_shape(raise_need, town_place)
    login(cast["league"])
    pages = ("/needs", "/needs?status=all", "/needs?status=open")
    few = [_queries(client, url) for url in pages]
    api = [_queries(client, url, headers) for url in ("/api/v1/needs", "/api/v1/needs?page=2&per_page=3")]
    for _more in range(3):
        _needs_of_every_shape(raise_need, town_place)
    assert [_queries(client, url) for url in pages] == few
    assert [_queries(client, url, headers) for url in ("/api/v1/needs", "/api/v1/needs?page=2&per_page=3")] == api
    # The counts of the tabs come with the page: one statement for both (each status capped: test_list_counts.py).
    with statements() as seen:
        client.get("/needs?status=all")
    assert sum("count(*)" in s and "needs.status" in s for s in seen) == 1


def _reads_the_page_ids(statement: str) -> bool:
    return "UNION ALL" in statement and "count(*)" not in statement


def test_each_part_of_the_list_is_read_from_the_status_index_up_to_the_page(raise_need, town_place, cast):
    _needs_of_every_shape(raise_need, town_place)
    plan = query_plan(lambda: services.list_needs(cast["league"], page=2, per_page=3), _reads_the_page_ids)
    assert "ix_needs_status" in plan, plan
    if db.engine.dialect.name == "postgresql":
        parts = plan.count("Index Only Scan using ix_needs_status") + plan.count("Index Scan using ix_needs_status")
        assert parts >= len(Status) and plan.count("Limit") > parts, plan  # each part stops at the page's end
        assert "Seq Scan" not in plan, plan


def test_with_the_order_index_no_part_of_the_list_sorts(raise_need, town_place, cast):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite sorts small parts its own way")
    _needs_of_every_shape(raise_need, town_place)
    plan = query_plan(lambda: services.list_needs(cast["league"], page=2, per_page=3), _reads_the_page_ids)
    assert "ix_needs_status_order" in plan and plan.count("Sort  (") == 1, plan  # only the page's few rows
