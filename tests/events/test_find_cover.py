"""Find cover (issue 15): an organiser asks eligible volunteers to cover a role short of people; nobody with a
clashing place, nobody signed up or asked before for the role, the least recently asked first, the community before
the rest of the town, never more than the free places; who was asked is recorded and hears through the outbox."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.events.conftest import NOW, at
from volunteer_app.core.errors import Conflict, Invalid
from volunteer_app.core.policy import SYSTEM
from volunteer_app.events import cover, notices, signups
from volunteer_app.events.models import CoverRequest
from volunteer_app.extensions import db
from volunteer_app.reminders.models import Notification as N


def _asked(role_id: int) -> set[int]:
    db.session.expire_all()
    return set(db.session.scalars(sa.select(CoverRequest.volunteer_id).where(CoverRequest.role_id == role_id)))


def test_cover_skips_clashes_signed_up_and_already_asked_and_stops_when_full(make_event, register, communities):
    event = make_event()
    role = event.sessions[0].roles[0]  # 2 places, session at(7) for 3 hours
    other = make_event(title="同一时间的另一活动")
    clash_role = other.sessions[0].roles[0]
    signed, busy, free_a, free_b = register(), register(), register(), register()
    signups.sign_up(signed.user, role.id, now=NOW)
    signups.sign_up(busy.user, clash_role.id, now=NOW)  # a confirmed place at an overlapping session

    first = cover.find_cover(SYSTEM, role.id, count=5, now=at(1))
    assert len(first) == 1  # one place free: one asked, not five
    asked = _asked(role.id)
    assert asked and not asked & {signed.id, busy.id}
    second = cover.find_cover(SYSTEM, role.id, count=1, now=at(1, 1))
    assert {r.volunteer_id for r in second}.isdisjoint(asked)  # never twice for the same role
    assert _asked(role.id) == {free_a.id, free_b.id}  # the only ones free and not signed up
    assert cover.find_cover(SYSTEM, role.id, count=1, now=at(1, 2)) == []  # nobody left to ask

    db.session.expire_all()
    notice = db.session.scalars(
        sa.select(N).where(N.kind == notices.COVER_ASKED.key, N.channel == "inbox").order_by(N.id)
    ).first()
    assert notice is not None and notice.context["url"].endswith(f"/events/{event.id}#role-{role.id}")

    signups.sign_up(free_a.user, role.id, now=at(2))
    with pytest.raises(Conflict):  # the role is full now
        cover.find_cover(SYSTEM, role.id, count=1, now=at(2))
    with pytest.raises(Invalid):
        cover.find_cover(SYSTEM, role.id, count=0, now=at(2))


def test_the_least_recently_asked_come_first_and_the_community_before_the_town(make_event, register, communities):
    first_event = make_event(title="早些的活动")
    later = make_event(
        title="后来的活动",
        sessions=[{"starts_at": at(9), "ends_at": at(9, 2), "roles": [{"name": "队员", "capacity": 3}]}],
    )
    role_a = first_event.sessions[0].roles[0]
    role_b = later.sessions[0].roles[0]
    home = [register() for _ in range(3)]  # of 草场, the events' community
    away = register(community_id=communities["北沙"].id)  # same town, another community
    signups.sign_up(home[2].user, role_a.id, now=NOW)
    asked_before = cover.find_cover(SYSTEM, role_a.id, count=1, now=at(1))
    assert asked_before[0].volunteer_id in {home[0].id, home[1].id}  # the home community first

    picked = cover.find_cover(SYSTEM, role_b.id, count=3, now=at(1, 1))
    order = [r.volunteer_id for r in picked]
    never_asked_home = {home[0].id, home[1].id, home[2].id} - {asked_before[0].volunteer_id}
    assert set(order[:2]) == never_asked_home  # never asked, home community
    assert order[2] == asked_before[0].volunteer_id  # their community before the rest of the town
    assert away.id not in order


def test_the_api_and_pages_find_cover_and_list_who_was_asked(client, token_for, login, staff, role, register):
    candidates = [register() for _ in range(2)]
    headers = token_for(staff)
    assert client.post(f"/api/v1/roles/{role.id}/find-cover", json={"count": 0}, headers=headers).status_code == 422
    answer = client.post(f"/api/v1/roles/{role.id}/find-cover", json={"count": 1}, headers=headers)
    assert answer.status_code == 200 and len(answer.get_json()) == 1
    listed = client.get(f"/api/v1/roles/{role.id}/cover-requests", headers=headers).get_json()
    assert listed["total"] == 1 and listed["items"][0]["volunteer_id"] in {c.id for c in candidates}
    volunteer = token_for(candidates[0].user)
    assert client.post(f"/api/v1/roles/{role.id}/find-cover", json={"count": 1}, headers=volunteer).status_code == 403

    login(staff)
    roster = client.get(f"/roles/{role.id}/signups").get_data(as_text=True)
    assert 'id="find-cover"' in roster
    page = client.post(f"/roles/{role.id}/find-cover", data={"count": "1"}, follow_redirects=True)
    text = page.get_data(as_text=True)
    assert (
        page.status_code == 200
        and text.count("list-group-item d-flex justify-content-between gap-2 cover-request") == 2
    )
