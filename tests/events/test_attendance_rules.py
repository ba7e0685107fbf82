"""Attendance and hours only ever record what could have been served: no check-out before the session starts, no
zero-hour approvals, no hours for a session still to come, corrections bounded by the session's length, and large
ones counted only once a second staff member approves them. The certificate shows the star level it rests on."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.events.conftest import NOW, at
from volunteer_app.core.audit import AuditEntry
from volunteer_app.core.errors import Conflict, Forbidden, Invalid
from volunteer_app.core.policy import SYSTEM
from volunteer_app.events import hours, signups
from volunteer_app.events.models import HoursEntry
from volunteer_app.extensions import db


@pytest.fixture
def past(make_event):
    """A three-hour clean-up that ended two days ago (the pages and the API run on the real clock)."""
    return make_event(
        title="北沙河涌清漂",
        signup_opens_at=at(-10),
        signup_closes_at=at(-3),
        sessions=[{"starts_at": at(-2), "ends_at": at(-2, 3), "roles": [{"name": "清漂队员", "capacity": 5}]}],
        now=at(-10),  # published when sign-up opened
    )


@pytest.fixture
def served(past, register):
    """sign_up(n) -> n people with a place at the past session, marked present and approved (3 h each)."""

    def make(n: int = 1, approve: bool = True):
        role = past.sessions[0].roles[0]
        people = [register() for _ in range(n)]
        made = [signups.sign_up(p.user, role.id, now=at(-5)) for p in people]
        hours.mark_attendance(SYSTEM, past.sessions[0].id, [s.id for s in made], "present", now=at(-2, 3))
        if approve:
            hours.approve_hours(SYSTEM, past.sessions[0].id, now=at(-1))
        return list(zip(people, made, strict=True))

    return make


def ledger_minutes(signup) -> int:
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(HoursEntry.minutes), 0)).where(HoursEntry.signup_id == signup.id)
    )


# ---------------------------------------------------------------------------------------------- item 5


def test_no_check_out_before_the_session_starts_and_no_check_in_before_the_window(event, role, register):
    person = register()
    signup = signups.sign_up(person.user, role.id, now=NOW)
    session = event.sessions[0]
    with pytest.raises(Conflict):
        hours.mark_attendance(SYSTEM, session.id, [signup.id], "check_out", now=at(6))  # a day before the start
    with pytest.raises(Conflict):
        hours.mark_attendance(SYSTEM, session.id, [signup.id], "present", now=at(6))
    with pytest.raises(Conflict):
        hours.mark_attendance(SYSTEM, session.id, [signup.id], "check_in", now=at(6))
    db.session.refresh(signup)
    assert (signup.checked_in_at, signup.checked_out_at) == (None, None)

    token = hours.check_in_token(session.id)
    assert hours.scan(person.user, token, now=at(7, -0.5)).action == "check_in"
    with pytest.raises(Conflict):
        hours.scan(person.user, token, now=at(7, -0.25))  # checked in early, but the session has not started
    assert hours.scan(person.user, token, now=at(7, 1)).action == "check_out"
    assert hours.clipped_minutes(signup, session) == 60


def test_zero_hour_rows_are_left_out_of_an_approval_and_named(past, served):
    (_a, kept), (_b, zero) = served(2, approve=False)
    session = past.sessions[0]
    zero.checked_in_at = zero.checked_out_at = session.starts_at  # what the old "check out now" recorded
    db.session.commit()
    approval = hours.approve_hours(SYSTEM, session.id, now=at(-1))
    assert approval.count == 1
    assert [s.id for s in approval.zero_hours] == [zero.id]
    db.session.refresh(zero)
    assert zero.hours_approved_at is None and ledger_minutes(zero) == 0
    assert ledger_minutes(kept) == 180


def test_no_hours_are_approved_for_a_session_that_has_not_ended(event, role, register):
    signup = signups.sign_up(register().user, role.id, now=NOW)
    session = event.sessions[0]
    hours.mark_attendance(SYSTEM, session.id, [signup.id], "present", now=at(7, 1))
    with pytest.raises(Conflict):
        hours.approve_hours(SYSTEM, session.id, now=at(7, 2))  # an hour before the end
    assert ledger_minutes(signup) == 0
    assert hours.approve_hours(SYSTEM, session.id, now=at(7, 3)).count == 1


# ---------------------------------------------------------------------------------------------- item 18


def test_a_correction_is_bounded_by_the_sessions_length_and_the_margin(app, served):
    [(_person, signup)] = served()
    assert app.config["HOURS_CORRECTION_MARGIN_HOURS"] == 2
    for too_many in (1000, 5.5):
        with pytest.raises(Invalid) as refused:
            hours.correct_hours(SYSTEM, signup.id, hours=too_many, reason="多算", now=at(-1))
        assert "hours" in refused.value.errors
    assert ledger_minutes(signup) == 180
    correction = hours.correct_hours(SYSTEM, signup.id, hours=5, reason="含准备和收尾", now=at(-1))
    assert (correction.status, correction.delta) == ("approved", 120)
    assert ledger_minutes(signup) == 300


def test_no_hours_for_a_session_that_has_not_ended(event, role, register):
    person = register()
    signup = signups.sign_up(person.user, role.id, now=NOW)
    with pytest.raises(Conflict):
        hours.correct_hours(SYSTEM, signup.id, hours=2, reason="预先登记", now=at(6))
    assert hours.summary(person.user).minutes == 0
    assert hours.certificate(person.user).lines == []


def test_a_large_correction_counts_only_once_a_different_staff_member_approves_it(
    served, staff, make_user, team
):
    [(person, signup)] = served()
    hours.mark_attendance(SYSTEM, signup.role.session_id, [signup.id], "clear", now=at(-1))  # approved: unchanged
    first = hours.correct_hours(staff, signup.id, hours=0, reason="未到场", now=at(-1))  # a decrease: at once
    assert first.status == "approved" and hours.summary(person.user).minutes == 0

    pending = hours.correct_hours(staff, signup.id, hours=5, reason="补录全程", now=at(-1))
    assert (pending.status, pending.delta) == ("pending", 300)
    assert hours.summary(person.user).minutes == 0 and hours.certificate(person.user).lines == []
    with pytest.raises(Conflict):
        hours.correct_hours(staff, signup.id, hours=4, reason="再改", now=at(-1))  # one pending at a time
    with pytest.raises(Forbidden):
        hours.approve_correction(staff, pending.id)  # not the one who asked
    with pytest.raises(Forbidden):
        hours.approve_correction(make_user("team_leader", scope=f"team:{team.id}"), pending.id)
    second = make_user("league_staff")
    assert [c.id for c in hours.pending_corrections(second).items] == [pending.id]
    approved = hours.approve_correction(second, pending.id)
    assert approved.status == "approved" and approved.decided_by_id == second.id
    assert hours.summary(person.user).minutes == 300
    assert hours.certificate(person.user).total_minutes == 300
    with pytest.raises(Conflict):
        hours.approve_correction(make_user("admin"), pending.id)  # decided once
    assert db.session.scalar(
        sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.object_type == "hours_correction")
    ) >= 2


def test_a_rejected_correction_never_counts(served, staff, make_user):
    [(person, signup)] = served()
    pending = hours.correct_hours(staff, signup.id, hours=0.5, reason="误操作", now=at(-1))
    assert pending.status == "approved"  # a decrease is applied at once
    pending = hours.correct_hours(staff, signup.id, hours=4.5, reason="补录", now=at(-1))
    assert pending.status == "pending"
    hours.reject_correction(make_user("admin"), pending.id)
    assert hours.summary(person.user).minutes == 30
    assert hours.pending_corrections(make_user("admin")).items == []


def test_the_api_bounds_corrections_and_takes_a_second_approval(client, token_for, served, staff, make_user):
    [(person, signup)] = served()
    first = token_for(staff)
    url = f"/api/v1/signups/{signup.id}/hours-corrections"
    assert client.post(url, json={"hours": 1000, "reason": "多算"}, headers=first).status_code == 422
    asked = client.post(url, json={"hours": 0, "reason": "未到场"}, headers=first)
    assert asked.status_code == 201 and asked.get_json()["status"] == "approved"
    asked = client.post(url, json={"hours": 5, "reason": "补录全程"}, headers=first)
    assert asked.status_code == 201 and asked.get_json()["status"] == "pending"
    correction_id = asked.get_json()["id"]
    second = token_for(make_user("league_staff"))
    listed = client.get("/api/v1/hours-corrections", headers=second).get_json()
    assert [c["id"] for c in listed["items"]] == [correction_id]
    assert client.post(f"/api/v1/hours-corrections/{correction_id}/approval", headers=first).status_code == 403
    volunteer = token_for(person.user)
    assert client.get("/api/v1/me/hours", headers=volunteer).get_json()["hours"] == 0.0
    approved = client.post(f"/api/v1/hours-corrections/{correction_id}/approval", headers=second)
    assert approved.status_code == 200 and approved.get_json()["status"] == "approved"
    assert client.get("/api/v1/me/hours", headers=volunteer).get_json()["hours"] == 5.0


def test_the_api_refuses_approving_hours_of_a_session_still_to_come(client, token_for, staff, event):
    answer = client.post(f"/api/v1/sessions/{event.sessions[0].id}/hours", json={}, headers=token_for(staff))
    assert answer.status_code == 409


# ---------------------------------------------------------------------------------------------- item 24


def test_the_certificate_shows_the_star_level_and_the_hours_it_rests_on(
    app, monkeypatch, client, login, served
):
    monkeypatch.setitem(app.config, "STAR_THRESHOLDS_HOURS", (1, 2, 10))
    [(person, _signup)] = served()
    cert = hours.certificate(person.user)
    assert (cert.stars, cert.total_hours) == (2, 3.0)
    login(person.user)
    page = client.get("/me/hours/certificate").get_data(as_text=True)
    assert 'id="cert-stars"' in page and "★★☆☆☆" not in page and "★★" in page
    assert 'data-stars="2"' in page and 'data-hours="3.0"' in page


# ---------------------------------------------------------------------------------------------- pages


def test_the_check_in_page_says_when_check_in_opens_instead_of_offering_a_button(client, login, event, role, register):
    person = register()
    signups.sign_up(person.user, role.id, now=NOW)
    login(person.user)
    page = client.get(f"/check-in/{hours.check_in_token(event.sessions[0].id)}").get_data(as_text=True)
    assert 'id="scan"' not in page
    assert 'id="check-in-opens"' in page


def test_the_check_in_page_offers_the_button_inside_the_window(client, login, make_event, register):
    soon = make_event(
        signup_closes_at=at(0, 0.25),
        sessions=[{"starts_at": at(0, 0.5), "ends_at": at(0, 3), "roles": [{"name": "队员", "capacity": 2}]}],
    )
    person = register()
    signups.sign_up(person.user, soon.sessions[0].roles[0].id, now=NOW)
    login(person.user)
    page = client.get(f"/check-in/{hours.check_in_token(soon.sessions[0].id)}").get_data(as_text=True)
    assert 'id="scan"' in page and 'id="check-in-opens"' not in page


def test_the_attendance_page_flags_zero_hour_rows_and_approval_names_them(client, login, staff, past, served):
    _kept, (b, zero) = served(2, approve=False)
    zero.checked_in_at = zero.checked_out_at = past.sessions[0].starts_at
    db.session.commit()
    login(staff)
    url = f"/sessions/{past.sessions[0].id}/attendance"
    page = client.get(url).get_data(as_text=True)
    assert page.count('class="badge text-bg-warning zero-hours"') == 1
    done = client.post(url, data={"action": "approve"}, follow_redirects=True).get_data(as_text=True)
    assert b.name in done.split("zero-hours-skipped", 1)[1][:500]


def test_a_second_staff_member_approves_a_large_correction_on_the_pages(client, login, staff, make_user, served):
    [(person, signup)] = served()
    hours.correct_hours(staff, signup.id, hours=0, reason="未到场", now=at(-1))
    pending = hours.correct_hours(staff, signup.id, hours=5, reason="补录全程", now=at(-1))
    second = make_user("league_staff")
    login(second)
    listing = client.get("/hours-corrections").get_data(as_text=True)
    assert person.name in listing and "补录全程" in listing
    sheet = client.get(f"/sessions/{signup.role.session_id}/attendance").get_data(as_text=True)
    assert "pending-correction" in sheet
    client.post(f"/hours-corrections/{pending.id}/approval")
    assert hours.summary(person.user).minutes == 300


def test_the_correction_page_shows_the_bound_and_takes_zero_hours(client, login, staff, served):
    [(person, signup)] = served()
    login(staff)
    url = f"/signups/{signup.id}/hours"
    assert "最多 5 小时" in client.get(url).get_data(as_text=True)  # the session's 3 h and the 2 h margin
    too_many = client.post(url, data={"hours": "100", "reason": "多算"})
    assert too_many.status_code == 422 and hours.summary(person.user).minutes == 180
    assert client.post(url, data={"hours": "0", "reason": "未到场"}).status_code == 302
    assert hours.summary(person.user).minutes == 0
