"""core.pagination: totals counted up to a cap (the count's SQL has a LIMIT), the count skipped when one page holds
every row, a next page known from one extra row, and keyset cursors that refuse what they did not make."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from tests.organisations.conftest import counted_queries
from volunteer_app.accounts.models import User
from volunteer_app.core.errors import Invalid
from volunteer_app.core.pagination import Keyset, capped_count, paginate

USERS = Keyset((User.username, User.id))


@pytest.fixture
def users(make_user):
    return [make_user(username=f"user-{n:02d}") for n in range(7)]


def test_the_total_is_counted_up_to_the_cap_with_a_limit_in_its_sql(app, users, monkeypatch):
    monkeypatch.setitem(app.config, "PAGINATION_COUNT_CAP", 4)
    with counted_queries() as statements:
        page = paginate(sa.select(User).order_by(User.id), page=2, per_page=2)
    count = next(s for s in statements if "count(" in s.lower())
    assert "LIMIT" in count.upper()
    assert (page.total, page.total_exact, page.has_next) == (4, False, True)
    assert page.pages >= 3  # at least this page and the next, whatever the cap hides


def test_an_exact_total_under_the_cap(app, users):
    page = paginate(sa.select(User).order_by(User.id), page=2, per_page=3)
    assert (page.total, page.total_exact, page.pages, page.has_next) == (7, True, 3, True)
    assert capped_count(sa.select(User), cap=7) == (7, True)
    assert capped_count(sa.select(User), cap=6) == (6, False)


def _count_statement(statements: list[str]) -> str:
    return next(s for s in statements if "count(" in s.lower())


@pytest.mark.parametrize(
    "query",
    [
        sa.select(User).where(User.username.like("user-%")),
        sa.select(User).options(sa.orm.selectinload(User.grants)).distinct(),
    ],
    ids=["plain", "with loader options and DISTINCT"],
)
def test_the_capped_count_reads_only_the_primary_key(app, users, query):
    with counted_queries() as statements:
        assert capped_count(query, cap=5) == (5, False)
        assert capped_count(query, cap=7) == (7, True)
    inner = _count_statement(statements).split("FROM", 1)[1]  # the subquery the count reads
    selected = inner.split("FROM", 1)[0]
    assert "users.id" in selected and "username" not in selected and "password" not in selected, selected


def test_a_page_made_of_other_items_keeps_what_the_count_said(app, users, monkeypatch):
    monkeypatch.setitem(app.config, "PAGINATION_COUNT_CAP", 4)
    found = paginate(sa.select(User).order_by(User.id), page=2, per_page=2)
    shown = found.with_items([user.username for user in found.items])
    assert shown.items == ["user-02", "user-03"]
    assert (shown.total, shown.total_exact, shown.more, shown.page) == (found.total, False, True, 2)


def test_one_page_holding_every_row_needs_no_count(app, users):
    with counted_queries() as statements:
        page = paginate(sa.select(User).order_by(User.id), page=1, per_page=20)
    assert not [s for s in statements if "count(" in s.lower()]
    assert (page.total, page.total_exact, page.has_next) == (7, True, False)


def test_keyset_pages_are_the_pages_by_number(app, users):
    query = sa.select(User)
    by_number = [[u.id for u in paginate(query, n, 3, keyset=USERS).items] for n in (1, 2, 3)]
    by_cursor, after = [], None
    while True:
        page = paginate(query, per_page=3, keyset=USERS, after=after)
        by_cursor.append([u.id for u in page.items])
        after = page.next_after
        if after is None:
            break
    assert by_cursor == by_number and [i for ids in by_number for i in ids] == [u.id for u in users]
    assert page.page is None and not page.has_next


def _encoded(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "not base64!",
        _encoded({"a": 1}),
        *(_encoded(v) for v in ([], ["x"], [1, 2], ["a", None], ["a", True], ["a", 1e100], ["a", 2**40], ["a", "1"])),
    ],
)
def test_a_cursor_it_did_not_make_is_a_field_error_on_after(app, cursor):
    with pytest.raises(Invalid) as refused:
        USERS.decode(cursor)
    assert list(refused.value.errors) == ["after"]


def test_a_cursor_keeps_an_aware_time(app):
    keyset = Keyset((User.created_at, User.id))
    when = datetime(2026, 12, 1, 8, 30, 15, 123456, tzinfo=UTC)
    assert keyset.decode(keyset.encode([when, 5])) == [when, 5]
