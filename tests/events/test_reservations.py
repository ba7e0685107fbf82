"""Team reservations (issue 15): a leader reserves places of a role for their team until a fill-by time; the places
count as taken; the leader fills them with members' names (checked as any sign-up); the places left unfilled go to
the waitlist at the deadline (with the clock injected) or when the leader releases them; the leaders are reminded
once before; every message goes through the outbox."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.events.conftest import NOW, at, inbox_notices, status_of
from tests.reminders.conftest import MovableClock
from volunteer_app.core.errors import Conflict, Forbidden, Invalid, NotFound
from volunteer_app.core.policy import SYSTEM
from volunteer_app.events import jobs, notices, reservations, services, signups
from volunteer_app.events.models import RoleReservation, SignupStatus
from volunteer_app.extensions import db
from volunteer_app.organisations import services as org


@pytest.fixture
def leader(make_user, team):
    return make_user("team_leader", scope=f"team:{team.id}")


@pytest.fixture
def members(register, team):
    people = [register() for _ in range(4)]
    for person in people:
        org.add_member(SYSTEM, team.id, volunteer_id=person.id)
    return people


@pytest.fixture
def big_role(make_event):
    """A role of 4 places, session at(7) for 3 hours, sign-up closing at(6)."""
    event = make_event(
        sessions=[{"starts_at": at(7), "ends_at": at(7, 3), "roles": [{"name": "清洁队员", "capacity": 4}]}]
    )
    return event.sessions[0].roles[0]


def test_reserved_places_count_as_taken_and_a_plain_sign_up_waits(big_role, leader, team, register):
    reservation = reservations.reserve(leader, big_role.id, team_id=team.id, places=3, fill_by=at(5), now=NOW)
    assert (reservation.places, reservation.filled, reservation.unfilled, reservation.status) == (3, 0, 3, "open")
    assert signups.taken_count(big_role.id) == 3
    role = services.get_role(SYSTEM, big_role.id)
    assert (role.reserved_count, role.places_left) == (3, 1)

    first = signups.sign_up(register().user, big_role.id, now=NOW)
    second = signups.sign_up(register().user, big_role.id, now=NOW)
    assert (first.status, second.status) == (SignupStatus.CONFIRMED, SignupStatus.WAITLISTED)
    event = services.list_events(SYSTEM).items[0]
    assert (event.total_places, event.confirmed_count, event.reserved_count) == (4, 1, 3)


def test_reserving_refuses_bad_input_and_more_places_than_are_free(big_role, leader, team, other_team, register):
    def reserve(**changes):
        args = {"team_id": team.id, "places": 2, "fill_by": at(5), "now": NOW, **changes}
        return reservations.reserve(leader, big_role.id, **args)

    for changes, field in [
        ({"places": 0}, "places"),
        ({"fill_by": NOW - timedelta(minutes=1)}, "fill_by"),
        ({"fill_by": at(7, 1)}, "fill_by"),  # after the session starts
        ({"fill_by": at(6, 1)}, "fill_by"),  # after sign-up closes
        ({"team_id": 2**31}, "team_id"),
    ]:
        with pytest.raises(Invalid) as refused:
            reserve(**changes)
        assert field in refused.value.errors
    with pytest.raises(Forbidden):
        reserve(team_id=other_team.id)  # not their team

    # Places taken meanwhile (between the page and the request) are counted under the role's lock.
    for _ in range(3):
        signups.sign_up(register().user, big_role.id, now=NOW)
    with pytest.raises(Invalid) as refused:
        reserve(places=2)
    assert "1" in refused.value.errors["places"][0]
    reserve(places=1)
    with pytest.raises(Conflict):  # the team already holds places of the role
        reserve(places=1)
    assert db.session.scalar(sa.select(sa.func.count(RoleReservation.id))) == 1
    assert signups.taken_count(big_role.id) == 4


def test_a_team_only_event_takes_reservations_only_for_its_teams(make_event, team, other_team, make_user):
    event = make_event(audience="teams", audience_team_ids=[team.id])
    role = event.sessions[0].roles[0]
    other_leader = make_user("team_leader", scope=f"team:{other_team.id}")
    with pytest.raises(NotFound):  # they cannot even see the event
        reservations.reserve(other_leader, role.id, team_id=other_team.id, places=1, fill_by=at(5), now=NOW)
    with pytest.raises(Invalid) as refused:
        reservations.reserve(SYSTEM, role.id, team_id=other_team.id, places=1, fill_by=at(5), now=NOW)
    assert "team_id" in refused.value.errors


def test_filling_checks_membership_requirements_and_clashes(big_role, leader, team, members, register, make_event):
    reservation = reservations.reserve(leader, big_role.id, team_id=team.id, places=3, fill_by=at(5), now=NOW)
    stranger = register()
    clash_event = make_event(title="同一时间的另一活动")
    signups.sign_up(members[1].user, clash_event.sessions[0].roles[0].id, now=NOW)  # overlapping place
    signups.sign_up(members[2].user, big_role.id, now=NOW)  # already signed up for the role

    for ids, refused_name in [
        ([members[0].id, stranger.id], stranger.name),  # not a member of the team
        ([members[0].id, members[1].id], members[1].name),  # a clashing place
        ([members[2].id], members[2].name),  # already signed up for the role
    ]:
        with pytest.raises(Invalid) as refused:
            reservations.fill(leader, big_role.id, reservation.id, ids, now=NOW)
        assert refused.value.message.startswith(f"{refused_name}: ") and members[0].name not in refused.value.message
        assert reservations.get_reservation(leader, big_role.id, reservation.id).filled == 0  # nothing half-written
    with pytest.raises(Invalid) as refused:  # an id of no volunteer refuses the list
        reservations.fill(leader, big_role.id, reservation.id, [members[0].id, 999_999], now=NOW)
    assert "999999" in refused.value.message and members[0].name not in refused.value.message
    with pytest.raises(Invalid):  # more names than places
        reservations.fill(leader, big_role.id, reservation.id, [m.id for m in members], now=NOW)

    services.update_role(SYSTEM, big_role.id, skill="急救")
    with pytest.raises(Invalid) as refused:
        reservations.fill(leader, big_role.id, reservation.id, [members[0].id], now=NOW)
    assert members[0].name in refused.value.message


def test_filling_takes_the_full_list_and_a_removed_name_gives_the_place_back(big_role, leader, team, members, register):
    reservation = reservations.reserve(leader, big_role.id, team_id=team.id, places=3, fill_by=at(5), now=NOW)
    filled = reservations.fill(leader, big_role.id, reservation.id, [members[0].id, members[1].id], now=NOW)
    assert (filled.filled, filled.unfilled) == (2, 1)
    assert {s.volunteer_id for s in filled.members} == {members[0].id, members[1].id}
    assert all(s.status == SignupStatus.CONFIRMED for s in filled.members)
    assert len(inbox_notices(notices.SIGNUP_CONFIRMED.key, members[0].user)) == 1
    assert signups.taken_count(big_role.id) == 3

    same = reservations.fill(leader, big_role.id, reservation.id, [members[1].id, members[0].id], now=at(1))
    assert same.filled == 2  # the same list again changes nothing

    waiting = signups.sign_up(register().user, big_role.id, now=at(1))  # the fourth place
    late = signups.sign_up(register().user, big_role.id, now=at(1))
    assert late.status == SignupStatus.WAITLISTED

    first_signup = next(s for s in filled.members if s.volunteer_id == members[0].id)
    swapped = reservations.fill(leader, big_role.id, reservation.id, [members[1].id, members[2].id], now=at(2))
    assert {s.volunteer_id for s in swapped.members} == {members[1].id, members[2].id}
    assert status_of(first_signup.id) == SignupStatus.CANCELLED
    assert status_of(late.id) == SignupStatus.WAITLISTED  # the place went back to the team, not the waitlist
    assert waiting.status == SignupStatus.CONFIRMED

    # A member cancelling themselves also gives the place back to the team while the reservation is open.
    cancelled = next(s for s in swapped.members if s.volunteer_id == members[2].id)
    signups.cancel(members[2].user, cancelled.id, now=at(2))
    assert status_of(late.id) == SignupStatus.WAITLISTED
    assert reservations.get_reservation(leader, big_role.id, reservation.id).unfilled == 2
    again = reservations.fill(leader, big_role.id, reservation.id, [members[1].id, members[2].id], now=at(3))
    assert again.filled == 2 and status_of(cancelled.id) == SignupStatus.CONFIRMED  # the row is used again


def test_unfilled_places_go_to_the_waitlist_in_order_at_the_deadline(big_role, leader, team, members, register):
    reservation = reservations.reserve(leader, big_role.id, team_id=team.id, places=3, fill_by=at(5), now=NOW)
    reservations.fill(leader, big_role.id, reservation.id, [members[0].id], now=NOW)
    queue = [signups.sign_up(register().user, big_role.id, now=NOW) for _ in range(4)]
    assert [s.status for s in queue] == ["confirmed"] + ["waitlisted"] * 3

    assert jobs.release_reservations(MovableClock(at(5) - timedelta(minutes=1))) == 0  # not yet
    assert jobs.release_reservations(MovableClock(at(5))) == 1
    assert [status_of(s.id) for s in queue] == ["confirmed", "confirmed", "confirmed", "waitlisted"]
    released = reservations.get_reservation(leader, big_role.id, reservation.id)
    assert (released.status, released.unfilled, released.filled) == ("released", 0, 1)
    assert len(inbox_notices(notices.RESERVATION_RELEASED.key, leader)) == 1
    assert jobs.release_reservations(MovableClock(at(5, 1))) == 0  # once
    with pytest.raises(Conflict):
        reservations.fill(leader, big_role.id, reservation.id, [members[0].id, members[1].id], now=at(5, 1))


def test_released_places_are_offered_when_the_event_asks_for_confirmation(make_event, leader, team, register):
    event = make_event(promotion_confirm_hours=24)
    role = event.sessions[0].roles[0]  # 2 places
    reservation = reservations.reserve(leader, role.id, team_id=team.id, places=2, fill_by=at(3), now=NOW)
    waiting = signups.sign_up(register().user, role.id, now=NOW)
    assert waiting.status == SignupStatus.WAITLISTED
    assert reservations.release(leader, role.id, reservation.id, now=at(1))[0].id == waiting.id
    assert status_of(waiting.id) == SignupStatus.OFFERED
    with pytest.raises(Conflict):  # released once
        reservations.release(leader, role.id, reservation.id, now=at(1))


def test_the_leaders_are_reminded_once_before_the_deadline(big_role, leader, team, members, app, monkeypatch):
    reservation = reservations.reserve(leader, big_role.id, team_id=team.id, places=2, fill_by=at(5), now=NOW)
    hours = 12
    monkeypatch.setitem(app.config, "RESERVATION_REMINDER_HOURS", hours)  # the config value sets the time
    assert jobs.remind_reservations(MovableClock(at(5) - timedelta(hours=hours, minutes=1))) == 0
    assert jobs.remind_reservations(MovableClock(at(5) - timedelta(hours=hours))) == 1
    assert jobs.remind_reservations(MovableClock(at(5) - timedelta(hours=1))) == 0
    sent = inbox_notices(notices.RESERVATION_DUE.key, leader)
    assert len(sent) == 1
    assert sent[0].context["unfilled"] == 2
    assert sent[0].context["url"].endswith(f"/roles/{big_role.id}/reservations/{reservation.id}")


def test_a_filled_reservation_sends_no_reminder(big_role, leader, team, members):
    reservation = reservations.reserve(leader, big_role.id, team_id=team.id, places=1, fill_by=at(5), now=NOW)
    reservations.fill(leader, big_role.id, reservation.id, [members[0].id], now=NOW)
    assert jobs.remind_reservations(MovableClock(at(4, 12))) == 0
    assert inbox_notices(notices.RESERVATION_DUE.key, leader) == []


def test_only_the_teams_leaders_and_staff_act_and_others_do_not_see_it(
    big_role, leader, team, other_team, members, make_user, staff
):
    reservation = reservations.reserve(staff, big_role.id, team_id=team.id, places=2, fill_by=at(5), now=NOW)
    other_leader = make_user("team_leader", scope=f"team:{other_team.id}")
    volunteer = members[0].user
    for actor in (other_leader, volunteer):
        with pytest.raises(NotFound):
            reservations.get_reservation(actor, big_role.id, reservation.id)
        with pytest.raises(NotFound):
            reservations.fill(actor, big_role.id, reservation.id, [members[0].id], now=NOW)
        with pytest.raises(NotFound):
            reservations.release(actor, big_role.id, reservation.id, now=NOW)
    assert reservations.list_reservations(other_leader, big_role.id).total == 0
    with pytest.raises(Forbidden):
        reservations.list_reservations(volunteer, big_role.id)
    with pytest.raises(NotFound):  # another role's path
        reservations.get_reservation(staff, big_role.id + 1, reservation.id)
    assert reservations.list_reservations(leader, big_role.id).total == 1
    reservations.release(leader, big_role.id, reservation.id, now=NOW)
    assert reservations.list_reservations(staff, big_role.id, open_only=True).total == 0


def test_the_api_round_trip(client, token_for, big_role, leader, team, other_team, members, make_user):
    headers = token_for(leader)
    url = f"/api/v1/roles/{big_role.id}/reservations"
    fill_by = (NOW + timedelta(days=5)).isoformat()
    bad = client.post(url, json={"team_id": team.id, "places": 9, "fill_by": fill_by}, headers=headers)
    assert bad.status_code == 422
    made = client.post(url, json={"team_id": team.id, "places": 2, "fill_by": fill_by}, headers=headers)
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert (body["places"], body["unfilled"], body["status"], body["names"]) == (2, 2, "open", [])
    role = client.get(f"/api/v1/roles/{big_role.id}", headers=headers).get_json()
    assert (role["reserved_count"], role["places_left"]) == (2, 2)

    item = f"{url}/{body['id']}"
    ids = [members[0].id, members[1].id]
    filled = client.patch(item, json={"volunteer_ids": ids}, headers=headers)
    assert filled.status_code == 200 and {n["volunteer_id"] for n in filled.get_json()["names"]} == set(ids)
    refused = client.patch(item, json={"volunteer_ids": [*ids, members[2].id]}, headers=headers)
    assert refused.status_code == 422
    listed = client.get(url, headers=headers).get_json()
    assert listed["total"] == 1 and listed["items"][0]["filled"] == 2

    other = token_for(make_user("team_leader", scope=f"team:{other_team.id}"))
    assert client.get(item, headers=other).status_code == 404
    assert client.patch(item, json={"volunteer_ids": []}, headers=other).status_code == 404
    assert client.delete(item, headers=other).status_code == 404
    volunteer = token_for(members[3].user)
    assert client.get(url, headers=volunteer).status_code == 403
    assert client.delete(item, headers=volunteer).status_code == 404
    assert (
        client.post(url, json={"team_id": team.id, "places": 1, "fill_by": fill_by}, headers=volunteer).status_code
        == 403
    )

    assert client.delete(item, headers=headers).status_code == 204
    assert client.get(item, headers=headers).get_json()["status"] == "released"
    assert client.delete(item, headers=headers).status_code == 409


def test_places_taken_while_a_reservation_is_checked_are_counted_under_the_lock(
    big_role, leader, team, register, monkeypatch
):
    """Another request takes places after the reservation's checks and before its lock: the count taken under the
    lock sees them, so the role never holds more than its capacity."""
    people = [register() for _ in range(3)]
    checked = reservations.refuse_if_closed

    def meanwhile(role, now):
        checked(role, now)
        for person in people:
            signups.sign_up(person.user, big_role.id, now=now)

    monkeypatch.setattr(reservations, "refuse_if_closed", meanwhile)
    with pytest.raises(Invalid):
        reservations.reserve(leader, big_role.id, team_id=team.id, places=2, fill_by=at(5), now=NOW)
    monkeypatch.setattr(reservations, "refuse_if_closed", checked)
    assert db.session.scalar(sa.select(sa.func.count(RoleReservation.id))) == 0
    assert signups.taken_count(big_role.id) == 3
    reservations.reserve(leader, big_role.id, team_id=team.id, places=1, fill_by=at(5), now=NOW)
    assert signups.taken_count(big_role.id) == 4
    assert signups.sign_up(register().user, big_role.id, now=NOW).status == SignupStatus.WAITLISTED
