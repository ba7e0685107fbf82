"""Teams and their members; a leader membership carries the scoped team_leader role."""

from __future__ import annotations

from datetime import date

import pytest

from tests.organisations.helpers import count, grant_changes
from volunteer_app.accounts.models import User
from volunteer_app.core import time as clock
from volunteer_app.core.errors import Forbidden, Invalid
from volunteer_app.core.policy import SYSTEM
from volunteer_app.extensions import db
from volunteer_app.organisations import services as org
from volunteer_app.organisations.models import TeamMembership

pytestmark = pytest.mark.usefixtures("english")


# ---------------------------------------------------------------------------------------------- teams


def test_a_team_leader_edits_only_their_own_team(team, other_team, make_user):
    leader = make_user("team_leader", scope=f"team:{team.id}")
    org.update_team(leader, team.id, description="全民义工，善治里水")
    assert team.description == "全民义工，善治里水"
    with pytest.raises(Forbidden):
        org.update_team(leader, other_team.id, description="x")
    with pytest.raises(Forbidden):
        org.create_team(leader, name="新队", kind="other")


def test_an_unscoped_team_leader_edits_no_team(team, make_user):
    with pytest.raises(Forbidden):
        org.update_team(make_user("team_leader"), team.id, description="x")


def test_team_kinds_and_names_are_checked(town):
    org.create_team(SYSTEM, name="里水义工联", kind="town_federation")
    with pytest.raises(Invalid) as error:
        org.create_team(SYSTEM, name="里水义工联", kind="rock band")
    assert set(error.value.errors) == {"name", "kind"}


def test_a_leader_adds_a_member_by_mobile_number_but_cannot_make_leaders(team, register, make_user):
    profile = register(phone="13800138000")
    leader = make_user("team_leader", scope=f"team:{team.id}")
    membership = org.add_member(leader, team.id, phone="138 0013 8000")
    assert membership.volunteer_id == profile.id
    with pytest.raises(Forbidden):
        org.update_member(leader, team.id, membership.id, role="leader")
    with pytest.raises(Invalid) as error:
        org.add_member(leader, team.id, phone="13700000000")
    assert "phone" in error.value.errors


def test_a_volunteer_is_a_current_member_of_a_team_once_but_may_rejoin_after_leaving(team, register):
    profile = register()
    first = org.add_member(SYSTEM, team.id, volunteer_id=profile.id, joined_on=date(2025, 1, 1))
    with pytest.raises(Invalid):
        org.add_member(SYSTEM, team.id, volunteer_id=profile.id)
    org.update_member(SYSTEM, team.id, first.id, left_on=date(2025, 6, 1))
    org.add_member(SYSTEM, team.id, volunteer_id=profile.id)
    assert count(TeamMembership) == 2
    assert org.list_members(SYSTEM, team.id).total == 1
    assert org.list_members(SYSTEM, team.id, include_former=True).total == 2


def test_a_leave_date_before_the_join_date_is_refused(team, register):
    membership = org.add_member(SYSTEM, team.id, volunteer_id=register().id, joined_on=date(2025, 5, 1))
    with pytest.raises(Invalid) as error:
        org.update_member(SYSTEM, team.id, membership.id, left_on=date(2025, 4, 1))
    assert "left_on" in error.value.errors


def test_making_a_member_leader_grants_the_scoped_role_and_leaving_takes_it_away(team, register):
    profile = register()
    membership = org.add_member(SYSTEM, team.id, volunteer_id=profile.id)
    org.update_member(SYSTEM, team.id, membership.id, role="leader")
    user = db.session.get(User, profile.user_id)
    assert user.scopes("team_leader", "team") == {team.id}
    org.update_member(SYSTEM, team.id, membership.id, left_on=clock.today())
    assert user.scopes("team_leader", "team") == set()
    assert user.roles == ["volunteer"]


def test_a_leader_grant_given_and_taken_with_a_membership_is_audited_as_a_grant_change(team, register):
    profile = register()
    membership = org.add_member(SYSTEM, team.id, volunteer_id=profile.id)
    org.update_member(SYSTEM, team.id, membership.id, role="leader")
    org.update_member(SYSTEM, team.id, membership.id, left_on=clock.today())
    scoped = f"team:{team.id}"
    assert grant_changes(profile.user_id)[-2:] == [
        {"added_role": "team_leader", "scope": scoped},
        {"removed_role": "team_leader", "scope": scoped},
    ]
