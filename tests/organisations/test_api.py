"""/api/v1 of the registry: envelopes, status codes, field errors, masking, scopes, and no 500 on bad input."""

from __future__ import annotations

import json
from datetime import date, time

import pytest
import sqlalchemy as sa

from tests.organisations.conftest import make_id_number
from volunteer_app.accounts.models import User
from volunteer_app.core import time as clock
from volunteer_app.core.audit import AuditEntry
from volunteer_app.core.policy import SYSTEM
from volunteer_app.extensions import db
from volunteer_app.organisations import services as org
from volunteer_app.organisations.models import VolunteerProfile

FULL_ID = "440524188001010014"
FULL_PHONE = "13800138000"


@pytest.fixture
def staff(make_user, token_for):
    return token_for(make_user("league_staff"))


@pytest.fixture
def liang(register, team):
    profile = register(name="梁子轩", phone=FULL_PHONE, id_number=FULL_ID)
    org.add_member(SYSTEM, team.id, volunteer_id=profile.id)
    return profile


def body_of(communities, **overrides) -> dict:
    body = {
        "username": "liangzx",
        "password": "correct-horse-9",
        "name": "梁子轩",
        "phone": FULL_PHONE,
        "id_number": FULL_ID,
        "political_status": "league_member",
        "community_id": communities["草场"].id,
    }
    body.update(overrides)
    return body


def test_a_list_answers_the_envelope_and_caps_per_page(client, staff, communities):
    response = client.get("/api/v1/communities?per_page=500", headers=staff)
    assert response.status_code == 200
    data = response.get_json()
    assert set(data) == {"items", "total", "page", "per_page"}
    assert (data["total"], data["page"], data["per_page"]) == (6, 1, 100)
    second = client.get("/api/v1/communities?per_page=4&page=2", headers=staff).get_json()
    assert [c["name"] for c in second["items"]] == sorted(c.name for c in communities.values())[4:]


def test_creating_answers_201_with_the_id(client, staff, town):
    response = client.post(
        "/api/v1/communities", json={"town_id": town.id, "name": "金溪", "kind": "village"}, headers=staff
    )
    assert response.status_code == 201
    created = response.get_json()
    assert created["id"] and created["town"] == "里水镇" and created["is_covered"] is False
    patched = client.patch(f"/api/v1/communities/{created['id']}", json={"name": "金溪村"}, headers=staff)
    assert patched.get_json()["name"] == "金溪村"


def test_the_status_codes_follow_the_conventions(client, staff, make_user, token_for, town):
    assert client.get("/api/v1/communities").status_code == 401
    volunteer = token_for(make_user("volunteer"))
    forbidden = client.post("/api/v1/communities", json={"town_id": town.id, "name": "x"}, headers=volunteer)
    assert forbidden.status_code == 403 and forbidden.get_json()["error"]["code"] == "forbidden"
    missing = client.get("/api/v1/teams/999", headers=staff)
    assert missing.status_code == 404 and set(missing.get_json()["error"]) == {"code", "message"}
    invalid = client.post("/api/v1/communities", json={"town_id": town.id, "name": ""}, headers=staff)
    assert invalid.status_code == 422 and "name" in invalid.get_json()["errors"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/communities", {"town_id": "abc", "name": 5}),
        ("/api/v1/communities", {"town_id": 2**63, "name": "x"}),
        ("/api/v1/teams", {"name": "x", "kind": "other", "unexpected": 1}),
        ("/api/v1/pairings", {"team_id": 2**40, "community_id": -1}),
        ("/api/v1/youth-groups", {"community_id": None}),
        ("/api/v1/service-points", {"station_id": 1, "name": "x", "community_ids": ["a"]}),
        (
            "/api/v1/liaison-stations",
            {"name": "x", "reception_weekday": 1, "reception_start": "25:99", "reception_end": "nope"},
        ),
        ("/api/v1/volunteers/register", {"username": ["x"], "guardian": "yes"}),
        ("/api/v1/volunteers/register", [1, 2, 3]),
    ],
)
def test_bad_input_is_a_field_error_never_a_500(client, staff, town, path, body):
    response = client.post(path, json=body, headers=staff)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.get_json()["errors"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/teams/99999999999999999999",
        "/api/v1/volunteers/2147483648",
        "/api/v1/communities?town_id=abc",
        "/api/v1/volunteers?community_id=99999999999",
        "/api/v1/teams?q=%00%25_",
        "/api/v1/coverage?page=-3",
    ],
)
def test_bad_paths_and_query_strings_never_500(client, staff, path):
    assert client.get(path, headers=staff).status_code in (200, 404, 422)


def test_control_characters_are_dropped_not_stored(client, staff):
    response = client.post("/api/v1/teams", json={"name": "x\u0007y", "kind": "other"}, headers=staff)
    assert response.status_code == 201 and response.get_json()["name"] == "xy"


def test_a_nul_character_is_refused_not_dropped(client, staff):
    """The one control character PostgreSQL cannot hold is a field error at the API's door (tests/api)."""
    response = client.post("/api/v1/teams", json={"name": "x\u0000y", "kind": "other"}, headers=staff)
    assert response.status_code == 422 and list(response.get_json()["errors"]) == ["name"]


def test_a_body_that_is_not_json_is_a_client_error(client, staff):
    response = client.post("/api/v1/teams", data="{not json", content_type="application/json", headers=staff)
    assert response.status_code in (400, 422)


# ---------------------------------------------------------------------------------------------- registration


def test_a_person_registers_over_the_api_without_a_token_and_gets_their_masked_profile(client, communities):
    response = client.post("/api/v1/volunteers/register", json=body_of(communities, skills=["摄影"]))
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert data["id"] and data["user_id"]
    assert data["id_number_masked"] == "440524********0014"
    assert data["phone_masked"] == "138****8000"
    assert (data["sex"], data["birth_date"]) == ("M", "1880-01-01")
    assert data["skills"] == ["摄影"]
    assert FULL_ID not in json.dumps(data) and FULL_PHONE not in json.dumps(data)
    me = client.get("/api/v1/volunteers/me", headers={"Authorization": f"Bearer {data['access_token']}"})
    assert me.get_json()["id"] == data["id"]
    assert db.session.get(User, data["user_id"]).roles == ["volunteer"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"id_number": "440524188001010015"}, "id_number"),
        ({"id_number": "44052418800101001"}, "id_number"),
        ({"phone": "1380013800"}, "phone"),
        ({"political_status": "anarchist"}, "political_status"),
        ({"community_id": 424242}, "community_id"),
        ({"id_number": make_id_number(date(2012, 6, 1), sequence=321)}, "guardian.consent"),
        (
            {
                "id_number": make_id_number(date(2012, 6, 1), sequence=321),
                "guardian": {"name": "刘建国", "phone": "13900139008", "consent": False},
            },
            "guardian.consent",
        ),
        (
            {
                "id_number": make_id_number(date(2012, 6, 1), sequence=321),
                "guardian": {"name": "刘建国", "phone": "123", "consent": True},
            },
            "guardian.phone",
        ),
    ],
)
def test_bad_registrations_are_422_with_the_field_and_write_nothing(client, communities, overrides, field):
    response = client.post("/api/v1/volunteers/register", json=body_of(communities, **overrides))
    assert response.status_code == 422
    assert field in response.get_json()["errors"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VolunteerProfile)) == 0


def test_a_duplicate_registration_is_422_and_does_not_reveal_the_holder(client, communities):
    client.post("/api/v1/volunteers/register", json=body_of(communities))
    response = client.post(
        "/api/v1/volunteers/register",
        json=body_of(communities, username="someone-else", phone="13900000000", name="冒名者"),
    )
    assert response.status_code == 422
    text = json.dumps(response.get_json(), ensure_ascii=False)
    for secret in ("梁子轩", "liangzx", FULL_PHONE, "138****8000", "8000"):
        assert secret not in text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_a_minor_registers_with_a_guardian(client, communities):
    response = client.post(
        "/api/v1/volunteers/register",
        json=body_of(
            communities,
            id_number=make_id_number(date(2012, 6, 1), sequence=321),
            guardian={"name": "刘建国", "phone": "13900139008", "consent": True},
        ),
    )
    assert response.status_code == 201
    assert response.get_json()["guardian"]["phone_masked"] == "139****9008"


# ---------------------------------------------------------------------------------------------- masking


def test_no_api_path_shows_a_full_id_or_phone_number(client, staff, make_user, token_for, liang, team):
    leader = token_for(make_user("team_leader", scope=f"team:{team.id}"))
    own = token_for(db.session.get(User, liang.user_id))
    seen = []
    for headers, path in [
        (staff, "/api/v1/volunteers"),
        (staff, "/api/v1/volunteers?q=8000"),
        (staff, f"/api/v1/volunteers/{liang.id}"),
        (leader, "/api/v1/volunteers"),
        (leader, f"/api/v1/volunteers/{liang.id}"),
        (leader, f"/api/v1/teams/{team.id}/members"),
        (staff, f"/api/v1/teams/{team.id}"),
        (own, "/api/v1/volunteers/me"),
        (own, f"/api/v1/volunteers/{liang.id}"),
    ]:
        response = client.get(path, headers=headers)
        assert response.status_code == 200, path
        text = response.get_data(as_text=True)
        assert FULL_ID not in text and FULL_PHONE not in text, path
        seen.append(text)
    assert any("440524********0014" in text for text in seen)
    assert all("138****8000" in text for text in seen if "梁子轩" in text and "phone" in text)


def test_the_full_number_is_revealed_to_staff_and_self_and_audited(client, staff, make_user, token_for, liang, team):
    response = client.post(
        f"/api/v1/volunteers/{liang.id}/reveal", json={"fields": ["id_number"], "reason": "保险"}, headers=staff
    )
    assert response.get_json() == {"id_number": FULL_ID}
    own = token_for(db.session.get(User, liang.user_id))
    assert client.post(f"/api/v1/volunteers/{liang.id}/reveal", json={}, headers=own).get_json() == {
        "id_number": FULL_ID,
        "phone": FULL_PHONE,
    }
    leader = token_for(make_user("team_leader", scope=f"team:{team.id}"))
    assert client.post(f"/api/v1/volunteers/{liang.id}/reveal", json={}, headers=leader).status_code == 403
    reveals = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "reveal")).all()
    assert len(reveals) == 2


def test_a_team_leader_lists_only_their_members_and_edits_only_their_team(
    client, make_user, token_for, team, other_team, liang, register
):
    org.add_member(SYSTEM, other_team.id, volunteer_id=register(name="外队").id)
    leader = token_for(make_user("team_leader", scope=f"team:{team.id}"))
    listed = client.get("/api/v1/volunteers", headers=leader).get_json()
    assert [v["name"] for v in listed["items"]] == ["梁子轩"]
    assert client.patch(f"/api/v1/teams/{team.id}", json={"description": "常态化"}, headers=leader).status_code == 200
    assert client.patch(f"/api/v1/teams/{other_team.id}", json={"description": "x"}, headers=leader).status_code == 403
    assert client.get(f"/api/v1/teams/{other_team.id}/members", headers=leader).status_code == 403


def test_a_volunteer_edits_their_own_profile_only(client, token_for, liang, register, communities):
    own = token_for(db.session.get(User, liang.user_id))
    other = register()
    ok = client.patch(
        f"/api/v1/volunteers/{liang.id}", json={"skills": ["急救"], "availability": ["weekend"]}, headers=own
    )
    assert ok.status_code == 200 and ok.get_json()["skills"] == ["急救"]
    assert client.patch(f"/api/v1/volunteers/{other.id}", json={"skills": []}, headers=own).status_code == 404
    bad = client.patch(f"/api/v1/volunteers/{liang.id}", json={"phone": "12"}, headers=own)
    assert bad.status_code == 422 and "phone" in bad.get_json()["errors"]


# ---------------------------------------------------------------------------------------------- the registry


def test_teams_are_created_filtered_by_kind_community_and_words(client, staff, town, communities):
    created = client.post(
        "/api/v1/teams",
        json={"name": "里水镇退役军人志愿服务队", "kind": "veterans", "town_id": town.id},
        headers=staff,
    )
    assert created.status_code == 201
    team_id = created.get_json()["id"]
    client.post("/api/v1/teams", json={"name": "里水义工联", "kind": "town_federation"}, headers=staff)
    client.post(
        "/api/v1/pairings",
        json={"team_id": team_id, "community_id": communities["白岗"].id, "purpose": "党建星期二"},
        headers=staff,
    )
    assert [t["name"] for t in client.get("/api/v1/teams?kind=veterans", headers=staff).get_json()["items"]] == [
        "里水镇退役军人志愿服务队"
    ]
    paired = client.get(f"/api/v1/teams?community_id={communities['白岗'].id}", headers=staff).get_json()
    assert paired["total"] == 1
    assert client.get("/api/v1/teams?q=义工", headers=staff).get_json()["items"][0]["name"] == "里水义工联"
    assert client.get("/api/v1/teams?kind=band", headers=staff).status_code == 422


def test_members_are_added_and_leave_with_dates(client, staff, team, register):
    profile = register()
    added = client.post(
        f"/api/v1/teams/{team.id}/members", json={"volunteer_id": profile.id, "joined_on": "2026-03-01"}, headers=staff
    )
    assert added.status_code == 201
    membership = added.get_json()
    left = client.patch(
        f"/api/v1/teams/{team.id}/members/{membership['id']}", json={"left_on": "2026-06-01"}, headers=staff
    )
    assert left.get_json()["left_on"] == "2026-06-01"
    assert client.get(f"/api/v1/teams/{team.id}/members", headers=staff).get_json()["total"] == 0
    assert client.get(f"/api/v1/teams/{team.id}/members?include_former=true", headers=staff).get_json()["total"] == 1


def test_a_pairing_with_an_unknown_team_is_422_on_team_id(client, staff, communities):
    response = client.post(
        "/api/v1/pairings", json={"team_id": 4242, "community_id": communities["草场"].id}, headers=staff
    )
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["team_id"]


def test_youth_groups_say_whether_they_are_complete_and_what_they_miss(client, staff, communities):
    created = client.post("/api/v1/youth-groups", json={"community_id": communities["金旗峰"].id}, headers=staff)
    assert created.status_code == 201
    group = created.get_json()
    assert group["is_complete"] is False
    assert {m["part"]: m["count"] for m in group["missing"]} == {
        "party_member": 1,
        "league_cadre": 1,
        "league_member": 2,
    }
    for part in ("party_member", "league_cadre", "league_member"):
        group = client.post(
            f"/api/v1/youth-groups/{group['id']}/members", json={"part": part, "name": part}, headers=staff
        ).get_json()
    assert [m["part"] for m in group["missing"]] == ["league_member"]
    refused = client.post(f"/api/v1/youth-groups/{group['id']}/activate", headers=staff)
    assert refused.status_code == 422 and "status" in refused.get_json()["errors"]
    group = client.post(
        f"/api/v1/youth-groups/{group['id']}/members", json={"part": "league_member", "name": "x"}, headers=staff
    ).get_json()
    assert group["is_complete"] is True and group["missing"] == []
    activated = client.post(f"/api/v1/youth-groups/{group['id']}/activate", headers=staff).get_json()
    assert activated["status"] == "active" and activated["activated_at"].endswith("+08:00")
    listed = client.get("/api/v1/youth-groups?status=active", headers=staff).get_json()
    assert [g["id"] for g in listed["items"]] == [group["id"]]
    member_id = group["members"][0]["id"]
    after = client.delete(f"/api/v1/youth-groups/{group['id']}/members/{member_id}", headers=staff).get_json()
    assert after["is_complete"] is False


def test_service_points_refuse_a_community_already_covered_and_coverage_adds_up(client, staff, station, communities):
    c = communities
    first = client.post(
        "/api/v1/service-points",
        json={
            "station_id": station.id,
            "name": "新兴社会工作服务点",
            "opened_on": "2025-10-16",
            "community_ids": [c["草场"].id, c["布新"].id, c["白岗"].id],
        },
        headers=staff,
    )
    assert first.status_code == 201
    assert {x["name"] for x in first.get_json()["communities"]} == {"草场", "布新", "白岗"}
    clash = client.post(
        "/api/v1/service-points",
        json={"station_id": station.id, "name": "北沙社会工作服务点", "community_ids": [c["北沙"].id, c["草场"].id]},
        headers=staff,
    )
    assert clash.status_code == 422 and "community_ids" in clash.get_json()["errors"]
    client.post(
        "/api/v1/service-points",
        json={
            "station_id": station.id,
            "name": "北沙社会工作服务点",
            "opened_on": "2026-09-08",
            "community_ids": [c["北沙"].id, c["同声"].id, c["金旗峰"].id],
        },
        headers=staff,
    )
    coverage = client.get("/api/v1/coverage", headers=staff).get_json()
    town = coverage["items"][0]
    assert (town["town"], town["covered"], town["total"], town["percent"]) == ("里水镇", 6, 6, 100)
    assert [s["percent"] for s in town["steps"]] == [50, 100]
    covering = client.get(f"/api/v1/service-points?community_id={c['同声'].id}", headers=staff).get_json()
    assert [p["name"] for p in covering["items"]] == ["北沙社会工作服务点"]


def test_a_supervisor_assigns_a_social_worker_to_a_point_of_their_station(client, make_user, token_for, station):
    point = org.create_point(SYSTEM, station_id=station.id, name="新兴社会工作服务点")
    supervisor = token_for(make_user("station_supervisor", scope=f"service_station:{station.id}"))
    worker = make_user("social_worker")
    response = client.post(
        f"/api/v1/service-points/{point.id}/workers", json={"user_id": worker.id}, headers=supervisor
    )
    assert response.status_code == 200 and response.get_json() == [
        {"user_id": worker.id, "display_name": worker.display_name}
    ]
    assert worker.scopes("social_worker", "service_point") == {point.id}


def test_a_liaison_station_lists_its_next_tuesday_receptions(client, staff, communities):
    created = client.post(
        "/api/v1/liaison-stations",
        json={
            "name": "平东社区人大代表联络站",
            "community_id": communities["同声"].id,
            "reception_weekday": 1,
            "reception_start": "14:30",
            "reception_end": "17:30",
            "deputies": [{"name": "罗锦华", "title": "平东社区党委书记"}, {"name": "巫明燕"}],
        },
        headers=staff,
    )
    assert created.status_code == 201, created.get_json()
    station = created.get_json()
    assert station["reception"]["weekday"] == 1 and station["reception"]["start"] == "14:30"
    assert station["reception"]["except_public_holidays"] is True
    days = [date.fromisoformat(r["date"]) for r in station["next_receptions"]]
    assert len(days) == 6 and all(d.weekday() == 1 for d in days) and days == sorted(days)
    assert days[0] >= clock.today()
    assert [d["name"] for d in station["deputies"]] == ["罗锦华", "巫明燕"]
    assert client.get("/api/v1/liaison-stations?q=巫明燕", headers=staff).get_json()["total"] == 1
    bad = client.patch(f"/api/v1/liaison-stations/{station['id']}", json={"reception_end": "13:00"}, headers=staff)
    assert bad.status_code == 422 and "reception_end" in bad.get_json()["errors"]


# ---------------------------------------------------------------------------------------------- no query per row


def _fill(town, communities, station, team, register, rows: int) -> None:
    for n in range(rows):
        t = org.create_team(SYSTEM, name=f"队{len(town.communities)}-{n}", kind="other", town_id=town.id)
        c = org.create_community(SYSTEM, town_id=town.id, name=f"村{len(town.communities)}-{n}")
        profile = register()
        org.add_member(SYSTEM, t.id, volunteer_id=profile.id)
        org.create_pairing(SYSTEM, team_id=t.id, community_id=c.id)
        group = org.create_youth_group(SYSTEM, community_id=c.id)
        org.add_group_member(SYSTEM, group.id, part="party_member", name="甲")
        org.create_point(SYSTEM, station_id=station.id, name=f"点{c.id}", community_ids=[c.id])
        org.create_liaison_station(
            SYSTEM,
            name=f"站{c.id}",
            community_id=c.id,
            reception_weekday=1,
            reception_start=time(14, 30),
            reception_end=time(17, 30),
            deputies=[{"name": "甲"}, {"name": "乙"}],
        )


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/communities",
        "/api/v1/teams",
        "/api/v1/pairings",
        "/api/v1/youth-groups",
        "/api/v1/service-points",
        "/api/v1/service-stations",
        "/api/v1/liaison-stations",
        "/api/v1/volunteers",
        "/api/v1/coverage",
    ],
)
def test_lists_do_not_query_once_per_row(
    client, staff, town, communities, station, team, register, query_counter, path
):
    _fill(town, communities, station, team, register, 2)
    db.session.expire_all()
    with query_counter() as few:
        client.get(path + "?per_page=100", headers=staff)
    _fill(town, communities, station, team, register, 6)
    db.session.expire_all()
    with query_counter() as many:
        client.get(path + "?per_page=100", headers=staff)
    assert len(many) == len(few), f"{path}: {len(few)} queries for few rows, {len(many)} for more"


def test_the_openapi_document_describes_the_registry(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in (
        "/api/v1/communities",
        "/api/v1/teams/{team_id}/members",
        "/api/v1/youth-groups",
        "/api/v1/coverage",
        "/api/v1/volunteers/register",
        "/api/v1/liaison-stations",
    ):
        assert path in paths


@pytest.mark.parametrize("page", ["999999999999999999", "99999999999999999999999"])
def test_a_huge_page_number_is_an_empty_page_not_a_500(client, staff, page):
    response = client.get(f"/api/v1/teams?page={page}", headers=staff)
    assert response.status_code == 200
    assert response.get_json()["items"] == []
