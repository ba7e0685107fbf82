"""Promotion offers (issue 15): an event asking promoted volunteers to confirm holds a freed place for the first on
the waitlist until a deadline; accepting confirms it, declining or letting it lapse offers it to the next in order;
the deadline is cut near the start, and the last hours promote at once; every message goes through the outbox."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.events.conftest import NOW, at, inbox_notices, status_of
from tests.reminders.conftest import MovableClock
from volunteer_app.core.errors import Conflict, NotFound
from volunteer_app.core.policy import SYSTEM
from volunteer_app.events import jobs, notices, offers, services, signups
from volunteer_app.events.models import Signup, SignupStatus
from volunteer_app.extensions import db
from volunteer_app.reminders import services as outbox


@pytest.fixture
def full(make_event, register):
    """A role of 2 places whose event gives 24 hours to accept: two confirmed, three waitlisted in order."""
    event = make_event(promotion_confirm_hours=24)
    role = event.sessions[0].roles[0]
    people = [register() for _ in range(5)]
    made = [signups.sign_up(p.user, role.id, now=NOW) for p in people]
    assert [s.status for s in made] == ["confirmed"] * 2 + ["waitlisted"] * 3
    return role, people, made


def test_a_freed_place_is_offered_held_and_accepted(full, register):
    role, people, made = full
    signups.cancel(people[0].user, made[0].id, now=at(1))
    offer = db.session.get(Signup, made[2].id)
    assert offer.status == SignupStatus.OFFERED
    assert offer.offer_expires_at == at(2)  # 24 hours
    # the offered place is held: a newcomer waits behind it
    assert signups.sign_up(register().user, role.id, now=at(1)).status == SignupStatus.WAITLISTED

    sent = inbox_notices(notices.OFFERED.key, people[2].user)
    assert len(sent) == 1 and sent[0].context["url"].endswith(f"/signups/{made[2].id}/offer")
    report = outbox.dispatch_due(MovableClock(at(1) + timedelta(minutes=1)))
    assert report.failed == 0
    body = inbox_notices(notices.OFFERED.key, people[2].user)[0].body
    assert f"/signups/{made[2].id}/offer" in body

    offers.accept(people[2].user, made[2].id, now=at(1.5))
    assert status_of(made[2].id) == SignupStatus.CONFIRMED
    with pytest.raises(Conflict):
        offers.accept(people[2].user, made[2].id, now=at(1.5))  # answered once
    assert status_of(made[3].id) == SignupStatus.WAITLISTED


def test_a_lapsed_offer_passes_to_the_next_in_order_with_the_clock_injected(full):
    _role, people, made = full
    signups.cancel(people[0].user, made[0].id, now=at(1))
    assert jobs.expire_offers(MovableClock(at(2) - timedelta(minutes=1))) == 0  # not yet
    assert status_of(made[2].id) == SignupStatus.OFFERED

    assert jobs.expire_offers(MovableClock(at(2))) == 1
    assert [status_of(s.id) for s in made[2:]] == [
        SignupStatus.CANCELLED,
        SignupStatus.OFFERED,
        SignupStatus.WAITLISTED,
    ]
    assert len(inbox_notices(notices.OFFER_LAPSED.key, people[2].user)) == 1
    assert len(inbox_notices(notices.OFFERED.key, people[3].user)) == 1
    with pytest.raises(Conflict):
        offers.accept(people[2].user, made[2].id, now=at(2))

    assert jobs.expire_offers(MovableClock(at(3))) == 1  # and on to the last in line
    assert [status_of(s.id) for s in made[3:]] == [SignupStatus.CANCELLED, SignupStatus.OFFERED]


def test_an_offer_cannot_be_accepted_after_its_deadline_even_before_the_job_runs(full):
    _role, people, made = full
    signups.cancel(people[0].user, made[0].id, now=at(1))
    with pytest.raises(Conflict):
        offers.accept(people[2].user, made[2].id, now=at(2))
    assert status_of(made[2].id) == SignupStatus.OFFERED  # the job passes it on


def test_declining_offers_the_place_to_the_next(full, register):
    _role, people, made = full
    signups.cancel(people[1].user, made[1].id, now=at(1))
    with pytest.raises(NotFound):  # someone else's offer: no such sign-up to them
        offers.decline(register().user, made[2].id, now=at(1))
    offers.decline(people[2].user, made[2].id, now=at(1))
    assert [status_of(s.id) for s in made[2:]] == [
        SignupStatus.CANCELLED,
        SignupStatus.OFFERED,
        SignupStatus.WAITLISTED,
    ]
    # cancelling an offered sign-up (from the event page) frees its held place the same way
    signups.cancel(people[3].user, made[3].id, now=at(1))
    assert status_of(made[4].id) == SignupStatus.OFFERED


def test_the_deadline_is_cut_short_near_the_start_and_the_last_hours_promote_at_once(full):
    _role, people, made = full
    session_start = at(7)
    signups.cancel(people[0].user, made[0].id, now=session_start - timedelta(hours=10))
    offer = db.session.get(Signup, made[2].id)
    assert offer.offer_expires_at == session_start - signups.OFFER_CUTOFF  # not 24 hours later
    signups.cancel(people[1].user, made[1].id, now=session_start - timedelta(hours=1))
    assert status_of(made[3].id) == SignupStatus.CONFIRMED  # too close to the start for an offer
    jobs.expire_offers(MovableClock(session_start - signups.OFFER_CUTOFF))
    assert status_of(made[4].id) == SignupStatus.CONFIRMED  # the lapsed offer's place, at once


def test_without_the_setting_promotion_stays_automatic(role, register):
    people = [register() for _ in range(3)]
    made = [signups.sign_up(p.user, role.id, now=NOW) for p in people]
    signups.cancel(people[0].user, made[0].id, now=at(1))
    assert status_of(made[2].id) == SignupStatus.CONFIRMED


def test_more_places_on_a_role_are_offered_too(full):
    role, _people, made = full
    services.update_role(SYSTEM, role.id, capacity=3, now=at(1))
    assert status_of(made[2].id) == SignupStatus.OFFERED
    services.attach_role_counts([role.session])
    assert (role.confirmed_count, role.offered_count, role.places_left) == (2, 1, 0)


def test_the_api_sets_the_hours_and_answers_offers(client, token_for, staff, full, communities):
    role, people, made = full
    event_id = role.session.event_id
    headers = token_for(staff)
    patched = client.patch(f"/api/v1/events/{event_id}", json={"promotion_confirm_hours": 0}, headers=headers)
    assert patched.status_code == 422
    patched = client.patch(f"/api/v1/events/{event_id}", json={"promotion_confirm_hours": 48}, headers=headers)
    assert patched.status_code == 200 and patched.get_json()["promotion_confirm_hours"] == 48

    assert client.delete(f"/api/v1/signups/{made[0].id}", headers=token_for(people[0].user)).status_code == 204
    mine = token_for(people[2].user)
    offered = client.get(f"/api/v1/signups/{made[2].id}", headers=mine).get_json()
    assert offered["status"] == "offered" and offered["offer_expires_at"]
    accepted = client.post(f"/api/v1/signups/{made[2].id}/accept", headers=mine)
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "confirmed"
    assert client.post(f"/api/v1/signups/{made[2].id}/decline", headers=mine).status_code == 409

    assert client.delete(f"/api/v1/signups/{made[1].id}", headers=token_for(people[1].user)).status_code == 204
    declined = client.post(f"/api/v1/signups/{made[3].id}/decline", headers=token_for(people[3].user))
    assert declined.status_code == 200 and declined.get_json()["status"] == "cancelled"
    assert status_of(made[4].id) == SignupStatus.OFFERED

    created = client.post(
        "/api/v1/events",
        json={
            "title": "新活动",
            "kind": "forum",
            "community_id": communities["草场"].id,
            "promotion_confirm_hours": 12,
        },
        headers=headers,
    )
    assert created.status_code == 201 and created.get_json()["promotion_confirm_hours"] == 12


def test_pages_show_the_offer_and_take_the_answer(client, login, full):
    role, people, made = full
    signups.cancel(people[0].user, made[0].id)
    login(people[2].user)
    mine = client.get("/me/signups").get_data(as_text=True)
    assert 'data-status="offered"' in mine and f"/signups/{made[2].id}/accept" in mine
    page = client.get(f"/signups/{made[2].id}/offer").get_data(as_text=True)
    assert f"/signups/{made[2].id}/decline" in page
    event_page = client.get(f"/events/{role.session.event_id}").get_data(as_text=True)
    assert 'id="promotion-confirm"' in event_page
    response = client.post(f"/signups/{made[2].id}/accept", follow_redirects=True)
    assert response.status_code == 200 and 'data-status="confirmed"' in response.get_data(as_text=True)
    assert "offer-answer" not in client.get(f"/signups/{made[2].id}/offer").get_data(as_text=True)
