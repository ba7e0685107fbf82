"""Pairings of teams with communities."""

from __future__ import annotations

from datetime import date

import pytest

from volunteer_app.core.errors import Forbidden, Invalid
from volunteer_app.core.policy import SYSTEM
from volunteer_app.organisations import services as org

pytestmark = pytest.mark.usefixtures("english")


# ---------------------------------------------------------------------------------------------- pairings


def test_a_pairing_with_an_unknown_team_is_a_field_error_and_nothing_is_written(communities):
    with pytest.raises(Invalid) as error:
        org.create_pairing(SYSTEM, team_id=999, community_id=communities["白岗"].id)
    assert "team" in error.value.errors["team_id"][0].lower()
    assert org.list_pairings(SYSTEM).total == 0


def test_a_team_is_paired_with_a_community_once(team, communities):
    org.create_pairing(SYSTEM, team_id=team.id, community_id=communities["白岗"].id, purpose="人居环境整治")
    with pytest.raises(Invalid) as error:
        org.create_pairing(SYSTEM, team_id=team.id, community_id=communities["白岗"].id)
    assert "community_id" in error.value.errors


def test_a_team_leader_pairs_only_their_own_team(team, other_team, communities, make_user):
    leader = make_user("team_leader", scope=f"team:{team.id}")
    org.create_pairing(leader, team_id=team.id, community_id=communities["草场"].id)
    with pytest.raises(Forbidden):
        org.create_pairing(leader, team_id=other_team.id, community_id=communities["草场"].id)


def test_pairings_list_by_community_team_kind_and_words(team, other_team, communities):
    org.create_pairing(SYSTEM, team_id=team.id, community_id=communities["白岗"].id, purpose="人居环境整治")
    org.create_pairing(SYSTEM, team_id=other_team.id, community_id=communities["北沙"].id, purpose="背街小巷")
    assert org.list_pairings(SYSTEM, community_id=communities["白岗"].id).total == 1
    assert org.list_pairings(SYSTEM, kind="enterprise_league_branch").items[0].community.name == "北沙"
    assert org.list_pairings(SYSTEM, q="背街").total == 1
    assert [t.name for t in org.list_teams(SYSTEM, community_id=communities["白岗"].id).items] == ["里水义工联"]


def test_an_end_date_before_the_start_is_refused(team, communities):
    pairing = org.create_pairing(SYSTEM, team_id=team.id, community_id=communities["白岗"].id, since=date(2026, 3, 1))
    with pytest.raises(Invalid) as error:
        org.update_pairing(SYSTEM, pairing.id, ended_on=date(2026, 2, 1))
    assert "ended_on" in error.value.errors
