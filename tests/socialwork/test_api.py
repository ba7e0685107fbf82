"""/api/v1/households and friends: envelopes, 201 with id, field errors, masking by the one decision, audit."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from tests.socialwork.conftest import make_id_number
from volunteer_app.core.audit import AuditEntry
from volunteer_app.core.time import utcnow
from volunteer_app.extensions import db

HEAD_ID = make_id_number(date(1956, 4, 18), 282)


def body(place, **overrides) -> dict:
    data = {
        "community_id": place["新兴"].id,
        "address": "新兴社区东街12号",
        "members": [
            {"name": "陈桂英", "relation": "head", "id_number": HEAD_ID, "phone": "13926010001", "flags": ["dibao"]},
            {"name": "陈子豪", "relation": "grandchild", "id_number": None, "phone": None,
             "flags": ["left_behind_child"]},
        ],
    }  # fmt: skip
    data.update(overrides)
    return data


def test_a_worker_opens_a_file_and_gets_201_with_full_numbers_the_point_from_the_community(
    client, place, people, token_for
):
    response = client.post("/api/v1/households", json=body(place), headers=token_for(people["worker"]))
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert (
        data["id"] and data["service_point_id"] == place["xinxing"].id and data["worker"]["id"] == people["worker"].id
    )
    head = data["members"][0]
    assert head["id_number"] == HEAD_ID and head["id_number_masked"] == "440605********" + HEAD_ID[-4:]
    assert head["phone"] == "13926010001" and head["phone_masked"] == "139****0001"
    assert (head["sex"], head["birth_date"]) == ("F", "1956-04-18")
    assert data["is_target"] and "dibao" in data["flags"]


def test_a_colleague_at_the_same_point_sees_the_file_masked_and_the_supervisor_in_full(
    client, place, people, token_for
):
    certificate = HEAD_ID + "42"  # a disability certificate number is the ID number and two digits
    disabled_head = {"name": "陈桂英", "relation": "head", "id_number": HEAD_ID, "phone": "13926010001",
                     "flags": ["dibao", "disability"], "disability_type": "physical", "disability_grade": 2,
                     "disability_certificate": certificate}  # fmt: skip
    created = client.post(
        "/api/v1/households", json=body(place, members=[disabled_head]), headers=token_for(people["worker"])
    ).get_json()
    url = f"/api/v1/households/{created['id']}"
    colleague = client.get(url, headers=token_for(people["colleague"])).get_json()
    head = colleague["members"][0]
    assert "id_number" not in head and "phone" not in head and head["id_number_masked"].endswith(HEAD_ID[-4:])
    assert "disability_certificate" not in head
    assert head["disability_certificate_masked"] == "440605" + "*" * 10 + certificate[-4:]
    assert colleague["full_numbers"] is False
    assert HEAD_ID not in client.get(f"{url}/members", headers=token_for(people["colleague"])).get_data(as_text=True)
    reveal = client.post(f"{url}/members/{head['id']}/reveal", json={}, headers=token_for(people["colleague"]))
    assert reveal.status_code == 403
    supervisor = client.get(url, headers=token_for(people["supervisor"])).get_json()
    assert supervisor["members"][0]["id_number"] == HEAD_ID
    revealed = client.post(f"{url}/members/{head['id']}/reveal", json={"reason": "办理医疗救助"},
                           headers=token_for(people["supervisor"]))  # fmt: skip
    assert revealed.get_json() == {"id_number": HEAD_ID, "phone": "13926010001", "disability_certificate": certificate}
    entries = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.object_type == "household", AuditEntry.object_id == str(created["id"]))
    ).all()
    assert {(e.actor_name, e.action) for e in entries} >= {
        ("chenjie", "view"),
        ("lijing", "view"),
        ("lijing", "reveal"),
    }
    assert any(e.reason == "办理医疗救助" for e in entries)
    looked = client.get(f"{url}/who-looked", headers=token_for(people["supervisor"])).get_json()
    assert {"chenjie", "lijing"} <= {item["actor"] for item in looked["items"]}
    assert client.get(f"{url}/who-looked", headers=token_for(people["worker"])).status_code == 403


def test_field_errors_come_back_as_422_with_each_field(client, place, people, token_for):
    headers = token_for(people["worker"])
    bad = body(place, members=[
        {"name": "甲", "relation": "spouse", "id_number": HEAD_ID[:-1] + ("0" if HEAD_ID[-1] != "0" else "1"),
         "phone": "12345", "flags": []},
    ])  # fmt: skip
    response = client.post("/api/v1/households", json=bad, headers=headers)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert {"members.0.id_number", "members.0.phone", "members"} <= set(errors)
    unknown_flag = body(place)
    unknown_flag["members"][0]["flags"] = ["rich"]
    assert client.post("/api/v1/households", json=unknown_flag, headers=headers).status_code == 422
    assert client.post("/api/v1/households", data="{", headers={**headers, "Content-Type": "application/json"}
                       ).status_code == 400  # fmt: skip
    assert client.post("/api/v1/households", json={"x": 1}, headers=headers).status_code == 422
    two_heads = body(place)
    two_heads["members"][1]["relation"] = "head"
    assert "members" in client.post("/api/v1/households", json=two_heads, headers=headers).get_json()["errors"]


def test_a_worker_opens_files_only_in_communities_their_point_covers(client, place, people, token_for):
    response = client.post("/api/v1/households", json=body(place, community_id=place["金溪"].id),
                           headers=token_for(people["worker"]))  # fmt: skip
    assert response.status_code == 422 and "community_id" in response.get_json()["errors"]
    station_covered = client.post("/api/v1/households", json=body(place, community_id=place["沙涌"].id),
                                  headers=token_for(people["supervisor"]))  # fmt: skip
    assert station_covered.status_code == 201 and station_covered.get_json()["service_point_id"] is None


def test_lists_use_the_envelope_and_search(client, place, people, open_file, token_for):
    for _ in range(3):
        open_file()
    headers = token_for(people["worker"])
    data = client.get("/api/v1/households?per_page=2&page=2", headers=headers).get_json()
    assert set(data) == {"items", "total", "page", "per_page"} and (data["total"], len(data["items"])) == (3, 1)
    assert client.get("/api/v1/households?q=户主2", headers=headers).get_json()["total"] == 1
    assert client.get("/api/v1/households?flag=disability", headers=headers).get_json()["total"] == 3
    assert client.get("/api/v1/households?page=0", headers=headers).status_code == 422


def test_visits_are_logged_and_edits_keep_the_previous_version(client, place, people, open_file, token_for):
    household = open_file()
    headers = token_for(people["worker"])
    visit = client.post(f"/api/v1/households/{household.id}/visits", headers=headers, json={
        "visited_at": (utcnow() - timedelta(hours=2)).isoformat(), "contact_type": "home", "purpose": "季度探访",
        "needs": ["medical"], "risk_level": "medium", "follow_up_task": "陪诊",
        "follow_up_due_on": (date.today() + timedelta(days=3)).isoformat(),
    })  # fmt: skip
    assert visit.status_code == 201, visit.get_json()
    visit_id = visit.get_json()["id"]
    no_note = client.patch(f"/api/v1/households/{household.id}/visits/{visit_id}", json={"purpose": "x"},
                           headers=headers)  # fmt: skip
    assert no_note.status_code == 422 and "note" in no_note.get_json()["errors"]
    changed = client.patch(f"/api/v1/households/{household.id}/visits/{visit_id}", headers=headers,
                           json={"purpose": "季度探访（补记）", "note": "补充目的"}).get_json()  # fmt: skip
    assert changed["version"] == 2 and changed["versions"][0]["data"]["purpose"] == "季度探访"
    assert changed["versions"][0]["changed_by"]["id"] == people["worker"].id
    follow_ups = client.get(f"/api/v1/households/{household.id}/follow-ups", headers=headers).get_json()
    assert [f["task"] for f in follow_ups] == ["陪诊"]
    done = client.patch(f"/api/v1/households/{household.id}/follow-ups/{follow_ups[0]['id']}", headers=headers,
                        json={"status": "done", "outcome": "已陪诊"})  # fmt: skip
    assert done.get_json()["status"] == "done"
    future = client.post(f"/api/v1/households/{household.id}/visits", headers=headers,
                         json={"visited_at": "2999-01-01T10:00:00", "contact_type": "home"})  # fmt: skip
    assert future.status_code == 422 and "visited_at" in future.get_json()["errors"]


def test_a_referral_needs_consent_and_withdrawn_consent_blocks_the_next(client, place, people, open_file, token_for):
    household = open_file()
    headers = token_for(people["worker"])
    url = f"/api/v1/households/{household.id}"
    referral = {"target_kind": "department", "department": "区医疗保障局", "reason": "申请医疗救助"}
    refused = client.post(f"{url}/referrals", json=referral, headers=headers)
    assert refused.status_code == 422 and "consent" in refused.get_json()["errors"]
    verbal = client.post(f"{url}/consents", json={"purpose": "referral", "method": "verbal", "given_by": "户主"},
                         headers=headers)  # fmt: skip
    assert verbal.status_code == 422 and "witness" in verbal.get_json()["errors"]
    consent = client.post(
        f"{url}/consents",
        headers=headers,
        json={
            "purpose": "referral",
            "method": "verbal",
            "member_id": household.members[0].id,
            "witness": "社区干部 何丽",
        },
    )
    assert consent.status_code == 201
    made = client.post(f"{url}/referrals", json=referral, headers=headers)
    assert made.status_code == 201 and made.get_json()["status"] == "requested"
    assert client.patch(f"{url}/referrals/{made.get_json()['id']}", json={"status": "in_progress"},
                        headers=headers).status_code == 422  # fmt: skip
    assert client.patch(f"{url}/referrals/{made.get_json()['id']}", json={"status": "accepted"},
                        headers=headers).get_json()["status"] == "accepted"  # fmt: skip
    client.post(f"{url}/consents/{consent.get_json()['id']}/withdraw", json={"reason": "不再同意"}, headers=headers)
    assert client.post(f"{url}/referrals", json=referral, headers=headers).status_code == 422
    prompts = client.get(url, headers=headers).get_json()["prompts"]
    assert "referral" in {p["kind"] for p in prompts}


def test_town_staff_see_numbers_only(client, place, people, open_file, token_for):
    open_file()
    open_file("金溪", actor=people["other_worker"])
    report = client.get("/api/v1/coverage/social-work", headers=token_for(people["league"])).get_json()
    assert report["total"]["households"] == 2 and report["total"]["target"] == 2
    assert "户主" not in str(report)
    worker_view = client.get("/api/v1/coverage/social-work", headers=token_for(people["worker"])).get_json()
    assert worker_view["total"]["households"] == 1
    assert client.get("/api/v1/coverage/social-work", headers=token_for(people["volunteer"])).status_code == 403
    policies = client.get("/api/v1/policies", headers=token_for(people["league"]))
    assert policies.status_code == 200 and set(policies.get_json()) == {"items", "total", "page", "per_page"}
    created = client.post(
        "/api/v1/policies",
        headers=token_for(people["supervisor"]),
        json={"code": "dibao", "name": "最低生活保障", "target_flags": ["dibao"]},
    )
    assert created.status_code == 201
    assert (
        client.post(
            "/api/v1/policies", headers=token_for(people["worker"]), json={"code": "x", "name": "x"}
        ).status_code
        == 403
    )
