"""The figures against the hand-counted town of figures_town.py, with each filter, and who may read which."""

from __future__ import annotations

from datetime import date

import pytest

from tests.reports.figures_town import BEFORE_E3, PERIOD, figures_town_fixture  # noqa: F401 — the fixture
from volunteer_app.core.errors import Forbidden, Invalid, NotFound
from volunteer_app.reports.services import counts
from volunteer_app.reports.services import figures as fig


def bars(found) -> dict:
    return {bar.key: bar.value for bar in found}


def period(**filters) -> fig.Filters:
    return fig.filters(*PERIOD, **filters)


def test_the_town_figures_are_the_hand_counted_ones(figures_town):
    town = figures_town
    found = fig.figures(town["staff"], period(), now=BEFORE_E3)
    assert found.scope == "town"
    assert found.volunteers == fig.VolunteerCounts(registered=4, new=2, active=3)
    assert [(m.month, m.hours) for m in found.hours_by_month] == [("2025-03", 5.0), ("2025-04", 2.0), ("2025-05", 0.5)]
    assert found.hours_total == 7.5
    assert bars(found.hours_by_team) == {town["T1"].id: 5.0, town["T2"].id: 2.0, None: 0.5}
    assert bars(found.hours_by_community) == {town["A"].id: 5.0, town["B"].id: 2.0, None: 0.5}
    assert [b.label for b in found.hours_by_team] == ["里水义工联", "源田团支部", "无服务队"]
    assert {v.label: (v.registered, v.new) for v in found.volunteers_by_community} == {
        "草场": (2, 1), "北沙": (1, 1), "布新": (1, 0),
    }  # fmt: skip
    assert bars(found.events_by_kind) == {
        "cleanup": 1, "mural": 1, "summer_camp": 0, "forum": 1, "party_tuesday": 0, "patrol": 0, "other": 0,
    }  # fmt: skip
    assert bars(found.events_by_status) == {"draft": 1, "published": 1, "completed": 2, "cancelled": 1}
    assert found.events_total == 5
    assert found.attendance == fig.Attendance(places=10, confirmed=5, ended_confirmed=4, no_shows=1)
    assert (found.attendance.fill_rate, found.attendance.no_show_rate) == (0.5, 0.25)
    assert found.youth_groups == fig.YouthGroups(complete=1, incomplete=1, communities_without=1)


def test_a_community_filter_counts_its_people_and_the_work_held_there(figures_town):
    town = figures_town
    found = fig.figures(town["staff"], period(community_id=town["A"].id), now=BEFORE_E3)
    assert found.scope == "community" and found.community.name == "草场"
    assert found.volunteers == fig.VolunteerCounts(registered=2, new=1, active=2)
    assert found.hours_total == 5.0 and bars(found.hours_by_team) == {town["T1"].id: 5.0}
    assert bars(found.events_by_status) == {"draft": 0, "published": 1, "completed": 1, "cancelled": 1}
    assert found.attendance == fig.Attendance(places=8, confirmed=3, ended_confirmed=2, no_shows=0)
    assert found.youth_groups == fig.YouthGroups(complete=1, incomplete=0, communities_without=0)
    # One community: no bars of communities.
    assert found.hours_by_community is None and found.volunteers_by_community is None


def test_a_team_filter_counts_its_members_and_its_events(figures_town):
    town = figures_town
    found = fig.figures(town["staff"], period(team_id=town["T1"].id), now=BEFORE_E3)
    assert found.scope == "team" and found.team.name == "里水义工联"
    assert found.volunteers == fig.VolunteerCounts(registered=2, new=1, active=2)
    assert found.hours_total == 5.0 and bars(found.hours_by_community) == {town["A"].id: 5.0}
    assert bars(found.events_by_status) == {"draft": 1, "published": 1, "completed": 1, "cancelled": 0}
    assert found.attendance == fig.Attendance(places=8, confirmed=3, ended_confirmed=2, no_shows=0)
    # Youth groups, coverage and needs belong to communities, not to teams.
    assert found.youth_groups is None and found.coverage is None and found.needs is None and found.hours_by_team is None


def test_the_dates_choose_the_period(figures_town):
    town = figures_town
    april = fig.figures(town["staff"], fig.filters(date(2025, 4, 1), date(2025, 4, 30)), now=BEFORE_E3)
    assert [(m.month, m.hours) for m in april.hours_by_month] == [("2025-04", 2.0)]
    assert april.volunteers == fig.VolunteerCounts(registered=4, new=1, active=2)  # v3's hours, v1's place at E2
    assert bars(april.events_by_status) == {"draft": 0, "published": 0, "completed": 1, "cancelled": 1}
    assert april.attendance == fig.Attendance(places=2, confirmed=2, ended_confirmed=2, no_shows=1)
    february = fig.figures(town["staff"], fig.filters(date(2025, 2, 1), date(2025, 2, 28)))
    assert february.hours_total == 1.0 and february.volunteers.active == 1


def test_later_sessions_have_not_ended_yet(figures_town):
    after = fig.figures(figures_town["staff"], period())  # now: every session of 2025 is over, E3 too
    assert after.attendance == fig.Attendance(places=10, confirmed=5, ended_confirmed=5, no_shows=2)


def test_a_volunteer_reads_their_own_hours_by_month(figures_town):
    own = fig.own_hours(figures_town["volunteer"], period())
    assert own.scope == "own" and own.volunteer.id == figures_town["v2"].id
    assert [(m.month, m.hours) for m in own.hours_by_month] == [("2025-03", 2.0), ("2025-04", 0.0), ("2025-05", 0.0)]
    assert fig.hours(figures_town["volunteer"], period()).hours_total == 2.0
    with pytest.raises(NotFound):
        fig.own_hours(figures_town["staff"], period())  # staff without a volunteer record


def test_a_team_leader_reads_their_team_only(figures_town):
    town = figures_town
    assert fig.figures(town["leader"], period(team_id=town["T1"].id)).hours_total == 5.0
    for forbidden in (period(team_id=town["T2"].id), period(), period(community_id=town["A"].id)):
        with pytest.raises(Forbidden):
            fig.figures(town["leader"], forbidden)
    with pytest.raises(NotFound):
        fig.hours(town["leader"], period())  # not the town's hours, and no hours of their own: not a volunteer


def test_a_volunteer_reads_no_one_elses_figures(figures_town):
    town = figures_town
    for forbidden in (period(), period(team_id=town["T1"].id), period(community_id=town["A"].id)):
        with pytest.raises(Forbidden):
            fig.figures(town["volunteer"], forbidden)
        if forbidden.team_id or forbidden.community_id:
            with pytest.raises(Forbidden):
                fig.hours(town["volunteer"], forbidden)


def test_a_missing_team_or_community_is_not_found_for_staff_only(figures_town):
    with pytest.raises(NotFound):
        fig.figures(figures_town["staff"], period(team_id=999))
    with pytest.raises(NotFound):
        fig.figures(figures_town["staff"], period(community_id=999))
    with pytest.raises(Forbidden):
        fig.figures(figures_town["leader"], period(team_id=999))


def test_bad_periods_are_refused_by_field():
    with pytest.raises(Invalid) as error:
        fig.filters(date(2025, 5, 1), date(2025, 4, 1))
    assert set(error.value.errors) == {"to"}
    with pytest.raises(Invalid) as error:
        fig.filters(date(1900, 1, 1), date(2025, 4, 1))
    assert set(error.value.errors) == {"from"}
    with pytest.raises(Invalid):
        fig.filters(date(2000, 1, 1), date(2025, 4, 1))  # more than ten years


def test_the_default_period_is_twelve_months_to_today():
    found = fig.filters(on=date(2026, 3, 15))
    assert (found.date_from, found.date_to) == (date(2025, 4, 1), date(2026, 3, 15))
    assert len(found.months()) == 12


def test_many_communities_fold_into_one_bar():
    rows = [fig.Bar(n, f"c{n}", 20 - n) for n in range(18)]
    folded = counts.fold(rows, fig.Bar(None, "others", 0))
    assert len(folded) == counts.BARS and folded[-1] == fig.Bar(None, "others", sum(20 - n for n in range(14, 18)))
    assert sum(b.value for b in folded) == sum(b.value for b in rows)


def test_a_district_s_coverage_chart_shows_the_least_visited_communities_and_adds_up_the_rest(app):
    """Issue #16: the town's coverage chart drew every community (600 in a district: 1,200 table cells a view)."""
    from volunteer_app.reports.views.charts import charts_of

    rows = [fig.CoverageRow(n, f"c{n}", 10, 10, n % 11, 0) for n in range(40)]  # visited 0..10 of 10
    coverage = fig.CoverageFigures(date(2026, 10, 1), date(2026, 11, 30), counts.add_up(rows, rows[0]), rows)
    found = fig.Figures("town", fig.filters(on=date(2026, 11, 30)), coverage=coverage)
    with app.test_request_context():
        [chart] = [c for c in charts_of(found) if c.id == "coverage-by-community"]
    shown = chart.spec()
    assert len(shown["categories"]) == counts.BARS
    visited = shown["series"][1]["data"]
    assert visited[: counts.BARS - 1] == sorted(visited[: counts.BARS - 1]) and visited[0] == 0  # least visited first
    assert sum(shown["series"][0]["data"]) == 10 * 40 and sum(visited) == sum(n % 11 for n in range(40))
