"""League staff scoped to a community (村/社区 staff) read their community's figures, on the dashboard and through the
stats API, and those of the teams paired with it; never the town's, another community's, or the town's monthly
workbook. Their kept figures are their communities' (reports/services/kept.py), not the town staff's."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.reports.figures_town import figures_town_fixture  # noqa: F401 — the fixture
from tests.reports.test_dashboard import Charts, read
from tests.reports.test_kept_figures import _add_hours, _hours_by_month, keeping_fixture  # noqa: F401 — fixture
from volunteer_app.core.policy import SYSTEM
from volunteer_app.extensions import db
from volunteer_app.needs import services as needs
from volunteer_app.needs.vocabulary import Source
from volunteer_app.organisations import services as org

PERIOD = "from=2025-03-01&to=2025-05-31"


@pytest.fixture
def staff_of_a(figures_town, make_user):
    """League staff of 草场 (A), with 里水义工联 (T1) paired with A."""
    town = figures_town
    org.create_pairing(SYSTEM, team_id=town["T1"].id, community_id=town["A"].id, since=date(2025, 1, 1))
    db.session.commit()
    return make_user("league_staff", f"community:{town['A'].id}", username="caochang-figures")


def test_their_dashboard_shows_their_communitys_figures(client, login, figures_town, staff_of_a):
    town = figures_town
    login(staff_of_a)
    response = client.get(f"/reports/?{PERIOD}", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    heading = re.search(r"<h1[^>]*>([^<]*)</h1>", html).group(1)
    assert heading == f"Figures of {town['A'].name}"  # their community's, not "Town dashboard"
    page = Charts(html)
    assert page.specs["hours-by-month"]["series"][0]["data"] == [5.0, 0.0, 0.0]  # A's, not the town's 5, 2, 0.5
    assert "hours-by-community" not in page.specs and "volunteers-by-community" not in page.specs
    # The community filter offers theirs only, and not the town's "all communities".
    assert f'value="{town["A"].id}"' in html and f'value="{town["B"].id}"' not in html
    assert 'option value=""' not in html
    assert client.get(f"/reports/?community_id={town['B'].id}").status_code == 403
    assert client.get(f"/reports/communities/{town['A'].id}").status_code == 200
    assert client.get(f"/reports/communities/{town['B'].id}").status_code == 403


def test_team_figures_for_the_teams_paired_with_their_community(client, login, figures_town, staff_of_a):
    town = figures_town
    login(staff_of_a)
    page = read(client, f"/reports/teams/{town['T1'].id}?{PERIOD}")
    assert page.specs["hours-by-month"]["series"][0]["data"] == [5.0, 0.0, 0.0]
    assert client.get(f"/reports/teams/{town['T2'].id}").status_code == 403


def test_the_monthly_workbook_is_the_town_wide_staffs(client, login, token_for, figures_town, staff_of_a):
    assert client.get("/api/v1/exports/monthly?month=2025-04", headers=token_for(staff_of_a)).status_code == 403
    login(staff_of_a)
    assert client.get("/reports/monthly?month=2025-04").status_code == 403


def test_the_stats_api_counts_their_community(client, token_for, figures_town, staff_of_a):
    town = figures_town
    for community, description in ((town["A"], "草场河涌边垃圾堆积"), (town["B"], "北沙路灯坏了不亮")):
        data = needs.NeedInput(category="environment", community_id=community.id, description=description)
        needs.create_need(SYSTEM, data, source=Source.PUBLIC)
    db.session.commit()
    headers = token_for(staff_of_a)

    def get(endpoint: str, status: int = 200, query: str = PERIOD):
        response = client.get(f"/api/v1/stats/{endpoint}?{query}", headers=headers)
        assert response.status_code == status, response.get_json()
        return response.get_json()

    overview = get("overview")
    assert (overview["scope"], overview["period"]["community_id"]) == ("community", town["A"].id)
    assert overview["volunteers"]["registered"] == 2  # v1 and v2 of A; the town has 4
    assert get("hours")["total"] == 5.0
    assert get("needs", query="")["raised"] == 1  # A's need, not B's
    assert get("overview", query=f"team_id={town['T1'].id}")["scope"] == "team"
    for endpoint in ("overview", "hours", "events", "needs"):
        get(endpoint, 403, query=f"community_id={town['B'].id}")
    get("overview", 403, query=f"team_id={town['T2'].id}")


def test_their_kept_figures_are_their_communitys_own(client, login, figures_town, staff_of_a, make_user, keeping):
    town = figures_town
    login(staff_of_a)
    assert _hours_by_month(client.get(f"/reports/?{PERIOD}").get_data(as_text=True)) == [5.0, 0.0, 0.0]
    _add_hours(town, 120)
    client.post("/logout")
    # Staff of the same community read the same kept figures ...
    login(make_user("league_staff", f"community:{town['A'].id}", username="caochang-figures-2"))
    assert _hours_by_month(client.get(f"/reports/?{PERIOD}").get_data(as_text=True)) == [5.0, 0.0, 0.0]
    client.post("/logout")
    # ... which are not the town staff's: theirs of A are counted for them.
    login(town["staff"])
    mine = client.get(f"/reports/?{PERIOD}&community_id={town['A'].id}").get_data(as_text=True)
    assert _hours_by_month(mine) == [7.0, 0.0, 0.0]
