"""The events API: nested create, validation shape, publishing rules, filters, sign-up endpoints, query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.events.conftest import at
from volunteer_app.core.policy import SYSTEM
from volunteer_app.core.time import to_local, utcnow
from volunteer_app.events import services
from volunteer_app.extensions import db
from volunteer_app.organisations import services as org


def _iso(value) -> str:
    return value.isoformat()


def body(community_id: int, **overrides) -> dict:
    now = utcnow()
    spec = {
        "title": "里水镇青年座谈会",
        "kind": "forum",
        "community_id": community_id,
        "signup_opens_at": _iso(now - timedelta(days=1)),
        "signup_closes_at": _iso(now + timedelta(days=5)),
        "status": "published",
        "sessions": [
            {
                "starts_at": (now + timedelta(days=6)).strftime("%Y-%m-%dT%H:%M:%S"),  # naive = local time
                "ends_at": _iso(now + timedelta(days=6, hours=2)),
                "roles": [{"name": "会务", "capacity": 1}],
            }
        ],
    }
    spec.update(overrides)
    return spec


def test_staff_create_an_event_with_sessions_and_roles_and_get_it_back_with_ids(client, staff, token_for, communities):
    headers = token_for(staff)
    response = client.post("/api/v1/events", json=body(communities["北沙"].id), headers=headers)
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert data["id"] and data["status"] == "published"
    session = data["sessions"][0]
    assert session["id"] and session["roles"][0]["id"] and session["roles"][0]["capacity"] == 1
    assert session["starts_at"].endswith("+08:00")
    again = client.get(f"/api/v1/events/{data['id']}", headers=headers).get_json()
    assert again["sessions"][0]["roles"][0]["places_left"] == 1


def test_nested_errors_come_back_flat_with_dotted_names(client, staff, token_for, communities):
    bad = body(communities["北沙"].id)
    bad["sessions"][0]["roles"][0]["capacity"] = -1
    response = client.post("/api/v1/events", json=bad, headers=token_for(staff))
    assert response.status_code == 422
    assert "sessions.0.roles.0.capacity" in response.get_json()["errors"]

    backwards = body(communities["北沙"].id)
    backwards["sessions"][0]["ends_at"] = backwards["signup_opens_at"]
    response = client.post("/api/v1/events", json=backwards, headers=token_for(staff))
    assert response.status_code == 422
    assert "sessions.0.ends_at" in response.get_json()["errors"]


@pytest.mark.parametrize("junk", [{"capacity": "many"}, {"name": None}, {"extra": 1}])
def test_bad_input_is_a_422_never_a_500(client, staff, token_for, communities, junk):
    bad = body(communities["北沙"].id)
    bad["sessions"][0]["roles"][0].update(junk)
    response = client.post("/api/v1/events", json=bad, headers=token_for(staff))
    assert response.status_code == 422


def test_publishing_checks_the_event_is_complete(client, staff, token_for, communities):
    headers = token_for(staff)
    draft = body(communities["北沙"].id, status="draft", sessions=[], signup_closes_at=None)
    event_id = client.post("/api/v1/events", json=draft, headers=headers).get_json()["id"]
    response = client.patch(f"/api/v1/events/{event_id}", json={"status": "published"}, headers=headers)
    assert response.status_code == 422
    assert {"sessions", "signup_closes_at"} <= set(response.get_json()["errors"])


def test_cancelling_needs_a_reason(client, staff, token_for, event):
    headers = token_for(staff)
    response = client.patch(f"/api/v1/events/{event.id}", json={"status": "cancelled"}, headers=headers)
    assert response.status_code == 422 and "cancel_reason" in response.get_json()["errors"]
    response = client.patch(
        f"/api/v1/events/{event.id}", json={"status": "cancelled", "cancel_reason": "暴雨"}, headers=headers
    )
    assert response.get_json()["status"] == "cancelled"
    again = client.patch(f"/api/v1/events/{event.id}", json={"status": "published"}, headers=headers)
    assert again.status_code == 409


def test_a_team_leader_organises_for_their_own_team_only(client, make_user, token_for, team, other_team, communities):
    leader = make_user("team_leader", scope=f"team:{team.id}")
    headers = token_for(leader)
    mine = client.post("/api/v1/events", json=body(communities["北沙"].id, team_id=team.id), headers=headers)
    assert mine.status_code == 201
    theirs = client.post("/api/v1/events", json=body(communities["北沙"].id, team_id=other_team.id), headers=headers)
    assert theirs.status_code == 403


def test_volunteers_do_not_see_drafts(client, make_user, token_for, make_event):
    draft = make_event(title="未发布的草稿", status="draft")
    volunteer = make_user("volunteer")
    assert client.get(f"/api/v1/events/{draft.id}", headers=token_for(volunteer)).status_code == 403
    listed = client.get("/api/v1/events?q=草稿", headers=token_for(volunteer)).get_json()
    assert listed["total"] == 0


def test_the_list_filters_by_date_kind_community_status_and_words(client, staff, token_for, make_event, communities):
    make_event(title="草场清洁")
    make_event(title="北沙壁画", kind="mural", community_id=communities["北沙"].id)
    make_event(
        title="明年夏令营",
        kind="summer_camp",
        sessions=[{"starts_at": at(200), "ends_at": at(205), "roles": [{"name": "助教", "capacity": 5}]}],
    )
    headers = token_for(staff)

    def titles(query: str) -> list[str]:
        data = client.get(f"/api/v1/events?{query}", headers=headers).get_json()
        assert {"items", "total", "page", "per_page"} <= set(data) <= {"items", "total", "page", "per_page", "next"}
        return [item["title"] for item in data["items"]]

    assert titles("kind=mural") == ["北沙壁画"]
    assert titles(f"community_id={communities['北沙'].id}") == ["北沙壁画"]
    assert titles("q=夏令") == ["明年夏令营"]
    assert titles(f"from={at(100).date().isoformat()}T00:00:00") == ["明年夏令营"]
    assert titles(f"to={at(100).date().isoformat()}T00:00:00&per_page=1") in (["草场清洁"], ["北沙壁画"])
    assert titles("status=draft") == []
    assert client.get("/api/v1/events?kind=nonsense", headers=headers).status_code == 422
    assert client.get("/api/v1/events?from=yesterday", headers=headers).status_code == 422


def test_listing_events_does_not_query_per_row(client, staff, token_for, make_event, query_counter, app):
    headers = token_for(staff)

    def count_for_list() -> int:
        with query_counter() as statements:
            assert client.get("/api/v1/events?per_page=50", headers=headers).status_code == 200
        return len(statements)

    make_event(title="一")
    few = count_for_list()
    for n in range(12):
        make_event(title=f"活动{n}")
    assert count_for_list() == few


def test_signup_endpoints_say_confirmed_or_waitlisted_at_once_and_delete_promotes(
    client, token_for, register, event, role, staff
):
    a, b = register(), register()
    first = client.post("/api/v1/signups", json={"role_id": role.id}, headers=token_for(a.user))
    assert first.status_code == 201
    assert first.get_json()["status"] == "confirmed"
    services.update_role(SYSTEM, role.id, capacity=1)
    second = client.post("/api/v1/signups", json={"role_id": role.id}, headers=token_for(b.user)).get_json()
    assert (second["status"], second["waitlist_position"]) == ("waitlisted", 1)

    duplicate = client.post("/api/v1/signups", json={"role_id": role.id}, headers=token_for(b.user))
    assert duplicate.status_code == 409
    assert duplicate.get_json()["error"]["code"] == "already_signed_up"

    roster = client.get(f"/api/v1/signups?role_id={role.id}", headers=token_for(staff)).get_json()
    assert [item["status"] for item in roster["items"]] == ["confirmed", "waitlisted"]
    assert client.get(f"/api/v1/signups?role_id={role.id}", headers=token_for(a.user)).status_code == 403

    assert client.delete(f"/api/v1/signups/{first.get_json()['id']}", headers=token_for(a.user)).status_code == 204
    mine = client.get("/api/v1/me/signups", headers=token_for(b.user)).get_json()
    assert [(item["status"], item["event"]) for item in mine["items"]] == [("confirmed", event.title)]
    assert client.delete(f"/api/v1/signups/{second['id']}", headers=token_for(a.user)).status_code == 404


def test_a_leader_signs_up_a_whole_team_through_the_api(client, make_user, token_for, register, team, role):
    leader = make_user("team_leader", scope=f"team:{team.id}")
    for _ in range(3):
        org.add_member(SYSTEM, team.id, volunteer_id=register().id)
    db.session.commit()
    response = client.post(
        "/api/v1/signups/bulk", json={"role_id": role.id, "team_id": team.id}, headers=token_for(leader)
    )
    assert response.status_code == 200, response.get_json()
    data = response.get_json()
    assert (data["confirmed"], data["waitlisted"], data["refused"]) == (2, 1, 0)


def test_signing_up_without_a_volunteer_profile_says_so(client, make_user, token_for, role):
    response = client.post("/api/v1/signups", json={"role_id": role.id}, headers=token_for(make_user("volunteer")))
    assert response.status_code == 422 and "volunteer_id" in response.get_json()["errors"]
    assert client.post("/api/v1/signups", json={"role_id": 999999}, headers=token_for(make_user())).status_code in (
        404,
        422,
    )


# ---------------------------------------------------------------------------------------------- one validation of the
# whole event (issue 11, items 2, 4 and 19)


def test_two_sessions_at_one_start_answer_422_naming_the_session(client, staff, token_for, communities):
    headers = token_for(staff)
    twice = body(communities["北沙"].id)
    twice["sessions"].append(dict(twice["sessions"][0]))
    response = client.post("/api/v1/events", json=twice, headers=headers)
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert list(response.get_json()["errors"]) == ["sessions.1.starts_at"]


def test_moving_a_session_onto_another_sessions_start_answers_422(client, staff, token_for, make_event):
    event = make_event(
        sessions=[
            {"starts_at": at(7), "ends_at": at(7, 3), "roles": [{"name": "清洁队员", "capacity": 2}]},
            {"starts_at": at(8), "ends_at": at(8, 3), "roles": [{"name": "清洁队员", "capacity": 2}]},
        ]
    )
    first, second = event.sessions
    headers = token_for(staff)
    response = client.patch(f"/api/v1/sessions/{second.id}", json={"starts_at": _iso(at(7))}, headers=headers)
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert "starts_at" in response.get_json()["errors"]
    again = client.get(f"/api/v1/events/{event.id}", headers=headers).get_json()
    assert [s["id"] for s in again["sessions"]] == [first.id, second.id]


def test_an_edit_cannot_move_signup_closing_past_the_end_which_creating_refuses(
    client, staff, token_for, communities, make_event
):
    headers = token_for(staff)
    late = body(communities["北沙"].id, status="draft")
    late["signup_closes_at"] = _iso(utcnow() + timedelta(days=9))
    created = client.post("/api/v1/events", json=late, headers=headers)
    assert created.status_code == 422 and "signup_closes_at" in created.get_json()["errors"]

    event = make_event()  # one session at day 7, sign-up closing at day 6
    moved = client.patch(f"/api/v1/events/{event.id}", json={"signup_closes_at": _iso(at(9))}, headers=headers)
    assert moved.status_code == 422 and "signup_closes_at" in moved.get_json()["errors"]
    session_id = event.sessions[0].id
    earlier = client.patch(
        f"/api/v1/sessions/{session_id}", json={"starts_at": _iso(at(4)), "ends_at": _iso(at(4, 3))}, headers=headers
    )
    assert earlier.status_code == 422 and "signup_closes_at" in earlier.get_json()["errors"]
    assert client.get(f"/api/v1/events/{event.id}", headers=headers).get_json()["signup_closes_at"].startswith(
        to_local(at(6)).date().isoformat()
    )


def test_completing_is_refused_while_a_session_has_not_ended(client, staff, token_for, make_event):
    role = [{"name": "清洁队员", "capacity": 2}]
    event = make_event(
        signup_opens_at=at(-10),
        signup_closes_at=at(-3),
        sessions=[
            {"starts_at": at(-2), "ends_at": at(-2, 3), "roles": role},
            {"starts_at": at(5), "ends_at": at(5, 3), "title": "第二期", "roles": role},
        ],
    )
    headers = token_for(staff)
    response = client.patch(f"/api/v1/events/{event.id}", json={"status": "completed"}, headers=headers)
    assert response.status_code == 409, response.get_json()
    assert "第二期" in response.get_json()["error"]["message"]
    assert client.get(f"/api/v1/events/{event.id}", headers=headers).get_json()["status"] == "published"

    services.delete_session(SYSTEM, event.sessions[1].id)
    done = client.patch(f"/api/v1/events/{event.id}", json={"status": "completed"}, headers=headers)
    assert done.status_code == 200 and done.get_json()["status"] == "completed"


def test_a_session_added_in_the_past_comes_back_with_a_warning(client, staff, token_for, make_event):
    event = make_event(status="draft", signup_closes_at=None, signup_opens_at=None)
    headers = token_for(staff)
    url = f"/api/v1/events/{event.id}/sessions"
    past = client.post(url, json={"starts_at": _iso(at(-3)), "ends_at": _iso(at(-3, 2))}, headers=headers)
    assert past.status_code == 201 and past.get_json()["warnings"]
    future = client.post(url, json={"starts_at": _iso(at(9)), "ends_at": _iso(at(9, 2))}, headers=headers)
    assert future.status_code == 201 and future.get_json()["warnings"] == []


def test_when_two_requests_race_to_one_start_the_database_gives_the_same_422(
    client, staff, token_for, make_event, monkeypatch
):
    event = make_event()
    monkeypatch.setattr(services.writing, "check_event", lambda *args, **kwargs: None)  # as if the other request won
    headers = token_for(staff)
    start = event.sessions[0].starts_at
    added = client.post(
        f"/api/v1/events/{event.id}/sessions",
        json={"starts_at": _iso(start), "ends_at": _iso(start + timedelta(hours=1))},
        headers=headers,
    )
    assert added.status_code == 422 and list(added.get_json()["errors"]) == ["starts_at"]
    other = services.add_session(SYSTEM, event.id, starts_at=at(9), ends_at=at(9, 2))
    moved = client.patch(f"/api/v1/sessions/{other.id}", json={"starts_at": _iso(start)}, headers=headers)
    assert moved.status_code == 422 and list(moved.get_json()["errors"]) == ["starts_at"]
