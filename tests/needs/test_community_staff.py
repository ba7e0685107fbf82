"""League staff scoped to a community (村/社区 staff, a `community:ID` grant) act as staff for their community's
needs only: they list, open, dispatch and handle those, see their raisers' contact, read their community's board;
another community's need is not there for them (404), and the town's board, meetings and receptions stay with the
town-wide staff (403). The list's assignee search names their communities' assignees and those on needs they reach;
the public status page calls what they did "community staff"; declining for a team they lead elsewhere takes them
back to their list."""

from __future__ import annotations

from datetime import date, time

import pytest

from tests.conftest import PASSWORD
from volunteer_app.accounts import services as accounts
from volunteer_app.core.errors import Forbidden, Invalid, NotFound
from volunteer_app.core.policy import SYSTEM
from volunteer_app.needs import services
from volunteer_app.needs.vocabulary import Assignee, Source, Status
from volunteer_app.organisations import services as org

EN = {"Accept-Language": "en"}


@pytest.fixture
def caochang_staff(make_user, town_place):
    return make_user("league_staff", f"community:{town_place['草场'].id}", username="caochang-staff")


@pytest.fixture
def needs(raise_need, town_place):
    """One need in 草场 (the staff's community) and one in 北沙."""
    return {"ours": raise_need(), "theirs": raise_need(community_id=town_place["北沙"].id, place="北沙村")}


def test_they_list_and_open_their_communitys_needs_only(caochang_staff, needs):
    listed = services.list_needs(caochang_staff, status="dispatch")
    assert [n.id for n in listed.items] == [needs["ours"].id]
    assert services.need_detail(caochang_staff, needs["ours"].id).need.id == needs["ours"].id
    with pytest.raises(NotFound):
        services.need_detail(caochang_staff, needs["theirs"].id)
    assert services.open_count(caochang_staff) == 1  # the dispatch queue of their community


def test_the_pages_and_the_api_hide_another_communitys_need(client, login, token_for, caochang_staff, needs):
    ours, theirs = needs["ours"], needs["theirs"]
    headers = token_for(caochang_staff)
    listed = client.get("/api/v1/needs", headers=headers).get_json()
    assert [n["id"] for n in listed["items"]] == [ours.id]
    assert client.get(f"/api/v1/needs/{ours.id}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/needs/{theirs.id}", headers=headers).status_code == 404
    login(caochang_staff)
    html = client.get("/needs").get_data(as_text=True)
    assert 'data-tab="dispatch"' in html
    assert ours.tracking_number in html and theirs.tracking_number not in html
    assert client.get(f"/needs/{ours.id}").status_code == 200
    assert client.get(f"/needs/{theirs.id}").status_code == 404


def test_they_dispatch_and_handle_their_communitys_needs(caochang_staff, needs, town_place):
    ours, theirs = needs["ours"], needs["theirs"]
    team = services.Assignment(Assignee.TEAM, town_place["paired_team"].id)
    assert services.assign(caochang_staff, ours.id, team).status == Status.ASSIGNED
    assert services.accept(caochang_staff, ours.id).status == Status.ACCEPTED
    for act in (
        lambda: services.assign(caochang_staff, theirs.id, team),
        lambda: services.accept(caochang_staff, theirs.id),
        lambda: services.assignee_options(caochang_staff, theirs.id),
    ):
        with pytest.raises(NotFound):
            act()


def test_a_need_they_raised_elsewhere_is_to_follow_not_to_dispatch(caochang_staff, needs, raise_need, town_place):
    raised = raise_need(actor=caochang_staff, community_id=town_place["北沙"].id)
    detail = services.need_detail(caochang_staff, raised.id)
    assert detail.contact is None and not detail.as_staff  # the raiser's contact is for the need's staff
    assert services.need_detail(caochang_staff, needs["ours"].id).contact.name == "王阿姨"
    with pytest.raises(Forbidden):
        services.assign(caochang_staff, raised.id, services.Assignment(Assignee.TEAM, town_place["paired_team"].id))
    with pytest.raises(Invalid):  # nor merge one of theirs into it
        services.merge(caochang_staff, needs["ours"].id, raised.id)


def test_they_enter_needs_for_their_community_only(caochang_staff, town_place):
    data = services.NeedInput(
        category="environment", community_id=town_place["北沙"].id, description="北沙路灯坏了", place="北沙村"
    )
    with pytest.raises(Invalid) as refused:
        services.raise_for(caochang_staff, data, Source.PHONE)
    assert "community_id" in refused.value.errors
    data = services.NeedInput(
        category="environment", community_id=town_place["草场"].id, description="草场路灯坏了", place="草场村"
    )
    assert services.raise_for(caochang_staff, data, Source.PHONE).community_id == town_place["草场"].id
    assert [g.id for g in services.youth_groups_for(caochang_staff)] == [town_place["group"].id]
    assert [c for c, _name in services.intake_communities(caochang_staff)] == [town_place["草场"].id]


def test_their_board_is_their_communitys_and_the_towns_work_is_refused(client, login, caochang_staff, town_place):
    login(caochang_staff)
    assert (
        client.get("/needs/board/communities")
        .headers["Location"]
        .endswith(f"/needs/board/communities/{town_place['草场'].id}")
    )
    assert client.get(f"/needs/board/communities/{town_place['草场'].id}").status_code == 200
    assert client.get(f"/needs/board/communities/{town_place['北沙'].id}").status_code == 403
    for url in ("/needs/board", "/receptions", "/receptions/recorded", "/meetings/new"):
        assert client.get(url).status_code == 403, url
    menu = client.get("/needs").get_data(as_text=True)
    assert "/needs/board/communities" in menu  # their board in the menu, no link into a 403
    assert 'href="/needs/board"' not in menu and 'href="/receptions"' not in menu
    with pytest.raises(Forbidden):
        services.needs_figures(caochang_staff)


@pytest.fixture
def beisha_assignees(town_place):
    """北沙's own assignees: a team paired with it, its youth group, the point covering it, its station's deputy."""
    place = town_place
    team = org.create_team(SYSTEM, name="北沙青年突击队", kind="town_federation", town_id=place["town"].id)
    org.create_pairing(SYSTEM, team_id=team.id, community_id=place["北沙"].id, since=date(2026, 1, 1))
    group = org.create_youth_group(SYSTEM, community_id=place["北沙"].id, name="北沙青年治理团")
    point = org.create_point(
        SYSTEM, station_id=place["station"].id, name="北沙社会工作服务点", community_ids=[place["北沙"].id]
    )
    liaison = org.create_liaison_station(
        SYSTEM, name="北沙人大代表联络站", community_id=place["北沙"].id, reception_weekday=2,
        reception_start=time(9, 0), reception_end=time(11, 0), deputies=[{"name": "黄代表", "level": "town"}],
    )  # fmt: skip
    return {"team": team, "group": group, "point": point, "deputy": liaison.deputies[0]}


def _suggested(client, login, user, q: str = "") -> set[str]:
    login(user)
    answer = client.get(f"/needs/assignees?q={q}")
    client.post("/logout")
    assert answer.status_code == 200
    return {a["name"] for a in answer.get_json()["assignees"]}


def test_the_assignee_search_names_their_communitys_assignees_and_those_on_their_needs(
    client, login, caochang_staff, cast, needs, beisha_assignees, town_place
):
    place = town_place
    # They may hand their need to a team of elsewhere: that team is then on a need of theirs.
    services.assign(caochang_staff, needs["ours"].id, services.Assignment(Assignee.TEAM, place["unpaired_team"].id))
    services.assign(cast["league"], needs["theirs"].id, services.Assignment(Assignee.TEAM, beisha_assignees["team"].id))
    beisha = {"北沙青年突击队", "北沙青年治理团", "北沙社会工作服务点", "黄代表 · 北沙人大代表联络站"}

    theirs = _suggested(client, login, caochang_staff)
    assert {
        "草场青年志愿服务队", place["group"].name, "草场社会工作服务点", "李代表 · 草场人大代表联络站",
        "北沙志愿服务队",  # on their need
    } <= theirs  # fmt: skip
    assert not theirs & beisha
    assert not _suggested(client, login, caochang_staff, "北沙青年")

    assert beisha | {"北沙志愿服务队"} <= _suggested(client, login, cast["league"])  # town staff: the whole town


def test_the_assignee_filter_reads_no_other_communitys_assignee_for_them(
    client, login, caochang_staff, cast, needs, beisha_assignees
):
    team = beisha_assignees["team"]
    services.assign(cast["league"], needs["theirs"].id, services.Assignment(Assignee.TEAM, team.id))
    for sent in (team.name, f"team:{team.id}"):
        assert services.assignee_filter(caochang_staff, sent).unknown, sent
        assert services.assignee_filter(cast["league"], sent).value == f"team:{team.id}", sent


def test_the_status_page_calls_a_step_of_community_staff_community_staff(client, caochang_staff, needs, town_place):
    need = needs["ours"]
    services.assign(caochang_staff, need.id, services.Assignment(Assignee.TEAM, town_place["paired_team"].id))
    text = client.get(f"/needs/track/{need.tracking_number}", headers=EN).get_data(as_text=True)
    assert "Community staff" in text and "Town staff" not in text
    assert caochang_staff.display_name not in text and caochang_staff.username not in text
    assert "村（社区）工作人员" in client.get(f"/needs/track/{need.tracking_number}").get_data(as_text=True)
    body = client.get(f"/api/v1/needs/track/{need.tracking_number}").get_json()
    assert [entry["by"] for entry in body["history"]] == [None, "community_staff"]


def test_declining_for_a_team_they_lead_elsewhere_takes_them_to_their_list(client, login, cast, raise_need, town_place):
    place = town_place
    staff_and_leader = accounts.create_user(
        SYSTEM, username="caochang-leader", password=PASSWORD, display_name="草场工作人员兼队长",
        roles=[accounts.RoleSpec.parse("league_staff", f"community:{place['草场'].id}"),
               accounts.RoleSpec.parse("team_leader", f"team:{place['unpaired_team'].id}")],
    )  # fmt: skip
    need = raise_need(community_id=place["北沙"].id, place="北沙村")
    services.assign(cast["league"], need.id, services.Assignment(Assignee.TEAM, place["unpaired_team"].id))
    login(staff_and_leader)
    assert client.get(f"/needs/{need.id}").status_code == 200  # as the team's leader
    response = client.post(f"/needs/{need.id}/decline", data={"decline-reason": "人手不够"}, headers=EN)
    assert response.status_code == 302 and response.headers["Location"].endswith("/needs")
    landed = client.get(response.headers["Location"], headers=EN)
    assert landed.status_code == 200
    assert "Declined. The need is back with" in landed.get_data(as_text=True)
    assert client.get(f"/needs/{need.id}").status_code == 404

    own = raise_need()  # a need of their community: still theirs as staff once declined
    services.assign(cast["league"], own.id, services.Assignment(Assignee.TEAM, place["unpaired_team"].id))
    response = client.post(f"/needs/{own.id}/decline", data={"decline-reason": "人手不够"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/needs/{own.id}")
