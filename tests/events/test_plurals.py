"""English plural forms: a count of one reads "1 place left", not "1 places left" (issue 11 item 13). Here because
the pages and messages concerned need an event; the Chinese has one form for every count."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from tests.events.conftest import NOW, at
from volunteer_app.core.errors import Invalid
from volunteer_app.core.policy import SYSTEM
from volunteer_app.events import reservations, services, signups


@pytest.mark.parametrize(
    ("capacity", "shown", "wrong"), [(1, "1 place left", "1 places left"), (2, "2 places left", None)]
)
def test_places_left_on_the_team_signup_page(client, login, make_user, team, make_event, capacity, shown, wrong):
    leader = make_user("team_leader", scope=f"team:{team.id}")
    event = make_event(
        team_id=team.id,
        sessions=[{"starts_at": at(7), "ends_at": at(7, 3), "roles": [{"name": "会务", "capacity": capacity}]}],
    )
    role = event.sessions[0].roles[0]
    login(leader)
    client.post("/language", data={"lang": "en"})
    page = client.get(f"/roles/{role.id}/team-signup?team_id={team.id}").get_data(as_text=True)
    assert shown in page
    assert wrong is None or wrong not in page


@pytest.mark.parametrize(("capacity", "shown"), [(1, "0 of 1 place taken"), (2, "0 of 2 places taken")])
def test_places_taken_on_the_event_page(client, login, staff, make_event, capacity, shown):
    event = make_event(
        sessions=[{"starts_at": at(7), "ends_at": at(7, 3), "roles": [{"name": "会务", "capacity": capacity}]}]
    )
    login(staff)
    client.post("/language", data={"lang": "en"})
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert shown in page


def test_fewer_places_than_one_confirmed_says_one_place_in_english(app, register, role):
    signups.sign_up(register().user, role.id, now=NOW)
    with app.test_request_context(), force_locale("en"), pytest.raises(Invalid) as refused:
        services.update_role(SYSTEM, role.id, capacity=0, now=NOW)
    assert refused.value.errors["capacity"] == [
        "1 place is taken (1 confirmed, 0 reserved for teams, 0 offered from the waitlist); cancel some places first."
    ]


def test_fewer_places_than_are_taken_names_the_reserved_and_offered_ones_too(app, make_event, register, team):
    """Reserved and offered places are taken as confirmed ones are (signups.taken_count): the refusal counts all
    three, not only the confirmed volunteers."""
    event = make_event(
        promotion_confirm_hours=24,
        sessions=[{"starts_at": at(7), "ends_at": at(7, 3), "roles": [{"name": "会务", "capacity": 4}]}],
    )
    role = event.sessions[0].roles[0]
    reservations.reserve(SYSTEM, role.id, team_id=team.id, places=1, fill_by=at(5), now=NOW)
    people = [register() for _ in range(4)]
    made = [signups.sign_up(p.user, role.id, now=NOW) for p in people]
    assert made[-1].status == "waitlisted"
    signups.cancel(people[0].user, made[0].id, now=at(1))  # its place is offered to the waitlisted one
    with app.test_request_context():
        with force_locale("en"), pytest.raises(Invalid) as refused:
            services.update_role(SYSTEM, role.id, capacity=3, now=at(1))
        assert refused.value.errors["capacity"] == [
            "4 places are taken (2 confirmed, 1 reserved for teams, 1 offered from the waitlist); "
            "cancel some places first."
        ]
        with force_locale("zh_CN"), pytest.raises(Invalid) as refused:
            services.update_role(SYSTEM, role.id, capacity=3, now=at(1))
        assert refused.value.errors["capacity"] == [
            "已占用 4 个名额（已确认 2 个，团队预留 1 个，候补邀请中 1 个），请先取消部分名额。"
        ]
    services.update_role(SYSTEM, role.id, capacity=4, now=at(1))  # as many as are taken is allowed
