"""Dispatch 派单: whom a need is offered to (paired teams first), merging duplicates, reopening, the list staff
work from, and the notices the workflow plans (to the right people, with no personal data)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from volunteer_app.core.errors import Conflict, Forbidden, Invalid
from volunteer_app.core.policy import SYSTEM
from volunteer_app.core.time import SystemClock, today, utcnow
from volunteer_app.extensions import db
from volunteer_app.needs import notices, services
from volunteer_app.needs.models import Need, NeedUpdate
from volunteer_app.needs.vocabulary import Assignee, Status
from volunteer_app.organisations import services as org
from volunteer_app.reminders.models import Notification
from volunteer_app.reminders.services import dispatch_due


def team(place, name="paired_team"):
    return services.Assignment(Assignee.TEAM, place[name].id)


def outbox(kind: str) -> list[Notification]:
    return list(db.session.scalars(sa.select(Notification).where(Notification.kind == kind).order_by(Notification.id)))


def test_the_communitys_paired_team_group_point_and_deputies_are_offered_first(raise_need, cast, town_place):
    # A team whose name sorts first, paired with another community only.
    other = org.create_team(SYSTEM, name="A金溪志愿服务队", kind="town_federation", town_id=town_place["town"].id)
    org.create_pairing(SYSTEM, team_id=other.id, community_id=town_place["金溪"].id, since=date(2026, 1, 1))
    need = raise_need()
    options = services.assignee_options(cast["league"], need.id)
    assert (options.teams[0].name, options.teams[0].near) == ("草场青年志愿服务队", True)
    assert {o.name for o in options.teams if not o.near} == {"北沙志愿服务队", "A金溪志愿服务队"}
    assert options.youth_groups[0].id == town_place["group"].id and options.youth_groups[0].near
    assert options.service_points[0].id == town_place["point"].id and options.service_points[0].near
    assert {o.id for o in options.deputies if o.near} == {town_place["deputy"].id, town_place["other_deputy"].id}
    # In 金溪 the other team is the paired one.
    in_jinxi = raise_need(community_id=town_place["金溪"].id)
    assert services.assignee_options(cast["league"], in_jinxi.id).teams[0].id == other.id
    with pytest.raises(Forbidden):
        services.all_assignees(cast["leader"])


def test_assigning_tells_the_assignees_people_without_personal_data(raise_need, cast, town_place):
    need = raise_need(contact_name="王秀英", contact_phone="13812345678")
    services.assign(cast["league"], need.id, team(town_place))
    rows = outbox(notices.ASSIGNED.key)
    assert {r.recipient_id for r in rows} == {cast["leader"].id}
    context = rows[0].context
    assert context["tracking_number"] == need.tracking_number and context["community"] == "草场"
    assert context["link"].endswith(f"/needs/{need.id}")
    assert "王秀英" not in str(context) and "13812345678" not in str(context)
    # A youth group: its members with accounts; a deputy: their own account; a point: its social workers.
    for kind, target, person in (
        (Assignee.YOUTH_GROUP, "group", "group_member"),
        (Assignee.DEPUTY, "deputy", "deputy"),
        (Assignee.SERVICE_POINT, "point", "worker"),
    ):
        other = raise_need()
        services.assign(cast["league"], other.id, services.Assignment(kind, town_place[target].id))
        assert {r.recipient_id for r in outbox(notices.ASSIGNED.key) if r.subject_id == str(other.id)} == {
            cast[person].id
        }


def test_the_deadline_notices_go_once_each_to_the_right_people(raise_need, cast, town_place):
    need = raise_need()
    services.assign(cast["league"], need.id, team(town_place))
    for _twice in range(2):
        notices.due_soon(need)
        notices.overdue(need)
    db.session.commit()
    due, late = outbox(notices.DUE_SOON.key), outbox(notices.OVERDUE.key)
    assert [r.recipient_id for r in due] == [cast["leader"].id]
    assert [r.recipient_id for r in late] == [cast["league"].id]  # League staff; admins only when there are none
    # Reassigned: the notices of the old deadline are withdrawn.
    services.assign(cast["league"], need.id, team(town_place, "unpaired_team"), reason="换队")
    assert {r.status for r in outbox(notices.DUE_SOON.key)} == {"cancelled"}


def test_merging_a_duplicate_records_it_on_both_and_its_raiser_follows_the_other(raise_need, cast, town_place):
    first, duplicate = raise_need(), raise_need()
    services.assign(cast["league"], duplicate.id, team(town_place))
    services.merge(cast["league"], duplicate.id, first.id, "同一处垃圾")
    assert duplicate.status == Status.MERGED and duplicate.merged_into_id == first.id
    assert duplicate.team_id is None and duplicate.assignee_kind is None  # left the team's list
    assert services.followed(duplicate).id == first.id
    assert first.tracking_number in duplicate.updates[-1].text and not duplicate.updates[-1].public
    assert duplicate.tracking_number in first.updates[-1].text
    assert duplicate.updates[-1].actor_id == first.updates[-1].actor_id == cast["league"].id


def test_merging_is_refused_into_itself_a_closed_or_merged_need_and_from_accepted(raise_need, cast, town_place):
    a, b, c = raise_need(), raise_need(), raise_need()
    with pytest.raises(Conflict):
        services.merge(cast["league"], a.id, a.id)
    services.merge(cast["league"], b.id, a.id)
    with pytest.raises(Conflict):  # into a merged one (and so never round in a circle)
        services.merge(cast["league"], c.id, b.id)
    db.session.rollback()
    with pytest.raises(Conflict):  # a merged one cannot be merged again
        services.merge(cast["league"], b.id, c.id)
    db.session.rollback()
    services.assign(cast["league"], c.id, team(town_place))
    services.accept(cast["leader"], c.id)
    with pytest.raises(Conflict):  # accepted: it is being worked on
        services.merge(cast["league"], c.id, a.id)
    db.session.rollback()
    with pytest.raises(Invalid):
        services.merge(cast["league"], a.id, 2**31 - 1)
    db.session.rollback()
    with pytest.raises(Forbidden):
        services.merge(cast["leader"], c.id, a.id)
    db.session.rollback()
    assert (a.status, c.status) == (Status.NEW, Status.ACCEPTED)


def test_reopening_needs_a_public_reason_and_staff(raise_need, cast, town_place):
    need = raise_need()
    services.assign(cast["league"], need.id, team(town_place))
    services.accept(cast["leader"], need.id)
    services.close(cast["leader"], need.id, "已清理")
    with pytest.raises(Invalid):
        services.reopen(cast["league"], need.id, "  ")
    db.session.rollback()
    with pytest.raises(Forbidden):
        services.reopen(cast["leader"], need.id, "再看看")
    db.session.rollback()
    services.reopen(cast["league"], need.id, "居民反映仍有垃圾")
    last = need.updates[-1]
    assert (need.status, last.text, last.public, last.actor_id) == (
        Status.REOPENED, "居民反映仍有垃圾", True, cast["league"].id,
    )  # fmt: skip


def test_a_low_rating_by_phone_reopens_the_need_and_tells_town_staff(raise_need, cast, town_place):
    need = raise_need()
    services.assign(cast["league"], need.id, team(town_place))
    services.accept(cast["leader"], need.id)
    services.close(cast["leader"], need.id, "已清理")
    services.record_rating(cast["league"], need.id, stars=1, comment="没人来")
    assert need.status == Status.REOPENED
    assert [r.recipient_id for r in outbox(notices.REOPENED.key)] == [cast["league"].id]


def test_the_list_is_scoped_searchable_and_puts_the_oldest_waiting_and_the_overdue_first(raise_need, cast, town_place):
    old, new = raise_need(description="路灯坏了很久"), raise_need(place="北沙桥头")
    late, fine = raise_need(), raise_need()
    for need in (late, fine):
        services.assign(cast["league"], need.id, team(town_place))
    late.deadline = today() - timedelta(days=1)
    db.session.commit()
    assert [n.id for n in services.list_needs(cast["league"], status="dispatch").items] == [old.id, new.id]
    assert [n.id for n in services.list_needs(cast["league"], status="open").items] == [late.id, fine.id]
    assert [n.id for n in services.list_needs(cast["league"], overdue=True).items] == [late.id]
    assert [n.id for n in services.list_needs(cast["league"], q="路灯").items] == [old.id]
    assert [n.id for n in services.list_needs(cast["league"], q="北沙桥").items] == [new.id]
    assert [n.id for n in services.list_needs(cast["league"], q=late.tracking_number.lower()).items] == [late.id]
    team_id = town_place["paired_team"].id
    assert {n.id for n in services.list_needs(cast["league"], assignee=f"team:{team_id}").items} == {late.id, fine.id}
    assert {n.id for n in services.list_needs(cast["league"], assignee=("team", team_id)).items} == {late.id, fine.id}
    assert services.list_needs(cast["league"], assignee="department").items == []
    assert {n.id for n in services.list_needs(cast["leader"]).items} == {late.id, fine.id}
    assert services.list_needs(cast["other_leader"]).items == []
    counts = services.status_counts(cast["league"])
    assert (counts["dispatch"], counts["open"], counts["assigned"], counts["all"]) == (2, 2, 2, 4)
    assert services.list_needs(cast["league"], per_page=1, page=2).items[0].id == fine.id


def test_every_change_is_in_the_history_with_who(raise_need, cast, town_place):
    need = raise_need()
    services.assign(cast["league"], need.id, team(town_place), reason="结对队伍")
    rows = db.session.scalars(sa.select(NeedUpdate).where(NeedUpdate.need_id == need.id).order_by(NeedUpdate.id))
    assert [(u.from_status, u.to_status, u.actor_id, u.text) for u in rows][-1] == (
        "new", "assigned", cast["league"].id, "结对队伍",
    )  # fmt: skip
    assert db.session.get(Need, need.id).assigned_at is not None


def test_every_notice_is_sent_rendered_in_the_readers_language_and_names_no_one(raise_need, cast, town_place):
    cast["leader"].locale, cast["league"].locale = "en", "zh_CN"
    db.session.commit()
    need = raise_need(contact_name="王秀英", contact_phone="13812345678")
    services.assign(cast["league"], need.id, team(town_place))
    notices.due_soon(need)
    notices.overdue(need)
    # The deadline notices are due the mornings around the deadline: send them now, as the dispatch job will then
    # (declining would withdraw them while still unsent).
    db.session.execute(sa.update(Notification).values(next_attempt_at=utcnow(), scheduled_at=utcnow()))
    db.session.commit()
    assert dispatch_due(SystemClock()).failed == 0
    services.decline(cast["leader"], need.id, "人手不够")
    reopened = raise_need()
    services.assign(cast["league"], reopened.id, team(town_place))
    services.accept(cast["leader"], reopened.id)
    services.close(cast["leader"], reopened.id, "已处理")
    services.record_rating(cast["league"], reopened.id, stars=2)
    assert dispatch_due(SystemClock()).failed == 0
    sent = db.session.scalars(sa.select(Notification).where(Notification.status == "sent")).all()
    assert {n.kind for n in sent} == {
        notices.ASSIGNED.key, notices.DUE_SOON.key, notices.OVERDUE.key, notices.DECLINED.key, notices.REOPENED.key,
    }  # fmt: skip
    for notice in sent:
        assert notice.context["tracking_number"] in notice.title + notice.body
        assert f"/needs/{notice.context['need_id']}" in notice.body
        assert "王秀英" not in notice.title + notice.body and "13812345678" not in notice.title + notice.body
    to_leader = next(n for n in sent if n.kind == notices.ASSIGNED.key and n.recipient_id == cast["leader"].id)
    assert "Environment" in to_leader.body and "草场" in to_leader.body  # English, with the category's word
    to_staff = next(n for n in sent if n.kind == notices.OVERDUE.key)
    assert "已超期" in to_staff.title
