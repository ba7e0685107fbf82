"""Handling 接单: only the allowed steps (each refused one changes nothing), every step in the history with who and
why, declining back to dispatch, replies and notes, closing with an outcome, the event a need becomes (linked
both ways, its approved hours counted), and what a reader of a need may see of its raiser and of a household."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from volunteer_app.core.audit import AuditEntry
from volunteer_app.core.errors import Conflict, Forbidden, Invalid, NotFound
from volunteer_app.core.policy import SYSTEM
from volunteer_app.events import hours, signups
from volunteer_app.events import services as events
from volunteer_app.events.models import Event
from volunteer_app.extensions import db
from volunteer_app.needs import notices, services
from volunteer_app.needs.models import Need, NeedUpdate
from volunteer_app.needs.vocabulary import Assignee, Status
from volunteer_app.reminders.models import Notification

NOW = datetime.now(UTC).replace(second=0, microsecond=0)


def at(days: float = 0, hours_: float = 0) -> datetime:
    return NOW + timedelta(days=days, hours=hours_)


@pytest.fixture
def assigned(raise_need, cast, town_place):
    """assigned(**fields) -> a need assigned to the paired team."""

    def make(**fields):
        need = raise_need(**fields)
        services.assign(cast["league"], need.id, services.Assignment(Assignee.TEAM, town_place["paired_team"].id))
        return need

    return make


def snapshot(need_id: int) -> tuple:
    db.session.rollback()
    need = db.session.get(Need, need_id)
    db.session.refresh(need)
    count = db.session.scalar(sa.select(sa.func.count(NeedUpdate.id)).where(NeedUpdate.need_id == need_id))
    return need.status, need.team_id, need.outcome, need.times_closed, need.event_id, count


def test_only_allowed_steps_and_a_refused_one_changes_nothing(assigned, cast):
    need = assigned()
    refused = [
        lambda: services.start(cast["leader"], need.id),  # not accepted yet
        lambda: services.close(cast["leader"], need.id, "做完了"),
    ]
    before = snapshot(need.id)
    for step in refused:
        with pytest.raises(Conflict):
            step()
        assert snapshot(need.id) == before
    services.accept(cast["leader"], need.id)
    before = snapshot(need.id)
    for step in (
        lambda: services.accept(cast["leader"], need.id),
        lambda: services.decline(cast["leader"], need.id, "人手不够"),
    ):
        with pytest.raises(Conflict):
            step()
        assert snapshot(need.id) == before
    services.start(cast["leader"], need.id)
    services.close(cast["leader"], need.id, "已清理完毕")
    before = snapshot(need.id)
    for step in (
        lambda: services.close(cast["leader"], need.id, "再关一次"),
        lambda: services.start(cast["leader"], need.id),
    ):
        with pytest.raises(Conflict):
            step()
        assert snapshot(need.id) == before
    history = [(u.from_status, u.to_status, u.actor_id) for u in db.session.get(Need, need.id).updates]
    assert history[-3:] == [
        ("assigned", "accepted", cast["leader"].id),
        ("accepted", "in_progress", cast["leader"].id),
        ("in_progress", "closed", cast["leader"].id),
    ]


def test_closing_needs_an_outcome_which_is_public_and_counts_a_round(assigned, cast):
    need = assigned()
    services.accept(cast["leader"], need.id)
    with pytest.raises(Invalid) as caught:
        services.close(cast["leader"], need.id, "   ")
    assert "outcome" in caught.value.errors
    db.session.rollback()
    services.close(cast["leader"], need.id, "已清理，并设置了垃圾桶")
    need = db.session.get(Need, need.id)
    assert (need.status, need.outcome, need.times_closed) == (Status.CLOSED, "已清理，并设置了垃圾桶", 1)
    assert need.closed_at is not None and need.updates[-1].public


def test_declining_needs_a_reason_returns_to_dispatch_and_leaves_the_teams_list(assigned, cast):
    need = assigned()
    with pytest.raises(Invalid):
        services.decline(cast["leader"], need.id, "")
    db.session.rollback()
    services.decline(cast["leader"], need.id, "本周人手不够")
    need = db.session.get(Need, need.id)
    assert need.status == Status.DECLINED and need.assignee_kind is None and need.team_id is None
    last = need.updates[-1]
    assert (last.to_status, last.actor_id, last.text) == ("declined", cast["leader"].id, "本周人手不够")
    assert services.list_needs(cast["leader"]).items == []
    with pytest.raises(NotFound):
        services.find_need(cast["leader"], need.id)
    assert need.id in [n.id for n in services.list_needs(cast["league"], status="dispatch").items]
    told = db.session.scalars(sa.select(Notification.recipient_id).where(Notification.kind == notices.DECLINED.key))
    assert set(told) == {cast["league"].id}


def test_replies_are_public_notes_are_not_and_only_the_assignee_or_staff_write_them(assigned, cast):
    need = assigned()
    services.reply(cast["leader"], need.id, "周六上午去清理")
    services.reply(cast["leader"], need.id, "需要借三轮车", public=False)
    kinds = [(u.kind, u.public) for u in db.session.get(Need, need.id).updates[-2:]]
    assert kinds == [("reply", True), ("note", False)]
    with pytest.raises(NotFound):
        services.reply(cast["other_leader"], need.id, "我们也来")
    with pytest.raises(Forbidden):  # the youth group reaches its community's needs, but does not handle this one
        services.reply(cast["group_member"], need.id, "我们也来")
    with pytest.raises(Invalid):
        services.reply(cast["leader"], need.id, " ")


def test_a_need_becomes_its_teams_draft_event_linked_both_ways_and_its_hours_count(assigned, cast, town_place):
    need = assigned(contact_name="王秀英", contact_phone="13812345678", description="河涌边垃圾堆积，王秀英家门口")
    with pytest.raises(Conflict):  # accept first
        services.to_event(cast["leader"], need.id)
    db.session.rollback()
    services.accept(cast["leader"], need.id)
    event = services.to_event(cast["leader"], need.id)
    need = db.session.get(Need, need.id)
    assert need.event_id == event.id and need.status == Status.IN_PROGRESS
    assert (event.status, event.team_id, event.community_id, event.place) == (
        "draft", town_place["paired_team"].id, town_place["草场"].id, "草场村河涌边",
    )  # fmt: skip
    assert event.kind == "cleanup"
    for secret in ("王秀英", "13812345678", need.tracking_number):
        assert secret not in event.title + event.description
    assert "event" in need.updates[-1].text.lower() or "活动" in need.updates[-1].text
    with pytest.raises(Conflict):
        services.to_event(cast["leader"], need.id)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 1
    assert [n.id for n in services.needs_served_by(cast["leader"], event.id)] == [need.id]
    assert services.needs_served_by(cast["other_leader"], event.id) == []

    # The team serves it: a past session, a volunteer present, hours approved through the events' services.
    assert services.hours_toward(need) == 0
    session = events.add_session(
        cast["leader"], event.id, starts_at=at(-2), ends_at=at(-2, 3),
        roles=[{"name": "清理队员", "capacity": 5}], now=at(-10),
    )  # fmt: skip
    events.update_event(
        cast["leader"], event.id, audience="public", signup_opens_at=at(-9), signup_closes_at=at(-3), now=at(-10)
    )
    events.publish(cast["leader"], event.id, now=at(-10))
    signup = signups.sign_up(cast["group_member"], session.roles[0].id, now=at(-5))
    hours.mark_attendance(cast["leader"], session.id, [signup.id], "present", now=at(-2, 3))
    hours.approve_hours(cast["leader"], session.id, now=at(-1))
    assert services.hours_toward(db.session.get(Need, need.id)) == 3.0


def test_only_a_need_assigned_to_a_team_becomes_an_event(raise_need, cast, town_place):
    need = raise_need()
    services.assign(cast["league"], need.id, services.Assignment(Assignee.DEPUTY, town_place["deputy"].id))
    services.accept(cast["deputy"], need.id)
    with pytest.raises(Conflict):
        services.to_event(cast["deputy"], need.id)


def test_the_raisers_contact_only_where_allowed_and_each_look_is_audited(assigned, cast):
    need = assigned(may_contact=False)
    assert services.need_detail(cast["leader"], need.id).contact is None
    staff_view = services.need_detail(cast["league"], need.id)
    assert staff_view.contact.name == "王阿姨"
    looks = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "view_contact")).all()
    assert [(e.actor_id, e.object_type, e.object_id) for e in looks] == [(cast["league"].id, "need", str(need.id))]
    may = assigned(may_contact=True)
    assert services.need_detail(cast["leader"], may.id).contact.phone.startswith("1380000")


def test_a_need_from_a_household_visit_shows_the_team_nothing_of_the_household(need_from_visit, cast):
    need, _household = need_from_visit()
    seen = services.need_detail(cast["leader"], need.id)
    assert seen.household is None and seen.from_visit
    assert services.need_detail(cast["league"], need.id).household is None  # staff are not the social worker
    worker_view = services.need_detail(cast["worker"], need.id)  # the raiser, inside social work's scope
    assert worker_view.household.name == "陈桂兰" and worker_view.household.url_allowed


def test_a_household_shared_on_consent_is_shown_to_the_assignee_only(need_from_visit, cast):
    need, _household = need_from_visit(shared=True)
    seen = services.need_detail(cast["leader"], need.id)
    assert (seen.household.name, seen.household.address, seen.household.url_allowed) == (
        "陈桂兰", "草场村五巷8号", False,
    )  # fmt: skip
    assert services.need_detail(cast["group_member"], need.id).household is None
    assert (
        db.session.scalar(
            sa.select(sa.func.count(AuditEntry.id)).where(
                AuditEntry.object_type == "household", AuditEntry.actor_id == cast["leader"].id
            )
        )
        == 1
    )


def test_staff_handle_any_need_and_the_system_may_too(assigned, cast):
    need = assigned()
    services.accept(cast["league"], need.id)
    services.reply(SYSTEM, need.id, "系统提醒")
    assert db.session.get(Need, need.id).updates[-1].actor_id is None
