"""GET /api/v1/stats/*: the hand-counted figures, signed in only (401), scoped by role (403), filters as the pages."""

from __future__ import annotations

import pytest

from tests.reports.figures_town import figures_town_fixture  # noqa: F401 — the fixture
from tests.reports.test_dashboard import social_work_fixture  # noqa: F401 — the fixture

PERIOD = {"from": "2025-03-01", "to": "2025-05-31"}
ENDPOINTS = ("overview", "hours", "events", "coverage", "needs")


def get(client, headers, endpoint: str, status: int = 200, **query):
    response = client.get(f"/api/v1/stats/{endpoint}", query_string={**PERIOD, **query}, headers=headers)
    assert response.status_code == status, response.get_json()
    return response.get_json()


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_stats_need_a_token(client, endpoint):
    assert client.get(f"/api/v1/stats/{endpoint}").status_code == 401


def test_the_town_overview_for_staff(client, token_for, figures_town):
    headers = token_for(figures_town["staff"])
    overview = get(client, headers, "overview")
    assert overview["scope"] == "town"
    assert overview["period"] == {"from": "2025-03-01", "to": "2025-05-31", "community_id": None, "team_id": None}
    assert overview["volunteers"] == {"registered": 4, "new": 2, "active": 3}
    assert (overview["hours"], overview["events"]) == (7.5, 5)
    # The API runs on today's clock: every session of 2025 has ended, E3 too (v2 never came).
    assert overview["attendance"] == {
        "places": 10, "confirmed": 5, "fill_rate": 0.5, "ended_confirmed": 5, "no_shows": 2, "no_show_rate": 0.4,
    }  # fmt: skip
    assert overview["youth_groups"] == {"complete": 1, "incomplete": 1, "communities_without": 1}


def test_hours_and_events_with_filters(client, token_for, figures_town):
    town = figures_town
    headers = token_for(town["admin"])
    hours = get(client, headers, "hours")
    assert hours["by_month"] == [
        {"month": "2025-03", "hours": 5.0}, {"month": "2025-04", "hours": 2.0}, {"month": "2025-05", "hours": 0.5},
    ]  # fmt: skip
    assert hours["by_team"] == [
        {"team_id": town["T1"].id, "name": "里水义工联", "hours": 5.0},
        {"team_id": town["T2"].id, "name": "源田团支部", "hours": 2.0},
        {"team_id": None, "name": "无服务队", "hours": 0.5},
    ]
    in_b = get(client, headers, "hours", community_id=town["B"].id)
    assert (in_b["scope"], in_b["total"], in_b["by_community"]) == ("community", 2.0, None)
    events = get(client, headers, "events", team_id=town["T1"].id)
    assert events["scope"] == "team" and events["total"] == 3
    assert {row["status"]: row["events"] for row in events["by_status"]} == {
        "draft": 1, "published": 1, "completed": 1, "cancelled": 0,
    }  # fmt: skip
    assert {row["kind"]: row["events"] for row in events["by_kind"] if row["events"]} == {"cleanup": 1, "forum": 1}


def test_a_team_leader_gets_their_own_team_only(client, token_for, figures_town):
    town = figures_town
    headers = token_for(town["leader"])
    assert get(client, headers, "overview", team_id=town["T1"].id)["volunteers"]["registered"] == 2
    get(client, headers, "overview", 403, team_id=town["T2"].id)
    for endpoint in ("overview", "events", "coverage", "needs"):
        get(client, headers, endpoint, 403)  # the town's figures
    get(client, headers, "hours", 404)  # not the town's hours, and no hours of their own: not a volunteer
    get(client, headers, "hours", 403, community_id=town["A"].id)


def test_a_volunteer_gets_their_own_hours_and_nothing_else(client, token_for, figures_town):
    headers = token_for(figures_town["volunteer"])
    own = get(client, headers, "hours")
    assert own["scope"] == "own" and own["total"] == 2.0
    assert [m["hours"] for m in own["by_month"]] == [2.0, 0.0, 0.0]
    assert own["by_team"] is None and own["by_community"] is None
    for endpoint in ("overview", "events", "coverage", "needs"):
        get(client, headers, endpoint, 403)
    get(client, headers, "hours", 403, team_id=figures_town["T1"].id)


def test_a_supervisor_gets_social_work_coverage_only(client, token_for, figures_town, social_work):
    headers = token_for(social_work["supervisor"])
    coverage = get(client, headers, "coverage")
    assert coverage["total"]["households"] == 2 and coverage["total"]["target"] == 1
    assert [(c["name"], c["target"], c["target_visited"]) for c in coverage["communities"]] == [
        ("布新", 0, 0), ("草场", 1, 1),
    ]  # fmt: skip
    for endpoint in ("overview", "events", "needs"):
        get(client, headers, endpoint, 403)
    get(client, headers, "hours", 404)  # no hours of their own
    in_a = get(client, token_for(figures_town["staff"]), "coverage", community_id=figures_town["A"].id)
    assert [c["name"] for c in in_a["communities"]] == ["草场"]


def test_needs_figures_for_staff_and_not_by_team(client, token_for, figures_town):
    headers = token_for(figures_town["staff"])
    needs = get(client, headers, "needs")
    assert needs["raised"] == 0 and needs["median_days_to_close"] is None and "new" in needs["by_status"]
    refused = get(client, headers, "needs", 422, team_id=figures_town["T1"].id)
    assert set(refused["errors"]) == {"team_id"}


def test_bad_periods_are_field_errors(client, token_for, figures_town):
    headers = token_for(figures_town["staff"])
    refused = get(client, headers, "overview", 422, **{"from": "2025-06-01", "to": "2025-05-01"})
    assert set(refused["errors"]) == {"to"}
    get(client, headers, "overview", 422, **{"from": "1900-01-01"})
    assert set(get(client, headers, "overview", 422, to="0001-01-01")["errors"]) == {"to"}  # no 500 counting back
    get(client, headers, "overview", 404, community_id=999)
