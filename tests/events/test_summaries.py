"""The organisers' summary when sign-up closes (issue 6): numbers per role and unfilled places, to the event's
creator and its team's leaders, once per closing time, counted when sign-up closes."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from tests.events.conftest import NOW, at
from tests.reminders.conftest import MovableClock
from volunteer_app.accounts.models import RoleGrant
from volunteer_app.core.policy import SYSTEM
from volunteer_app.events import services, signups, summaries
from volunteer_app.extensions import db
from volunteer_app.reminders import services as outbox
from volunteer_app.reminders.models import Notification as N

H = timedelta(hours=1)


def summaries_sent() -> list[N]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(N).where(N.kind == summaries.SIGNUPS_CLOSED.key, N.channel == "inbox").order_by(N.recipient_id)
        )
    )


def two_role_event(make_event, team, creator):
    return services.create_event(
        creator,
        **{
            "title": "草场村环境整治",
            "kind": "cleanup",
            "place": "草场村文化广场",
            "team_id": team.id,
            "signup_opens_at": at(-1),
            "signup_closes_at": at(2),
            "status": "published",
            "sessions": [
                {
                    "starts_at": at(3),
                    "ends_at": at(3, 3),
                    "roles": [{"name": "清洁队员", "capacity": 3}, {"name": "引导员", "capacity": 1}],
                }
            ],
        },
    )


def test_organisers_get_the_numbers_per_role_when_sign_up_closes(make_event, make_user, team, register):
    creator = make_user("league_staff")
    leader = make_user("team_leader", scope=f"team:{team.id}")
    bystander = make_user("league_staff")
    event = two_role_event(make_event, team, creator)
    cleaners, guides = event.sessions[0].roles
    people = [register() for _ in range(4)]
    signups.sign_up(people[0].user, cleaners.id, now=NOW)
    signups.sign_up(people[1].user, guides.id, now=NOW)
    signups.sign_up(people[2].user, guides.id, now=NOW)  # waitlisted
    signups.sign_up(people[3].user, cleaners.id, now=NOW)

    assert summaries.plan_closing_summaries(at(2) - timedelta(minutes=1)) == 0  # still open
    assert summaries.plan_closing_summaries(at(2) + timedelta(minutes=3)) == 1

    sent = summaries_sent()
    assert [r.recipient_id for r in sent] == sorted([creator.id, leader.id])
    assert bystander.id not in {r.recipient_id for r in sent}
    context = sent[0].context
    keys = ("role_name", "capacity", "confirmed", "waitlisted", "unfilled")
    numbers = [tuple(row[key] for key in keys) for row in context["roles"]]
    assert numbers == [
        ("清洁队员", 3, 2, 0, 1),
        ("引导员", 1, 1, 1, 0),
    ]
    assert (context["total_capacity"], context["total_confirmed"], context["total_unfilled"]) == (4, 3, 1)
    assert {r.scheduled_at for r in sent} == {event.signup_closes_at}
    assert {r.essential for r in sent} == {False}

    # the job runs every few minutes: nothing more for the same closing time
    assert summaries.plan_closing_summaries(at(2) + timedelta(minutes=8)) == 0
    assert len(summaries_sent()) == 2


def test_a_leader_who_stepped_down_or_a_disabled_creator_gets_none(make_event, make_user, team):
    creator = make_user("league_staff")
    leader = make_user("team_leader", scope=f"team:{team.id}")
    event = two_role_event(make_event, team, creator)
    creator.active = False
    db.session.execute(sa.delete(RoleGrant).where(RoleGrant.user_id == leader.id))
    db.session.commit()

    assert summaries.plan_closing_summaries(at(2) + H) == 0
    assert summaries_sent() == []
    assert event.status == "published"


def test_drafts_cancelled_events_and_closings_long_past_are_left_alone(make_event, make_user, team):
    creator = make_user("league_staff")
    draft = two_role_event(make_event, team, creator)
    services.update_event(SYSTEM, draft.id, status="draft")
    cancelled = two_role_event(make_event, team, creator)
    services.cancel_event(SYSTEM, cancelled.id, "暴雨", now=NOW)
    two_role_event(make_event, team, creator)

    assert summaries.plan_closing_summaries(at(2) + summaries.LOOKBACK + H) == 0
    assert summaries.plan_closing_summaries(at(2) + H) == 1


def test_sign_up_closing_later_gives_a_new_summary_and_the_message_reads_in_the_organisers_language(
    make_event, make_user, team, register
):
    creator = make_user("league_staff")
    creator.locale, creator.email = "en", None
    db.session.commit()
    event = two_role_event(make_event, team, creator)
    summaries.plan_closing_summaries(at(2) + H)
    services.update_event(SYSTEM, event.id, signup_closes_at=at(2, 12), now=at(2, 2))
    summaries.plan_closing_summaries(at(2, 13))
    assert [r.scheduled_at for r in summaries_sent()] == [at(2), at(2, 12)]

    report = outbox.dispatch_due(MovableClock(at(2, 13)))
    assert report.sent >= 2 and report.failed == 0
    body = summaries_sent()[-1].body
    assert "0 of 4 places are taken; 4 are unfilled." in body
    assert "清洁队员: 0/3 confirmed, 0 waiting, 3 unfilled" in body
