"""Youth governance groups: who forms them and when one is complete."""

from __future__ import annotations

import pytest

from volunteer_app.core.errors import Forbidden, Invalid
from volunteer_app.core.policy import SYSTEM
from volunteer_app.organisations import services as org

pytestmark = pytest.mark.usefixtures("english")


# ---------------------------------------------------------------------------------------------- youth groups


def add_members(group, *parts):
    for n, part in enumerate(parts):
        org.add_group_member(SYSTEM, group.id, part=part, name=f"成员{n}")


def test_a_group_is_complete_only_with_a_party_member_a_cadre_and_two_league_members(communities):
    group = org.create_youth_group(SYSTEM, community_id=communities["同声"].id)
    assert group.name == "同声青治团"
    assert dict(group.missing) == {"party_member": 1, "league_cadre": 1, "league_member": 2}
    add_members(group, "party_member", "league_cadre", "league_member")
    assert not group.is_complete
    assert dict(group.missing) == {"league_member": 1}
    add_members(group, "league_member")
    assert group.is_complete and not group.missing


def test_an_incomplete_group_cannot_be_activated_and_says_what_it_still_lacks(communities):
    group = org.create_youth_group(SYSTEM, community_id=communities["金旗峰"].id)
    add_members(group, "party_member", "league_member")
    with pytest.raises(Invalid) as error:
        org.activate_youth_group(SYSTEM, group.id)
    message = error.value.errors["status"][0]
    assert "1 more Community League cadre" in message and "1 more League member" in message
    assert org.get_youth_group(SYSTEM, group.id).status == "forming"


def test_a_complete_group_is_activated(communities):
    group = org.create_youth_group(SYSTEM, community_id=communities["同声"].id)
    add_members(group, "party_member", "league_cadre", "league_member", "league_member")
    assert org.activate_youth_group(SYSTEM, group.id).status == "active"
    assert group.activated_at is not None


def test_one_youth_group_per_community(communities):
    org.create_youth_group(SYSTEM, community_id=communities["同声"].id)
    with pytest.raises(Invalid) as error:
        org.create_youth_group(SYSTEM, community_id=communities["同声"].id)
    assert "community_id" in error.value.errors


def test_a_linked_volunteer_must_hold_the_status_their_part_says(communities, register):
    group = org.create_youth_group(SYSTEM, community_id=communities["同声"].id)
    masses = register(political_status="masses")
    with pytest.raises(Invalid) as error:
        org.add_group_member(SYSTEM, group.id, part="party_member", volunteer_id=masses.id)
    assert "part" in error.value.errors
    party = register(political_status="party_probationary")
    member = org.add_group_member(SYSTEM, group.id, part="party_member", volunteer_id=party.id)
    assert member.name == party.name


def test_only_staff_form_youth_groups(communities, make_user):
    with pytest.raises(Forbidden):
        org.create_youth_group(make_user("team_leader"), community_id=communities["同声"].id)
