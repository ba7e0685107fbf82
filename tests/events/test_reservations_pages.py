"""Team reservation pages (issue 15): a leader reserves places from the role's page, ticks the members filling them
and releases the rest; the event page shows the reservation to the organiser and the leader, not to volunteers."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from tests.events.conftest import NOW
from volunteer_app.core.policy import SYSTEM
from volunteer_app.core.time import to_local
from volunteer_app.events import reservations, signups
from volunteer_app.events.models import RoleReservation, Signup, SignupStatus
from volunteer_app.extensions import db
from volunteer_app.organisations import services as org


def _local(moment) -> str:
    return to_local(moment).strftime("%Y-%m-%dT%H:%M")


def test_a_leader_reserves_fills_and_releases_from_the_pages(client, login, make_user, team, role, register, staff):
    leader = make_user("team_leader", scope=f"team:{team.id}")
    members = [register() for _ in range(2)]
    for member in members:
        org.add_member(SYSTEM, team.id, volunteer_id=member.id)
    login(leader)
    page = client.get(f"/roles/{role.id}/reservations")
    assert page.status_code == 200 and 'id="reserve-form"' in page.get_data(as_text=True)
    too_many = client.post(
        f"/roles/{role.id}/reservations",
        data={"team_id": team.id, "places": 3, "fill_by": _local(NOW + timedelta(days=5))},
    )
    assert too_many.status_code == 422  # two places in all
    made = client.post(
        f"/roles/{role.id}/reservations",
        data={"team_id": team.id, "places": 2, "fill_by": _local(NOW + timedelta(days=5))},
    )
    assert made.status_code == 302
    reservation = db.session.scalar(sa.select(RoleReservation))
    url = f"/roles/{role.id}/reservations/{reservation.id}"
    assert made.headers["Location"].endswith(url)

    text = client.get(url).get_data(as_text=True)
    assert text.count('name="volunteer_ids"') == 2 and 'id="release-reservation"' in text
    assert client.post(url, data={"volunteer_ids": [str(members[0].id)]}).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(sa.select(Signup.status).where(Signup.volunteer_id == members[0].id)) == "confirmed"

    event_page = client.get(f"/events/{role.session.event_id}").get_data(as_text=True)
    assert "reservation-line" in event_page and url in event_page
    client.post("/logout")
    login(staff)
    assert url in client.get(f"/events/{role.session.event_id}").get_data(as_text=True)
    client.post("/logout")
    login(members[1].user)
    assert "reservation-line" not in client.get(f"/events/{role.session.event_id}").get_data(as_text=True)
    assert client.get(url).status_code == 403

    client.post("/logout")
    login(leader)
    waiting = register()
    queued = signups.sign_up(waiting.user, role.id)
    assert queued.status == SignupStatus.WAITLISTED
    assert client.post(f"{url}/release").status_code == 302
    db.session.expire_all()
    assert db.session.get(Signup, queued.id).status == SignupStatus.CONFIRMED
    released = client.get(url).get_data(as_text=True)
    assert 'id="release-reservation"' not in released
    assert reservations.get_reservation(SYSTEM, role.id, reservation.id).status == "released"
