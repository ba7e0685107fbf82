"""No-shows: recorded by the scheduler once a session's check-out window has closed (once per session), corrected
by organisers with a reason, never given hours; volunteers see their attendance record, organisers the rate."""

from __future__ import annotations

import pytest

from tests.events.conftest import NOW, at, status_of
from volunteer_app.core.errors import Conflict, Invalid
from volunteer_app.core.policy import SYSTEM
from volunteer_app.events import hours, jobs, signups
from volunteer_app.events.models import SignupStatus


class FixedClock:
    def __init__(self, moment):
        self.moment = moment

    def now(self):
        return self.moment


@pytest.fixture
def pair(role, register):
    """Two volunteers confirmed for the session a week from NOW (07:00 + 3 h); the first checks in and out."""
    came, stayed_away = register(), register()
    first = signups.sign_up(came.user, role.id, now=NOW)
    second = signups.sign_up(stayed_away.user, role.id, now=NOW)
    hours.mark_attendance(SYSTEM, role.session_id, [first.id], "present", now=at(7, 3))
    return (came, first), (stayed_away, second)


def test_no_shows_are_recorded_when_check_out_closes_once_per_session(pair):
    (_came, first), (_away, second) = pair
    assert jobs.record_no_shows(FixedClock(at(7, 3.5))) == 0  # check-out is still open (an hour after the end)
    assert status_of(second.id) == SignupStatus.CONFIRMED
    assert jobs.record_no_shows(FixedClock(at(7, 4))) == 1
    assert (status_of(first.id), status_of(second.id)) == (SignupStatus.CONFIRMED, SignupStatus.NO_SHOW)

    hours.correct_no_show(SYSTEM, second.id, reason="签到二维码坏了，现场点名在")
    assert jobs.record_no_shows(FixedClock(at(7, 5))) == 0  # the session was done: the correction stays
    assert status_of(second.id) == SignupStatus.CONFIRMED


def test_sessions_that_ended_long_before_are_left_alone(make_event, register):
    old = make_event()
    person = register()
    made = signups.sign_up(person.user, old.sessions[0].roles[0].id, now=NOW)
    assert hours.record_no_shows(at(30)) == 0  # ended three weeks before this run: history, not a no-show
    assert status_of(made.id) == SignupStatus.CONFIRMED


def test_a_no_show_gets_no_hours_until_corrected(pair):
    _first, (away, second) = pair
    hours.record_no_shows(at(7, 4))
    approval = hours.approve_hours(SYSTEM, second.role.session_id, now=at(7, 4))
    assert approval.count == 1  # only the one who came
    with pytest.raises(Conflict):
        hours.correct_hours(SYSTEM, second.id, hours=3, reason="补录", now=at(7, 4))
    assert hours.summary(away.user).hours == 0

    with pytest.raises(Invalid) as no_reason:
        hours.correct_no_show(SYSTEM, second.id, reason=" ")
    assert "reason" in no_reason.value.errors
    hours.correct_no_show(SYSTEM, second.id, reason="在现场帮忙，忘了签到")
    with pytest.raises(Conflict):
        hours.correct_no_show(SYSTEM, second.id, reason="again")
    hours.correct_hours(SYSTEM, second.id, hours=3, reason="补录", now=at(7, 4))
    assert hours.summary(away.user).hours == 3


def test_a_pending_correction_is_not_approved_for_a_no_show(app, pair, make_user):
    (_came, _first), (away, second) = pair
    app.config["HOURS_CORRECTION_REVIEW_HOURS"] = 1
    asker, decider = make_user("league_staff"), make_user("league_staff")
    pending = hours.correct_hours(asker, second.id, hours=3, reason="补录", now=at(7, 3.2))
    assert pending.status == "pending"
    hours.record_no_shows(at(7, 4))
    with pytest.raises(Conflict):
        hours.approve_correction(decider, pending.id, now=at(7, 5))
    assert hours.summary(away.user).hours == 0


def test_attendance_records_count_kept_places_and_no_shows(pair, register):
    (came, first), (away, second) = pair
    hours.record_no_shows(at(7, 4))
    records = hours.attendance_records([first.volunteer_id, second.volunteer_id, register().id])
    assert (records[first.volunteer_id].kept, records[first.volunteer_id].no_shows) == (1, 0)
    assert (records[second.volunteer_id].rate, records[second.volunteer_id].no_shows) == (0, 1)
    assert hours.attendance_record(came.user).rate == 100
    assert hours.attendance_record(away.user).sessions == 1


def test_pages_show_the_volunteer_their_record_and_organisers_the_rate(client, login, staff, pair, role):
    (_came, _first), (away, second) = pair
    hours.record_no_shows(at(7, 4))
    login(away.user)
    mine = client.get("/me/hours").get_data(as_text=True)
    assert 'id="attendance-record"' in mine and "0%" in mine
    past = client.get("/me/signups?past=1").get_data(as_text=True)
    assert 'data-status="no_show"' in past

    client.post("/logout")
    login(staff)
    roster = client.get(f"/roles/{role.id}/signups").get_data(as_text=True)
    assert "100%" in roster and "0%" in roster
    sheet = client.get(f"/sessions/{role.session_id}/attendance").get_data(as_text=True)
    assert f"/signups/{second.id}/no-show" in sheet
    response = client.post(f"/signups/{second.id}/no-show", data={"reason": "在现场"}, follow_redirects=True)
    assert response.status_code == 200
    assert status_of(second.id) == SignupStatus.CONFIRMED


def test_the_api_shows_no_show_status_records_and_takes_a_correction(client, token_for, staff, pair):
    (_came, first), (away, second) = pair
    hours.record_no_shows(at(7, 4))
    mine = client.get(f"/api/v1/signups/{second.id}", headers=token_for(away.user)).get_json()
    assert mine["status"] == "no_show"
    record = client.get("/api/v1/me/attendance-record", headers=token_for(away.user)).get_json()
    assert record == {"kept": 0, "no_shows": 1, "sessions": 1, "rate": 0}
    theirs = client.get(f"/api/v1/volunteers/{first.volunteer_id}/attendance-record", headers=token_for(staff))
    assert theirs.get_json()["rate"] == 100
    other = client.get(f"/api/v1/volunteers/{first.volunteer_id}/attendance-record", headers=token_for(away.user))
    assert other.status_code in (403, 404)

    headers = token_for(staff)
    refused = client.post(f"/api/v1/signups/{second.id}/no-show-correction", json={}, headers=headers)
    assert refused.status_code == 422
    fixed = client.post(f"/api/v1/signups/{second.id}/no-show-correction", json={"reason": "在现场"}, headers=headers)
    assert fixed.status_code == 200 and fixed.get_json()["status"] == "confirmed"
    again = client.post(f"/api/v1/signups/{second.id}/no-show-correction", json={"reason": "x"}, headers=headers)
    assert again.status_code == 409
