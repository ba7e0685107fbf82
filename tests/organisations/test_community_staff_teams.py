"""League staff of a community (村/社区 staff) register teams paired with their community, and only with theirs
(issue 17): a team paired with no community would be one only the town's staff could manage. Town-wide staff
register teams as before, paired or not."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from volunteer_app.core.audit import AuditEntry
from volunteer_app.core.errors import Forbidden, Invalid
from volunteer_app.core.policy import SYSTEM
from volunteer_app.extensions import db
from volunteer_app.organisations import services as org

pytestmark = pytest.mark.usefixtures("english")

OTHER_COMMUNITY = "You may pair a team only with your own village or community."


@pytest.fixture
def caochang_staff(make_user, communities):
    return make_user("league_staff", scope=f"community:{communities['草场'].id}")


def _paired_with(team_id: int) -> list[str]:
    return [p.community.name for p in org.list_pairings(SYSTEM, team_id=team_id, current_only=True).items]


def test_community_staff_register_a_team_paired_with_their_community_and_manage_it(
    caochang_staff, communities, register
):
    team = org.create_team(caochang_staff, name="草场巾帼队", kind="other", community_id=communities["草场"].id)
    assert _paired_with(team.id) == ["草场"]
    # from then on it is one of their community's teams
    org.update_team(caochang_staff, team.id, description="草场的队伍")
    org.add_member(caochang_staff, team.id, volunteer_id=register().id)
    assert org.list_members(caochang_staff, team.id).total == 1
    audited = db.session.execute(
        sa.select(AuditEntry.action, AuditEntry.object_type).where(AuditEntry.actor_id == caochang_staff.id)
    ).all()
    assert {("create", "team"), ("create", "pairing")} <= set(audited)


def test_community_staff_may_not_register_a_team_for_another_community_or_for_none(caochang_staff, communities):
    with pytest.raises(Forbidden) as refused:
        org.create_team(caochang_staff, name="北沙队", kind="other", community_id=communities["北沙"].id)
    assert str(refused.value) == OTHER_COMMUNITY
    with pytest.raises(Invalid) as unpaired:
        org.create_team(caochang_staff, name="无主队", kind="other")
    assert "community_id" in unpaired.value.errors
    assert org.list_teams(SYSTEM).total == 0


def test_community_staff_pair_their_teams_only_with_their_community(caochang_staff, communities, team, other_team):
    ours = org.create_team(caochang_staff, name="草场巾帼队", kind="other", community_id=communities["草场"].id)
    with pytest.raises(Forbidden) as refused:  # handing their team to another community's staff
        org.create_pairing(caochang_staff, team_id=ours.id, community_id=communities["北沙"].id)
    assert str(refused.value) == OTHER_COMMUNITY
    with pytest.raises(Forbidden):  # a team of the town's they do not manage
        org.create_pairing(caochang_staff, team_id=team.id, community_id=communities["草场"].id)
    assert _paired_with(ours.id) == ["草场"] and _paired_with(team.id) == []


def test_town_wide_staff_and_team_leaders_pair_as_before(make_user, communities, team, other_team):
    town_staff = make_user("league_staff")
    unpaired = org.create_team(town_staff, name="镇青年突击队", kind="other")
    assert _paired_with(unpaired.id) == []
    paired = org.create_team(town_staff, name="北沙志愿队", kind="other", community_id=communities["北沙"].id)
    assert _paired_with(paired.id) == ["北沙"]
    leader = make_user("team_leader", scope=f"team:{team.id}")
    org.create_pairing(leader, team_id=team.id, community_id=communities["白岗"].id)
    with pytest.raises(Forbidden):
        org.create_team(leader, name="队长的新队", kind="other", community_id=communities["白岗"].id)


def test_the_new_team_page_offers_community_staff_their_community_only(client, login, caochang_staff, communities):
    login(caochang_staff)
    form = client.get("/teams/new").get_data(as_text=True)
    assert f'value="{communities["草场"].id}"' in form and f'value="{communities["北沙"].id}"' not in form
    data = {"name": "草场巾帼队", "kind": "other", "town_id": ""}
    created = client.post("/teams/new", data={**data, "community_id": str(communities["草场"].id)})
    assert created.status_code == 302
    team_id = int(created.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    assert _paired_with(team_id) == ["草场"]
    assert client.get(f"/teams/{team_id}/members").status_code == 200
    assert client.get(f"/teams/{team_id}/edit").status_code == 200
    elsewhere = client.post("/teams/new", data={**data, "name": "北沙队", "community_id": str(communities["北沙"].id)})
    assert elsewhere.status_code == 422  # not among the choices; the service's refusal is the API's 403 below
    assert client.post("/teams/new", data={**data, "name": "无主队", "community_id": ""}).status_code == 422
    pairing_form = client.get("/pairings/new").get_data(as_text=True)
    assert f'value="{team_id}"' in pairing_form and f'value="{communities["北沙"].id}"' not in pairing_form


def test_the_api_registers_a_team_paired_with_their_own_community(
    client, token_for, caochang_staff, make_user, communities
):
    headers = token_for(caochang_staff)
    body = {"name": "草场巾帼队", "kind": "other", "community_id": communities["草场"].id}
    created = client.post("/api/v1/teams", json=body, headers=headers)
    assert created.status_code == 201
    team = created.get_json()
    assert [p["community"] for p in team["pairings"]] == ["草场"]
    patched = client.patch(f"/api/v1/teams/{team['id']}", json={"description": "草场的队伍"}, headers=headers)
    assert patched.status_code == 200
    elsewhere = {**body, "name": "北沙队", "community_id": communities["北沙"].id}
    refused = client.post("/api/v1/teams", json=elsewhere, headers=headers)
    assert refused.status_code == 403
    assert refused.get_json()["error"] == {"code": "forbidden", "message": "您只能将队伍与本村（社区）结对。"}
    unpaired = client.post("/api/v1/teams", json={"name": "无主队", "kind": "other"}, headers=headers)
    assert unpaired.status_code == 422 and "community_id" in str(unpaired.get_json())
    town = token_for(make_user("league_staff"))
    plain = client.post("/api/v1/teams", json={"name": "镇青年突击队", "kind": "other"}, headers=town)
    assert plain.status_code == 201 and plain.get_json()["pairings"] == []
