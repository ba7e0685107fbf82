"""The meetings' pages and API: the public page and API never show a pending question, an asker's name or phone,
or a commitment's raiser contact; questions close with a clear message; the question form is rate-limited per
phone; only staff moderate, answer and commit."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from volunteer_app import create_app
from volunteer_app.core.time import utcnow
from volunteer_app.extensions import db
from volunteer_app.needs import services
from volunteer_app.needs.models import MeetingQuestion, Need, NeedUpdate
from volunteer_app.needs.vocabulary import Assignee, Status

ASKER, ASKER_PHONE = "王秀英", "13800001111"


@pytest.fixture
def meeting(town_place, cast):
    return services.create_meeting(
        cast["league"],
        title="草场村环境整治议事会",
        community_id=town_place["草场"].id,
        starts_at=utcnow() + timedelta(days=7),
        place="草场村委会二楼",
        deputy_ids=[town_place["deputy"].id],
        officials="镇城建办 刘主任",
        livestream_url="https://live.example.cn/caochang",
        viewer_count=321,
    )


@pytest.fixture
def held(meeting, town_place, cast):
    """The meeting with a pending, a published and an answered question, and two commitments (one done)."""
    ask = lambda text: services.submit_question(cast["volunteer"], meeting.id, text, ASKER, ASKER_PHONE)  # noqa: E731
    pending = ask("这个问题还在审核中吗？")
    published = ask("河涌什么时候清淤？")
    answered = ask("村口路灯能不能加装？")
    services.moderate(cast["league"], published.id, publish=True)
    services.answer(cast["league"], answered.id, "镇城建办下月加装两盏。")
    done = services.commit(
        cast["league"],
        meeting.id,
        question_id=answered.id,
        description="下月加装两盏路灯",
        category="infrastructure",
        assignment=services.Assignment(Assignee.TEAM, town_place["paired_team"].id),
    )
    services.change_status(cast["league"], done, Status.ACCEPTED)
    done.updates.append(NeedUpdate(kind="reply", text="灯杆已到货，本周安装", public=True))
    services.change_status(cast["league"], done, Status.CLOSED, reason="已安装")
    services.commit(
        cast["league"],
        meeting.id,
        description="一个月内完成河涌清淤",
        category="environment",
        assignment=services.Assignment(Assignee.DEPARTMENT, department="镇城建办"),
    )
    db.session.commit()
    return {"pending": pending, "published": published, "answered": answered}


def test_the_public_page_shows_what_was_published_and_the_progress(held, meeting, client):
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "草场村委会二楼" in page and "https://live.example.cn/caochang" in page and "李代表" in page
    assert "镇城建办 刘主任" in page and "321" in page
    assert "河涌什么时候清淤？" in page and "镇城建办下月加装两盏。" in page
    assert "这个问题还在审核中吗？" not in page
    assert "下月加装两盏路灯" in page and "灯杆已到货，本周安装" in page
    assert 'max="2" value="1"' in page  # the progress bar: 1 of 2 done
    for private in (ASKER, ASKER_PHONE, "138****1111"):
        assert private not in page
    for need in db.session.scalars(sa.select(Need)):
        assert need.tracking_number not in page


def test_the_public_api_shows_no_pending_question_nor_anyones_contact(held, meeting, client):
    for url in (
        f"/api/v1/meetings/{meeting.id}",
        f"/api/v1/meetings/{meeting.id}/questions",
        f"/api/v1/meetings/{meeting.id}/commitments",
    ):
        response = client.get(url)
        assert response.status_code == 200, response.get_json()
        text = response.get_data(as_text=True)
        assert "这个问题还在审核中吗？" not in text
        for private in (ASKER, ASKER_PHONE, "asker_name", "asker_phone", "tracking_number", "contact"):
            assert private not in text
    shown = client.get(f"/api/v1/meetings/{meeting.id}").get_json()
    assert shown["closed"] == 1 and len(shown["commitments"]) == 2
    assert [q["id"] for q in client.get(f"/api/v1/meetings/{meeting.id}/questions").get_json()["items"]] == [
        held["published"].id,
        held["answered"].id,
    ]


def test_staff_read_every_question_with_the_askers_contact(held, meeting, client, cast, token_for):
    answer = client.get(f"/api/v1/meetings/{meeting.id}/questions", headers=token_for(cast["league"])).get_json()
    assert answer["total"] == 3 and answer["items"][0]["asker_phone"] == ASKER_PHONE
    pending = client.get(
        f"/api/v1/meetings/{meeting.id}/questions?status=pending", headers=token_for(cast["league"])
    ).get_json()
    assert [q["id"] for q in pending["items"]] == [held["pending"].id]


def test_a_question_sent_from_the_page_waits_for_moderation(meeting, client):
    response = client.post(
        f"/meetings/{meeting.id}/ask",
        data={"text": "河涌什么时候清淤？", "asker_name": ASKER, "asker_phone": ASKER_PHONE},
    )
    assert response.status_code == 200
    assert 'id="question-sent"' in response.get_data(as_text=True)
    question = db.session.scalar(sa.select(MeetingQuestion))
    assert question.status == "pending" and question.asker_phone == ASKER_PHONE
    assert "河涌什么时候清淤？" not in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)


def test_questions_after_closing_are_refused_with_a_clear_message(meeting, cast, client):
    services.update_meeting(cast["league"], meeting.id, questions_close_at=utcnow() - timedelta(minutes=1))
    page = client.get(f"/meetings/{meeting.id}/ask").get_data(as_text=True)
    assert 'id="questions-closed"' in page and 'id="ask"' not in page
    client.post(f"/meetings/{meeting.id}/ask", data={"text": "河涌什么时候清淤？"})
    response = client.post(f"/api/v1/meetings/{meeting.id}/questions", json={"text": "河涌什么时候清淤？"})
    assert response.status_code == 409
    assert db.session.scalar(sa.select(sa.func.count(MeetingQuestion.id))) == 0


@pytest.fixture
def limited(app, database_url):
    """The app with rate limits on (the test app has them off), on the same database and instance secrets."""
    limited_app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_url,
        INSTANCE_PATH=app.instance_path,
        RATELIMIT_ENABLED=True,
        NEED_RAISE_RATE_LIMIT="2 per hour",
    )
    yield limited_app.test_client()
    with limited_app.app_context():
        db.engine.dispose()


def test_the_question_form_is_rate_limited_per_phone(meeting, limited):
    body = {"text": "河涌什么时候清淤？", "asker_phone": ASKER_PHONE}
    url = f"/api/v1/meetings/{meeting.id}/questions"
    statuses = [
        limited.post(url, json=body, environ_base={"REMOTE_ADDR": f"10.0.0.{n}"}).status_code for n in range(1, 4)
    ]
    assert statuses == [201, 201, 429]
    # The page shares the count of this phone; another phone from a fresh address is still taken.
    page = limited.post(f"/meetings/{meeting.id}/ask", data=body, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert page.status_code == 429
    other = {"text": "河涌什么时候清淤？", "asker_phone": "13900002222"}
    assert limited.post(url, json=other, environ_base={"REMOTE_ADDR": "10.0.0.8"}).status_code == 201


def test_the_question_form_is_rate_limited_per_address(meeting, limited):
    url = f"/api/v1/meetings/{meeting.id}/questions"
    statuses = [limited.post(url, json={"text": "河涌什么时候清淤？"}).status_code for _ in range(3)]
    assert statuses == [201, 201, 429]


def test_a_volunteer_cannot_moderate_answer_or_commit(held, meeting, cast, login, token_for, client):
    question = held["pending"]
    volunteer = token_for(cast["volunteer"])
    base = f"/api/v1/meetings/{meeting.id}"
    assert (
        client.post(f"{base}/questions/{question.id}/moderate", json={"publish": True}, headers=volunteer).status_code
        == 403
    )
    assert (
        client.post(f"{base}/questions/{question.id}/answer", json={"answer": "x"}, headers=volunteer).status_code
        == 403
    )
    assert client.patch(base, json={"viewer_count": 5}, headers=volunteer).status_code == 403
    pages = login(cast["volunteer"])
    assert pages.get(f"/meetings/{meeting.id}/manage").status_code == 403
    assert (
        pages.post(f"/meetings/{meeting.id}/questions/{question.id}/moderate", data={"publish": "1"}).status_code == 403
    )
    db.session.refresh(question)
    assert question.status == "pending"


def test_staff_moderate_answer_and_commit_through_the_api(meeting, town_place, cast, token_for, client):
    staff = token_for(cast["league"])
    base = f"/api/v1/meetings/{meeting.id}"
    asked = client.post(f"{base}/questions", json={"text": "河涌什么时候清淤？", "asker_phone": ASKER_PHONE})
    assert asked.status_code == 201 and asked.get_json()["status"] == "pending"
    qid = asked.get_json()["id"]
    published = client.post(f"{base}/questions/{qid}/moderate", json={"publish": True}, headers=staff)
    assert published.get_json()["status"] == "published"
    answered = client.post(f"{base}/questions/{qid}/answer", json={"answer": "下月清淤。"}, headers=staff)
    assert answered.get_json()["status"] == "answered"
    committed = client.post(
        f"{base}/commitments",
        json={
            "question_id": qid,
            "description": "一个月内完成河涌清淤",
            "category": "environment",
            "assignee_kind": "team",
            "assignee_id": town_place["paired_team"].id,
        },
        headers=staff,
    )
    assert committed.status_code == 201, committed.get_json()
    assert committed.get_json()["status"] == "assigned" and committed.get_json()["deadline"]
    assert client.get(f"{base}/commitments").get_json()[0]["owner"] == "草场青年志愿服务队"
    patched = client.patch(base, json={"viewer_count": 1200, "minutes": "会议纪要"}, headers=staff)
    assert patched.get_json()["viewer_count"] == 1200
    refused = client.patch(base, json={"livestream_url": "ftp://x.cn/a"}, headers=staff)
    assert refused.status_code == 422 and "livestream_url" in refused.get_json()["errors"]
    created = client.post(
        "/api/v1/meetings", json={"title": "北沙议事会", "starts_at": "2026-12-20T19:30:00"}, headers=staff
    )
    assert created.status_code == 201 and created.get_json()["questions_close_at"] == created.get_json()["starts_at"]
    assert client.get("/api/v1/meetings?when=upcoming").get_json()["total"] >= 1


def test_staff_pages_announce_moderate_and_commit(meeting, town_place, cast, login):
    client = login(cast["league"])
    created = client.post(
        "/meetings/new",
        data={"title": "金溪议事会", "starts_at": "2026-12-20T19:30", "deputy_ids": [str(town_place["deputy"].id)]},
    )
    assert created.status_code == 302, created.get_data(as_text=True)[:3000]
    question = services.submit_question(cast["volunteer"], meeting.id, "河涌什么时候清淤？", ASKER, ASKER_PHONE)
    manage = client.get(f"/meetings/{meeting.id}/manage").get_data(as_text=True)
    assert "河涌什么时候清淤？" in manage and ASKER_PHONE in manage
    client.post(f"/meetings/{meeting.id}/questions/{question.id}/moderate", data={"publish": "1"})
    client.post(f"/meetings/{meeting.id}/questions/{question.id}/answer", data={"answer": "下月清淤。"})
    committed = client.post(
        f"/meetings/{meeting.id}/commitments/new?question_id={question.id}",
        data={
            "description": "一个月内完成河涌清淤",
            "category": "environment",
            "community_id": str(town_place["草场"].id),
            "owner": f"team:{town_place['paired_team'].id}",
        },
    )
    assert committed.status_code == 302, committed.get_data(as_text=True)[:3000]
    need = db.session.scalar(sa.select(Need))
    assert need.question_id == question.id and need.team_id == town_place["paired_team"].id
    public = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "下月清淤。" in public and "一个月内完成河涌清淤" in public


def test_the_list_shows_past_meetings_when_none_is_ahead(cast, client):
    services.create_meeting(cast["league"], title="去年的议事会", starts_at=utcnow() - timedelta(days=30))
    page = client.get("/meetings").get_data(as_text=True)
    assert "去年的议事会" in page
    assert "去年的议事会" not in client.get("/meetings?when=upcoming").get_data(as_text=True)
    assert 'href="/meetings"' in page  # the menu's link, for visitors too


def test_staff_record_the_viewers_and_minutes_and_a_bad_livestream_link_is_refused(meeting, cast, login):
    client = login(cast["league"])
    saved = client.post(f"/meetings/{meeting.id}/manage", data={"viewer_count": "2048", "minutes": "一、河涌清淤"})
    assert saved.status_code == 302
    db.session.refresh(meeting)
    assert (meeting.viewer_count, meeting.minutes) == (2048, "一、河涌清淤")
    assert "一、河涌清淤" in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    refused = client.post(
        f"/meetings/{meeting.id}/edit",
        data={"title": meeting.title, "starts_at": "2026-12-20T19:30", "livestream_url": "javascript:alert(1)"},
    )
    assert refused.status_code == 422 and "http://" in refused.get_data(as_text=True)
    db.session.refresh(meeting)
    assert meeting.livestream_url == "https://live.example.cn/caochang"
