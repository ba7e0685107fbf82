"""English plural forms: a count of one reads "1 place left", not "1 places left" (issue 11 item 13). Here because
the pages and messages concerned need an event; the Chinese has one form for every count."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from tests.events.conftest import NOW, at
from volunteer_app.core.errors import Invalid
from volunteer_app.core.policy import SYSTEM
from volunteer_app.events import services, signups


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


@pytest.mark.parametrize(
    ("confirmed", "message"),
    [
        (1, "1 volunteer is confirmed; cancel some places first."),
        (2, "2 volunteers are confirmed; cancel some places first."),
    ],
)
def test_fewer_places_than_confirmed_says_how_many_in_english(app, register, role, confirmed, message):
    for _ in range(confirmed):
        signups.sign_up(register().user, role.id, now=NOW)
    with app.test_request_context(), force_locale("en"), pytest.raises(Invalid) as refused:
        services.update_role(SYSTEM, role.id, capacity=0, now=NOW)
    assert refused.value.errors["capacity"] == [message]
