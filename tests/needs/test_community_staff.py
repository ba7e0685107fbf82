"""League staff scoped to a community (村/社区 staff, a `community:ID` grant) act as staff for their community's
needs only: they list, open, dispatch and handle those, see their raisers' contact, read their community's board;
another community's need is not there for them (404), and the town's board, meetings and receptions stay with the
town-wide staff (403)."""

from __future__ import annotations

import pytest

from volunteer_app.core.errors import Forbidden, Invalid, NotFound
from volunteer_app.needs import services
from volunteer_app.needs.vocabulary import Assignee, Source, Status


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
