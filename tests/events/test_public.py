"""What a visitor sees before registering (issue 11, item 9): public published events are listed and shown to
anyone, each role with "log in to sign up"; team-only events, drafts and every roster stay private."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from flask_login import AnonymousUserMixin

from tests.events.conftest import NOW
from volunteer_app.core.policy import SYSTEM, can
from volunteer_app.events import services, signups


@pytest.fixture
def events(make_event, team):
    """One event of each kind a visitor must or must not see, all still to come."""
    return {
        "public": make_event(title="公开的清洁活动"),
        "teams": make_event(title="只给队员的活动", audience="teams", audience_team_ids=[team.id]),
        "draft": make_event(title="还在起草的活动", status="draft"),
        "cancelled": services.cancel_event(SYSTEM, make_event(title="取消了的活动").id, "下雨", now=NOW),
    }


def _login_demand(response) -> str:
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    return parse_qs(location.query)["next"][0]


def test_a_visitor_lists_public_published_events_only(client, events):
    response = client.get("/events")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "公开的清洁活动" in page
    for hidden in ("只给队员的活动", "还在起草的活动", "取消了的活动"):
        assert hidden not in page
    assert "/me/signups" not in page  # no links a visitor cannot follow


def test_a_visitor_sees_a_public_event_with_a_login_link_on_each_role_and_no_roster(client, register, events):
    event = events["public"]
    role = event.sessions[0].roles[0]
    volunteer = register(name="王小明")
    signups.sign_up(volunteer.user, role.id, now=NOW)
    response = client.get(f"/events/{event.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "公开的清洁活动" in page and role.name in page
    assert "已报 1 / 2 个名额" in page  # places taken are public, names are not
    assert "王小明" not in page
    assert f"/roles/{role.id}/signup" not in page  # neither the sign-up form nor the roster
    assert page.count(f'href="/login?next=/events/{event.id}"') == 1  # one role, one "log in to sign up"


def test_a_visitor_is_asked_to_log_in_for_team_only_and_draft_events(client, events):
    for name in ("teams", "draft"):
        event = events[name]
        response = client.get(f"/events/{event.id}")
        assert _login_demand(response) == f"/events/{event.id}"
        assert event.title not in response.get_data(as_text=True)


def test_rosters_stay_private(client, register, events):
    role = events["public"].sessions[0].roles[0]
    signups.sign_up(register(name="王小明").user, role.id, now=NOW)
    for url in (f"/roles/{role.id}/signups", f"/sessions/{events['public'].sessions[0].id}/attendance"):
        response = client.get(url)
        assert _login_demand(response) == url
        assert "王小明" not in response.get_data(as_text=True)


def test_the_calendar_shows_a_visitor_public_events_only(client, events):
    month = events["public"].starts_at
    for url in (f"/calendar?month={month:%Y-%m}", "/calendar/agenda"):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        assert "公开的清洁活动" in page, url
        assert "只给队员的活动" not in page and "还在起草的活动" not in page, url
        assert "/calendar/subscribe" not in page, url


def test_the_home_page_shows_a_visitor_the_next_public_events_and_the_way_to_register(client, events):
    page = client.get("/").get_data(as_text=True)
    assert "公开的清洁活动" in page and f'href="/events/{events["public"].id}"' in page
    assert "只给队员的活动" not in page and "还在起草的活动" not in page
    assert 'href="/volunteers/register"' in page and 'href="/login"' in page


def test_the_menu_offers_a_visitor_the_events_and_the_calendar(client):
    page = client.get("/login").get_data(as_text=True)
    nav = page.split('id="mainnav"')[1].split("</nav>")[0]
    assert 'href="/events"' in nav and 'href="/calendar"' in nav
    assert "/me/hours" not in nav


def test_the_policy_answers_for_a_visitor(events):
    visitor = AnonymousUserMixin()
    assert can(visitor, "event.view")
    assert can(visitor, "event.view", events["public"])
    for name in ("teams", "draft", "cancelled"):
        assert not can(visitor, "event.view", events[name]), name
    role = events["public"].sessions[0].roles[0]
    for action, obj in (("signup.list", events["public"]), ("event.manage", events["public"]), ("hours.view", None)):
        assert not can(visitor, action, obj), action  # rules not written for visitors refuse them
    assert services.list_events(visitor).total == 1
    assert signups.my_signups_by_role(visitor, [role.id]) == {}


def test_the_api_still_asks_a_visitor_for_a_token(client, events):
    assert client.get("/api/v1/events").status_code == 401
    assert client.get(f"/api/v1/events/{events['public'].id}").status_code == 401
