"""An active youth governance group that loses a member it needs becomes incomplete in the same transaction as
the removal, on the page and through the API, and the League staff who look after it are told."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from volunteer_app.core.audit import AuditEntry
from volunteer_app.core.policy import SYSTEM
from volunteer_app.core.time import utcnow
from volunteer_app.extensions import db
from volunteer_app.organisations import services as org
from volunteer_app.organisations.models import YouthGroup
from volunteer_app.reminders.models import Channel, Notification, Status
from volunteer_app.reminders.services import dispatch_due

KIND = "youth_group_incomplete"


class Now:
    def now(self):
        return utcnow() + timedelta(minutes=1)


@pytest.fixture
def group(communities):
    group = org.create_youth_group(SYSTEM, community_id=communities["同声"].id)
    for n, part in enumerate(("party_member", "league_cadre", "league_member", "league_member")):
        org.add_group_member(SYSTEM, group.id, part=part, name=f"成员{n}")
    return org.activate_youth_group(SYSTEM, group.id)


@pytest.fixture
def staff(make_user, communities):
    return {
        "town": make_user("league_staff", username="tuanwei"),
        "community": make_user("league_staff", f"community:{communities['同声'].id}", username="tongsheng"),
        "elsewhere": make_user("league_staff", f"community:{communities['草场'].id}", username="caochang"),
        "admin": make_user("admin", username="admin1"),
    }


def member_of(group: YouthGroup, part: str):
    return next(m for m in group.members if m.part == part)


def status_in_database(group_id: int) -> str:
    db.session.expire_all()
    return db.session.scalar(sa.select(YouthGroup.status).where(YouthGroup.id == group_id))


def told(kind: str = KIND) -> set[int]:
    return set(db.session.scalars(sa.select(Notification.recipient_id).where(Notification.kind == kind)))


def test_losing_the_party_member_makes_an_active_group_incomplete_and_tells_its_league_staff(group, staff):
    org.remove_group_member(staff["town"], group.id, member_of(group, "party_member").id)
    assert status_in_database(group.id) == "incomplete"
    assert told() == {staff["town"].id, staff["community"].id}
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.object_type == "youth_group", AuditEntry.action == "update")
        .order_by(AuditEntry.id.desc())
    ).first()  # fmt: skip
    assert entry.detail["status"] == "incomplete"
    report = dispatch_due(Now())
    assert report.sent >= 2 and report.failed == 0 and report.retried == 0
    inbox = db.session.scalars(
        sa.select(Notification).where(Notification.recipient_id == staff["town"].id,
                                      Notification.channel == Channel.INBOX.value)
    ).one()  # fmt: skip
    assert inbox.status == Status.SENT.value
    assert "同声青治团" in inbox.title and "1" in inbox.body


def test_losing_a_spare_league_member_keeps_the_group_active_and_tells_nobody(group, staff):
    org.add_group_member(SYSTEM, group.id, part="league_member", name="第三位团员")
    org.remove_group_member(staff["town"], group.id, member_of(group, "league_member").id)
    assert status_in_database(group.id) == "active"
    assert told() == set()


def test_a_forming_group_losing_a_member_stays_forming_without_notices(communities, staff):
    group = org.create_youth_group(SYSTEM, community_id=communities["金旗峰"].id)
    member = org.add_group_member(SYSTEM, group.id, part="party_member", name="甲")
    org.remove_group_member(staff["town"], group.id, member.id)
    assert status_in_database(group.id) == "forming" and told() == set()


def test_an_incomplete_group_is_activated_again_once_complete(group, staff):
    org.remove_group_member(SYSTEM, group.id, member_of(group, "league_cadre").id)
    org.add_group_member(SYSTEM, group.id, part="league_cadre", name="新团干")
    assert status_in_database(group.id) == "incomplete"
    assert org.activate_youth_group(staff["town"], group.id).status == "active"


def test_the_api_answers_the_group_incomplete_and_the_staff_are_told(client, group, staff, token_for):
    headers = token_for(staff["admin"])
    member_id = member_of(group, "league_cadre").id
    answer = client.delete(f"/api/v1/youth-groups/{group.id}/members/{member_id}", headers=headers)
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["status"] == "incomplete" and [m["part"] for m in body["missing"]] == ["league_cadre"]
    assert status_in_database(group.id) == "incomplete"
    assert told() == {staff["town"].id, staff["community"].id}
    listed = client.get("/api/v1/youth-groups?status=incomplete", headers=headers).get_json()
    assert [g["id"] for g in listed["items"]] == [group.id]


def test_the_page_says_the_group_became_incomplete(client, group, staff, login):
    login(staff["town"])
    member_id = member_of(group, "league_member").id
    removed = client.post(f"/youth-groups/{group.id}/members/{member_id}/remove", follow_redirects=True)
    assert removed.status_code == 200
    page = removed.get_data(as_text=True)
    assert "已停止运行" in page and "还需要" in page
    assert status_in_database(group.id) == "incomplete" and told() == {staff["town"].id, staff["community"].id}
