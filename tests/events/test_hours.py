"""Check-in by QR code, attendance marked in bulk, hours clipped to the session, the append-only ledger,
corrections, stars and the service-record certificate."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from tests.events.conftest import NOW, at
from volunteer_app.core.errors import Conflict, Invalid, NotFound
from volunteer_app.core.policy import SYSTEM
from volunteer_app.events import hours, signups
from volunteer_app.events.models import HoursEntry
from volunteer_app.extensions import db


@pytest.fixture
def confirmed(role, register):
    person = register()
    return person, signups.sign_up(person.user, role.id, now=NOW)


def test_scanning_the_code_checks_in_then_out_within_the_window_and_hours_are_clipped(event, confirmed):
    person, signup = confirmed
    session = event.sessions[0]
    token = hours.check_in_token(session.id)
    with pytest.raises(Conflict):
        hours.scan(person.user, token, now=at(6))  # a day early
    assert hours.scan(person.user, token, now=at(7, -0.5)).action == "check_in"  # 30 minutes before the start
    assert hours.scan(person.user, token, now=at(7, 3.5)).action == "check_out"  # 30 minutes after the end
    with pytest.raises(Conflict):
        hours.scan(person.user, token, now=at(7, 3.6))
    assert hours.clipped_minutes(signup, session) == 180  # the session's three hours, no more


def test_a_forged_or_foreign_code_is_refused(event, confirmed, register):
    person, _signup = confirmed
    with pytest.raises(NotFound):
        hours.scan(person.user, "not-a-token", now=at(7))
    with pytest.raises(Conflict):
        hours.scan(register().user, hours.check_in_token(event.sessions[0].id), now=at(7))


def test_organisers_mark_many_at_once_approve_into_the_ledger_and_correct_with_a_new_entry(event, role, register):
    people = [register() for _ in range(2)]
    made = [signups.sign_up(p.user, role.id, now=NOW) for p in people]
    session = event.sessions[0]
    assert hours.mark_attendance(SYSTEM, session.id, [s.id for s in made], "present", now=at(7, 3)) == 2
    assert hours.approve_hours(SYSTEM, session.id, now=at(7, 4)).count == 2
    assert hours.approve_hours(SYSTEM, session.id, now=at(7, 4)).count == 0  # approved once only
    assert hours.summary(people[0].user).hours == 3.0

    with pytest.raises(Invalid) as no_reason:
        hours.correct_hours(SYSTEM, made[0].id, hours=2.5, reason="", now=at(7, 4))
    assert "reason" in no_reason.value.errors
    correction = hours.correct_hours(SYSTEM, made[0].id, hours=2.5, reason="提前离开", now=at(7, 4))
    assert (correction.status, correction.delta) == ("approved", -30)
    assert hours.summary(people[0].user).hours == 2.5
    entries = db.session.scalars(sa.select(HoursEntry).where(HoursEntry.signup_id == made[0].id)).all()
    assert [(e.kind, e.minutes) for e in entries] == [("attendance", 180), ("correction", -30)]

    entries[0].minutes = 999
    with pytest.raises(RuntimeError):
        db.session.flush()
    db.session.rollback()


def test_stars_follow_configurable_thresholds(app):
    assert hours.stars_for(99) == 0
    assert hours.stars_for(100) == 1
    assert hours.stars_for(1500) == 5
    assert hours.stars_for(20, thresholds=(10, 20)) == 2


def test_the_api_checks_in_marks_approves_and_reports_hours(client, token_for, event, confirmed, staff, make_event):
    person, _signup = confirmed
    volunteer = token_for(person.user)
    future = hours.check_in_token(event.sessions[0].id)
    assert client.post("/api/v1/checkins", json={"token": future}, headers=volunteer).status_code == 409  # a week away
    past = make_event(  # the API runs on the real clock: a session that ended yesterday
        signup_opens_at=at(-10),
        signup_closes_at=at(-3),
        sessions=[{"starts_at": at(-1, -3), "ends_at": at(-1), "roles": [{"name": "清洁队员", "capacity": 2}]}],
        now=at(-10),  # published when sign-up opened
    )
    session = past.sessions[0]
    signup = signups.sign_up(person.user, session.roles[0].id, now=at(-5))
    organiser = token_for(staff)
    marked = client.post(
        f"/api/v1/sessions/{session.id}/attendance",
        json={"signup_ids": [signup.id], "action": "present"},
        headers=organiser,
    )
    assert marked.get_json() == {"count": 1}
    sheet = client.get(f"/api/v1/sessions/{session.id}/attendance", headers=organiser).get_json()
    assert sheet["items"][0]["computed_hours"] == 3.0
    approved = client.post(f"/api/v1/sessions/{session.id}/hours", json={}, headers=organiser).get_json()
    assert approved == {"count": 1, "zero_hours": []}
    fix = client.post(
        f"/api/v1/signups/{signup.id}/hours-corrections", json={"hours": 4, "reason": "含准备时间"}, headers=organiser
    )
    assert fix.status_code == 201 and (fix.get_json()["minutes"], fix.get_json()["status"]) == (60, "approved")
    mine = client.get("/api/v1/me/hours", headers=volunteer).get_json()
    assert (mine["hours"], mine["stars"], mine["next_threshold"]) == (4.0, 0, 100)
    assert client.get("/api/v1/me/hours/entries", headers=volunteer).get_json()["total"] == 2
    assert client.post(f"/api/v1/sessions/{session.id}/hours", json={}, headers=volunteer).status_code == 403


def test_the_qr_page_shows_an_inline_svg_and_the_check_in_page_works_for_the_volunteer(
    client, login, staff, event, confirmed
):
    person, _signup = confirmed
    session = event.sessions[0]
    login(staff)
    page = client.get(f"/sessions/{session.id}/qr").get_data(as_text=True)
    assert "<svg" in page
    url = re.search(r"<code>([^<]+)</code>", page).group(1)
    path = urlsplit(url).path
    client.post("/logout")
    login(person.user)
    assert event.title in client.get(path).get_data(as_text=True)
    response = client.post(path)
    assert response.status_code == 302  # too early: flashed and sent back


def test_the_certificate_lists_services_masked_id_total_and_issuer(client, login, event, role, register):
    person = register()
    signup = signups.sign_up(person.user, role.id, now=NOW)
    hours.mark_attendance(SYSTEM, event.sessions[0].id, [signup.id], "present", now=at(7, 3))
    hours.approve_hours(SYSTEM, event.sessions[0].id, now=at(7, 4))
    login(person.user)
    page = client.get("/me/hours/certificate").get_data(as_text=True)
    assert person.id_number_masked in page and person.id_number not in page
    assert event.title in page
    line = re.search(r"<tbody>\s*<tr>(.*?)</tr>", page, re.S).group(1)
    service, hours_cell = re.findall(r"<td[^>]*>(.*?)</td>", line, re.S)[2:]
    assert event.title in service and role.name in service and hours_cell == "3.0"  # the hours of that service
    assert re.search(r'id="cert-total">([^<]*)<', page).group(1) == "3.0"  # and the total below the lines
    assert "里水镇" in page
    assert client.get("/me/hours").status_code == 200


def test_the_attendance_sheet_does_not_query_per_row(client, login, staff, event, role, register, query_counter):
    from volunteer_app.events import services

    services.update_role(SYSTEM, role.id, capacity=50)
    login(staff)
    url = f"/sessions/{event.sessions[0].id}/attendance"
    signups.sign_up(register().user, role.id, now=NOW)
    with query_counter() as few:
        client.get(url)
    for _ in range(8):
        signups.sign_up(register().user, role.id, now=NOW)
    with query_counter() as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)
