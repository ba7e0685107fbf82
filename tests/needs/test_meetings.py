"""Deliberation meetings: announced by staff, questions from the public moderated before anyone sees them and
refused once questions close, answers, and commitments that become needs with an owner and a deadline, followed
publicly without anyone's name or phone."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_login import AnonymousUserMixin

from volunteer_app.core.errors import Conflict, Forbidden, Invalid, NotFound
from volunteer_app.core.time import utcnow
from volunteer_app.extensions import db
from volunteer_app.needs import services
from volunteer_app.needs.models import Need
from volunteer_app.needs.vocabulary import Assignee, QuestionStatus, Source, Status


@pytest.fixture
def meeting(town_place, cast):
    return services.create_meeting(
        cast["league"],
        title="草场村环境整治议事会",
        community_id=town_place["草场"].id,
        starts_at=utcnow() + timedelta(days=7),
        place="草场村委会二楼",
        deputy_ids=[town_place["deputy"].id, town_place["other_deputy"].id],
        officials="镇城建办 刘主任",
        livestream_url="https://live.example.cn/caochang",
    )


def test_a_meeting_is_announced_by_staff_with_questions_closing_at_its_start(meeting, town_place, cast):
    assert meeting.questions_close_at == meeting.starts_at
    assert {d.name for d in meeting.deputies} == {"李代表", "陈代表"}
    with pytest.raises(Forbidden):
        services.create_meeting(cast["volunteer"], title="x", starts_at=utcnow())


def test_every_bad_field_of_a_meeting_is_named(cast):
    with pytest.raises(Invalid) as caught:
        services.create_meeting(
            cast["league"],
            title=" ",
            starts_at=None,
            livestream_url="javascript:alert(1)",
            viewer_count=-1,
            deputy_ids=[987654],
            community_id=987654,
        )
    assert set(caught.value.errors) == {
        "title",
        "starts_at",
        "livestream_url",
        "viewer_count",
        "deputy_ids",
        "community_id",
    }


def test_a_pending_question_is_shown_only_to_staff(meeting, cast):
    question = services.submit_question(AnonymousUserMixin(), meeting.id, "河涌什么时候清淤？", "王阿姨", "13800001111")
    assert question.status == QuestionStatus.PENDING
    assert services.public_meeting(cast["volunteer"], meeting.id).questions == []
    assert services.list_questions(cast["volunteer"], meeting.id).total == 0
    assert [q.id for q in services.list_questions(cast["league"], meeting.id).items] == [question.id]
    services.moderate(cast["league"], question.id, publish=True)
    assert [q.id for q in services.public_meeting(cast["volunteer"], meeting.id).questions] == [question.id]
    services.moderate(cast["league"], question.id, publish=False)
    assert services.public_meeting(cast["volunteer"], meeting.id).questions == []


def test_questions_are_refused_after_they_close(meeting, cast):
    after = meeting.questions_close_at + timedelta(minutes=1)
    with pytest.raises(Conflict):
        services.submit_question(cast["volunteer"], meeting.id, "河涌什么时候清淤？", now=after)
    before = meeting.questions_close_at - timedelta(minutes=1)
    assert services.submit_question(cast["volunteer"], meeting.id, "河涌什么时候清淤？", now=before).id


def test_a_question_is_checked(meeting, cast):
    with pytest.raises(Invalid) as caught:
        services.submit_question(cast["volunteer"], meeting.id, "?", "王" * 81, "12345")
    assert set(caught.value.errors) == {"text", "asker_name", "asker_phone"}


def test_only_staff_moderate_and_answer(meeting, cast):
    question = services.submit_question(cast["volunteer"], meeting.id, "河涌什么时候清淤？")
    for who in ("volunteer", "deputy", "leader"):
        with pytest.raises(Forbidden):
            services.moderate(cast[who], question.id, publish=True)
        with pytest.raises(Forbidden):
            services.answer(cast[who], question.id, "下月")
    answered = services.answer(cast["league"], question.id, "下个月由镇城建办安排清淤。")
    assert answered.status == QuestionStatus.ANSWERED and answered.answered_at is not None
    with pytest.raises(Conflict):
        services.moderate(cast["league"], question.id, publish=False)
    other = services.create_meeting(cast["league"], title="另一场", starts_at=utcnow() + timedelta(days=1))
    with pytest.raises(NotFound):
        services.moderate(cast["league"], question.id, publish=True, meeting_id=other.id)


def test_a_commitment_becomes_a_need_with_an_owner_and_a_deadline(meeting, town_place, cast):
    question = services.submit_question(cast["volunteer"], meeting.id, "河涌什么时候清淤？", "王阿姨", "13800001111")
    need = services.commit(
        cast["league"],
        meeting.id,
        question_id=question.id,
        description="一个月内完成草场河涌清淤",
        category="environment",
        assignment=services.Assignment(Assignee.TEAM, town_place["paired_team"].id),
    )
    assert need.source == Source.MEETING and need.meeting_id == meeting.id and need.question_id == question.id
    assert need.status == Status.ASSIGNED and need.team_id == town_place["paired_team"].id
    assert need.deadline is not None and need.community_id == town_place["草场"].id
    assert (need.contact_name, need.contact_phone) == ("王阿姨", "13800001111")


def test_a_commitment_without_a_valid_owner_stores_nothing(meeting, cast):
    with pytest.raises(Invalid):
        services.commit(
            cast["league"],
            meeting.id,
            description="一个月内完成草场河涌清淤",
            category="environment",
            assignment=services.Assignment(Assignee.TEAM, 987654),
        )
    with pytest.raises(Invalid) as caught:
        services.commit(
            cast["league"],
            meeting.id,
            description="短",
            category="weather",
            assignment=services.Assignment(Assignee.DEPARTMENT, department="镇城建办"),
        )
    assert {"description", "category"} <= set(caught.value.errors)
    assert db.session.scalar(sa.select(sa.func.count(Need.id))) == 0
    with pytest.raises(Forbidden):
        services.commit(
            cast["volunteer"],
            meeting.id,
            description="一个月内完成草场河涌清淤",
            category="environment",
            assignment=services.Assignment(Assignee.DEPARTMENT, department="镇城建办"),
        )


def test_the_public_view_follows_each_commitment_to_its_end(meeting, town_place, cast):
    first = services.commit(
        cast["league"],
        meeting.id,
        description="一个月内完成草场河涌清淤",
        category="environment",
        assignment=services.Assignment(Assignee.DEPARTMENT, department="镇城建办"),
    )
    services.commit(
        cast["league"],
        meeting.id,
        description="增设两盏路灯",
        category="infrastructure",
        assignment=services.Assignment(Assignee.DEPUTY, town_place["deputy"].id),
    )
    services.change_status(cast["league"], first, Status.ACCEPTED)
    services.change_status(cast["league"], first, Status.CLOSED, reason="清淤完成", public=True)
    db.session.commit()
    shown = services.public_meeting(cast["volunteer"], meeting.id)
    assert [c.status for c in shown.commitments] == ["closed", "assigned"]
    assert shown.closed == 1 and shown.commitments[0].owner == "镇城建办"
    assert shown.commitments[1].deadline is not None


def test_past_and_upcoming_meetings_are_listed_apart(meeting, cast):
    assert [m.id for m in services.list_meetings(upcoming=True).items] == [meeting.id]
    assert services.list_meetings(upcoming=False).total == 0
    assert services.list_meetings(q="环境").total == 1 and services.list_meetings(q="选举").total == 0
