"""Exports of the lists added after the first ones: the needs area's (a board's overdue needs, recorded receptions,
meetings and one meeting's questions), the notices (outbox, inbox), the social-work catalogue and archive, the
registry's places and coverage, one's imports. Each goes through test_exports' checks (no full number, the page's
count and filters, audited) with data of its own, and each page offers its export to whoever may export it only."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
import sqlalchemy as sa
from flask import url_for
from flask_login import AnonymousUserMixin

from tests.events.conftest import at, event_spec
from tests.needs.conftest import cast, raise_need, town_place  # noqa: F401 — fixtures
from tests.reports.test_exports import IDS, check_export, full_numbers, world  # noqa: F401 — world is a fixture
from tests.socialwork.conftest import open_file, people, place  # noqa: F401 — fixtures
from volunteer_app.core.policy import SYSTEM
from volunteer_app.core.time import today, utcnow
from volunteer_app.events import enrolments, hours, signups
from volunteer_app.events import services as ev
from volunteer_app.events.models import Enrolment, Signup
from volunteer_app.extensions import db
from volunteer_app.needs import services as needs
from volunteer_app.needs.models import MeetingQuestion, Need, Reception, ReceptionVisitor
from volunteer_app.needs.vocabulary import Status
from volunteer_app.organisations import services as org
from volunteer_app.reminders.models import Notification
from volunteer_app.reports.models import ImportJob
from volunteer_app.socialwork import services as sw

NEED_IDS = {
    "beisha": lambda w: w["place"]["北沙"].id, "meeting": lambda w: w["meeting"].id,
    "liaison": lambda w: w["place"]["liaison"].id,
}  # fmt: skip
MORE_IDS = {
    **IDS, "session": lambda w: w["role"].session.id, "camp": lambda w: w["camp"].id,
}  # fmt: skip

# name: (the data it needs, then as test_exports.CASES: who, the page's endpoint, its address's ids, its query
# string, a narrower query string)
CASES = {
    "overdue_needs": ("needs_world", "league", "needs.board", {}, {}, {"community_id": "beisha"}),
    "receptions": ("needs_world", "league", "needs.recorded_receptions", {}, {}, {"station_id": "liaison"}),
    "meetings": ("needs_world", "volunteer", "needs.meetings", {}, {}, {"q": "北沙"}),
    "meeting_questions": (
        "needs_world", "league", "needs.manage_meeting", {"meeting_id": "meeting"}, {}, {"status": "published"},
    ),
    "outbox": ("more_world", "admin", "reminders.outbox", {}, {}, {"q": "huangmin"}),
    "inbox": ("more_world", "volunteer0", "reminders.inbox", {}, {}, {"unread": "1"}),
    "welfare_policies": ("more_world", "worker", "socialwork.policies", {}, {}, {"q": "残疾"}),
    "archived_households": ("more_world", "admin", "socialwork.archive", {}, {}, None),
    "towns": ("more_world", "league", "organisations.towns", {}, {}, {"q": "里水"}),
    "service_stations": ("more_world", "league", "organisations.stations", {}, {}, {"q": "里水"}),
    "service_points": ("more_world", "league", "organisations.points", {}, {}, {"q": "金溪"}),
    "coverage": ("more_world", "league", "organisations.coverage", {}, {}, None),
    "imports": ("more_world", "league", "reports.import_list", {}, {}, None),
    "my_signups": ("events_world", "volunteer0", "events.my_signups", {}, {}, {"q": "布新"}),
    "attendance": ("events_world", "league", "events.attendance", {"session_id": "session"}, {}, {"q": "张三"}),
    "hours_corrections": ("events_world", "league", "events.hours_corrections", {}, {}, None),
    "enrolments": (
        "events_world", "league", "events.enrolments_page", {"event_id": "camp"}, {}, {"status": "waitlisted"},
    ),
}  # fmt: skip


@pytest.fixture
def needs_world(town_place, cast, raise_need):  # noqa: F811
    """Overdue needs in two communities, receptions at two stations with visitors, two meetings ahead, questions
    from askers who left their phone."""
    for community in ("草场", "草场", "北沙"):
        need = raise_need(community_id=town_place[community].id)
        need.status, need.deadline = Status.ASSIGNED.value, today() - timedelta(days=2)
    raise_need()  # no deadline: not overdue
    other = org.create_liaison_station(
        SYSTEM, name="北沙人大代表联络站", community_id=town_place["北沙"].id, reception_weekday=3,
        reception_start=time(9), reception_end=time(11), deputies=[{"name": "黄代表", "level": "town"}],
    )  # fmt: skip
    for n, station in enumerate((town_place["liaison"], other, other), start=1):
        reception = Reception(station_id=station.id, day=today() - timedelta(days=7 * n), starts_at=time(9),
                              ends_at=time(11), deputies=list(station.deputies))  # fmt: skip
        reception.visitors.append(ReceptionVisitor(name="陈伯", phone=f"1357777{n:04d}", raised="路灯坏了"))
        db.session.add(reception)
    meeting = needs.create_meeting(
        cast["league"], title="草场村环境整治议事会", community_id=town_place["草场"].id,
        starts_at=utcnow() + timedelta(days=7), place="草场村委会", deputy_ids=[town_place["deputy"].id],
    )  # fmt: skip
    needs.create_meeting(cast["league"], title="北沙议事会", starts_at=utcnow() + timedelta(days=9), place="北沙")
    asked = [
        needs.submit_question(
            AnonymousUserMixin(), meeting.id, f"河涌什么时候清淤？第{n}问", "王阿姨", f"1366666{n:04d}"
        )
        for n in (1, 2)
    ]
    needs.moderate(cast["league"], asked[0].id, True, meeting_id=meeting.id)
    db.session.commit()
    return {"place": town_place, "people": cast, "meeting": meeting}


@pytest.fixture
def more_world(world, open_file):  # noqa: F811
    """test_exports' world, with notices, policies, an archived file, a second town and station, and imports."""
    users, vol = world["people"], world["vols"][0].user
    now = utcnow()
    for n, (recipient, channel, read) in enumerate(
        [(vol, "inbox", None), (vol, "inbox", now), (users["worker"], "email", None)]
    ):  # fmt: skip
        db.session.add(Notification(
            recipient_id=recipient.id, kind="test", subject_id=str(n), scheduled_at=now, next_attempt_at=now,
            channel=channel, status="sent", sent_at=now, read_at=read, title=f"测试通知{n}", body="你好",
        ))  # fmt: skip
    admin = users["admin"]
    sw.create_policy(admin, code="dibao", name="最低生活保障", department="镇民政办", target_flags=["dibao"])
    sw.create_policy(admin, code="canji", name="残疾人两项补贴", department="镇残联", target_flags=["disability"])
    archived = sw.close_household(users["worker"], open_file("新兴").id, reason="迁出本镇", on=today())
    archived.status, archived.archived_at = "archived", now  # as the retention job leaves it
    town = org.create_town(SYSTEM, name="和顺镇", district="南海区")
    org.create_station(SYSTEM, town_id=town.id, name="和顺镇社会工作服务站", community_ids=[])
    for n, kind in enumerate(("volunteers", "households")):
        db.session.add(ImportJob(kind=kind, status="done", filename=f"名单{n}.xlsx", created_by_id=users["league"].id,
                                 total=3, created=3))  # fmt: skip
    db.session.commit()
    return world


@pytest.fixture
def events_world(world):  # noqa: F811
    """test_exports' world, with a second sign-up of the first volunteer, a correction waiting for approval, and a
    summer camp with two children enrolled and one waiting."""
    volunteer = world["vols"][0]
    later = [{"starts_at": at(9), "ends_at": at(9, 2), "roles": [{"name": "陪伴员", "capacity": 2}]}]
    visit = ev.create_event(SYSTEM, **event_spec(title="布新长者探访", kind="forum", sessions=later))
    signups.sign_up(SYSTEM, visit.sessions[0].roles[0].id, volunteer_id=volunteer.id)
    role = world["role"]
    confirmed = db.session.scalar(sa.select(Signup).where(Signup.role_id == role.id, Signup.status == "confirmed"))
    after = role.session.ends_at + timedelta(hours=1)
    hours.correct_hours(SYSTEM, confirmed.id, hours=4, reason="含准备和收尾", now=after)
    camp = ev.create_event(SYSTEM, **event_spec(title="暑期夏令营", kind="summer_camp", beneficiary_capacity=2))
    for n in range(3):
        enrolments.enrol(
            world["people"]["league"], camp.id, child_name=f"小朋友{n}", child_age=9, school="里水中心小学",
            guardian_name=f"家长{n}", guardian_phone=f"1390013{n:04d}", guardian_consent=True,
        )  # fmt: skip
    db.session.commit()
    return {**world, "camp": camp}


def secrets_of() -> set[str]:
    """Every full number in the database, with those of needs' raisers, visitors and meetings' askers."""
    found = full_numbers()
    found |= set(db.session.scalars(sa.select(Need.contact_phone)))
    found |= set(db.session.scalars(sa.select(ReceptionVisitor.phone)))
    found |= set(db.session.scalars(sa.select(MeetingQuestion.asker_phone)))
    found |= set(db.session.scalars(sa.select(Enrolment.guardian_phone)))
    return {number for number in found if number}


@pytest.mark.parametrize("name", sorted(CASES))
def test_an_export_is_masked_filtered_counted_like_its_page_and_audited(name, request, client, login):
    data, *case = CASES[name]
    chosen = request.getfixturevalue(data)
    check_export(client, login, chosen, name, tuple(case), {**MORE_IDS, **NEED_IDS}, secrets_of())


# ------------------------------------------------------------------------------ who is offered the export


def offered(client, login, user, endpoint: str, **args) -> bool:
    client.post("/logout")
    login(user)
    with client.application.test_request_context():
        address = url_for(endpoint, **args)
    response = client.get(address)
    assert response.status_code == 200, address
    return "/reports/exports/" in response.get_data(as_text=True)


def test_the_needs_area_pages_offer_their_exports_to_their_readers(needs_world, client, login):
    cast_, town = needs_world["people"], needs_world["place"]
    assert offered(client, login, cast_["league"], "needs.board")
    # A youth group member reads their community's board, and exports its overdue needs (the community in the link).
    client.post("/logout")
    login(cast_["group_member"])
    html = client.get(f"/needs/board/communities/{town['草场'].id}").get_data(as_text=True)
    assert f"/reports/exports/overdue_needs?format=xlsx&amp;community_id={town['草场'].id}" in html
    assert offered(client, login, cast_["league"], "needs.recorded_receptions")
    assert offered(client, login, cast_["deputy"], "needs.recorded_receptions")
    meeting_id = needs_world["meeting"].id
    assert offered(client, login, cast_["league"], "needs.manage_meeting", meeting_id=meeting_id)
    assert offered(client, login, cast_["volunteer"], "needs.meetings")
    client.post("/logout")  # a visitor reads the public meetings, but exports are signed in (audited)
    assert "/reports/exports/" not in client.get("/meetings").get_data(as_text=True)


def test_a_meetings_questions_export_is_for_staff_only(needs_world, client, login):
    login(needs_world["people"]["volunteer"])
    meeting_id = needs_world["meeting"].id
    assert client.get(f"/reports/exports/meeting_questions?format=csv&meeting_id={meeting_id}").status_code == 403
    assert client.get("/reports/exports/receptions?format=csv").status_code == 403


@pytest.mark.parametrize(
    "name, endpoint, allowed, refused",
    [
        ("outbox", "reminders.outbox", "admin", "league"),
        ("archived_households", "socialwork.archive", "admin", "worker"),
        ("welfare_policies", "socialwork.policies", "worker", "volunteer"),
        ("imports", "reports.import_list", "league", "volunteer"),
    ],
)
def test_an_admins_or_workers_list_is_offered_and_exported_to_them_only(
    name, endpoint, allowed, refused, more_world, client, login
):
    users = more_world["people"]
    assert offered(client, login, users[allowed], endpoint)
    client.post("/logout")
    login(users[refused])
    assert client.get(f"/reports/exports/{name}?format=csv").status_code == 403
    assert "/reports/exports/" not in client.get(url_for_path(client, endpoint)).get_data(as_text=True)


def url_for_path(client, endpoint: str) -> str:
    with client.application.test_request_context():
        return url_for(endpoint)


@pytest.mark.parametrize(
    "endpoint", ["organisations.towns", "organisations.stations", "organisations.points", "organisations.coverage"]
)
def test_the_registrys_places_are_offered_to_anyone_signed_in(endpoint, more_world, client, login):
    assert offered(client, login, more_world["vols"][1].user, endpoint)


def test_ones_own_notices_export_holds_ones_own_only(more_world, client, login):
    assert offered(client, login, more_world["vols"][0].user, "reminders.inbox")
    client.post("/logout")
    login(more_world["vols"][1].user)  # no notice of theirs
    body = client.get("/reports/exports/inbox?format=csv").get_data().decode("utf-8-sig")
    assert body.count("\n") == 1 and "测试通知" not in body


def test_the_events_pages_offer_their_exports(events_world, client, login):
    league, volunteer = events_world["people"]["league"], events_world["vols"][0].user
    session_id, camp_id = events_world["role"].session.id, events_world["camp"].id
    assert offered(client, login, league, "events.attendance", session_id=session_id)
    assert offered(client, login, league, "events.hours_corrections")
    assert offered(client, login, league, "events.enrolments_page", event_id=camp_id)
    assert offered(client, login, volunteer, "events.my_signups")
    assert client.get("/reports/exports/hours_corrections?format=csv").status_code == 403
    assert client.get(f"/reports/exports/attendance?format=csv&session_id={session_id}").status_code == 403
