"""The needs boards' figures, counted by the database, against a small town counted by hand; and who may read
which board."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from volunteer_app.core.errors import Forbidden, Invalid, NotFound
from volunteer_app.core.time import as_utc, today
from volunteer_app.extensions import db
from volunteer_app.needs import services
from volunteer_app.needs.models import NeedRating
from volunteer_app.needs.vocabulary import Source, Status


def _at(day: date, clock: time = time(0, 30)) -> datetime:
    return as_utc(datetime.combine(day, clock))  # naive = the town's local time


@pytest.fixture
def counted(raise_need, town_place):
    """Seven needs counted by hand, all raised at 00:30 local time (16:30 UTC the day before).

    草场: (1) closed after 2 days on its deadline day, rated 5; (2) closed after 4 days at 00:30 the day after its
    deadline (still the deadline's day in UTC: late only by the town's clock), rated 4; (3) closed after 10 days,
    no deadline, rated 2; (4) assigned, deadline yesterday: overdue; (5) in progress, deadline in 3 days;
    (7) new, raised 30 days later than the others.
    北沙: (6) closed after 1 day on its deadline day, rated 1."""
    base = today() - timedelta(days=60)
    specs = [
        ("草场", Source.PUBLIC, "environment", Status.CLOSED, base + timedelta(days=2), 2, 5),
        ("草场", Source.PHONE, "elderly", Status.CLOSED, base + timedelta(days=3), 4, 4),
        ("草场", Source.YOUTH_GROUP, "environment", Status.CLOSED, None, 10, 2),
        ("草场", Source.RECEPTION, "health", Status.ASSIGNED, today() - timedelta(days=1), None, None),
        ("草场", Source.VISIT, "health", Status.IN_PROGRESS, today() + timedelta(days=3), None, None),
        ("北沙", Source.PUBLIC, "environment", Status.CLOSED, base + timedelta(days=1), 1, 1),
    ]
    needs = []
    for community, source, category, status, deadline, days, stars in specs:
        need = raise_need(source=source, category=category, community_id=town_place[community].id)
        need.created_at = _at(base)
        need.status = status.value
        need.deadline = deadline
        if days is not None:
            need.closed_at = _at(base + timedelta(days=days))
            need.times_closed = 1
        if stars is not None:
            db.session.add(
                NeedRating(
                    need_id=need.id,
                    raised_need_id=need.id,
                    round=1,
                    stars=stars,
                    created_at=need.closed_at + timedelta(days=1),
                )
            )
        needs.append(need)
    later = raise_need(source=Source.MEETING, category="other")
    later.created_at = _at(base + timedelta(days=30))
    needs.append(later)
    db.session.commit()
    return {"base": base, "needs": needs}


def test_a_community_board_counts_what_was_counted_by_hand(counted, cast, town_place):
    figures = services.needs_figures(cast["league"], community_id=town_place["草场"].id)
    assert figures.raised == 6
    assert figures.by_status == {
        "new": 1, "assigned": 1, "accepted": 0, "in_progress": 1, "closed": 3, "declined": 0, "merged": 0,
        "reopened": 0,
    }  # fmt: skip
    assert (figures.by_category["environment"], figures.by_category["health"]) == (2, 2)
    assert (figures.by_category["elderly"], figures.by_category["other"], figures.by_category["housing"]) == (1, 1, 0)
    assert figures.by_source == {
        "public": 1, "reception": 1, "youth_group": 1, "visit": 1, "meeting": 1, "phone": 1,
    }  # fmt: skip
    assert figures.closed == 3
    assert figures.median_days_to_close == 4.0  # 2, 4, 10
    # (1) on its deadline day; (2) past it by the town's clock though not by UTC's; (3) had no deadline.
    assert (figures.closed_with_deadline, figures.closed_on_time, figures.on_time_share) == (2, 1, 0.5)
    assert (figures.ratings, figures.average_rating) == (3, 3.67)  # (5 + 4 + 2) / 3
    assert figures.overdue == 1


def test_the_town_board_counts_every_community_and_an_even_median_is_the_mean_of_the_middle_two(counted, cast):
    figures = services.needs_figures(cast["admin"])
    assert figures.raised == 7
    assert figures.closed == 4
    assert figures.median_days_to_close == 3.0  # 1, 2, 4, 10
    assert (figures.closed_with_deadline, figures.closed_on_time, figures.on_time_share) == (3, 2, 0.667)
    assert (figures.ratings, figures.average_rating) == (4, 3.0)  # (5 + 4 + 2 + 1) / 4
    assert figures.overdue == 1


def test_a_period_counts_raising_closing_and_rating_each_by_its_own_day(counted, cast):
    base = counted["base"]
    late = services.needs_figures(cast["admin"], date_from=base + timedelta(days=20))
    assert (late.raised, late.by_status["new"], late.closed, late.ratings) == (1, 1, 0, 0)
    assert (late.median_days_to_close, late.on_time_share, late.average_rating) == (None, None, None)
    assert late.overdue == 1  # today's, whatever the period

    early = services.needs_figures(cast["admin"], date_from=base, date_to=base + timedelta(days=3))
    assert early.raised == 6
    # Closed by the end of base+3, local time: (6) and (1); (2) closed at 00:30 on base+4.
    assert (early.closed, early.median_days_to_close, early.on_time_share) == (2, 1.5, 1.0)
    assert (early.ratings, early.average_rating) == (2, 3.0)  # given a day after closing: 1 and 5

    with pytest.raises(Invalid) as caught:
        services.needs_figures(cast["admin"], date_from=base, date_to=base - timedelta(days=1))
    assert "date_to" in caught.value.errors


def test_an_empty_board_has_no_median_share_or_average(cast, town_place):
    figures = services.needs_figures(cast["admin"], community_id=town_place["金溪"].id)
    assert (figures.raised, figures.closed, figures.ratings, figures.overdue) == (0, 0, 0, 0)
    assert (figures.median_days_to_close, figures.on_time_share, figures.average_rating) == (None, None, None)
    assert set(figures.by_status.values()) == {0}


def test_the_overdue_needs_are_listed_longest_overdue_first_and_searched(counted, cast, town_place, raise_need):
    older = raise_need(description="路灯不亮已经一个月")
    older.status, older.deadline = Status.ACCEPTED.value, today() - timedelta(days=9)
    db.session.commit()
    page = services.overdue_needs(cast["league"], community_id=town_place["草场"].id)
    assert [n.id for n in page.items] == [older.id, counted["needs"][3].id]
    assert page.total == 2
    found = services.overdue_needs(cast["league"], q="路灯")
    assert [n.id for n in found.items] == [older.id]
    assert services.overdue_needs(cast["league"], community_id=town_place["北沙"].id).total == 0


def test_a_youth_group_member_reads_their_community_board_and_no_other(counted, cast, town_place):
    member = cast["group_member"]
    figures = services.needs_figures(member, community_id=town_place["草场"].id)
    assert figures.raised == 6  # every need of the community, not only the group's
    assert services.overdue_needs(member, community_id=town_place["草场"].id).total == 1
    with pytest.raises(Forbidden):
        services.needs_figures(member, community_id=town_place["北沙"].id)
    with pytest.raises(Forbidden):
        services.needs_figures(member)
    with pytest.raises(NotFound):
        services.needs_figures(member, community_id=2**31 - 1)
    assert [c.name for c in services.board_communities(member)] == ["草场"]


@pytest.mark.parametrize("who", ["volunteer", "leader", "worker", "deputy"])
def test_people_outside_town_staff_and_the_youth_group_read_no_board(counted, cast, town_place, who):
    with pytest.raises(Forbidden):
        services.needs_figures(cast[who])
    with pytest.raises(Forbidden):
        services.needs_figures(cast[who], community_id=town_place["草场"].id)
    with pytest.raises(Forbidden):
        services.overdue_needs(cast[who], community_id=town_place["草场"].id)
    assert services.board_communities(cast[who]) == []
