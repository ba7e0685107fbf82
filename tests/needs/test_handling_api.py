"""The dispatch and handling API: the scoped list and one need, each step (refused ones answer 409 and change
nothing), merging, an event, phone ratings, reopening; and no household data for a team."""

from __future__ import annotations

import pytest

from volunteer_app.extensions import db
from volunteer_app.needs.models import Need
from volunteer_app.needs.vocabulary import Status


@pytest.fixture
def staff(token_for, cast):
    return token_for(cast["league"])


@pytest.fixture
def leader(token_for, cast):
    return token_for(cast["leader"])


def test_staff_assign_and_the_team_accepts_replies_and_closes(client, staff, leader, raise_need, town_place, cast):
    need = raise_need()
    body = {"assignee_kind": "team", "assignee_id": town_place["paired_team"].id}
    answer = client.post(f"/api/v1/needs/{need.id}/assign", json=body, headers=staff)
    assert answer.status_code == 200, answer.get_json()
    assigned = answer.get_json()
    assert (assigned["status"], assigned["assignee_kind"], assigned["assignee_id"]) == (
        "assigned", "team", town_place["paired_team"].id,
    )  # fmt: skip
    assert assigned["deadline"] and assigned["contact"]["name"] == "王阿姨"
    listed = client.get("/api/v1/needs?status=open", headers=leader).get_json()
    assert [n["id"] for n in listed["items"]] == [need.id] and listed["total"] == 1
    assert client.post(f"/api/v1/needs/{need.id}/accept", headers=leader).get_json()["status"] == "accepted"
    reply = client.post(f"/api/v1/needs/{need.id}/replies", json={"text": "周六去清理"}, headers=leader)
    assert reply.status_code == 201 and reply.get_json()["public"] is True
    note = client.post(f"/api/v1/needs/{need.id}/replies", json={"text": "借车", "public": False}, headers=leader)
    assert note.get_json()["kind"] == "note"
    assert client.post(f"/api/v1/needs/{need.id}/close", json={"outcome": ""}, headers=leader).status_code == 422
    closed = client.post(f"/api/v1/needs/{need.id}/close", json={"outcome": "已清理"}, headers=leader).get_json()
    assert (closed["status"], closed["outcome"]) == ("closed", "已清理")
    assert [h["to_status"] for h in closed["history"] if h["kind"] == "status"] == [
        "new", "assigned", "accepted", "closed",
    ]  # fmt: skip
    assert closed["history"][1]["actor"] == cast["league"].display_name


def test_a_refused_step_answers_409_and_changes_nothing(client, staff, leader, raise_need, town_place):
    need = raise_need()
    assert client.post(f"/api/v1/needs/{need.id}/accept", headers=staff).status_code == 409
    body = {"assignee_kind": "team", "assignee_id": town_place["paired_team"].id}
    client.post(f"/api/v1/needs/{need.id}/assign", json=body, headers=staff)
    before = client.get(f"/api/v1/needs/{need.id}", headers=staff).get_json()
    for path, payload in (("close", {"outcome": "好了"}), ("reopen", {"reason": "再看"}), ("start", None)):
        answer = client.post(f"/api/v1/needs/{need.id}/{path}", json=payload, headers=staff)
        assert answer.status_code == 409, (path, answer.get_json())
        assert answer.get_json()["error"]["code"] == "conflict"
    after = client.get(f"/api/v1/needs/{need.id}", headers=staff).get_json()
    assert (after["status"], len(after["history"])) == (before["status"], len(before["history"]))


def test_another_teams_leader_gets_404_on_everything(client, token_for, cast, raise_need, town_place, staff):
    need = raise_need()
    client.post(f"/api/v1/needs/{need.id}/assign", json={"assignee_kind": "team",
                "assignee_id": town_place["paired_team"].id}, headers=staff)  # fmt: skip
    other = token_for(cast["other_leader"])
    assert client.get(f"/api/v1/needs/{need.id}", headers=other).status_code == 404
    assert client.post(f"/api/v1/needs/{need.id}/accept", headers=other).status_code == 404
    assert client.get("/api/v1/needs", headers=other).get_json()["total"] == 0
    assert db.session.get(Need, need.id).status == Status.ASSIGNED
    assert client.get("/api/v1/needs").status_code == 401


def test_declined_it_goes_back_to_dispatch_and_out_of_the_teams_reach(client, staff, leader, raise_need, town_place):
    need = raise_need()
    client.post(f"/api/v1/needs/{need.id}/assign", json={"assignee_kind": "team",
                "assignee_id": town_place["paired_team"].id}, headers=staff)  # fmt: skip
    assert client.post(f"/api/v1/needs/{need.id}/decline", json={"reason": ""}, headers=leader).status_code == 422
    answer = client.post(f"/api/v1/needs/{need.id}/decline", json={"reason": "人手不够"}, headers=leader)
    assert answer.status_code == 200 and answer.get_json()["status"] == "declined"
    assert client.get(f"/api/v1/needs/{need.id}", headers=leader).status_code == 404
    queue = client.get("/api/v1/needs?status=dispatch", headers=staff).get_json()
    assert [n["id"] for n in queue["items"]] == [need.id]


def test_merge_event_rating_and_reopen(client, staff, leader, raise_need, town_place):
    first, duplicate = raise_need(), raise_need()
    assert client.post(f"/api/v1/needs/{first.id}/merge", json={"into_id": first.id}, headers=staff).status_code == 409
    merged = client.post(f"/api/v1/needs/{duplicate.id}/merge", json={"into_id": first.id}, headers=staff)
    assert merged.get_json()["merged_into_id"] == first.id
    assert client.post(f"/api/v1/needs/{first.id}/merge", json={"into_id": duplicate.id},
                       headers=staff).status_code == 409  # fmt: skip
    client.post(f"/api/v1/needs/{first.id}/assign", json={"assignee_kind": "team",
                "assignee_id": town_place["paired_team"].id}, headers=staff)  # fmt: skip
    client.post(f"/api/v1/needs/{first.id}/accept", headers=leader)
    event = client.post(f"/api/v1/needs/{first.id}/event", json={"title": "河涌清理"}, headers=leader)
    assert event.status_code == 201 and event.get_json()["status"] == "draft"
    assert client.post(f"/api/v1/needs/{first.id}/event", json={}, headers=leader).status_code == 409
    detail = client.get(f"/api/v1/needs/{first.id}", headers=leader).get_json()
    assert (detail["event_id"], detail["status"], detail["hours"]) == (event.get_json()["id"], "in_progress", 0.0)
    client.post(f"/api/v1/needs/{first.id}/close", json={"outcome": "已清理"}, headers=leader)
    assert client.post(f"/api/v1/needs/{first.id}/rate", json={"stars": 4}, headers=leader).status_code == 403
    rating = client.post(f"/api/v1/needs/{first.id}/rate", json={"stars": 4, "comment": "不错"}, headers=staff)
    assert rating.status_code == 201 and rating.get_json()["by_phone"] is True
    assert client.post(f"/api/v1/needs/{first.id}/reopen", json={"reason": " "}, headers=staff).status_code == 422
    reopened = client.post(f"/api/v1/needs/{first.id}/reopen", json={"reason": "居民又反映"}, headers=staff)
    assert reopened.get_json()["status"] == "reopened"


def test_a_need_from_a_household_visit_shows_the_team_no_personal_data(client, need_from_visit, staff, leader):
    need, _household = need_from_visit()
    for headers in (leader, staff):
        answer = client.get(f"/api/v1/needs/{need.id}", headers=headers)
        text = answer.get_data(as_text=True)
        assert answer.status_code == 200 and answer.get_json()["household"] is None
        assert answer.get_json()["from_visit"] is True
        for secret in ("陈桂兰", "五巷8号", "13911112222"):
            assert secret not in text
        listed = client.get("/api/v1/needs?source=visit", headers=headers).get_data(as_text=True)
        assert "陈桂兰" not in listed and "五巷8号" not in listed


def test_the_list_filters(client, staff, raise_need, town_place):
    raise_need(category="elderly")
    in_beisha = raise_need(community_id=town_place["北沙"].id)
    found = client.get(f"/api/v1/needs?community_id={in_beisha.community_id}", headers=staff).get_json()
    assert [n["id"] for n in found["items"]] == [in_beisha.id]
    assert client.get("/api/v1/needs?category=elderly", headers=staff).get_json()["total"] == 1
    assert client.get("/api/v1/needs?overdue=true", headers=staff).get_json()["total"] == 0
    assert client.get("/api/v1/needs?status=bogus", headers=staff).status_code == 422
    assert client.get("/api/v1/needs?assignee=team:1", headers=staff).get_json()["total"] == 0
