"""A member who leaves a youth governance group stays in its history: who, which part, from when to when, why."""

from __future__ import annotations

from volunteer_app.core.policy import SYSTEM
from volunteer_app.core.time import today
from volunteer_app.extensions import db
from volunteer_app.organisations import services as org
from volunteer_app.organisations.models import YouthGroup


def test_a_removed_member_is_kept_as_a_past_member(communities, make_user, client, login):
    group = org.create_youth_group(SYSTEM, community_id=communities["同声"].id)
    member = org.add_group_member(SYSTEM, group.id, part="league_member", name="李青")
    staff = make_user("league_staff")
    org.remove_group_member(staff, group.id, member.id, reason="外出求学")
    group = db.session.get(YouthGroup, group.id)
    assert group.members == []
    [past] = group.past_members
    assert (past.name, past.part, past.left_on, past.reason, past.removed_by_id) == (
        "李青", "league_member", today(), "外出求学", staff.id,
    )  # fmt: skip
    login(staff)
    page = client.get(f"/youth-groups/{group.id}").get_data(as_text=True)
    assert "李青" in page and "外出求学" in page
