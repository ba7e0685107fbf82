"""The events pages on a phone-first layout: find, sign up, be told the outcome; organisers create, publish,
follow rosters and sign up a team. Lists are searchable and paginated without a query per row."""

from __future__ import annotations

from datetime import timedelta

from tests.events.conftest import NOW, at
from volunteer_app.core.policy import SYSTEM
from volunteer_app.core.time import to_local
from volunteer_app.events import services, signups
from volunteer_app.events.models import Event
from volunteer_app.extensions import db
from volunteer_app.organisations import services as org


def test_a_volunteer_finds_an_event_signs_up_and_is_told_their_waitlist_position(client, login, register, event, role):
    first, second, third = register(), register(), register()
    signups.sign_up(first.user, role.id, now=NOW)
    signups.sign_up(second.user, role.id, now=NOW)
    login(third.user)
    listing = client.get("/events?q=草场").get_data(as_text=True)
    assert event.title in listing
    response = client.post(f"/roles/{role.id}/signup", follow_redirects=True)
    text = response.get_data(as_text=True)
    assert 'data-status="waitlisted"' in text
    assert "1" in text
    my = client.get("/me/signups").get_data(as_text=True)
    assert event.title in my


def test_near_me_shows_events_of_my_community(client, login, register, make_event, communities):
    make_event(title="北沙的活动", community_id=communities["北沙"].id)
    make_event(title="草场的活动")
    person = register()  # lives in 草场
    login(person.user)
    page = client.get("/events?near=1").get_data(as_text=True)
    assert "草场的活动" in page and "北沙的活动" not in page


def test_the_event_list_is_paginated_and_does_not_query_per_row(client, login, make_user, make_event, query_counter):
    login(make_user("volunteer"))
    make_event(title="第一场")
    with query_counter() as few:
        client.get("/events")
    for n in range(25):
        make_event(title=f"活动{n:02d}")
    with query_counter() as many:
        page = client.get("/events").get_data(as_text=True)
    assert len(many) == len(few) + 1  # the (capped) count, skipped while one page holds every event
    assert page.count("event-item") == 20 and "page=2" in page


def test_an_event_page_reads_the_reader_and_their_profile_narrowly(client, login, register, event, role, query_counter):
    """Issue #16: the signed-in event page ran 27 statements at district scale, the reader's profile read twice with its
    community, town and teams, and the user's grants apart from the user. The page asks only whose profile it is."""
    person = register()
    signups.sign_up(person.user, role.id, now=NOW)
    login(person.user)
    with query_counter() as statements:
        page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert 'data-status="confirmed"' in page  # the reader's own sign-up is still shown
    profile_reads = [s for s in statements if "FROM volunteer_profiles" in s and "youth_group" not in s]
    assert profile_reads and all(s.split("FROM")[0].count(",") == 0 for s in profile_reads), profile_reads
    assert not any("FROM team_memberships" in s for s in statements)
    assert not any(s.lstrip().startswith("SELECT role_grants") for s in statements)  # read with the user


def test_staff_create_publish_and_cancel_an_event_through_the_pages(client, login, staff, communities):
    login(staff)
    start = to_local(NOW + timedelta(days=10)).replace(tzinfo=None)
    form = {
        "title": "金溪河涌清漂",
        "kind": "cleanup",
        "team_id": "",
        "community_id": str(communities["草场"].id),
        "place": "金溪河涌",
        "description": "",
        "signup_opens_at": "",
        "audience": "public",
        "signup_closes_at": (start - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
    }
    response = client.post("/events/new", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    event_id = int(response.headers["Location"].rsplit("/", 1)[1])
    publish = client.post(f"/events/{event_id}/status", data={"status": "published"}, follow_redirects=True)
    assert "session" in publish.get_data(as_text=True).lower() or "场次" in publish.get_data(as_text=True)
    session = client.post(
        f"/events/{event_id}/sessions/new",
        data={
            "title": "",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert session.status_code == 302
    role = client.post(session.headers["Location"], data={"name": "清漂队员", "capacity": "30", "political_status": ""})
    assert role.status_code == 302
    client.post(f"/events/{event_id}/status", data={"status": "published"})
    assert db.session.get(Event, event_id).status == "published"
    bad = client.post(f"/events/{event_id}/cancel", data={"cancel_reason": ""})
    assert bad.status_code == 422
    client.post(f"/events/{event_id}/cancel", data={"cancel_reason": "河涌水位过高"})
    assert db.session.get(Event, event_id).status == "cancelled"


def test_a_leader_signs_up_team_members_from_the_page(client, login, make_user, register, team, make_event):
    leader = make_user("team_leader", scope=f"team:{team.id}")
    event = make_event(team_id=team.id)
    role = event.sessions[0].roles[0]
    members = [register() for _ in range(3)]
    for member in members:
        org.add_member(SYSTEM, team.id, volunteer_id=member.id)
    login(leader)
    page = client.get(f"/roles/{role.id}/team-signup?team_id={team.id}").get_data(as_text=True)
    assert all(m.name in page for m in members)
    done = client.post(f"/roles/{role.id}/team-signup?team_id={team.id}", data={"all_members": "1"})
    text = done.get_data(as_text=True)
    assert "bulk-results" in text
    assert signups.taken_count(role.id) == 2
    roster = client.get(f"/roles/{role.id}/signups").get_data(as_text=True)
    assert all(m.name in roster for m in members)


def test_the_home_card_shows_upcoming_signups_hours_and_stars(client, login, register, role):
    person = register()
    signups.sign_up(person.user, role.id, now=NOW)
    login(person.user)
    home = client.get("/").get_data(as_text=True)
    assert "1" in home and "★" not in home.split("card-text")[0]


def test_organiser_pages_of_an_event_answer(client, login, staff, event, role):
    login(staff)
    session_id = event.sessions[0].id
    for url in (
        f"/events/{event.id}",
        f"/events/{event.id}/edit",
        f"/sessions/{session_id}/edit",
        f"/roles/{role.id}/edit",
        f"/sessions/{session_id}/roles/new",
        f"/events/{event.id}/recurrence",
        f"/events/{event.id}/sessions/new",
        f"/sessions/{session_id}/attendance",
        "/calendar/subscribe",
        f"/events/{event.id}/enrolments",
        "/admin/holidays",
        f"/events/{event.id}/cancel",
    ):
        assert client.get(url).status_code == 200, url
    services.update_event(SYSTEM, event.id, title="改名后的活动")
    assert "改名后的活动" in client.get(f"/events/{event.id}").get_data(as_text=True)
    assert at(0) == NOW


def _two_sessions(make_event):
    role = [{"name": "清洁队员", "capacity": 2}]
    return make_event(
        sessions=[
            {"starts_at": at(7), "ends_at": at(7, 3), "roles": role},
            {"starts_at": at(8), "ends_at": at(8, 3), "title": "第二场", "roles": role},
        ]
    )


def _local(moment) -> str:
    return to_local(moment).strftime("%Y-%m-%dT%H:%M")


def test_the_session_edit_page_names_a_start_another_session_has(client, login, staff, make_event):
    event = _two_sessions(make_event)
    login(staff)
    second = event.sessions[1]
    response = client.post(
        f"/sessions/{second.id}/edit", data={"title": "", "starts_at": _local(at(7)), "ends_at": _local(at(7, 2))}
    )
    assert response.status_code == 422
    assert 'id="starts_at"' in response.get_data(as_text=True) and "is-invalid" in response.get_data(as_text=True)


def test_completing_from_the_page_with_a_session_to_come_says_which(client, login, staff, make_event):
    role = [{"name": "清洁队员", "capacity": 2}]
    event = make_event(
        signup_opens_at=at(-10),
        signup_closes_at=at(-3),
        sessions=[
            {"starts_at": at(-2), "ends_at": at(-2, 3), "roles": role},
            {"starts_at": at(8), "ends_at": at(8, 3), "title": "第二场", "roles": role},
        ],
    )
    login(staff)
    back = f"/events/{event.id}"
    page = client.post(f"{back}/status", data={"status": "completed"}, headers={"Referer": back}, follow_redirects=True)
    alert = page.get_data(as_text=True).split("alert-danger", 1)[1].split("</div>", 1)[0]
    assert "第二场" in alert
    assert db.session.get(Event, event.id).status == "published"


def test_adding_a_session_in_the_past_from_the_page_warns(client, login, staff, make_event):
    event = make_event(status="draft", signup_closes_at=None, signup_opens_at=None)
    login(staff)
    added = client.post(
        f"/events/{event.id}/sessions/new",
        data={"title": "补记", "starts_at": _local(at(-2)), "ends_at": _local(at(-2, 2))},
        follow_redirects=True,
    )
    assert "补记" in added.get_data(as_text=True) and "alert-warning" in added.get_data(as_text=True)


def test_the_event_edit_page_refuses_sign_up_closing_after_the_end(client, login, staff, event, communities):
    login(staff)
    form = {
        "title": event.title,
        "kind": event.kind,
        "team_id": "",
        "community_id": str(communities["草场"].id),
        "place": event.place,
        "description": "",
        "signup_opens_at": _local(at(-1)),
        "signup_closes_at": _local(at(9)),  # its one session ends at day 7
        "audience": "public",
    }
    response = client.post(f"/events/{event.id}/edit", data=form)
    assert response.status_code == 422
    assert 'id="signup_closes_at"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Event, event.id).signup_closes_at == at(6)
