"""A referral to a volunteer team becomes the team's draft event: in the household's community, naming the need and
never the household, linked to the referral, told to the team's leaders, once only, and only within scope."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from volunteer_app.accounts.models import User
from volunteer_app.core.audit import AuditEntry
from volunteer_app.core.errors import Conflict, Forbidden, Invalid
from volunteer_app.core.policy import SYSTEM
from volunteer_app.core.time import SystemClock, utcnow
from volunteer_app.events import services as events
from volunteer_app.events.models import Event
from volunteer_app.extensions import db
from volunteer_app.organisations import services as org
from volunteer_app.reminders import services as outbox
from volunteer_app.reminders.models import Notification
from volunteer_app.socialwork import services
from volunteer_app.socialwork.models import HouseholdEvent, Referral
from volunteer_app.socialwork.services import referral_events

MISSING = 987_654
REASON = "独居老人行动不便，需要志愿者每周上门陪伴、打扫卫生"
EN = {"Accept-Language": "en"}


@pytest.fixture
def team(place):
    return org.create_team(SYSTEM, name="里水义工联", kind="town_federation", town_id=place["town"].id)


@pytest.fixture
def leader(team, make_user):
    return make_user("team_leader", f"team:{team.id}", username="duizhang")


@pytest.fixture
def referred(people, open_file, team):
    """A household of the 新兴 point referred to the team for care, with consent to share."""

    def make(community: str = "新兴", worker: str = "worker", reason: str = REASON, **target):
        household = open_file(community, actor=people[worker])
        services.record_consent(people[worker], household.id, purpose="referral", method="signed_paper",
                                member_id=household.members[0].id)  # fmt: skip
        target = target or {"target_kind": "team", "team_id": team.id, "need": "care"}
        referral = services.create_referral(people[worker], household.id, reason=reason, **target)
        return household, referral

    return make


def secrets_of(household) -> list[str]:
    found = [household.address]
    for member in household.members:
        found += [member.name, member.id_number, member.phone]
    return [s for s in found if s]


def event_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Event))


def test_the_referral_becomes_a_draft_event_of_the_team_that_names_no_one(client, people, referred, team, leader,
                                                                          token_for):  # fmt: skip
    household, referral = referred()
    url = f"/api/v1/households/{household.id}/referrals/{referral.id}/event"
    response = client.post(url, headers={**token_for(people["worker"]), **EN})  # the body is optional
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert data["id"] == referral.id and data["status"] == "in_progress" and data["event_id"]

    event = db.session.get(Event, data["event_id"])
    assert (event.status, event.kind, event.team_id, event.community_id) == ("draft", "other", team.id,
                                                                             household.community_id)  # fmt: skip
    assert (event.title, event.description, event.place) == ("Home help: Care", REASON, "")
    assert [t.id for t in event.audience_teams] == [team.id] and event.created_by_id is None
    for secret in secrets_of(household):
        assert secret not in event.title and secret not in event.description

    [notice] = db.session.scalars(sa.select(Notification).where(Notification.kind == "referral_event")).all()
    assert (notice.recipient_id, notice.status, notice.subject_type, notice.subject_id) == (
        leader.id, "pending", "events", str(event.id),
    )  # fmt: skip
    assert notice.context["community"] == "新兴" and notice.context["need"] == "care"
    assert not any(secret in str(notice.context) for secret in secrets_of(household))

    entry = db.session.scalars(
        sa.select(AuditEntry).where(
            AuditEntry.object_type == "referral",
            AuditEntry.object_id == str(referral.id),
            AuditEntry.action == "update",
        )
    ).one()
    assert entry.actor_id == people["worker"].id and entry.detail["event"] == event.id
    history = db.session.scalars(sa.select(HouseholdEvent).where(HouseholdEvent.kind == "referral_event")).one()
    assert history.detail == {"referral": referral.id, "event": event.id}
    listed = client.get(f"/api/v1/households/{household.id}/referrals", headers=token_for(people["worker"]))
    assert listed.get_json()[0]["event_id"] == event.id


def test_the_leaders_notice_is_sent_in_their_language_and_names_no_one(people, referred, leader):
    leader.locale, leader.email = "en", None  # the inbox only
    db.session.commit()
    household, referral = referred()
    event_id = services.event_from_referral(people["worker"], household.id, referral.id).event_id
    report = outbox.dispatch_due(SystemClock())
    assert report.failed == 0
    sent = db.session.scalars(
        sa.select(Notification).where(Notification.kind == "referral_event", Notification.status == "sent")
    ).one()
    assert sent.locale == "en" and sent.recipient_id == leader.id
    assert f"no. {event_id}" in sent.body and "Need: Care" in sent.body and "新兴" in sent.body
    assert not any(secret in sent.title + sent.body for secret in secrets_of(household))


def test_the_team_leader_sees_and_edits_the_draft_and_volunteers_do_not_see_it(people, referred, leader):
    household, referral = referred()
    event_id = services.event_from_referral(people["worker"], household.id, referral.id).event_id
    assert events.get_event(leader, event_id).id == event_id
    assert event_id in [e.id for e in events.list_events(leader).items]
    events.update_event(leader, event_id, title="每周上门陪伴", place="新兴村委会集合")
    starts = utcnow().replace(microsecond=0) + timedelta(days=7)
    session = events.add_session(leader, event_id, starts_at=starts, ends_at=starts + timedelta(hours=2),
                                 roles=[{"name": "陪伴", "capacity": 2}])  # fmt: skip
    assert session.event_id == event_id and db.session.get(Event, event_id).title == "每周上门陪伴"
    for outsider in (people["volunteer"], people["worker"]):
        with pytest.raises(Forbidden):
            events.get_event(outsider, event_id)
        assert event_id not in [e.id for e in events.list_events(outsider).items]


def test_only_an_open_team_referral_without_an_event_converts(client, people, referred, team, leader, token_for):
    headers = token_for(people["worker"])
    household, to_department = referred(target_kind="department", department="区民政局")
    refused = client.post(f"/api/v1/households/{household.id}/referrals/{to_department.id}/event", json={},
                          headers=headers)  # fmt: skip
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "conflict"

    household, referral = referred()
    url = f"/api/v1/households/{household.id}/referrals/{referral.id}/event"
    assert client.post(url, json={}, headers=headers).status_code == 201
    again = client.post(url, json={}, headers=headers)
    assert again.status_code == 409 and event_count() == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 1

    household, closed = referred()
    services.update_referral(people["worker"], household.id, closed.id, status="closed", outcome="家属已安排")
    with pytest.raises(Conflict):
        services.event_from_referral(people["worker"], household.id, closed.id)
    assert event_count() == 1


def test_an_accepted_referral_moves_on_and_one_in_progress_stays(people, referred):
    household, accepted = referred()
    services.update_referral(people["worker"], household.id, accepted.id, status="accepted")
    assert services.event_from_referral(people["worker"], household.id, accepted.id).status == "in_progress"
    household, going = referred()
    services.update_referral(people["worker"], household.id, going.id, status="accepted")
    services.update_referral(people["worker"], household.id, going.id, status="in_progress")
    assert services.event_from_referral(people["worker"], household.id, going.id).status == "in_progress"


def test_text_that_names_the_household_is_refused_and_a_clean_one_accepted(people, referred, team):
    worker = people["worker"]
    household, referral = referred()
    head = household.members[0]
    phone = f"{head.phone[:3]}-{head.phone[3:7]} {head.phone[7:]}"
    for leak in (f"{head.name}需要陪伴", f"联系电话 {phone}", f"到{household.address}打扫"):
        with pytest.raises(Invalid) as error:
            services.event_from_referral(worker, household.id, referral.id, description=leak)
        assert set(error.value.errors) == {"description"}
    with pytest.raises(Invalid) as error:
        services.event_from_referral(worker, household.id, referral.id, title=f"帮助{head.id_number.lower()}")
    assert set(error.value.errors) == {"title"}
    assert event_count() == 0 and db.session.get(Referral, referral.id).event_id is None

    named = services.create_referral(worker, household.id, target_kind="team", team_id=team.id,
                                     reason=f"{head.name}独居，需要陪伴")  # fmt: skip
    with pytest.raises(Invalid) as error:
        services.event_from_referral(worker, household.id, named.id)  # the reason itself names the head
    assert set(error.value.errors) == {"description"}
    converted = services.event_from_referral(worker, household.id, named.id, description="每周上门陪伴一次")
    assert db.session.get(Event, converted.event_id).description == "每周上门陪伴一次"


def test_another_points_worker_and_outsiders_reach_nothing(client, people, referred, token_for):
    household, referral = referred("金溪", worker="other_worker")
    headers = token_for(people["worker"])
    theirs = client.post(f"/api/v1/households/{household.id}/referrals/{referral.id}/event", json={},
                         headers=headers)  # fmt: skip
    missing = client.post(f"/api/v1/households/{MISSING}/referrals/{MISSING}/event", json={}, headers=headers)
    assert theirs.status_code == missing.status_code == 404 and theirs.get_json() == missing.get_json()
    mine, _ = referred()
    wrong_referral = client.post(f"/api/v1/households/{mine.id}/referrals/{referral.id}/event", json={},
                                 headers=headers)  # fmt: skip
    assert wrong_referral.status_code == 404
    url = f"/api/v1/households/{household.id}/referrals/{referral.id}/event"
    assert client.post(url, json={}).status_code == 401
    for who in ("volunteer", "league", "admin"):
        assert client.post(url, json={}, headers=token_for(people[who])).status_code == 403
    assert event_count() == 0
    assert client.post(url, json={}, headers=token_for(people["supervisor"])).status_code == 201


def test_a_closed_file_opens_no_event(people, referred):
    household, referral = referred()
    services.close_household(people["worker"], household.id, reason="迁出本镇")
    with pytest.raises(Invalid):
        services.event_from_referral(people["worker"], household.id, referral.id)
    assert event_count() == 0


def test_a_double_submit_opens_one_event(app, people, referred, monkeypatch):
    """Both requests pass the checks before either links its event; the claim lets exactly one through."""
    household, referral = referred()
    # Plain ids only: the threads must not touch this test's session or its objects.
    worker_id, household_id, referral_id = people["worker"].id, household.id, referral.id
    both_checked = threading.Barrier(2, timeout=10)
    checked = referral_events._require_convertible

    def check_then_wait(item):
        checked(item)
        both_checked.wait()

    monkeypatch.setattr(referral_events, "_require_convertible", check_then_wait)
    outcomes: list[str] = []

    def convert():
        with app.app_context():
            try:
                worker = db.session.get(User, worker_id)
                services.event_from_referral(worker, household_id, referral_id)
                outcomes.append("converted")
            except Conflict:
                outcomes.append("conflict")

    threads = [threading.Thread(target=convert) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["conflict", "converted"]
    db.session.expire_all()
    assert event_count() == 1 and db.session.get(Referral, referral_id).event_id is not None


def test_the_household_page_offers_the_conversion_and_then_the_draft(client, people, referred, login):
    household, referral = referred()
    _, to_department = referred(target_kind="department", department="区民政局")
    login(people["worker"])
    page = client.get(f"/social-work/households/{household.id}?tab=referrals").get_data(as_text=True)
    action = f"/social-work/households/{household.id}/referrals/{referral.id}/event"
    assert f'action="{action}"' in page and 'name="description"' in page
    other = client.get(f"/social-work/households/{to_department.household_id}?tab=referrals").get_data(as_text=True)
    assert "referral-to-event" not in other
    response = client.post(action, data={"description": REASON})
    assert response.status_code == 302
    event_id = db.session.get(Referral, referral.id).event_id
    assert event_id and db.session.get(Event, event_id).description == REASON
    page = client.get(f"/social-work/households/{household.id}?tab=referrals").get_data(as_text=True)
    assert "referral-to-event" not in page and 'class="mt-1 referral-event"' in page
    assert '<option value="in_progress" selected>' in page  # the status form starts from where the referral is
    assert f"/events/{event_id}" not in page  # a draft is its organisers' until published
    events.update_event(SYSTEM, event_id, status="cancelled", cancel_reason="家属已安排")
    page = client.get(f"/social-work/households/{household.id}?tab=referrals").get_data(as_text=True)
    assert f"/events/{event_id}" not in page  # and then the team's own: it is for the members of the team
