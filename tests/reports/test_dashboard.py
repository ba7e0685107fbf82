"""The figures pages: each chart's data-chart JSON holds the numbers of the table beside it and of the hand-counted
town; the filters change them; who may open which page; the links to them; the scripts they load."""

from __future__ import annotations

import json
from datetime import timedelta
from html.parser import HTMLParser

import pytest

from tests.reports.figures_town import figures_town_fixture  # noqa: F401 — the fixture
from volunteer_app.core.policy import SYSTEM
from volunteer_app.core.time import utcnow
from volunteer_app.organisations import services as org
from volunteer_app.socialwork import services as socialwork

PERIOD = "from=2025-03-01&to=2025-05-31"


class Charts(HTMLParser):
    """Each chart's spec (its container's data-chart) and its table's rows, by the chart's id."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.specs: dict[str, dict] = {}
        self.tables: dict[str, list[list[str]]] = {}
        self.scripts: list[str] = []
        self._section = self._table = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and "figure-chart" in (attrs.get("class") or ""):
            self._section = attrs["id"]
        if "data-chart" in attrs:
            self.specs[self._section] = json.loads(attrs["data-chart"])
        if "data-chart-table" in attrs:
            self._table = attrs["data-chart-table"]
            self.tables[self._table] = []
        if tag == "tbody":
            self._row = None
        if tag == "tr" and self._table:
            self._row = []
        if tag in ("td", "th") and self._row is not None:
            self._cell = []
        if tag == "script":
            self.scripts.append(attrs.get("src") or "INLINE")

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        if tag == "tr" and self._row is not None and self._table:
            self.tables[self._table].append(self._row)
            self._row = None
        if tag == "table":
            self._table = None


def read(client, url: str, status: int = 200) -> Charts:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:800]
    return Charts(response.get_data(as_text=True))


def number(text: str) -> float:
    return float(text.replace(",", ""))


def assert_tables_match_charts(page: Charts) -> None:
    assert page.specs and set(page.specs) == set(page.tables)
    for chart_id, spec in page.specs.items():
        header, *rows = page.tables[chart_id]
        assert header[1:] == [s["name"] for s in spec["series"]], chart_id
        assert [row[0] for row in rows] == spec["categories"], chart_id
        for i, series in enumerate(spec["series"]):
            assert [number(row[i + 1]) for row in rows] == series["data"], chart_id


def test_the_town_dashboard_shows_the_figures_in_charts_and_tables(client, login, figures_town):
    login(figures_town["staff"])
    page = read(client, f"/reports/?{PERIOD}")
    assert_tables_match_charts(page)
    assert page.specs["hours-by-month"] == {
        "kind": "line", "horizontal": False, "categories": ["2025-03", "2025-04", "2025-05"],
        "series": [{"name": "时长（小时）", "data": [5.0, 2.0, 0.5]}],
    }  # fmt: skip
    assert page.specs["hours-by-team"]["series"][0]["data"] == [5.0, 2.0, 0.5]
    assert page.specs["volunteers-by-community"]["categories"] == ["草场", "北沙", "布新"]
    assert [s["data"] for s in page.specs["volunteers-by-community"]["series"]] == [[2, 1, 1], [1, 1, 0]]
    assert page.specs["events-by-status"]["series"][0]["data"] == [1, 1, 2, 1]
    # The library and the script that draws, from this site, and nothing inline.
    assert page.scripts[-2:] == ["/static/vendor/echarts/echarts.min.js", "/static/js/charts.js"]
    assert "INLINE" not in page.scripts


def test_a_community_filter_changes_the_figures(client, login, figures_town):
    login(figures_town["staff"])
    page = read(client, f"/reports/?{PERIOD}&community_id={figures_town['A'].id}")
    assert_tables_match_charts(page)
    assert page.specs["hours-by-month"]["series"][0]["data"] == [5.0, 0.0, 0.0]
    assert "hours-by-community" not in page.specs and "volunteers-by-community" not in page.specs
    april = read(client, "/reports/?from=2025-04-01&to=2025-04-30")
    assert april.specs["hours-by-month"]["categories"] == ["2025-04"]


def test_a_reversed_period_is_refused_beside_the_dates(client, login, figures_town):
    login(figures_town["staff"])
    response = client.get("/reports/?from=2025-06-01&to=2025-05-01")
    assert response.status_code == 422
    assert "结束日期不能早于开始日期" in response.get_data(as_text=True)
    assert client.get("/reports/?from=nonsense").status_code == 200  # not a date: the default period


def test_a_team_page_for_its_leaders_and_staff_only(client, login, figures_town):
    town = figures_town
    login(town["leader"])
    page = read(client, f"/reports/teams/{town['T1'].id}?{PERIOD}")
    assert_tables_match_charts(page)
    assert page.specs["hours-by-month"]["series"][0]["data"] == [5.0, 0.0, 0.0]
    assert "hours-by-team" not in page.specs
    assert client.get(f"/reports/teams/{town['T2'].id}").status_code == 403
    assert client.get("/reports/").status_code == 403
    assert client.get(f"/reports/communities/{town['A'].id}").status_code == 403
    # The team's page links to its figures for its leader.
    assert f"/reports/teams/{town['T1'].id}" in client.get(f"/teams/{town['T1'].id}").get_data(as_text=True)


def test_a_community_page_for_staff(client, login, figures_town):
    town = figures_town
    login(town["staff"])
    page = read(client, f"/reports/communities/{town['B'].id}?{PERIOD}")
    assert page.specs["hours-by-month"]["series"][0]["data"] == [0.0, 2.0, 0.0]
    assert f"/reports/communities/{town['B'].id}" in client.get(f"/communities/{town['B'].id}").get_data(as_text=True)


def test_a_volunteer_sees_only_their_own_hours(client, login, figures_town):
    login(figures_town["volunteer"])
    assert client.get("/reports/").status_code == 403
    assert client.get(f"/reports/teams/{figures_town['T1'].id}").status_code == 403
    page = read(client, f"/reports/me?{PERIOD}")
    assert_tables_match_charts(page)
    assert page.specs["hours-by-month"]["series"][0]["data"] == [2.0, 0.0, 0.0]
    assert "/reports/me" in client.get("/me/hours").get_data(as_text=True)
    assert '/reports/"' not in client.get("/").get_data(as_text=True)  # no dashboard in the menu


@pytest.fixture(name="social_work")
def social_work_fixture(figures_town, make_user):
    """A station covering 布新 itself and a point covering 草场, a worker there, a supervisor, two files in 草场."""
    town = figures_town
    station = org.create_station(SYSTEM, town_id=town["town"].id, name="里水镇社会工作服务站",
                                 community_ids=[town["C"].id])  # fmt: skip
    point = org.create_point(SYSTEM, station_id=station.id, name="草场社会工作服务点", community_ids=[town["A"].id])
    worker = make_user("social_worker", f"service_point:{point.id}", username="worker-figures")
    supervisor = make_user("station_supervisor", f"service_station:{station.id}", username="super-figures")
    members = [{"name": "户主", "relation": "head", "id_number": "", "phone": "", "flags": ["disability"],
                "disability_type": "physical", "disability_grade": 2}]  # fmt: skip
    target = socialwork.create_household(worker, community_id=town["A"].id, address="草场村1号", members=members)
    socialwork.create_household(
        worker, community_id=town["A"].id, address="草场村2号",
        members=[{"name": "户主乙", "relation": "head", "id_number": "", "phone": ""}],
    )  # fmt: skip
    socialwork.log_visit(worker, target.id, visited_at=utcnow() - timedelta(minutes=5), contact_type="home")
    return {"worker": worker, "supervisor": supervisor}


def test_a_station_supervisor_sees_the_social_work_part_only(client, login, figures_town, social_work):
    login(social_work["supervisor"])
    page = read(client, "/reports/")
    assert set(page.specs) == {"coverage-by-community"}
    assert page.specs["coverage-by-community"]["categories"] == ["布新", "草场"]
    assert [s["data"] for s in page.specs["coverage-by-community"]["series"]] == [[0, 1], [0, 1]]
    assert_tables_match_charts(page)
    assert client.get(f"/reports/teams/{figures_town['T1'].id}").status_code == 403
    assert client.get(f"/reports/communities/{figures_town['A'].id}").status_code == 403
    assert "/reports/" in client.get("/").get_data(as_text=True)  # the menu's Dashboard


def test_staff_see_coverage_beside_the_volunteers_work(client, login, figures_town, social_work):
    login(figures_town["staff"])
    page = read(client, "/reports/")
    assert {"hours-by-month", "coverage-by-community", "events-by-kind"} <= set(page.specs)
    one = read(client, f"/reports/?community_id={figures_town['A'].id}")
    assert one.specs["coverage-by-community"]["categories"] == ["草场"]
