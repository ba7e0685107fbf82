"""The needs boards' pages: the town's for staff, a community's for its youth governance group, the figures as
tables with bars, the overdue needs linked; reached from the menu, a home card and the youth group's page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from volunteer_app.core.time import today
from volunteer_app.extensions import db
from volunteer_app.needs.vocabulary import Source, Status


@pytest.fixture
def board_needs(raise_need, town_place):
    """草场: one closed, one overdue; 北沙: one new."""
    closed = raise_need(source=Source.PHONE)
    closed.status, closed.closed_at, closed.times_closed = Status.CLOSED.value, closed.created_at, 1
    late = raise_need(description="路灯坏了两个星期", category="infrastructure")
    late.status, late.deadline = Status.ASSIGNED.value, today() - timedelta(days=2)
    late.assignee_kind, late.team_id = "team", town_place["paired_team"].id
    other = raise_need(community_id=town_place["北沙"].id)
    db.session.commit()
    return {"closed": closed, "late": late, "other": other}


def _figure(html: str, figure_id: str) -> str:
    return re.search(rf'id="{figure_id}">\s*<div class="fs-4 fw-bold ?[^"]*">([^<]*)</div>', html).group(1)


def test_town_staff_read_the_town_board_with_bars_and_the_overdue_needs_linked(client, login, cast, board_needs):
    login(cast["league"])
    html = client.get("/needs/board").get_data(as_text=True)
    assert (_figure(html, "figure-raised"), _figure(html, "figure-closed"), _figure(html, "figure-overdue")) == (
        "3",
        "1",
        "1",
    )
    assert 'id="by-status"' in html and 'id="by-category"' in html and 'id="by-source"' in html
    assert 'data-width="33.3"' in html  # one of three needs is closed
    assert " style=" not in html
    late = board_needs["late"]
    assert f'href="/needs/{late.id}"' in html and late.tracking_number in html
    assert "王阿姨" not in html and "13800000" not in html  # no raiser is named
    assert 'href="/needs/board"' in client.get("/").get_data(as_text=True)  # the menu link


def test_the_town_board_filters_by_community_and_period(client, login, cast, board_needs, town_place):
    login(cast["admin"])
    html = client.get(f"/needs/board?community_id={town_place['北沙'].id}").get_data(as_text=True)
    assert (_figure(html, "figure-raised"), _figure(html, "figure-overdue")) == ("1", "0")
    future = (today() + timedelta(days=1)).isoformat()
    html = client.get(f"/needs/board?from={future}").get_data(as_text=True)
    assert _figure(html, "figure-raised") == "0"
    html = client.get("/needs/board?from=nonsense&q=路灯").get_data(as_text=True)  # a bad day: no bound
    assert _figure(html, "figure-raised") == "3" and board_needs["late"].tracking_number in html
    assert client.get(f"/needs/board?community_id={2**31 - 1}").status_code == 404


def test_a_period_ending_before_it_starts_is_said_beside_the_filter(client, login, cast, board_needs):
    login(cast["league"])
    day = today()
    answer = client.get(f"/needs/board?from={day}&to={day - timedelta(days=1)}")
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert "The end of the period cannot be before its start." in html or "时段的结束日期不能早于开始日期" in html
    assert _figure(html, "figure-raised") == "3"


def test_a_youth_group_member_reads_their_community_board_from_a_home_card_and_no_other(
    client, login, cast, board_needs, town_place
):
    login(cast["group_member"])
    home = client.get("/").get_data(as_text=True)
    assert 'href="/needs/board/communities"' in home
    assert 'href="/needs/board"' not in home  # the town board is staff's
    mine = f"/needs/board/communities/{town_place['草场'].id}"
    assert client.get("/needs/board/communities").headers["Location"].endswith(mine)
    html = client.get(mine).get_data(as_text=True)
    assert _figure(html, "figure-raised") == "2"
    assert f'href="/needs/{board_needs["late"].id}"' in html
    assert client.get(f"/needs/{board_needs['late'].id}").status_code == 200  # the link leads somewhere they reach
    assert client.get(f"/needs/board/communities/{town_place['北沙'].id}").status_code == 403
    assert client.get("/needs/board").status_code == 403
    assert client.get(f"/needs/board/communities/{2**31 - 1}").status_code == 404


def test_a_volunteer_in_no_youth_group_has_no_card_and_is_refused_every_board(client, login, cast, town_place):
    login(cast["volunteer"])
    assert "/needs/board" not in client.get("/").get_data(as_text=True)
    assert client.get(f"/needs/board/communities/{town_place['草场'].id}").status_code == 403
    assert client.get("/needs/board").status_code == 403
    listing = client.get("/needs/board/communities")
    assert listing.status_code == 200 and "/needs/board/communities/" not in listing.get_data(as_text=True)


def test_the_youth_group_page_links_to_its_community_board_for_those_who_may_read_it(client, login, cast, town_place):
    group, board = town_place["group"], f"/needs/board/communities/{town_place['草场'].id}"
    login(cast["group_member"])
    assert board in client.get(f"/youth-groups/{group.id}").get_data(as_text=True)
    client.post("/logout")
    login(cast["leader"])
    page = client.get(f"/youth-groups/{group.id}")
    assert page.status_code == 200 and board not in page.get_data(as_text=True)
