"""Attendance confirmation (issue 15): an event asks its confirmed volunteers "still coming?" a set time before each
session (once, by the scheduler, through the outbox); "I'm coming" keeps the place, "I can't come" cancels it and
promotes; organisers see who has not answered and release those places from half the window on."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.events.conftest import NOW, at, inbox_notices
from tests.reminders.conftest import MovableClock
from volunteer_app.core.errors import Conflict
from volunteer_app.core.policy import SYSTEM
from volunteer_app.core.time import utcnow
from volunteer_app.events import confirmations, jobs, notices, signups
from volunteer_app.events.models import Signup, SignupStatus
from volunteer_app.extensions import db


def _signup(signup_id: int) -> Signup:
    db.session.expire_all()
    return db.session.get(Signup, signup_id)


@pytest.fixture
def asked(make_event, register):
    """A role of 2 places (session at(7)) asking 48 hours before: two confirmed, one waitlisted."""
    event = make_event(attendance_confirm_hours=48)
    role = event.sessions[0].roles[0]
    people = [register() for _ in range(3)]
    made = [signups.sign_up(p.user, role.id, now=NOW) for p in people]
    return role, people, made


def test_the_question_goes_once_to_the_confirmed_when_the_window_opens(asked):
    _role, people, made = asked
    assert jobs.ask_attendance(MovableClock(at(5) - timedelta(minutes=1))) == 0  # 48 h before at(7) is at(5)
    assert jobs.ask_attendance(MovableClock(at(5))) == 2
    assert jobs.ask_attendance(MovableClock(at(5.5))) == 0  # once
    assert _signup(made[0].id).attendance_asked_at == at(5)
    sent = inbox_notices(notices.ATTENDANCE_QUESTION.key, people[0].user)
    assert len(sent) == 1 and sent[0].context["url"].endswith(f"/signups/{made[0].id}/attendance")
    assert inbox_notices(notices.ATTENDANCE_QUESTION.key, people[2].user) == []  # the waitlisted are not asked


def test_coming_keeps_the_place_and_cannot_come_promotes(asked):
    _role, people, made = asked
    jobs.ask_attendance(MovableClock(at(5)))
    confirmations.confirm_attendance(people[0].user, made[0].id, now=at(5.1))
    assert _signup(made[0].id).attendance_confirmed_at == at(5.1)
    confirmations.withdraw_attendance(people[1].user, made[1].id, now=at(5.1))
    assert _signup(made[1].id).status == SignupStatus.CANCELLED
    assert _signup(made[2].id).status == SignupStatus.CONFIRMED  # promoted
    with pytest.raises(Conflict):
        confirmations.confirm_attendance(people[1].user, made[1].id, now=at(5.2))
    with pytest.raises(Conflict):
        confirmations.confirm_attendance(people[0].user, made[0].id, now=at(7))  # started


def test_unanswered_places_are_released_from_half_the_window_on(asked):
    role, people, made = asked
    jobs.ask_attendance(MovableClock(at(5)))
    confirmations.confirm_attendance(people[0].user, made[0].id, now=at(5.1))
    assert confirmations.release_unanswered(SYSTEM, role.id, now=at(5.9)) == 0  # 24 h not yet passed
    assert _signup(made[1].id).status == SignupStatus.CONFIRMED
    assert confirmations.release_unanswered(SYSTEM, role.id, now=at(6)) == 1
    assert [_signup(s.id).status for s in made] == [
        SignupStatus.CONFIRMED,  # answered
        SignupStatus.CANCELLED,  # released
        SignupStatus.CONFIRMED,  # promoted into the released place
    ]


def test_events_without_the_setting_ask_nobody(role, register):
    made = signups.sign_up(register().user, role.id, now=NOW)
    assert jobs.ask_attendance(MovableClock(at(6.9))) == 0
    assert _signup(made.id).attendance_asked_at is None


def test_the_api_sets_the_hours_and_takes_the_answers(client, token_for, staff, asked):
    role, people, made = asked
    headers = token_for(staff)
    event_id = role.session.event_id
    bad = client.patch(f"/api/v1/events/{event_id}", json={"attendance_confirm_hours": 0}, headers=headers)
    assert bad.status_code == 422
    ok = client.patch(f"/api/v1/events/{event_id}", json={"attendance_confirm_hours": 24}, headers=headers)
    assert ok.status_code == 200 and ok.get_json()["attendance_confirm_hours"] == 24

    yes = client.post(f"/api/v1/signups/{made[0].id}/confirm-attendance", headers=token_for(people[0].user))
    assert yes.status_code == 200 and yes.get_json()["attendance_confirmed_at"]
    no = client.post(f"/api/v1/signups/{made[1].id}/withdraw-attendance", headers=token_for(people[1].user))
    assert no.status_code == 200 and no.get_json()["status"] == "cancelled"
    assert _signup(made[2].id).status == SignupStatus.CONFIRMED
    other = client.post(f"/api/v1/signups/{made[0].id}/withdraw-attendance", headers=token_for(people[2].user))
    assert other.status_code == 404  # someone else's place: no such sign-up to them
    released = client.post(f"/api/v1/roles/{role.id}/release-unanswered", headers=headers)
    assert released.status_code == 200 and released.get_json() == {"count": 0}


def test_pages_ask_the_volunteer_and_show_organisers_who_has_not_answered(client, login, staff, asked):
    role, people, made = asked
    now = utcnow()
    for signup in made[:2]:
        _signup(signup.id).attendance_asked_at = now
    db.session.commit()
    login(people[0].user)
    mine = client.get("/me/signups").get_data(as_text=True)
    assert f"/signups/{made[0].id}/confirm-attendance" in mine
    page = client.get(f"/signups/{made[0].id}/attendance").get_data(as_text=True)
    assert f"/signups/{made[0].id}/withdraw-attendance" in page
    done = client.post(f"/signups/{made[0].id}/confirm-attendance", follow_redirects=True).get_data(as_text=True)
    assert "attendance-confirmed" in done
    client.post("/logout")

    login(staff)
    roster = client.get(f"/roles/{role.id}/signups").get_data(as_text=True)
    assert 'data-attendance="coming"' in roster and 'data-attendance="unanswered"' in roster
    assert 'id="release-unanswered"' in roster
    response = client.post(f"/roles/{role.id}/release-unanswered", follow_redirects=True)
    assert response.status_code == 200  # too early: nothing released
    assert _signup(made[1].id).status == SignupStatus.CONFIRMED
