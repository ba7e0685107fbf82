"""The events API: nested create, validation shape, publishing rules, filters, sign-up endpoints, query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.events.conftest import at
from volunteer_app.core.policy import SYSTEM
from volunteer_app.core.time import utcnow
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
        assert set(data) == {"items", "total", "page", "per_page"}
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
    assert client.delete(f"/api/v1/signups/{second['id']}", headers=token_for(a.user)).status_code == 403


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
