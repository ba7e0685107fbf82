"""The needs list's tabs count each status only up to NEED_TAB_COUNT_CAP (issue #16): at district scale the count by
status read every need the reader reaches for every page (31 ms of a 69 ms API answer at 100,000 needs). Past the cap
a tab says "N+", and a list of such a status says its total is not exact; below it nothing changes."""

from __future__ import annotations

import pytest

from tests.queries import statements
from volunteer_app.needs import services


@pytest.fixture
def capped(app):
    app.config["NEED_TAB_COUNT_CAP"] = 2
    yield 2
    app.config["NEED_TAB_COUNT_CAP"] = 1_000


def test_a_status_past_the_cap_is_shown_as_more_than_the_cap(client, login, raise_need, cast, capped):
    for _ in range(3):
        raise_need()  # new: waiting for dispatch
    login(cast["league"])
    with statements() as seen:
        page = client.get("/needs?status=dispatch").get_data(as_text=True)
    assert '<span class="badge text-bg-light">2+</span>' in page  # the dispatch tab, the one open
    assert page.count('data-need="') == 3
    counted = [s for s in seen if "count(*)" in s and "UNION ALL" in s]
    assert len(counted) == 1 and "LIMIT" in counted[0]

    listed = services.list_with_counts(cast["league"], status="dispatch")
    assert listed.counts["dispatch"] == 2 and "dispatch" in listed.capped and "all" in listed.capped
    assert listed.page.total_exact is False and len(listed.page.items) == 3
    assert listed.shown("closed") == "0"


def test_below_the_cap_the_counts_are_exact(raise_need, cast, capped):
    raise_need()
    listed = services.list_with_counts(cast["league"])
    assert listed.counts["dispatch"] == 1 and listed.capped == frozenset()
    assert listed.page.total == 1 and listed.page.total_exact is True and listed.shown("dispatch") == "1"


def test_the_api_says_when_its_total_stopped_at_the_cap(client, token_for, raise_need, cast, capped):
    for _ in range(3):
        raise_need()
    answer = client.get("/api/v1/needs?per_page=2", headers=token_for(cast["league"])).get_json()
    assert answer["total_exact"] is False and len(answer["items"]) == 2
    second = client.get("/api/v1/needs?per_page=2&page=2", headers=token_for(cast["league"])).get_json()
    assert len(second["items"]) == 1
