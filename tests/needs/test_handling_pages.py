"""The dispatch and handling pages: the list with its tabs, a need's page with the actions its reader may take,
the forms' messages, the event's page naming the need it serves, the menu and the home card; and that neither a
team nor anyone else sees what they may not (another team's need, a household's personal data)."""

from __future__ import annotations

import re

import pytest

from volunteer_app.extensions import db
from volunteer_app.needs import services
from volunteer_app.needs.models import Need
from volunteer_app.needs.vocabulary import Assignee, Status


@pytest.fixture
def assigned(raise_need, cast, town_place):
    def make(**fields):
        need = raise_need(**fields)
        services.assign(cast["league"], need.id, services.Assignment(Assignee.TEAM, town_place["paired_team"].id))
        return need

    return make


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:800]
    return response.get_data(as_text=True)


def test_staff_see_the_dispatch_queue_first_with_counts_and_can_search_it(client, login, cast, raise_need, assigned):
    waiting = raise_need(description="路灯坏了不亮")
    taken = assigned()
    login(cast["league"])
    html = page(client, "/needs")
    tabs = re.findall(r'data-tab="(\w+)"', html)
    assert tabs[0] == "dispatch" and "all" in tabs
    assert waiting.tracking_number in html and taken.tracking_number not in html
    assert taken.tracking_number in page(client, "/needs?status=open")
    assert waiting.tracking_number not in page(client, "/needs?status=all&q=垃圾")
    assert waiting.tracking_number in page(client, "/needs?status=all&q=路灯")
    assert "need-filters" in html


def test_a_team_leader_lists_and_opens_only_their_teams_needs(client, login, cast, raise_need, assigned):
    mine, elsewhere = assigned(), raise_need()
    login(cast["leader"])
    html = page(client, "/needs")
    assert mine.tracking_number in html and elsewhere.tracking_number not in html
    assert 'data-tab="dispatch"' not in html
    assert mine.tracking_number in page(client, f"/needs/{mine.id}")
    page(client, f"/needs/{elsewhere.id}", 404)


def test_another_teams_leader_gets_404_on_the_page_and_the_actions(client, login, cast, assigned):
    need = assigned()
    login(cast["other_leader"])
    page(client, f"/needs/{need.id}", 404)
    assert client.post(f"/needs/{need.id}/accept").status_code == 404
    assert db.session.get(Need, need.id).status == Status.ASSIGNED


def test_staff_assign_from_the_page_with_the_paired_team_offered_first(client, login, cast, raise_need, town_place):
    need = raise_need()
    login(cast["league"])
    html = page(client, f"/needs/{need.id}")
    options = re.findall(r'<option[^>]*value="(team:\d+)"[^>]*>([^<]*)</option>', html)
    assert options[0][0] == f"team:{town_place['paired_team'].id}" and "★" in options[0][1]
    response = client.post(f"/needs/{need.id}/assign", data={"assign-assignee": "department"})
    assert response.status_code == 422
    assert "Name the department" in response.get_data(as_text=True) or "部门" in response.get_data(as_text=True)
    response = client.post(f"/needs/{need.id}/assign", data={"assign-assignee": f"team:{town_place['paired_team'].id}"})
    assert response.status_code == 302
    assert db.session.get(Need, need.id).status == Status.ASSIGNED


def test_the_team_accepts_turns_it_into_an_event_and_closes_it_on_the_page(client, login, cast, assigned):
    need = assigned()
    login(cast["leader"])
    html = page(client, f"/needs/{need.id}")
    assert 'id="action-accept"' in html and 'id="action-decline"' in html and 'id="action-assign"' not in html
    assert client.post(f"/needs/{need.id}/accept").status_code == 302
    response = client.post(f"/needs/{need.id}/event", data={"event-title": "草场河涌清理"})
    assert response.status_code == 302 and "/events/" in response.headers["Location"]
    need = db.session.get(Need, need.id)
    event_html = page(client, response.headers["Location"])
    assert "event-serves-need" in event_html and need.tracking_number in event_html
    html = page(client, f"/needs/{need.id}")
    assert "草场河涌清理" in html and 'id="need-event"' in html
    response = client.post(f"/needs/{need.id}/close", data={"close-outcome": ""})
    assert response.status_code == 422 and 'id="action-close" open' in response.get_data(as_text=True)
    assert client.post(f"/needs/{need.id}/close", data={"close-outcome": "清理完毕"}).status_code == 302
    assert db.session.get(Need, need.id).status == Status.CLOSED


def test_declining_on_the_page_needs_a_reason_and_sends_the_team_back_to_its_list(client, login, cast, assigned):
    need = assigned()
    login(cast["leader"])
    assert client.post(f"/needs/{need.id}/decline", data={"decline-reason": ""}).status_code == 422
    response = client.post(f"/needs/{need.id}/decline", data={"decline-reason": "人手不够"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/needs")
    listed = client.get(response.headers["Location"])  # where they read that it was declined
    assert listed.status_code == 200 and "已退回" in listed.get_data(as_text=True)
    page(client, f"/needs/{need.id}", 404)


def test_a_refused_step_on_the_page_says_why_and_changes_nothing(client, login, cast, assigned):
    need = assigned()
    login(cast["leader"])
    response = client.post(f"/needs/{need.id}/start", headers={"Referer": f"/needs/{need.id}"})
    assert response.status_code == 302
    assert db.session.get(Need, need.id).status == Status.ASSIGNED


def test_staff_merge_by_tracking_number_and_reopen_with_a_reason(client, login, cast, raise_need, assigned):
    first, duplicate = raise_need(), raise_need()
    login(cast["league"])
    response = client.post(f"/needs/{duplicate.id}/merge", data={"merge-into": "XQ-0000-0000"})
    assert response.status_code == 422
    response = client.post(f"/needs/{duplicate.id}/merge", data={"merge-into": first.tracking_number.lower()})
    assert response.status_code == 302
    assert db.session.get(Need, duplicate.id).merged_into_id == first.id
    assert duplicate.tracking_number in page(client, f"/needs/{first.id}")


def test_staff_record_a_phone_rating_on_a_closed_need(client, login, cast, assigned):
    need = assigned()
    services.accept(cast["leader"], need.id)
    services.close(cast["leader"], need.id, "已处理")
    login(cast["league"])
    assert 'id="action-rate"' in page(client, f"/needs/{need.id}")
    assert client.post(f"/needs/{need.id}/rate", data={"rate-stars": "5", "rate-comment": "很好"}).status_code == 302
    html = page(client, f"/needs/{need.id}")
    assert "★★★★★" in html and 'id="action-rate"' not in html


def test_a_need_from_a_household_visit_shows_the_team_no_personal_data(client, login, cast, need_from_visit):
    need, household = need_from_visit()
    login(cast["leader"])
    html = page(client, f"/needs/{need.id}")
    for secret in ("陈桂兰", "五巷8号", "13911112222", f"/social-work/households/{household.id}"):
        assert secret not in html
    assert 'id="need-household"' in html and "草场" in html


def test_the_menu_and_home_card_for_those_who_work_on_needs(client, login, cast, assigned, make_user):
    assigned()
    login(cast["leader"])
    home = page(client, "/")
    assert 'href="/needs"' in home
    assert "指派给你的未办结需求 1 项" in home or "1 open need assigned to you" in home
    client.post("/logout")
    login(make_user("volunteer", username="plain"))
    assert 'href="/needs"' not in page(client, "/")
