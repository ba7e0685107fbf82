"""iCal feeds behind secret, revocable URLs; beneficiaries' enrolment with its own capacity, waitlist and masking."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from tests.events.conftest import NOW
from volunteer_app.events import signups
from volunteer_app.extensions import db


def _path(url: str) -> str:
    return urlsplit(url).path


def test_a_volunteers_feed_lists_their_sessions_and_stops_working_once_revoked(
    client, token_for, register, event, role
):
    person = register()
    signups.sign_up(person.user, role.id, now=NOW)
    headers = token_for(person.user)
    url = client.get("/api/v1/me/calendar-feed", headers=headers).get_json()["url"]
    response = client.get(_path(url))  # no login: the token in the URL is the key
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    feed = Calendar.from_ical(response.data)
    summaries = [str(item["summary"]) for item in feed.walk("VEVENT")]
    assert any(event.title in s for s in summaries)

    new_url = client.delete("/api/v1/me/calendar-feed", headers=headers).get_json()["url"]
    assert new_url != url
    assert client.get(_path(url)).status_code == 404
    assert client.get(_path(new_url)).status_code == 200
    assert client.get("/calendar/feeds/forged.ics").status_code == 404


def test_team_and_community_feeds(client, token_for, staff, make_user, make_event, team, communities):
    make_event(title="义工联巡逻", kind="patrol", team_id=team.id)
    headers = token_for(staff)
    team_url = client.get(f"/api/v1/teams/{team.id}/calendar-feed", headers=headers).get_json()["url"]
    assert "义工联巡逻" in client.get(_path(team_url)).get_data(as_text=True)
    community_url = client.get(
        f"/api/v1/communities/{communities['草场'].id}/calendar-feed", headers=headers
    ).get_json()["url"]
    assert "义工联巡逻" in client.get(_path(community_url)).get_data(as_text=True)
    stranger = token_for(make_user("team_leader", scope=f"team:{team.id}"))
    assert client.get(f"/api/v1/teams/{team.id}/calendar-feed", headers=stranger).status_code == 200
    assert client.get(f"/api/v1/teams/{team.id + 1000}/calendar-feed", headers=stranger).status_code == 404


@pytest.fixture
def camp(make_event):
    return make_event(title="暑期夏令营", kind="summer_camp", beneficiary_capacity=2)


def child(n: int, **extra) -> dict:
    return {
        "child_name": f"小朋友{n}",
        "child_age": 9,
        "school": "里水中心小学",
        "guardian_name": f"家长{n}",
        "guardian_phone": f"1390013{n:04d}",
        "guardian_consent": True,
        **extra,
    }


def test_children_are_enrolled_up_to_capacity_then_waitlisted_and_promoted(client, token_for, staff, camp):
    headers = token_for(staff)
    answers = [
        client.post(f"/api/v1/events/{camp.id}/enrolments", json=child(n), headers=headers).get_json() for n in range(3)
    ]
    assert [(a["status"], a["waitlist_position"]) for a in answers] == [
        ("confirmed", None),
        ("confirmed", None),
        ("waitlisted", 1),
    ]
    assert answers[0]["guardian_phone"] == "13900130000"  # organisers see it in full
    assert client.delete(f"/api/v1/enrolments/{answers[0]['id']}", headers=headers).status_code == 204
    listed = client.get(f"/api/v1/events/{camp.id}/enrolments", headers=headers).get_json()
    assert [item["status"] for item in listed["items"]] == ["confirmed", "confirmed"]


def test_consent_is_required_and_bad_input_is_a_422(client, token_for, staff, camp):
    headers = token_for(staff)
    no_consent = client.post(
        f"/api/v1/events/{camp.id}/enrolments", json=child(1, guardian_consent=False), headers=headers
    )
    assert no_consent.status_code == 422 and "guardian_consent" in no_consent.get_json()["errors"]
    bad = client.post(f"/api/v1/events/{camp.id}/enrolments", json=child(1, child_age="nine"), headers=headers)
    assert bad.status_code == 422


def test_the_camps_volunteers_see_guardian_phones_masked_and_others_nothing(
    client, token_for, staff, register, camp, login
):
    client.post(f"/api/v1/events/{camp.id}/enrolments", json=child(7), headers=token_for(staff))
    helper, outsider = register(), register()
    signups.sign_up(helper.user, camp.sessions[0].roles[0].id, now=NOW)
    listed = client.get(f"/api/v1/events/{camp.id}/enrolments", headers=token_for(helper.user)).get_json()
    assert listed["items"][0]["guardian_phone"] == "139****0007"
    assert client.get(f"/api/v1/events/{camp.id}/enrolments", headers=token_for(outsider.user)).status_code == 404
    login(helper.user)
    page = client.get(f"/events/{camp.id}/enrolments").get_data(as_text=True)
    assert "139****0007" in page and "13900130007" not in page
    stored = db.session.execute(sa.text("SELECT guardian_phone FROM enrolments")).scalars().all()
    assert len(stored) == 1 and "13900130007" not in stored[0]  # encrypted at rest


def test_the_same_child_cannot_be_enrolled_twice_in_one_event(client, token_for, staff, camp, make_event):
    headers = token_for(staff)
    url = f"/api/v1/events/{camp.id}/enrolments"
    first = client.post(url, json=child(1), headers=headers)
    assert first.status_code == 201
    again = client.post(url, json=child(1, child_name=" 小朋友1 ", child_age=10, school=""), headers=headers)
    assert again.status_code == 409
    assert client.post(url, json=child(2), headers=headers).status_code == 201  # a sibling: another name
    other_camp = make_event(title="第二期夏令营", kind="summer_camp", beneficiary_capacity=2)
    assert client.post(f"/api/v1/events/{other_camp.id}/enrolments", json=child(1), headers=headers).status_code == 201
    assert client.delete(f"/api/v1/enrolments/{first.get_json()['id']}", headers=headers).status_code == 204
    assert client.post(url, json=child(1), headers=headers).status_code == 201  # withdrawn, then enrolled again


def test_the_database_refuses_a_second_current_enrolment_of_one_child(staff, camp):
    from sqlalchemy.exc import IntegrityError

    from volunteer_app.events import enrolments
    from volunteer_app.events.models import Enrolment

    made = enrolments.enrol(staff, camp.id, **child(3))
    copy = Enrolment(
        event_id=camp.id, child_name=made.child_name, child_age=made.child_age, guardian_name=made.guardian_name,
        guardian_phone=made.guardian_phone, guardian_consent_at=made.guardian_consent_at, status="waitlisted",
        seq=99, identity_digest=made.identity_digest,
    )  # fmt: skip
    db.session.add(copy)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
