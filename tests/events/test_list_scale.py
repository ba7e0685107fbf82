"""The events list at district scale (issue #16, bench/run): a fixed number of queries whatever the rows, a total
counted up to a cap, cursors that give the pages page numbers give, words found through a trigram index (pg_trgm GIN on
PostgreSQL, an FTS5 trigram table on SQLite) and "upcoming" read from ix_events_starts_at where it begins."""

from __future__ import annotations

import re
from urllib.parse import quote

import sqlalchemy as sa

from tests.events.conftest import at, events_page
from tests.organisations.conftest import counted_queries
from tests.queries import query_plan
from volunteer_app.core.policy import SYSTEM
from volunteer_app.events import services
from volunteer_app.events.models import Event
from volunteer_app.extensions import db


def _on(day: float) -> dict:
    return {"sessions": [{"starts_at": at(day), "ends_at": at(day, 2), "roles": [{"name": "队员", "capacity": 3}]}]}


def _make(make_event, n: int, start: int = 0) -> None:
    for k in range(start, start + n):
        make_event(title=f"活动{k:02d}", **_on(7 + k % 9))


def _page_plan(actor, filters: services.EventFilter) -> str:
    return query_plan(lambda: services.list_events(actor, filters, per_page=2), events_page)


# ---------------------------------------------------------------------------------------------- queries per request


def test_the_events_api_runs_the_same_few_queries_for_5_or_45_events(client, make_user, token_for, make_event):
    headers = token_for(make_user("volunteer"))
    counts = []
    for n, start in ((5, 0), (40, 5)):
        _make(make_event, n, start)
        with counted_queries() as statements:
            answer = client.get("/api/v1/events?per_page=2&page=2", headers=headers)
        assert answer.status_code == 200 and len(answer.get_json()["items"]) == 2
        counts.append(len(statements))
    # the token with its user and grants, the volunteer's teams, the page, its (capped) count, the places
    assert counts == [5, 5]


def test_the_events_page_runs_the_same_queries_for_5_or_45_events(client, login, make_user, make_event):
    login(make_user("volunteer"))
    counts = []
    for n, start in ((25, 0), (20, 25)):  # more than a page both times: the count runs both times
        _make(make_event, n, start)
        with counted_queries() as statements:
            page = client.get("/events?page=2").get_data(as_text=True)
        assert "event-item" in page
        counts.append(len(statements))
    assert counts[0] == counts[1] <= 10, counts


# ---------------------------------------------------------------------------------------------- totals and cursors


def test_past_the_cap_the_answer_says_the_total_is_not_exact(app, client, staff, token_for, make_event, monkeypatch):
    _make(make_event, 6)
    monkeypatch.setitem(app.config, "PAGINATION_COUNT_CAP", 4)
    headers = token_for(staff)
    with counted_queries() as statements:
        data = client.get("/api/v1/events?per_page=2", headers=headers).get_json()
    assert (data["total"], data["total_exact"]) == (4, False)
    counts = [s for s in statements if s.lstrip().upper().startswith("SELECT COUNT(")]
    assert counts and all("LIMIT" in s.upper() for s in counts)
    page = client.get("/events?per_page=2&page=2", headers=headers)  # the page: "more than 4"
    assert page.status_code == 200
    monkeypatch.setitem(app.config, "PAGINATION_COUNT_CAP", 10)
    assert "total_exact" not in client.get("/api/v1/events?per_page=2", headers=headers).get_json()


def test_the_events_page_says_more_than_the_cap(app, client, login, staff, make_event, monkeypatch):
    _make(make_event, 25)
    monkeypatch.setitem(app.config, "PAGINATION_COUNT_CAP", 21)
    login(staff)
    page = client.get("/events", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "超过 21 条" in page and "第 1 页" in page and "page=2" in page


def test_following_next_gives_the_pages_page_numbers_give(client, staff, token_for, make_event):
    _make(make_event, 7)
    undated = [services.create_event(SYSTEM, title=f"未排期{n}", kind="cleanup", status="draft").id for n in (1, 2)]
    headers = token_for(staff)  # staff see drafts, among them the events without a session (no start: listed last)

    def ids(data):
        return [item["id"] for item in data["items"]]

    by_number = [ids(client.get(f"/api/v1/events?per_page=4&page={n}", headers=headers).get_json()) for n in (1, 2, 3)]
    by_cursor, after = [], ""
    while True:
        data = client.get(f"/api/v1/events?per_page=4&after={after}", headers=headers).get_json()
        by_cursor.append(ids(data))
        if "next" not in data:
            break
        after = data["next"]
        assert data["page"] in (1, None)
    assert by_cursor == by_number
    every = [i for ids in by_number for i in ids]
    assert every[-2:] == undated and len(every) == 9


def test_a_bad_cursor_is_a_422_on_after(client, staff, token_for):
    answer = client.get("/api/v1/events?after=bm90LWEtY3Vyc29y", headers=token_for(staff))
    assert answer.status_code == 422
    assert list(answer.get_json()["errors"]) == ["after"]


# ---------------------------------------------------------------------------------------------- words


def test_words_are_found_in_titles_and_places_whatever_their_length_or_case(client, staff, token_for, make_event):
    make_event(title="北沙文化墙彩绘", place="北沙村")
    make_event(title="Mural painting", place="草场 100%_广场")
    make_event(title="入户走访", place="白岗社区彩绘墙下")
    headers = token_for(staff)

    def titles(q: str) -> list[str]:
        return sorted(
            i["title"] for i in client.get(f"/api/v1/events?q={quote(q)}", headers=headers).get_json()["items"]
        )

    assert titles("彩绘") == ["入户走访", "北沙文化墙彩绘"]  # two characters: scanned
    assert titles("文化墙彩") == ["北沙文化墙彩绘"]  # three or more: the trigram index
    assert titles("彩绘墙") == ["入户走访"]  # in the place
    assert titles("MURAL") == ["Mural painting"]
    assert titles("100%_") == ["Mural painting"] and titles("0%x") == []  # % and _ are characters, not wildcards
    assert titles('"北沙') == []  # FTS5 syntax is text here


def test_sqlite_keeps_its_word_index_in_step_with_the_events(client, staff, token_for, make_event):
    event = make_event(title="旧的标题活动")
    services.update_event(SYSTEM, event.id, title="新的标题活动")
    headers = token_for(staff)
    assert client.get(f"/api/v1/events?q={quote('旧的标')}", headers=headers).get_json()["total"] == 0
    assert client.get(f"/api/v1/events?q={quote('新的标')}", headers=headers).get_json()["total"] == 1
    db.session.execute(sa.delete(Event).where(Event.id == event.id))
    db.session.commit()
    assert client.get(f"/api/v1/events?q={quote('新的标')}", headers=headers).get_json()["total"] == 0


def test_three_characters_are_found_through_the_trigram_index(staff, make_event):
    _make(make_event, 3)
    plan = _page_plan(staff, services.EventFilter(q="文化墙"))
    if db.engine.dialect.name == "postgresql":
        assert "ix_events_title_trgm" in plan and "ix_events_place_trgm" in plan, plan
    else:
        assert re.search(r"SCAN events_fts VIRTUAL TABLE INDEX", plan), plan


# ---------------------------------------------------------------------------------------------- upcoming


def test_upcoming_is_read_from_the_start_index_from_where_it_begins(staff, make_event):
    _make(make_event, 3)
    plan = _page_plan(staff, services.EventFilter(from_=at(0)))
    if db.engine.dialect.name == "postgresql":
        # An index led by starts_at (ix_events_starts_at, or with a handful of rows ix_events_starts_at_status_kind)
        # bounded below by an Index Cond, not walked from the first event ever held.
        assert re.search(
            r"Index Scan using ix_events_starts_at\w* on events\s.*\n\s+Index Cond: \(starts_at >=", plan
        ), plan
        assert not re.search(r"(^|->)\s*Sort\s+\(", plan, re.M), plan
    else:
        assert re.search(r"SEARCH events USING INDEX ix_events_starts_at \(starts_at>\?\)", plan), plan
        assert "TEMP B-TREE FOR ORDER BY" not in plan, plan
