"""League staff scoped to a community (村/社区 staff, a `community:ID` grant) act for that community only: its
volunteers, the teams paired with it and its events; not the town's administration (accounts/staff_scope.py). What
they see but may not change is refused (403); what they may not see is not there for them (404)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.events.conftest import event_spec
from volunteer_app.core.errors import Forbidden, NotFound
from volunteer_app.core.policy import SYSTEM
from volunteer_app.events import services
from volunteer_app.events import signups as signup_service
from volunteer_app.events.hours import summary
from volunteer_app.organisations import services as org


@pytest.fixture
def caochang_staff(make_user, communities):
    return make_user("league_staff", scope=f"community:{communities['草场'].id}")


def test_community_staff_reach_their_communitys_volunteers_only(caochang_staff, register, communities):
    ours, theirs = register(), register(community_id=communities["北沙"].id)
    assert [p.id for p in org.list_volunteers(caochang_staff).items] == [ours.id]
    assert org.get_volunteer(caochang_staff, ours.id).id == ours.id
    org.update_volunteer(caochang_staff, ours.id, skills=["急救"])
    assert org.reveal_volunteer(caochang_staff, ours.id, fields=["phone"]) == {"phone": ours.phone}
    assert summary(caochang_staff, ours.id).volunteer.id == ours.id
    for reach in (
        lambda: org.get_volunteer(caochang_staff, theirs.id),
        lambda: org.update_volunteer(caochang_staff, theirs.id, skills=["x"]),
        lambda: org.reveal_volunteer(caochang_staff, theirs.id, fields=["phone"]),
        lambda: summary(caochang_staff, theirs.id),
    ):
        with pytest.raises(NotFound):
            reach()


def test_community_staff_manage_the_teams_paired_with_their_community(caochang_staff, communities, team, other_team):
    org.create_pairing(SYSTEM, team_id=team.id, community_id=communities["草场"].id, since=date(2026, 3, 1))
    org.update_team(caochang_staff, team.id, description="草场的结对队伍")
    with pytest.raises(Forbidden):  # a team they see, paired elsewhere
        org.update_team(caochang_staff, other_team.id, description="x")
    with pytest.raises(Forbidden):  # registering a team for another community (tests/organisations/...teams.py)
        org.create_team(caochang_staff, name="新队", kind="other", community_id=communities["北沙"].id)


def test_community_staff_organise_their_communitys_events(caochang_staff, communities, make_event, register):
    ours = make_event()
    elsewhere = make_event(community_id=communities["北沙"].id, title="北沙清洁")
    draft = make_event(status="draft", title="草场草稿")
    services.update_event(caochang_staff, ours.id, place="草场村委会")
    with pytest.raises(Forbidden):  # a published event they see, in another community
        services.update_event(caochang_staff, elsewhere.id, place="x")
    with pytest.raises(Forbidden):  # moving their event out of their community
        services.update_event(caochang_staff, ours.id, community_id=communities["北沙"].id)
    listed = {e.id for e in services.list_events(caochang_staff).items}
    assert {ours.id, elsewhere.id, draft.id} <= listed
    created = services.create_event(caochang_staff, **event_spec(community_id=communities["草场"].id))
    assert created.community_id == communities["草场"].id
    with pytest.raises(Forbidden):
        services.create_event(caochang_staff, **event_spec(community_id=communities["北沙"].id))
    # a sign-up of their community's volunteer to another community's event is theirs to read and cancel
    volunteer = register()
    signup = signup_service.sign_up(caochang_staff, elsewhere.sessions[0].roles[0].id, volunteer_id=volunteer.id)
    assert signup_service.get_signup(caochang_staff, signup.id).id == signup.id
    outsider = register(community_id=communities["北沙"].id)
    theirs = signup_service.sign_up(SYSTEM, elsewhere.sessions[0].roles[0].id, volunteer_id=outsider.id)
    with pytest.raises(NotFound):
        signup_service.cancel(caochang_staff, theirs.id)


def test_town_administration_stays_with_town_wide_staff(client, login, caochang_staff, make_user):
    login(caochang_staff)
    for url in ("/towns/new", "/communities/new", "/youth-groups/new", "/admin/holidays"):
        assert client.get(url).status_code == 403, url
    home = client.get("/volunteers")
    assert home.status_code == 200
    menu = home.get_data(as_text=True)
    assert "/admin/holidays" not in menu and "/hours-corrections" not in menu  # no link into a 403
    client.post("/logout")
    login(make_user("league_staff"))
    assert client.get("/towns/new").status_code == 200
    menu = client.get("/volunteers").get_data(as_text=True)
    assert "/admin/holidays" in menu and "/hours-corrections" in menu
