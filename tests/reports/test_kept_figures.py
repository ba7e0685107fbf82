"""The dashboard's figures are counted once and kept (reports/services/kept.py): a page served from them runs no
aggregate query over sign-ups, hours or events, says when they were counted, and counts them again when asked;
the stats API and the monthly workbook read the same kept figures; who may read them is checked every time."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest

from tests.conftest import PASSWORD
from tests.queries import statements, touching
from tests.reports.figures_town import figures_town_fixture  # noqa: F401 — the fixture
from tests.reports.test_dashboard import Charts
from volunteer_app import create_app
from volunteer_app.core.time import SystemClock
from volunteer_app.events.models import HoursEntry
from volunteer_app.extensions import db, limiter
from volunteer_app.reports.services import figures, monthly

PERIOD = "from=2025-03-01&to=2025-05-31"
COUNTED_TABLES = ("signups", "hours_entries", "events", "event_sessions", "event_roles", "needs", "household_visits")


@pytest.fixture(name="keeping")
def keeping_fixture(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "FIGURES_KEEP_SECONDS", 600)
    monkeypatch.setitem(app.config, "FIGURES_STORE_URI", str(tmp_path / "figures"))


def _as_of(html: str) -> str:
    found = re.search(r'id="figures-as-of">[^<]*?(\d{4}-\d\d-\d\d \d\d:\d\d)', html)
    assert found, html[:2000]
    return found[1]


def _hours_by_month(html: str) -> list[float]:
    return Charts(html).specs["hours-by-month"]["series"][0]["data"]


def _add_hours(town, minutes: int) -> None:
    db.session.add(HoursEntry(volunteer_id=town["v1"].id, event_id=town["E1"].id, kind="attendance",
                              minutes=minutes, service_date=date(2025, 3, 10)))  # fmt: skip
    db.session.commit()


def test_a_kept_dashboard_is_dated_and_read_without_counting_again(client, login, figures_town, keeping):
    login(figures_town["staff"])
    first = client.get(f"/reports/?{PERIOD}").get_data(as_text=True)
    assert "数据截至" in first and _hours_by_month(first) == [5.0, 2.0, 0.5]
    _add_hours(figures_town, 120)

    with statements() as seen:
        kept = client.get(f"/reports/?{PERIOD}")
    html = kept.get_data(as_text=True)
    assert kept.status_code == 200
    # The kept figures, dated as counted: the hours added since are not in them ...
    assert _hours_by_month(html) == [5.0, 2.0, 0.5] and _as_of(html) == _as_of(first)
    # ... and nothing was counted: no query over the work's tables, a fixed handful in all (session, user, page).
    for table in COUNTED_TABLES:
        assert not touching(seen, table), (table, touching(seen, table))
    assert len(seen) <= 8, seen

    # Counting them again, as the page's link asks, sees the new hours.
    assert "refresh=1" in html
    again = client.get(f"/reports/?{PERIOD}&refresh=1").get_data(as_text=True)
    assert _hours_by_month(again) == [7.0, 2.0, 0.5]


def test_a_kept_dashboard_costs_the_same_queries_however_many_rows(client, login, figures_town, keeping):
    login(figures_town["staff"])
    client.get(f"/reports/?{PERIOD}")
    with statements() as few:
        client.get(f"/reports/?{PERIOD}")
    for minutes in range(1, 30):
        _add_hours(figures_town, minutes)
    client.get(f"/reports/?{PERIOD}&refresh=1")
    with statements() as more:
        client.get(f"/reports/?{PERIOD}")
    assert len(few) == len(more)


def test_counting_costs_the_same_queries_however_many_rows(client, login, figures_town):
    login(figures_town["staff"])
    with statements() as few:
        client.get(f"/reports/?{PERIOD}")
    for minutes in range(1, 30):
        _add_hours(figures_town, minutes)
    with statements() as more:
        client.get(f"/reports/?{PERIOD}")
    assert len(few) == len(more)


def test_the_api_and_the_workbook_read_the_figures_the_page_shows(client, login, token_for, figures_town, keeping):
    town = figures_town
    headers = token_for(town["staff"])
    login(town["staff"])
    client.get("/reports/?from=2025-03-01&to=2025-03-31")
    _add_hours(town, 120)  # after the page counted March: every reader gets the same kept figures

    overview = client.get("/api/v1/stats/overview?from=2025-03-01&to=2025-03-31", headers=headers).get_json()
    hours = client.get("/api/v1/stats/hours?from=2025-03-01&to=2025-03-31", headers=headers).get_json()
    assert overview["hours"] == hours["total"] == 5.0
    assert overview["as_of"] == hours["as_of"]
    needs = client.get("/api/v1/stats/needs?from=2025-03-01&to=2025-03-31", headers=headers).get_json()
    assert needs["as_of"] == overview["as_of"] and "raised" in needs

    sheets = monthly.sheets(town["staff"], monthly.parse_month("2025-03"))
    assert sheets[0].totals[1] == 5.0  # the hours per team sheet's total

    fresh = figures.figures(town["staff"], figures.filters(date(2025, 3, 1), date(2025, 3, 31)))
    assert fresh.hours_total == 7.0  # counting afresh (what refresh does) sees them


def test_who_may_read_is_checked_before_kept_figures_are_read(client, login, figures_town, keeping):
    town = figures_town
    login(town["staff"])
    assert client.get("/reports/").status_code == 200
    assert client.get(f"/reports/teams/{town['T1'].id}").status_code == 200
    client.post("/logout")
    login(town["other_leader"])
    assert client.get("/reports/").status_code == 403
    assert client.get(f"/reports/teams/{town['T1'].id}").status_code == 403


@pytest.fixture(name="limited_client")
def limited_client_fixture(database_url, tmp_path, figures_town):
    """A client of an app with rate limits on (off in the tests' app), on the tests' database, keeping figures and
    letting each user count them again twice a minute."""
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_url,
        INSTANCE_PATH=str(tmp_path),
        RATELIMIT_ENABLED=True,
        FIGURES_REFRESH_LIMIT="2 per minute",
        FIGURES_KEEP_SECONDS=600,
        FIGURES_STORE_URI=str(tmp_path / "figures"),
    )
    limiter.reset()
    client = app.test_client()
    assert (
        client.post("/login", data={"login": figures_town["staff"].username, "password": PASSWORD}).status_code == 302
    )
    yield client
    limiter.reset()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_counting_again_is_limited_per_user_and_then_shows_the_kept_figures(limited_client, figures_town):
    client = limited_client
    client.get(f"/reports/?{PERIOD}", headers={"Accept-Language": "en"})
    for minutes in (120, 60):
        _add_hours(figures_town, minutes)
        again = client.get(f"/reports/?{PERIOD}&refresh=1", headers={"Accept-Language": "en"})
        assert again.status_code == 200 and "counted again too often" not in again.get_data(as_text=True)
    assert _hours_by_month(again.get_data(as_text=True)) == [8.0, 2.0, 0.5]

    _add_hours(figures_town, 60)
    refused = client.get(f"/reports/?{PERIOD}&refresh=1", headers={"Accept-Language": "en"})
    html = refused.get_data(as_text=True)
    # The third recount within the minute: the page, with the figures kept by the second and the reason.
    assert refused.status_code == 200
    assert "counted again too often" in html and _hours_by_month(html) == [8.0, 2.0, 0.5]


def test_the_scheduler_keeps_the_town_dashboard_for_its_first_reader(app, client, login, figures_town, keeping):
    jobs = {job.id: job for job in app.extensions["shanzhi.jobs"]}
    jobs["reports.figures"].func(SystemClock())  # as the scheduler runs it: no request, no reader
    login(figures_town["staff"])

    for language in ("en", "zh-CN"):
        with statements() as seen:
            page = client.get("/reports/", headers={"Accept-Language": language})
        assert page.status_code == 200
        for table in COUNTED_TABLES:  # read from the store, in the reader's language: nothing counted
            assert not touching(seen, table), (language, table, touching(seen, table))

    fresh = figures.figures(figures_town["staff"], figures.filters())
    warmed = figures.kept_figures(figures_town["staff"], figures.filters())
    assert warmed.as_of < fresh.as_of  # the scheduler's, counted as a town staff member would have them
    assert replace(warmed, as_of=None) == replace(fresh, as_of=None)
