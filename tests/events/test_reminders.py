"""Event notices (issue 6): reminders before sessions, re-planned when a session moves and cancelled with the event;
immediate notices on sign-up, moves, cancellation and check-out; dispatched in the recipient's language."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from tests.events.conftest import NOW, at
from tests.reminders.conftest import MovableClock
from volunteer_app.core.policy import SYSTEM
from volunteer_app.events import hours, services, signups, team_signups
from volunteer_app.events import notices as reminders
from volunteer_app.extensions import db
from volunteer_app.reminders import services as outbox
from volunteer_app.reminders.models import Notification as N

H = timedelta(hours=1)


def rows(kind: str, *, user=None, status: str | None = None, channel: str = "inbox") -> list[N]:
    query = sa.select(N).where(N.kind == kind, N.channel == channel).order_by(N.scheduled_at, N.id)
    if user is not None:
        query = query.where(N.recipient_id == user.id)
    if status is not None:
        query = query.where(N.status == status)
    db.session.expire_all()
    return list(db.session.scalars(query))


def total() -> int:
    return db.session.scalar(sa.select(sa.func.count(N.id)))


def test_a_confirmed_volunteer_gets_reminders_24_and_2_hours_before_and_a_waitlisted_one_none(role, register):
    a, b, c = (register() for _ in range(3))
    for person in (a, b, c):
        signups.sign_up(person.user, role.id, now=NOW)
    starts = role.session.starts_at

    assert [r.scheduled_at for r in rows(reminders.REMINDER.key, user=a.user)] == [starts - 24 * H, starts - 2 * H]
    assert {r.essential for r in rows(reminders.REMINDER.key)} == {True}
    assert rows(reminders.REMINDER.key, user=c.user) == []
    assert [r.context["role_name"] for r in rows(reminders.SIGNUP_CONFIRMED.key, user=a.user)] == ["清洁队员"]
    waiting = rows(reminders.SIGNUP_WAITLISTED.key, user=c.user)
    assert [(r.context["position"], r.scheduled_at) for r in waiting] == [(1, NOW)]
    assert rows(reminders.SIGNUP_CONFIRMED.key, user=c.user) == []


def test_planning_again_adds_nothing(event, role, register):
    a = register()
    signups.sign_up(a.user, role.id, now=NOW)
    before = total()
    assert before > 0
    reminders.plan_event(event, NOW)
    reminders.plan_session(role.session, at(1))
    db.session.commit()
    assert total() == before


def test_a_session_starting_within_the_hour_gets_the_2_hour_reminder_now_and_no_24_hour_one(make_event, register):
    event = make_event(
        signup_closes_at=at(0, 0.5),
        sessions=[{"starts_at": at(0, 1), "ends_at": at(0, 3), "roles": [{"name": "引导员", "capacity": 5}]}],
    )
    a = register()
    signups.sign_up(a.user, event.sessions[0].roles[0].id, now=NOW)
    planned = rows(reminders.REMINDER.key, user=a.user)
    assert [(r.scheduled_at, r.context["hours_before"]) for r in planned] == [(NOW, "2")]

    # planned again ten minutes later: the volunteer already has it
    before = total()
    reminders.plan_event(event, NOW + timedelta(minutes=10))
    db.session.commit()
    assert total() == before


def test_an_offset_already_past_is_sent_at_once_and_the_later_one_at_its_time(make_event, register):
    event = make_event(
        signup_closes_at=at(0, 12),
        sessions=[{"starts_at": at(0, 20), "ends_at": at(0, 22), "roles": [{"name": "引导员", "capacity": 5}]}],
    )
    a = register()
    signups.sign_up(a.user, event.sessions[0].roles[0].id, now=NOW)
    assert [r.scheduled_at for r in rows(reminders.REMINDER.key, user=a.user)] == [NOW, at(0, 18)]
    before = total()
    reminders.plan_event(event, at(0, 1))
    db.session.commit()
    assert total() == before


def test_publishing_a_draft_and_planning_a_published_event_again_are_harmless(make_event, register):
    event = make_event(status="draft")
    assert services.publish(SYSTEM, event.id, now=NOW).status == "published"
    a = register()
    signups.sign_up(a.user, event.sessions[0].roles[0].id, now=NOW)
    before = total()
    assert reminders.plan_event(event, NOW) == 0  # what publishing calls: nothing new for those already planned
    assert total() == before


def test_a_started_session_gets_no_reminders_and_late_ones_are_dropped(event, role, register):
    a = register()
    signups.sign_up(a.user, role.id, now=NOW)
    assert reminders.plan_session(role.session, role.session.starts_at + H) == 0
    # the dispatcher fell behind: what is still pending when the session starts is dropped
    pending = db.session.scalar(sa.select(sa.func.count(N.id)).where(N.kind == reminders.REMINDER.key))
    assert pending >= 2
    assert reminders.drop_started_reminders(role.session.starts_at + timedelta(minutes=5)) == pending
    assert {r.status for r in rows(reminders.REMINDER.key)} == {"dropped"}


def test_the_offsets_can_differ_by_event_kind(app, make_event, register, monkeypatch):
    monkeypatch.setitem(app.config, "EVENT_REMINDER_OFFSETS_HOURS", {"default": [24, 2], "summer_camp": [48, 2]})
    event = make_event(kind="summer_camp")
    role = event.sessions[0].roles[0]
    a = register()
    signups.sign_up(a.user, role.id, now=NOW)
    starts = role.session.starts_at
    assert [r.scheduled_at for r in rows(reminders.REMINDER.key, user=a.user)] == [starts - 48 * H, starts - 2 * H]


def test_moving_a_session_replans_its_reminders_and_tells_the_volunteers(event, role, register):
    a, b, c = (register() for _ in range(3))
    for person in (a, b, c):
        signups.sign_up(person.user, role.id, now=NOW)
    session = role.session
    old = session.starts_at

    services.update_session(SYSTEM, session.id, starts_at=at(8), ends_at=at(8, 3), now=NOW)

    assert [r.scheduled_at for r in rows(reminders.REMINDER.key, user=a.user, status="cancelled")] == [
        old - 24 * H,
        old - 2 * H,
    ]
    assert [r.scheduled_at for r in rows(reminders.REMINDER.key, user=a.user, status="pending")] == [
        at(8) - 24 * H,
        at(8) - 2 * H,
    ]
    changed = rows(reminders.SESSION_CHANGED.key)
    assert {r.recipient_id for r in changed} == {a.user.id, b.user.id}  # not the waitlisted one
    assert {(r.urgent, r.essential) for r in changed} == {(True, True)}
    assert changed[0].context["old_starts_at"] != changed[0].context["starts_at"]

    # and back again: the cancelled reminders come back rather than clashing with the outbox key
    services.update_session(SYSTEM, session.id, starts_at=old, ends_at=old + 3 * H, now=NOW + H)
    assert [r.scheduled_at for r in rows(reminders.REMINDER.key, user=a.user, status="pending")] == [
        old - 24 * H,
        old - 2 * H,
    ]


def test_cancelling_a_sign_up_cancels_its_reminders_and_the_promoted_one_gets_them(role, register):
    a, b, c = (register() for _ in range(3))
    first = signups.sign_up(a.user, role.id, now=NOW)
    signups.sign_up(b.user, role.id, now=NOW)
    signups.sign_up(c.user, role.id, now=NOW)
    signups.cancel(a.user, first.id, now=NOW + H)
    assert {r.status for r in rows(reminders.REMINDER.key, user=a.user)} == {"cancelled"}
    assert len(rows(reminders.REMINDER.key, user=c.user, status="pending")) == 2


def test_cancelling_the_event_cancels_reminders_and_tells_confirmed_and_waitlisted(event, role, register):
    a, b, c = (register() for _ in range(3))
    for person in (a, b, c):
        signups.sign_up(person.user, role.id, now=NOW)

    services.cancel_event(SYSTEM, event.id, "暴雨预警", now=NOW + H)

    assert {r.status for r in rows(reminders.REMINDER.key)} == {"cancelled"}
    notices = rows(reminders.EVENT_CANCELLED.key)
    assert {r.recipient_id for r in notices} == {a.user.id, b.user.id, c.user.id}
    assert {r.context["reason"] for r in notices} == {"暴雨预警"}
    assert {r.scheduled_at for r in notices} == {NOW + H}
    assert {(r.urgent, r.essential) for r in notices} == {(True, True)}


def test_a_team_sign_up_in_bulk_plans_reminders_for_the_confirmed(role, register):
    people = [register() for _ in range(3)]
    team_signups.bulk_sign_up(SYSTEM, role.id, [p.id for p in people], now=NOW)
    assert len(rows(reminders.REMINDER.key)) == 4  # two confirmed, two reminders each
    assert len(rows(reminders.SIGNUP_CONFIRMED.key)) == 2
    assert [r.context["position"] for r in rows(reminders.SIGNUP_WAITLISTED.key)] == [1]


def test_a_check_out_tells_the_volunteer_the_hours(event, role, register):
    a = register()
    signup = signups.sign_up(a.user, role.id, now=NOW)
    session = role.session
    hours.mark_attendance(SYSTEM, session.id, [signup.id], "present", now=session.ends_at)
    assert [r.context["hours"] for r in rows(reminders.CHECKED_OUT.key, user=a.user)] == ["3.0"]
    assert rows(reminders.CHECKED_OUT.key)[0].essential is False
    hours.mark_attendance(SYSTEM, session.id, [signup.id], "present", now=session.ends_at + H)  # nothing new
    assert len(rows(reminders.CHECKED_OUT.key, user=a.user)) == 1


def test_dispatched_reminders_are_in_the_recipients_language(event, role, register):
    a, b = register(), register()
    for person, locale in ((a, "en"), (b, "zh_CN")):
        person.user.locale, person.user.email = locale, None  # the inbox only
    db.session.commit()
    signups.sign_up(a.user, role.id, now=NOW)
    signups.sign_up(b.user, role.id, now=NOW)

    clock = MovableClock(role.session.starts_at - 2 * H + timedelta(minutes=1))
    report = outbox.dispatch_due(clock)
    assert report.failed == 0 and report.retried == 0

    english = rows(reminders.REMINDER.key, user=a.user, status="sent")
    chinese = rows(reminders.REMINDER.key, user=b.user, status="sent")
    assert len(english) == len(chinese) == 2
    assert {r.locale for r in english} == {"en"}
    assert english[0].body.startswith("Hello ") and "草场人居环境整治" in english[0].body
    assert "草场人居环境整治" in english[0].title
    assert chinese[0].body.startswith(f"{b.user.display_name}，您好")


def test_renaming_an_event_or_moving_it_elsewhere_refreshes_the_reminders_still_to_go(event, role, register):
    a, b = register(), register()
    signups.sign_up(a.user, role.id, now=NOW)
    signups.sign_up(b.user, role.id, now=NOW)

    services.update_event(SYSTEM, event.id, title="草场村春季大扫除", now=NOW + H)
    pending = rows(reminders.REMINDER.key, status="pending")
    assert len(pending) == 4
    assert {r.context["event_title"] for r in pending} == {"草场村春季大扫除"}
    assert rows(reminders.SESSION_CHANGED.key) == []  # a new title alone is no reason to write to everyone

    services.update_event(SYSTEM, event.id, place="草场村村委会二楼", now=NOW + 2 * H)
    assert {r.context["place"] for r in rows(reminders.REMINDER.key, status="pending")} == {"草场村村委会二楼"}
    moved = rows(reminders.SESSION_CHANGED.key)
    assert {r.recipient_id for r in moved} == {a.user.id, b.user.id}  # once each
    assert {(r.context["old_place"], r.context["place"]) for r in moved} == {("草场村文化广场", "草场村村委会二楼")}
    assert {r.context["role_name"] for r in moved} == {"清洁队员"}


def test_renaming_a_session_or_a_role_refreshes_only_the_reminders_concerned(make_event, register):
    event = make_event(
        sessions=[
            {
                "starts_at": at(7), "ends_at": at(7, 3), "title": "上午",
                "roles": [{"name": "清洁队员", "capacity": 2}, {"name": "引导员", "capacity": 2}],
            }
        ]
    )
    cleaner_role, guide_role = event.sessions[0].roles
    cleaner, guide = register(), register()
    signups.sign_up(cleaner.user, cleaner_role.id, now=NOW)
    signups.sign_up(guide.user, guide_role.id, now=NOW)

    services.update_role(SYSTEM, guide_role.id, name="秩序引导员", now=NOW)
    services.update_session(SYSTEM, event.sessions[0].id, title="上午场", now=NOW)

    assert {r.context["role_name"] for r in rows(reminders.REMINDER.key, user=guide.user)} == {"秩序引导员"}
    assert {r.context["role_name"] for r in rows(reminders.REMINDER.key, user=cleaner.user)} == {"清洁队员"}
    assert {r.context["session_title"] for r in rows(reminders.REMINDER.key)} == {"上午场"}


def test_a_sent_reminder_keeps_the_words_it_went_out_with(event, role, register):
    a = register()
    a.user.email = None
    db.session.commit()
    signups.sign_up(a.user, role.id, now=NOW)
    outbox.dispatch_due(MovableClock(role.session.starts_at - 24 * H + timedelta(minutes=1)))

    services.update_event(SYSTEM, event.id, title="改名后的活动", now=NOW + H)

    sent, pending = rows(reminders.REMINDER.key, status="sent"), rows(reminders.REMINDER.key, status="pending")
    assert [r.context["event_title"] for r in sent] == ["草场人居环境整治"]
    assert [r.context["event_title"] for r in pending] == ["改名后的活动"]
