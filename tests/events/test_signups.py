"""Signing up: confirmed while places last, then the waitlist in order; cancelling promotes; the rules refuse with
a reason; a team leader signs members up; capacity changes move the queue."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from tests.events.conftest import NOW, at
from volunteer_app.core.errors import Forbidden, NotFound
from volunteer_app.core.policy import SYSTEM
from volunteer_app.events import services, signups, team_signups
from volunteer_app.events.models import Signup
from volunteer_app.events.signups import SignupRefused
from volunteer_app.extensions import db
from volunteer_app.organisations import services as org
from volunteer_app.organisations.models import PoliticalStatus
from volunteer_app.reminders.models import Notification


def test_the_first_ones_are_confirmed_and_the_rest_waitlisted_in_order(role, register):
    people = [register() for _ in range(4)]
    results = [signups.sign_up(p.user, role.id, now=NOW) for p in people]
    assert [(s.status, s.waitlist_position) for s in results] == [
        ("confirmed", None),
        ("confirmed", None),
        ("waitlisted", 1),
        ("waitlisted", 2),
    ]


def test_cancelling_a_confirmed_signup_promotes_the_first_waitlisted_and_queues_a_notice(role, register):
    a, b, c, d = (register() for _ in range(4))
    first = signups.sign_up(a.user, role.id, now=NOW)
    signups.sign_up(b.user, role.id, now=NOW)
    third = signups.sign_up(c.user, role.id, now=NOW)
    fourth = signups.sign_up(d.user, role.id, now=NOW)

    promoted = signups.cancel(a.user, first.id, now=at(1))

    assert [s.id for s in promoted] == [third.id]
    db.session.expire_all()
    assert db.session.get(Signup, third.id).status == "confirmed"
    assert db.session.get(Signup, first.id).status == "cancelled"
    assert signups.get_signup(d.user, fourth.id).waitlist_position == 1
    notices = db.session.scalars(
        sa.select(Notification).where(Notification.subject_type == "signup", Notification.subject_id == str(third.id))
    ).all()
    assert {n.kind for n in notices} == {"signup_promoted"}
    assert {n.recipient_id for n in notices} == {c.user.id}


def test_cancelling_a_waitlisted_signup_promotes_nobody(role, register):
    people = [register() for _ in range(3)]
    made = [signups.sign_up(p.user, role.id, now=NOW) for p in people]
    assert signups.cancel(people[2].user, made[2].id, now=NOW) == []


def test_signing_up_again_after_cancelling_goes_to_the_back_of_the_queue(role, register):
    a, b, c = (register() for _ in range(3))
    first = signups.sign_up(a.user, role.id, now=NOW)
    signups.sign_up(b.user, role.id, now=NOW)
    signups.sign_up(c.user, role.id, now=NOW)
    signups.cancel(a.user, first.id, now=NOW)
    again = signups.sign_up(a.user, role.id, now=NOW)
    assert again.id == first.id
    assert (again.status, again.waitlist_position) == ("waitlisted", 1)


@pytest.mark.parametrize(
    ("when", "code"),
    [(at(-2), "signup_not_open"), (at(6.5), "signup_closed")],
)
def test_signups_outside_the_window_are_refused(role, register, when, code):
    with pytest.raises(SignupRefused) as refused:
        signups.sign_up(register().user, role.id, now=when)
    assert refused.value.code == code


def test_a_cancelled_event_refuses_signups(event, role, register):
    services.cancel_event(SYSTEM, event.id, "台风预警")
    with pytest.raises(SignupRefused) as refused:
        signups.sign_up(register().user, role.id, now=NOW)
    assert refused.value.code == "event_cancelled"


def test_signing_up_twice_for_the_same_role_is_refused(role, register):
    person = register()
    signups.sign_up(person.user, role.id, now=NOW)
    with pytest.raises(SignupRefused) as refused:
        signups.sign_up(person.user, role.id, now=NOW)
    assert refused.value.code == "already_signed_up"


def test_two_overlapping_confirmed_places_are_refused(make_event, register):
    person = register()
    one = make_event(title="上午清洁")
    other = make_event(
        title="上午巡逻",
        sessions=[{"starts_at": at(7, 1), "ends_at": at(7, 4), "roles": [{"name": "巡逻", "capacity": 5}]}],
    )
    signups.sign_up(person.user, one.sessions[0].roles[0].id, now=NOW)
    with pytest.raises(SignupRefused) as refused:
        signups.sign_up(person.user, other.sessions[0].roles[0].id, now=NOW)
    assert refused.value.code == "overlapping_place"


def test_a_promotion_skips_someone_who_now_holds_an_overlapping_place(make_event, register):
    a, b, c = (register() for _ in range(3))
    busy = make_event(
        title="同时段活动",
        sessions=[{"starts_at": at(7), "ends_at": at(7, 2), "roles": [{"name": "岗位", "capacity": 5}]}],
    )
    event = make_event(sessions=[{"starts_at": at(7), "ends_at": at(7, 3), "roles": [{"name": "岗位", "capacity": 1}]}])
    role_id = event.sessions[0].roles[0].id
    first = signups.sign_up(a.user, role_id, now=NOW)
    second = signups.sign_up(b.user, role_id, now=NOW)  # waitlisted 1, then takes a place elsewhere at the same time
    third = signups.sign_up(c.user, role_id, now=NOW)  # waitlisted 2
    signups.sign_up(b.user, busy.sessions[0].roles[0].id, now=NOW)
    promoted = signups.cancel(a.user, first.id, now=NOW)
    assert [s.id for s in promoted] == [third.id]
    db.session.expire_all()
    promoted_signup = signups.get_signup(c.user, third.id)
    assert (promoted_signup.status, promoted_signup.waitlist_position) == ("confirmed", None)
    assert promoted_signup.promoted_at is not None
    skipped = signups.get_signup(b.user, second.id)
    assert (skipped.status, skipped.waitlist_position) == ("waitlisted", 1)  # kept first in line, not dropped
    notices = db.session.scalars(sa.select(Notification).where(Notification.kind == "signup_promoted")).all()
    assert {(n.recipient_id, n.subject_id) for n in notices} == {(c.user.id, str(third.id))}


@pytest.mark.parametrize(
    ("requirement", "profile", "message"),
    [
        ({"min_age": 18}, {"id_number_birth": date(2012, 5, 1)}, "18"),
        ({"political_status": "league_member"}, {"political_status": "masses"}, "共青团员"),
        ({"skill": "急救"}, {"skills": ["摄影"]}, "急救"),
    ],
)
def test_a_role_refuses_volunteers_who_lack_its_requirements(make_event, register, requirement, profile, message):
    from tests.events.conftest import make_id_number

    event = make_event(
        sessions=[
            {"starts_at": at(7), "ends_at": at(7, 3), "roles": [{"name": "课堂助教", "capacity": 5, **requirement}]}
        ]
    )
    fields = dict(profile)
    if "id_number_birth" in fields:
        birth = fields.pop("id_number_birth")
        fields.update(
            id_number=make_id_number(birth, 555), guardian={"name": "家长", "phone": "13900000001", "consent": True}
        )
    person = register(**fields)
    with pytest.raises(SignupRefused) as refused:
        signups.sign_up(person.user, event.sessions[0].roles[0].id, now=NOW)
    assert refused.value.code == "requirement_not_met"
    assert message in refused.value.message


def test_an_event_for_named_teams_refuses_others(make_event, register, team):
    event = make_event(audience="teams", audience_team_ids=[team.id])
    member, outsider = register(), register()
    org.add_member(SYSTEM, team.id, volunteer_id=member.id)
    role_id = event.sessions[0].roles[0].id
    assert signups.sign_up(member.user, role_id, now=NOW).status == "confirmed"
    with pytest.raises(NotFound):  # the event is not there for those outside its teams
        signups.sign_up(outsider.user, role_id, now=NOW)


def test_a_team_leader_signs_up_members_of_their_own_team_only(role, register, team, make_user):
    leader = make_user("team_leader", scope=f"team:{team.id}")
    member, stranger = register(), register()
    org.add_member(SYSTEM, team.id, volunteer_id=member.id)
    signup = signups.sign_up(leader, role.id, volunteer_id=member.id, now=NOW)
    assert (signup.volunteer_id, signup.status) == (member.id, "confirmed")
    with pytest.raises(Forbidden):
        signups.sign_up(leader, role.id, volunteer_id=stranger.id, now=NOW)


def test_a_leader_signs_up_300_members_in_one_step_with_a_bounded_number_of_queries(
    make_event, register, team, make_user, query_counter
):
    leader = make_user("team_leader", scope=f"team:{team.id}")
    event = make_event(
        sessions=[{"starts_at": at(7), "ends_at": at(7, 3), "roles": [{"name": "清洁队员", "capacity": 250}]}]
    )
    people = [register(political_status=PoliticalStatus.MASSES) for _ in range(300)]
    for person in people:
        org.add_member(SYSTEM, team.id, volunteer_id=person.id)
    ids = [p.id for p in people]
    db.session.expire_all()
    with query_counter() as statements:
        results = team_signups.bulk_sign_up(leader, event.sessions[0].roles[0].id, ids, now=NOW)
    assert sum(r.status == "confirmed" for r in results) == 250
    waitlisted = [r.waitlist_position for r in results if r.status == "waitlisted"]
    assert waitlisted == list(range(1, 51))
    assert len(statements) < 40, "\n".join(s[:150] for s in statements[:60])


def test_more_places_promote_from_the_waitlist_and_fewer_than_confirmed_are_refused(role, register):
    people = [register() for _ in range(4)]
    for p in people:
        signups.sign_up(p.user, role.id, now=NOW)
    services.update_role(SYSTEM, role.id, capacity=3, now=NOW)
    assert signups.taken_count(role.id) == 3
    from volunteer_app.core.errors import Invalid

    with pytest.raises(Invalid):
        services.update_role(SYSTEM, role.id, capacity=1, now=NOW)
